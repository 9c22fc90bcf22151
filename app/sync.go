package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strconv"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/uuid"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"

	// Connectors register themselves with the ats registry.
	_ "github.com/hireloop/hireloop/ats/ashby"
	_ "github.com/hireloop/hireloop/ats/bamboohr"
	_ "github.com/hireloop/hireloop/ats/greenhouse"
	_ "github.com/hireloop/hireloop/ats/kombo"
	_ "github.com/hireloop/hireloop/ats/lever"
	_ "github.com/hireloop/hireloop/ats/merge"
	_ "github.com/hireloop/hireloop/ats/personio"
	_ "github.com/hireloop/hireloop/ats/recruitee"
	_ "github.com/hireloop/hireloop/ats/smartrecruiters"
	_ "github.com/hireloop/hireloop/ats/teamtailor"
	_ "github.com/hireloop/hireloop/ats/workable"
)

// Sync engine: reads each model from the connector page by page and writes
// every page in its own transaction, so memory stays flat however large the
// ATS account is. Watermarks advance only after a model was read to the
// end, and deletions are marked only after a complete full read, so a run
// that fails midway keeps all previous data and is simply redone next time.

// syncOrder reads reference data before the rows that point at it.
var syncOrder = []ats.Model{
	ats.ModelUsers, ats.ModelTags, ats.ModelRejectionReasons, ats.ModelJobs, ats.ModelStages,
	ats.ModelCandidates, ats.ModelApplications,
}

// nextWatermark picks where the next incremental read of a model starts.
// The newest updated_at the vendor reported is best: it is on the
// vendor's clock, so no skew is needed. Vendors' updated_after filters are
// inclusive; starting one millisecond later keeps an idle incremental sync
// from re-reading the newest row every time. When a read returned no
// timestamps the watermark stays where it was: our own clock is never
// mixed with the vendor's (a model without one is read in full, which is
// what a model without timestamps needs anyway). It never moves backwards.
func nextWatermark(prev, newest time.Time) (time.Time, bool) {
	if newest.IsZero() {
		return prev, false
	}
	next := newest.Add(time.Millisecond)
	if !prev.IsZero() && !next.After(prev) {
		return prev, false
	}
	return next, true
}

// credentials is the sealed payload of a connection.
type credentials struct {
	APIKey string `json:"api_key"`
}

const (
	purposeCredentials   = "ats-credentials"
	purposeWebhookSecret = "ats-webhook-secret"
)

// connectorFor builds the connector of a stored connection.
func (a *App) connectorFor(c *store.Connection) (ats.Connector, error) {
	var creds credentials
	if pt, err := a.unseal(purposeCredentials, c.Credentials); err != nil {
		return nil, err
	} else if pt != nil {
		if err := json.Unmarshal(pt, &creds); err != nil {
			return nil, fmt.Errorf("stored credentials are damaged: %w", err)
		}
	}
	secret, err := a.unseal(purposeWebhookSecret, c.WebhookSecret)
	if err != nil {
		return nil, err
	}
	cfg := ats.Config{
		BaseURL: c.BaseURL, APIKey: creds.APIKey, IntegrationID: c.IntegrationID, ActingUserID: c.ActingUserID,
		WebhookSecret: string(secret),
		Logger:        a.log.With(slog.Int64("connection_id", c.ID), slog.String("provider", c.Provider)),
		HTTP:          ats.HTTPSettings{UserAgentVersion: a.version},
	}
	if a.atsConfigHook != nil {
		a.atsConfigHook(&cfg)
	}
	provider := c.Provider
	if provider == providerSandbox {
		if a.sandbox == nil {
			return nil, errors.New("the sandbox ATS runs only in demo mode (hireloop serve --demo)")
		}
		provider, cfg.BaseURL = a.sandbox.Provider(), a.sandbox.BaseURL()
		cfg.APIKey, cfg.ActingUserID = a.sandbox.APIKey(), a.sandbox.ActingUserID()
	}
	return ats.New(provider, cfg)
}

