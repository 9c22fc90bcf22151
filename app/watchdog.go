package app

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
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// The watchdog keeps inviting people who enter an interview's stage. Every
// active interview has a gocron job; each tick refreshes the connection's
// applications from the ATS and consumes the stage events that sync and
// webhooks recorded since the last tick. Webhook stage changes do not wait
// for the tick: the webhook handler consumes them at once. Invitations are
// exactly-once by the (interview, application) UNIQUE constraint, so the
// tick, the webhook and a publish can race freely.

const purposeInvitationToken = "invitation-token"

type watchdog struct {
	a     *App
	mu    sync.Mutex
	jobs  map[int64]uuid.UUID
	locks map[int64]*sync.Mutex // per interview: one consumer at a time in this process
}

func newWatchdog(a *App) *watchdog {
	return &watchdog{a: a, jobs: map[int64]uuid.UUID{}, locks: map[int64]*sync.Mutex{}}
}

func (w *watchdog) lock(id int64) func() {
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
func (w *watchdog) newInvitations(cands []store.StageCandidate) ([]store.NewInvitation, error) {
	out := make([]store.NewInvitation, 0, len(cands))
	for _, c := range cands {
		if c.Email == "" || c.Invited {
			continue
		}
		tok := randomToken(32)
		sealed, err := w.a.seal(purposeInvitationToken, []byte(tok))
		if err != nil {
			return nil, err
		}
		out = append(out, store.NewInvitation{StageCandidate: c, TokenHash: sha(tok), SealedToken: sealed})
	}
	return out, nil
}

// publish starts the interview and invites everyone in its stage. It marks
// the publish pending first, so if the process dies midway the watchdog
// finishes it after the restart; inviting again is harmless.
func (w *watchdog) publish(ctx context.Context, iv *store.Interview) (int, error) {
	cursor, err := w.a.store.MaxStageEventID(ctx, *iv.ConnectionID)
	if err != nil {
		return 0, err
	}
	if err := w.a.store.StartPublish(ctx, iv.WorkspaceID, iv.ID, cursor); err != nil {
		return 0, err
	}
	iv.Status = "active"
	w.schedule(iv)
	n, err := w.inviteStage(ctx, iv, "publish")
	if err != nil {
		return n, err
	}
	w.a.log.Info("Interview published", slog.Int64("interview_id", iv.ID), slog.Int("invited", n))
	w.record(iv, fmt.Sprintf("published: %d invited", n))
	return n, nil
}

// inviteStage invites everyone currently in the stage, in batches, then
// clears the pending-publish mark.
func (w *watchdog) inviteStage(ctx context.Context, iv *store.Interview, source string) (int, error) {
	defer w.lock(iv.ID)()
	cands, err := w.a.store.StageCandidates(ctx, iv.WorkspaceID, iv.ID, *iv.ConnectionID, iv.JobExtID, iv.StageExtID)
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
		n, err := w.a.store.CreateInvitations(ctx, iv, source, invs)
		total += n
		if err != nil {
			return total, err
		}
		if n > 0 {
			w.a.outbox.wake()
		}
	}
	if err := w.a.store.FinishPublish(ctx, iv.ID); err != nil {
		return total, err
	}
	return total, nil
}

// consume invites the applications that entered the interview's stage
// according to stage events after its cursor. It returns how many events
// it looked at and how many invitations it created. With nothing new it
// costs two indexed queries, so a pass over many interviews stays cheap.
func (w *watchdog) consume(ctx context.Context, iv *store.Interview) (seen, invited int, err error) {
	defer w.lock(iv.ID)()
	st, err := w.a.store.InterviewWatchState(ctx, iv.ID) // the cursor may have moved
	if err != nil {
		return 0, 0, err
	}
	if st.Status != "active" || st.ConnectionID == 0 {
		return 0, 0, nil
	}
	cursor := st.EventCursor
	var full *store.Interview
	for {
		evs, err := w.a.store.StageEventsInto(ctx, st.ConnectionID, st.JobExtID, st.StageExtID, cursor, 1000)
		if err != nil {
			return seen, invited, err
		}
		if len(evs) == 0 {
			break
		}
		if full == nil {
			if full, err = w.a.store.InterviewByID(ctx, iv.ID); err != nil {
				return seen, invited, err
			}
		}
		bySource := map[string][]store.StageCandidate{}
		for _, e := range evs {
			cursor = e.ID
			seen++
			// Only if they are still there: a pass-through is no invitation.
			c, err := w.a.store.InStage(ctx, st.ConnectionID, e.ApplicationExtID, st.JobExtID, st.StageExtID)
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
			n, err := w.a.store.CreateInvitations(ctx, full, src, invs)
			invited += n
			if err != nil {
				return seen, invited, err
			}
		}
		if err := w.a.store.AdvanceCursor(ctx, iv.ID, cursor); err != nil {
			return seen, invited, err
		}
	}
	if invited > 0 {
		w.a.outbox.wake()
	}
	return seen, invited, nil
}

