// Package invite invites candidates: publishing an interview invites
// everyone in its ATS stage, and a watchdog keeps inviting people who
// enter the stage later. It also expires invitations and queues reminders.
//
// The watchdog keeps inviting people who enter an interview's stage. Every
// active interview has a gocron job; each tick refreshes the connection's
// applications from the ATS and consumes the stage events that sync and
// webhooks recorded since the last tick. Webhook stage changes do not wait
// for the tick: the webhook handler consumes them at once. Invitations are
// exactly-once by the (interview, application) UNIQUE constraint, so the
// tick, the webhook and a publish can race freely.
package invite

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/uuid"
	"github.com/hireloop/hireloop/app/queue"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/app/syncer"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// Syncer fetches what changed in the ATS before a tick looks at the stage;
// the sync engine is one.
type Syncer interface {
	Run(ctx context.Context, c *store.Connection, req syncer.Request) error
}

// Deps are what the watchdog needs.
type Deps struct {
	Store     *store.Store
	Log       *slog.Logger
	Box       *secret.Box // seals invitation tokens
	Scheduler gocron.Scheduler
	Sync      Syncer
	// WakeMail tells the email outbox that invitations were queued.
	WakeMail func()
	// Ctx lives as long as the app: ticks run under it.
	Ctx context.Context
}

// Watchdog publishes interviews and keeps inviting; one per process.
type Watchdog struct {
	d     Deps
	wg    sync.WaitGroup
	mu    sync.Mutex
	jobs  map[int64]uuid.UUID
	locks map[int64]*sync.Mutex // per interview: one consumer at a time in this process
}

// New builds the watchdog.
func New(d Deps) *Watchdog {
	return &Watchdog{d: d, jobs: map[int64]uuid.UUID{}, locks: map[int64]*sync.Mutex{}}
}

// Wait blocks until background ticks have ended.
func (w *Watchdog) Wait() { w.wg.Wait() }

func (w *Watchdog) lock(id int64) func() {
	w.mu.Lock()
	l, ok := w.locks[id]
	if !ok {
		l = &sync.Mutex{}
		w.locks[id] = l
	}
	w.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// newInvitations turns stage candidates into invitations with fresh
// tokens (256 random bits; only the hash is looked up).
func (w *Watchdog) newInvitations(cands []store.StageCandidate) ([]store.NewInvitation, error) {
	out := make([]store.NewInvitation, 0, len(cands))
	for _, c := range cands {
		if c.Email == "" || c.Invited {
			continue
		}
		tok := secret.Token(32)
		sealed, err := w.d.Box.Seal(secret.PurposeInvitationToken, []byte(tok))
		if err != nil {
			return nil, err
		}
		out = append(out, store.NewInvitation{StageCandidate: c, TokenHash: secret.Hash(tok), SealedToken: sealed})
	}
	return out, nil
}

// Publish starts the interview and invites everyone in its stage. It marks
// the publish pending first, so if the process dies midway the watchdog
// finishes it after the restart; inviting again is harmless.
func (w *Watchdog) Publish(ctx context.Context, iv *store.Interview) (int, error) {
	cursor, err := w.d.Store.MaxStageEventID(ctx, *iv.ConnectionID)
	if err != nil {
		return 0, err
	}
	if err := w.d.Store.StartPublish(ctx, iv.WorkspaceID, iv.ID, cursor); err != nil {
		return 0, err
	}
	iv.Status = "active"
	w.Schedule(iv)
	n, err := w.inviteStage(ctx, iv, "publish")
	if err != nil {
		return n, err
	}
	w.d.Log.Info("Interview published", slog.Int64("interview_id", iv.ID), slog.Int("invited", n))
	w.record(iv, fmt.Sprintf("published: %d invited", n))
	return n, nil
}

// inviteStage invites everyone currently in the stage, in batches, then
// clears the pending-publish mark.
func (w *Watchdog) inviteStage(ctx context.Context, iv *store.Interview, source string) (int, error) {
	defer w.lock(iv.ID)()
	cands, err := w.d.Store.StageCandidates(ctx, iv.WorkspaceID, iv.ID, *iv.ConnectionID, iv.JobExtID, iv.StageExtID)
	if err != nil {
		return 0, err
	}
	total := 0
	const batchSize = 500
	for start := 0; start < len(cands); start += batchSize {
		invs, err := w.newInvitations(cands[start:min(start+batchSize, len(cands))])
		if err != nil {
			return total, err
		}
		n, err := w.d.Store.CreateInvitations(ctx, iv, source, invs)
		total += n
		if err != nil {
			return total, err
		}
		if n > 0 {
			w.d.WakeMail()
		}
	}
	if err := w.d.Store.FinishPublish(ctx, iv.ID); err != nil {
		return total, err
	}
	return total, nil
}

// Consume invites the applications that entered the interview's stage
// according to stage events after its cursor. It returns how many events
// it looked at and how many invitations it created. With nothing new it
// costs two indexed queries, so a pass over many interviews stays cheap.
func (w *Watchdog) Consume(ctx context.Context, iv *store.Interview) (seen, invited int, err error) {
	defer w.lock(iv.ID)()
	st, err := w.d.Store.InterviewWatchState(ctx, iv.ID) // the cursor may have moved
	if err != nil {
		return 0, 0, err
	}
	if st.Status != "active" || st.ConnectionID == 0 {
		return 0, 0, nil
	}
	cursor := st.EventCursor
	var full *store.Interview
	for {
		evs, err := w.d.Store.StageEventsInto(ctx, st.ConnectionID, st.JobExtID, st.StageExtID, cursor, 1000)
		if err != nil {
			return seen, invited, err
		}
		if len(evs) == 0 {
			break
		}
		if full == nil {
			if full, err = w.d.Store.InterviewByID(ctx, iv.ID); err != nil {
				return seen, invited, err
			}
		}
		bySource := map[string][]store.StageCandidate{}
		for _, e := range evs {
			cursor = e.ID
			seen++
			// Only if they are still there: a pass-through is no invitation.
			c, err := w.d.Store.InStage(ctx, st.ConnectionID, e.ApplicationExtID, st.JobExtID, st.StageExtID)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return seen, invited, err
			}
			src := "watchdog"
			if e.Source == "webhook" {
				src = "webhook"
			}
			bySource[src] = append(bySource[src], *c)
		}
		for src, cands := range bySource {
			invs, err := w.newInvitations(cands)
			if err != nil {
				return seen, invited, err
			}
			n, err := w.d.Store.CreateInvitations(ctx, full, src, invs)
			invited += n
			if err != nil {
				return seen, invited, err
			}
		}
		if err := w.d.Store.AdvanceCursor(ctx, iv.ID, cursor); err != nil {
			return seen, invited, err
		}
	}
	if invited > 0 {
		w.d.WakeMail()
	}
	return seen, invited, nil
}