// syncer runs syncs and owns the per-connection schedules.
type syncer struct {
	a    *App
	mu   sync.Mutex
	jobs map[int64]scheduled // connection id → its gocron job
	wg   sync.WaitGroup      // background runs, awaited at shutdown
	// pending holds models that webhooks reported changed while a sync of
	// the connection was already running; they are re-read when it ends,
	// so a change is never left waiting for the next interval.
	pending map[int64]map[ats.Model]bool
}

// scheduled remembers what a job was created from, so reconcile can tell
// when a connection's schedule changed.
type scheduled struct {
	id       uuid.UUID
	interval time.Duration
}

func newSyncer(a *App) *syncer {
	return &syncer{a: a, jobs: map[int64]scheduled{}, pending: map[int64]map[ats.Model]bool{}}
}

// defer_ remembers models to re-read after the running sync.
func (s *syncer) defer_(connID int64, models []ats.Model) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending[connID] == nil {
		s.pending[connID] = map[ats.Model]bool{}
	}
	for _, m := range models {
		s.pending[connID][m] = true
	}
}

// takePending returns and clears the deferred models of a connection.
func (s *syncer) takePending(connID int64) []ats.Model {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []ats.Model
	for m := range s.pending[connID] {
		out = append(out, m)
	}
	delete(s.pending, connID)
	return out
}

// afterRun starts the refresh that webhooks asked for during a run.
func (s *syncer) afterRun(connID int64) {
	models := s.takePending(connID)
	if len(models) == 0 || s.a.baseCtx.Err() != nil {
		return
	}
	c, err := s.a.store.ConnectionByID(s.a.baseCtx, connID)
	if err != nil {
		return
	}
	if _, err := s.a.syncInBackground(c, SyncRequest{Trigger: "webhook", Models: models, Source: "webhook"}); errors.Is(err, store.ErrSyncRunning) {
		s.defer_(connID, models) // another process is syncing; try after it
	}
}

// SyncRequest describes one sync.
type SyncRequest struct {
	Full    bool
	Trigger string      // schedule, manual, cli, webhook, create
	Models  []ats.Model // targeted: only these models, incrementally
	Source  string      // "webhook" for webhook-triggered refreshes
}

// StartSync records a run and returns it; the caller then runs Execute
// (in the background for the API, in the foreground for the CLI). It
// fails with store.ErrSyncRunning when the connection is already syncing.
func (a *App) StartSync(ctx context.Context, c *store.Connection, req SyncRequest) (*store.SyncRun, error) {
	mode := "incremental"
	switch {
	case len(req.Models) > 0:
		mode = "targeted"
	case req.Full:
		mode = "full"
	}
	synced, err := a.store.HasSynced(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if !synced && mode != "full" {
		mode = "full" // nothing to be incremental against yet
	}
	return a.store.StartSyncRun(ctx, c.WorkspaceID, c.ID, mode, req.Trigger)
}

// ExecuteSync performs a started run to the end and records its outcome.
func (a *App) ExecuteSync(ctx context.Context, c *store.Connection, run *store.SyncRun, req SyncRequest) error {
	log := a.log.With(slog.Int64("connection_id", c.ID), slog.Int64("run_id", run.ID), slog.String("mode", run.Mode))
	start := a.now()
	err := a.executeSync(ctx, c, run, req)
	run.Status = "succeeded"
	if err != nil {
		run.Status, run.Error = "failed", err.Error()
	}
	// Record the outcome even when ctx was cancelled by shutdown.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if ferr := a.store.FinishSyncRun(fctx, run); ferr != nil {
		log.Error("Unable to record sync result", slog.Any("error", ferr))
	}
	attrs := []any{slog.String("status", run.Status), slog.Int64("requests", run.Requests), slog.Int64("retries", run.Retries),
		slog.Int64("duration_ms", a.now().Sub(start).Milliseconds())}
	if err != nil {
		log.Warn("Sync failed", append(attrs, slog.String("error", run.Error))...)
	} else {
		log.Info("Sync finished", attrs...)
	}
	return err
}