// consumeConnection runs consume for every active interview fed by a
// connection; the webhook handler and finished syncs call it.
func (w *watchdog) consumeConnection(ctx context.Context, connectionID int64) {
	ivs, err := w.a.store.ActiveInterviews(ctx)
	if err != nil {
		w.a.log.Error("Unable to list active interviews", slog.Any("error", err))
		return
	}
	for i := range ivs {
		iv := &ivs[i]
		if iv.ConnectionID == nil || *iv.ConnectionID != connectionID {
			continue
		}
		if _, n, err := w.consume(ctx, iv); err != nil {
			w.a.log.Error("Watchdog failed to consume stage events", slog.Int64("interview_id", iv.ID), slog.Any("error", err))
		} else if n > 0 {
			w.a.log.Info("Invited candidates who entered the stage", slog.Int64("interview_id", iv.ID), slog.Int("invited", n))
		}
	}
}

// tick is one watchdog pass for an interview.
func (w *watchdog) tick(id int64) {
	ctx := w.a.baseCtx
	iv, err := w.a.store.InterviewByID(ctx, id)
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
	conn, err := w.a.store.ConnectionByID(ctx, *iv.ConnectionID)
	fetch := "fetched changes"
	if err == nil && !conn.Paused {
		req := SyncRequest{Trigger: "watchdog", Models: []ats.Model{ats.ModelApplications, ats.ModelCandidates}}
		run, err := w.a.StartSync(ctx, conn, req)
		switch {
		case errors.Is(err, store.ErrSyncRunning):
			fetch = "a sync was running; used its results"
		case err != nil:
			fetch = "fetch failed: " + err.Error()
		default:
			if err := w.a.ExecuteSync(ctx, conn, run, req); err != nil {
				fetch = "fetch failed: " + err.Error()
			}
		}
	}
	seen, invited, err := w.consume(ctx, iv)
	if err != nil {
		w.record(iv, result+fetch+"; error: "+err.Error())
		return
	}
	w.record(iv, fmt.Sprintf("%s%s; %d stage change%s, %d invited", result, fetch, seen, plural(seen), invited))
}

func (w *watchdog) record(iv *store.Interview, result string) {
	if err := w.a.store.RecordTick(w.a.baseCtx, iv.ID, result); err != nil {
		w.a.log.Warn("Unable to record watchdog tick", slog.Int64("interview_id", iv.ID), slog.Any("error", err))
	}
}

// schedule (re)creates an interview's watchdog job.
func (w *watchdog) schedule(iv *store.Interview) {
	w.unschedule(iv.ID)
	if iv.Status != "active" {
		return
	}
	id := iv.ID
	j, err := w.a.sched.NewJob(gocron.DurationJob(time.Duration(iv.WatchInterval)*time.Second), gocron.NewTask(func() { w.tick(id) }),
		gocron.WithName("watchdog-interview-"+strconv.FormatInt(id, 10)), gocron.WithSingletonMode(gocron.LimitModeReschedule))
	if err != nil {
		w.a.log.Error("Unable to schedule watchdog", slog.Int64("interview_id", id), slog.Any("error", err))
		return
	}
	w.mu.Lock()
	w.jobs[id] = j.ID()
	w.mu.Unlock()
}

func (w *watchdog) unschedule(id int64) {
	w.mu.Lock()
	j, ok := w.jobs[id]
	delete(w.jobs, id)
	w.mu.Unlock()
	if ok {
		_ = w.a.sched.RemoveJob(j)
	}
}

// tickSoon runs a tick now, in the background (resume).
func (w *watchdog) tickSoon(id int64) {
	w.a.syncs.wg.Add(1)
	go func() {
		defer w.a.syncs.wg.Done()
		w.tick(id)
	}()
}

// watchStatus is what the console shows about a watchdog.
type watchStatus struct {
	Scheduled  bool       `json:"scheduled"`
	LastTickAt *time.Time `json:"last_tick_at"`
	LastResult string     `json:"last_result"`
	NextTickAt *time.Time `json:"next_tick_at"`
}

func (w *watchdog) status(iv *store.Interview) watchStatus {
	st := watchStatus{LastTickAt: iv.LastTickAt, LastResult: iv.LastTickResult}
	w.mu.Lock()
	id, ok := w.jobs[iv.ID]
	w.mu.Unlock()
	if !ok {
		return st
	}
	st.Scheduled = true
	for _, j := range w.a.sched.Jobs() {
		if j.ID() == id {
			if t, err := j.NextRun(); err == nil && !t.IsZero() {
				st.NextTickAt = &t
			}
		}
	}
	return st
}

// restore schedules every active interview at start-up; publishes that a
// crash interrupted are finished by their first tick, which runs at once.
func (w *watchdog) restore(ctx context.Context) error {
	ivs, err := w.a.store.ActiveInterviews(ctx)
	if err != nil {
		return err
	}
	for i := range ivs {
		w.schedule(&ivs[i])
	}
	return nil
}

// resumePending finishes interrupted publishes; Serve calls it.
func (w *watchdog) resumePending(ctx context.Context) {
	ivs, err := w.a.store.ActiveInterviews(ctx)
	if err != nil {
		return
	}
	for i := range ivs {
		if ivs[i].PublishPending {
			w.a.log.Info("Resuming an interrupted publish", slog.Int64("interview_id", ivs[i].ID))
			w.tickSoon(ivs[i].ID)
		}
	}
}