// ConsumeConnection runs consume for every active interview fed by a
// connection; the webhook handler and finished syncs call it.
func (w *Watchdog) ConsumeConnection(ctx context.Context, connectionID int64) {
	ivs, err := w.d.Store.ActiveInterviews(ctx)
	if err != nil {
		w.d.Log.Error("Unable to list active interviews", slog.Any("error", err))
		return
	}
	for i := range ivs {
		iv := &ivs[i]
		if iv.ConnectionID == nil || *iv.ConnectionID != connectionID {
			continue
		}
		if _, n, err := w.Consume(ctx, iv); err != nil {
			w.d.Log.Error("Watchdog failed to consume stage events", slog.Int64("interview_id", iv.ID), slog.Any("error", err))
		} else if n > 0 {
			w.d.Log.Info("Invited candidates who entered the stage", slog.Int64("interview_id", iv.ID), slog.Int("invited", n))
		}
	}
}

// Tick is one watchdog pass for an interview.
func (w *Watchdog) Tick(id int64) {
	ctx := w.d.Ctx
	iv, err := w.d.Store.InterviewByID(ctx, id)
	if err != nil || iv.Status != "active" || iv.ConnectionID == nil {
		return
	}
	result := ""
	if iv.PublishPending {
		n, err := w.inviteStage(ctx, iv, "publish")
		if err != nil {
			w.record(iv, "publish could not finish: "+err.Error())
			return
		}
		result = fmt.Sprintf("finished publishing (%d invited); ", n)
	}
	// Fetch what changed in the ATS (one small request when nothing did).
	conn, err := w.d.Store.ConnectionByID(ctx, *iv.ConnectionID)
	fetch := "fetched changes"
	if err == nil && !conn.Paused {
		req := syncer.Request{Trigger: "watchdog", Models: []ats.Model{ats.ModelApplications, ats.ModelCandidates}}
		switch err := w.d.Sync.Run(ctx, conn, req); {
		case errors.Is(err, store.ErrSyncRunning):
			fetch = "a sync was running; used its results"
		case err != nil:
			fetch = "fetch failed: " + err.Error()
		}
	}
	seen, invited, err := w.Consume(ctx, iv)
	if err != nil {
		w.record(iv, result+fetch+"; error: "+err.Error())
		return
	}
	w.record(iv, fmt.Sprintf("%s%s; %d stage change%s, %d invited", result, fetch, seen, plural(seen), invited))
}