func (a *App) executeSync(ctx context.Context, c *store.Connection, run *store.SyncRun, req SyncRequest) error {
	conn, err := a.connectorFor(c)
	if err != nil {
		return err
	}
	caps, err := conn.Capabilities(ctx)
	if err != nil {
		return fmt.Errorf("reading capabilities: %w", err)
	}
	if b, err := json.Marshal(capabilitiesView(caps)); err == nil {
		_ = a.store.SetConnectionCapabilities(ctx, c.WorkspaceID, c.ID, string(b))
	}
	if fs, ok := conn.(ats.ForceSyncer); ok && req.Trigger == "manual" {
		// Unified APIs serve their own cached copy: ask them to refresh it
		// too. Failure here is not fatal; we still read what they have.
		if _, err := fs.ForceSync(ctx, req.Full); err != nil {
			a.log.Warn("Vendor force-sync failed", slog.Int64("connection_id", c.ID), slog.Any("error", err))
		}
	}
	synced, err := a.store.HasSynced(ctx, c.ID)
	if err != nil {
		return err
	}
	sc := store.SyncScope{WorkspaceID: c.WorkspaceID, ConnectionID: c.ID, Source: req.Source}
	if sc.Source == "" {
		sc.Source = "sync"
	}
	if !synced {
		sc.Source = "initial"
	}
	if run.Mode == "full" {
		sc.RunID = run.ID
	}
	marks, err := a.store.Watermarks(ctx, c.ID)
	if err != nil {
		return err
	}
	models := syncOrder
	if len(req.Models) > 0 {
		models = nil
		for _, m := range syncOrder {
			for _, want := range req.Models {
				if m == want {
					models = append(models, m)
				}
			}
		}
	}
	if run.Counts == nil {
		run.Counts = map[string]int64{}
	}
	progress := func(m ats.Model, n int) error {
		run.Counts[string(m)] += int64(n)
		st := conn.Stats()
		run.Requests, run.Retries = st.Requests, st.Retries
		return a.store.UpdateSyncRun(ctx, run)
	}
	for _, m := range models {
		run.Phase = string(m)
		if err := progress(m, 0); err != nil {
			return err
		}
		opts := ats.ListOptions{IncludeDeleted: caps.Deletions[m]}
		if run.Mode != "full" && caps.Incremental[m] {
			if w, ok := marks[m]; ok {
				opts.UpdatedAfter = w
			}
		}
		// Pages are written on a second goroutine while the connector
		// fetches the next one, so ingest hides behind the vendor's rate
		// limit instead of adding to it. At most two pages wait in memory.
		w := newPageWriter(2)
		newest, err := readModel(ctx, conn, m, opts, func(n int, upsert func() error) error {
			return w.submit(func() error {
				if err := upsert(); err != nil {
					return err
				}
				return progress(m, n)
			})
		}, a.store, sc)
		if werr := w.close(); err == nil {
			err = werr
		}
		if errors.Is(err, ats.ErrUnsupported) {
			continue // e.g. stages that only arrive with their jobs
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", m, err)
		}
		if run.Mode == "full" {
			n, err := a.store.MarkUnseenDeleted(ctx, sc, m)
			if err != nil {
				return err
			}
			if n > 0 {
				run.Counts[string(m)+"_deleted"] += n
			}
		}
		if mark, ok := nextWatermark(marks[m], newest); ok {
			if err := a.store.SetWatermark(ctx, c.ID, m, mark); err != nil {
				return err
			}
		}
	}
	st := conn.Stats()
	run.Requests, run.Retries = st.Requests, st.Retries
	return nil
}

// pageWriter applies page writes in order on its own goroutine. After the
// first failure it runs nothing more, and submit reports the failure so
// the read stops.
type pageWriter struct {
	tasks chan func() error
	done  chan struct{}
	mu    sync.Mutex
	err   error
}