func (w *Watchdog) record(iv *store.Interview, result string) {
	if err := w.d.Store.RecordTick(w.d.Ctx, iv.ID, result); err != nil {
		w.d.Log.Warn("Unable to record watchdog tick", slog.Int64("interview_id", iv.ID), slog.Any("error", err))
	}
}

// Schedule (re)creates an interview's watchdog job.
func (w *Watchdog) Schedule(iv *store.Interview) {
	w.Unschedule(iv.ID)
	if iv.Status != "active" {
		return
	}
	id := iv.ID
	j, err := w.d.Scheduler.NewJob(gocron.DurationJob(time.Duration(iv.WatchInterval)*time.Second), gocron.NewTask(func() { w.Tick(id) }),
		gocron.WithName("watchdog-interview-"+strconv.FormatInt(id, 10)), gocron.WithSingletonMode(gocron.LimitModeReschedule))
	if err != nil {
		w.d.Log.Error("Unable to schedule watchdog", slog.Int64("interview_id", id), slog.Any("error", err))
		return
	}
	w.mu.Lock()
	w.jobs[id] = j.ID()
	w.mu.Unlock()
}

// Unschedule stops an interview's watchdog.
func (w *Watchdog) Unschedule(id int64) {
	w.mu.Lock()
	j, ok := w.jobs[id]
	delete(w.jobs, id)
	w.mu.Unlock()
	if ok {
		_ = w.d.Scheduler.RemoveJob(j)
	}
}

// TickSoon runs a tick now, in the background (resume).
func (w *Watchdog) TickSoon(id int64) {
	queue.Go(&w.wg, func() { w.Tick(id) })
}

// Status is what the console shows about a watchdog.
type Status struct {
	Scheduled  bool       `json:"scheduled"`
	LastTickAt *time.Time `json:"last_tick_at"`
	LastResult string     `json:"last_result"`
	NextTickAt *time.Time `json:"next_tick_at"`
}

// Status describes an interview's watchdog.
func (w *Watchdog) Status(iv *store.Interview) Status {
	st := Status{LastTickAt: iv.LastTickAt, LastResult: iv.LastTickResult}
	w.mu.Lock()
	id, ok := w.jobs[iv.ID]
	w.mu.Unlock()
	if !ok {
		return st
	}
	st.Scheduled = true
	for _, j := range w.d.Scheduler.Jobs() {
		if j.ID() == id {
			if t, err := j.NextRun(); err == nil && !t.IsZero() {
				st.NextTickAt = &t
			}
		}
	}
	return st
}

// Restore schedules every active interview at start-up; publishes that a
// crash interrupted are finished by their first tick, which runs at once.
func (w *Watchdog) Restore(ctx context.Context) error {
	ivs, err := w.d.Store.ActiveInterviews(ctx)
	if err != nil {
		return err
	}
	for i := range ivs {
		w.Schedule(&ivs[i])
	}
	return nil
}

// ResumePending finishes interrupted publishes; the app calls it when it starts serving.
func (w *Watchdog) ResumePending(ctx context.Context) {
	ivs, err := w.d.Store.ActiveInterviews(ctx)
	if err != nil {
		return
	}
	for i := range ivs {
		if ivs[i].PublishPending {
			w.d.Log.Info("Resuming an interrupted publish", slog.Int64("interview_id", ivs[i].ID))
			w.TickSoon(ivs[i].ID)
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// RegisterJobs adds the minute job that expires invitations past their
// deadline and queues due reminders.
func (w *Watchdog) RegisterJobs() error {
	_, err := w.d.Scheduler.NewJob(gocron.DurationJob(time.Minute), gocron.NewTask(w.deadlines),
		gocron.WithName("invitation-deadlines"), gocron.WithSingletonMode(gocron.LimitModeReschedule))
	return err
}

func (w *Watchdog) deadlines(ctx context.Context) {
	if n, err := w.d.Store.ExpireInvitations(ctx); err != nil {
		w.d.Log.Error("Unable to expire invitations", slog.Any("error", err))
	} else if n > 0 {
		w.d.Log.Info("Invitations expired", slog.Int64("count", n))
	}
	if n, err := w.d.Store.DueReminders(ctx); err != nil {
		w.d.Log.Error("Unable to queue reminders", slog.Any("error", err))
	} else if n > 0 {
		w.d.Log.Info("Reminders queued", slog.Int64("count", n))
		w.d.WakeMail()
	}
}