func newPageWriter(depth int) *pageWriter {
	w := &pageWriter{tasks: make(chan func() error, depth), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for t := range w.tasks {
			if w.failed() != nil {
				continue
			}
			if err := t(); err != nil {
				w.mu.Lock()
				w.err = err
				w.mu.Unlock()
			}
		}
	}()
	return w
}

func (w *pageWriter) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

func (w *pageWriter) submit(t func() error) error {
	if err := w.failed(); err != nil {
		return err
	}
	w.tasks <- t
	return nil
}

// close waits for every submitted write and returns the first error.
func (w *pageWriter) close() error {
	close(w.tasks)
	<-w.done
	return w.failed()
}

// readModel streams one model into the store and returns the newest
// vendor updated_at it saw (zero when the model carries none).
func readModel(ctx context.Context, conn ats.Connector, m ats.Model, opts ats.ListOptions,
	page func(n int, upsert func() error) error, st *store.Store, sc store.SyncScope) (time.Time, error) {
	var newest time.Time
	see := func(t time.Time) {
		if t.After(newest) {
			newest = t
		}
	}
	var err error
	switch m {
	case ats.ModelJobs:
		err = conn.ListJobs(ctx, opts, func(p []ats.Job) error {
			for _, r := range p {
				see(r.UpdatedAt)
			}
			return page(len(p), func() error { return st.UpsertJobs(ctx, sc, p) })
		})
	case ats.ModelStages:
		err = conn.ListStages(ctx, opts, func(p []ats.Stage) error {
			for _, r := range p {
				see(r.UpdatedAt)
			}
			return page(len(p), func() error { return st.UpsertStages(ctx, sc, p) })
		})
	case ats.ModelCandidates:
		err = conn.ListCandidates(ctx, opts, func(p []ats.Candidate) error {
			for _, r := range p {
				see(r.UpdatedAt)
			}
			return page(len(p), func() error { return st.UpsertCandidates(ctx, sc, p) })
		})
	case ats.ModelApplications:
		err = conn.ListApplications(ctx, opts, func(p []ats.Application) error {
			for _, r := range p {
				see(r.UpdatedAt)
			}
			return page(len(p), func() error { return st.UpsertApplications(ctx, sc, p) })
		})
	case ats.ModelTags:
		err = conn.ListTags(ctx, opts, func(p []ats.Tag) error {
			return page(len(p), func() error { return st.UpsertTags(ctx, sc, p) })
		})
	case ats.ModelRejectionReasons:
		err = conn.ListRejectionReasons(ctx, opts, func(p []ats.RejectionReason) error {
			return page(len(p), func() error { return st.UpsertRejectionReasons(ctx, sc, p) })
		})
	case ats.ModelUsers:
		err = conn.ListUsers(ctx, opts, func(p []ats.User) error {
			return page(len(p), func() error { return st.UpsertUsers(ctx, sc, p) })
		})
	default:
		err = fmt.Errorf("unknown model %q", m)
	}
	return newest, err
}

// syncInBackground starts a run and executes it on a goroutine that
// shutdown waits for.
func (a *App) syncInBackground(c *store.Connection, req SyncRequest) (*store.SyncRun, error) {
	run, err := a.StartSync(a.baseCtx, c, req)
	if err != nil {
		return nil, err
	}
	// The caller gets a snapshot: the run itself is the goroutine's.
	snap := *run
	snap.Counts = maps.Clone(run.Counts)
	a.syncs.wg.Add(1)
	go func() {
		defer a.syncs.wg.Done()
		if err := a.ExecuteSync(a.baseCtx, c, run, req); err == nil {
			a.watch.consumeConnection(a.baseCtx, c.ID)
		}
		a.syncs.afterRun(c.ID)
	}()
	return &snap, nil
}

// scheduleConnection (re)creates the connection's periodic sync job, or
// removes it when the connection is paused or gone.
func (s *syncer) scheduleConnection(c *store.Connection) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j, ok := s.jobs[c.ID]; ok {
		_ = s.a.sched.RemoveJob(j.id)
		delete(s.jobs, c.ID)
	}
	if c.Paused {
		return nil
	}
	connID, interval := c.ID, c.SyncInterval
	j, err := s.a.sched.NewJob(gocron.DurationJob(interval), gocron.NewTask(func() { s.scheduledSync(connID) }),
		gocron.WithName("sync-connection-"+strconv.FormatInt(connID, 10)),
		gocron.WithSingletonMode(gocron.LimitModeReschedule))
	if err != nil {
		return err
	}
	s.jobs[c.ID] = scheduled{id: j.ID(), interval: interval}
	return nil
}

func (s *syncer) unschedule(connID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if j, ok := s.jobs[connID]; ok {
		_ = s.a.sched.RemoveJob(j.id)
		delete(s.jobs, connID)
	}
}

// nextRun tells when the connection's schedule fires next.
func (s *syncer) nextRun(connID int64) *time.Time {
	s.mu.Lock()
	sj, ok := s.jobs[connID]
	s.mu.Unlock()
	if !ok {
		return nil
	}
	for _, j := range s.a.sched.Jobs() {
		if j.ID() == sj.id {
			if t, err := j.NextRun(); err == nil && !t.IsZero() {
				return &t
			}
		}
	}
	return nil
}

func (s *syncer) scheduledSync(connID int64) {
	ctx := s.a.baseCtx
	c, err := s.a.store.ConnectionByID(ctx, connID)
	if err != nil {
		return // deleted meanwhile
	}
	if c.Paused {
		return
	}
	req := SyncRequest{Trigger: "schedule"}
	run, err := s.a.StartSync(ctx, c, req)
	if errors.Is(err, store.ErrSyncRunning) {
		s.a.log.Info("Scheduled sync skipped: one is already running", slog.Int64("connection_id", connID))
		return
	}
	if err != nil {
		s.a.log.Error("Unable to start scheduled sync", slog.Int64("connection_id", connID), slog.Any("error", err))
		return
	}
	if err := s.a.ExecuteSync(ctx, c, run, req); err == nil {
		s.a.watch.consumeConnection(ctx, connID)
	}
	s.afterRun(connID)
}

// restoreSchedules creates a job for every active connection at start-up.
func (s *syncer) restoreSchedules(ctx context.Context) error { return s.reconcile(ctx) }

// reconcile makes the jobs match the connections table. It runs at start-up
// and every minute, so connections added, edited or deleted by the CLI (a
// separate process) are picked up by a running server; a connection that
// has never synced gets its first sync at once.
func (s *syncer) reconcile(ctx context.Context) error {
	cs, err := s.a.store.Connections(ctx, 0)
	if err != nil {
		return err
	}
	live := map[int64]bool{}
	for i := range cs {
		c := &cs[i]
		live[c.ID] = true
		s.mu.Lock()
		j, ok := s.jobs[c.ID]
		s.mu.Unlock()
		if ok == !c.Paused && (!ok || j.interval == c.SyncInterval) {
			continue // unchanged
		}
		if err := s.scheduleConnection(c); err != nil {
			return err
		}
		if !ok && !c.Paused && s.a.serving.Load() {
			if synced, err := s.a.store.HasSynced(ctx, c.ID); err == nil && !synced {
				if _, err := s.a.syncInBackground(c, SyncRequest{Full: true, Trigger: "create"}); err != nil && !errors.Is(err, store.ErrSyncRunning) {
					s.a.log.Warn("Unable to start first sync", slog.Int64("connection_id", c.ID), slog.Any("error", err))
				}
			}
		}
	}
	s.mu.Lock()
	var gone []int64
	for id := range s.jobs {
		if !live[id] {
			gone = append(gone, id)
		}
	}
	s.mu.Unlock()
	for _, id := range gone {
		s.unschedule(id)
	}
	return nil
}
