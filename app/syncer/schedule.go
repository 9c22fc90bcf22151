package syncer

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"strconv"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/google/uuid"
	"github.com/hireloop/hireloop/app/queue"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// scheduled remembers what a job was created from, so reconcile can tell
// when a connection's schedule changed.
type scheduled struct {
	id       uuid.UUID
	interval time.Duration
}

// Defer remembers models to re-read after the running sync.
func (e *Engine) Defer(connID int64, models []ats.Model) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.pending[connID] == nil {
		e.pending[connID] = map[ats.Model]bool{}
	}
	for _, m := range models {
		e.pending[connID][m] = true
	}
}

// takePending returns and clears the deferred models of a connection.
func (e *Engine) takePending(connID int64) []ats.Model {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []ats.Model
	for m := range e.pending[connID] {
		out = append(out, m)
	}
	delete(e.pending, connID)
	return out
}

// afterRun starts the refresh that webhooks asked for during a run.
func (e *Engine) afterRun(connID int64) {
	models := e.takePending(connID)
	if len(models) == 0 || e.ctx.Err() != nil {
		return
	}
	c, err := e.Store.ConnectionByID(e.ctx, connID)
	if err != nil {
		return
	}
	if _, err := e.Background(c, Request{Trigger: "webhook", Models: models, Source: "webhook"}); errors.Is(err, store.ErrSyncRunning) {
		e.Defer(connID, models) // another process is syncing; try after it
	}
}

// Background starts a run and executes it on a goroutine that Wait waits
// for. The run returned is a snapshot taken at the start.
func (e *Engine) Background(c *store.Connection, req Request) (*store.SyncRun, error) {
	run, err := e.Start(e.ctx, c, req)
	if err != nil {
		return nil, err
	}
	// The caller gets a snapshot: the run itself is the goroutine's.
	snap := *run
	snap.Counts = maps.Clone(run.Counts)
	queue.Go(&e.wg, func() {
		if err := e.Execute(e.ctx, c, run, req); err == nil {
			e.synced(e.ctx, c.ID)
		}
		e.afterRun(c.ID)
	})
	return &snap, nil
}

// Schedule (re)creates the connection's periodic sync job, or removes it
// when the connection is paused.
func (e *Engine) Schedule(c *store.Connection) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if j, ok := e.jobs[c.ID]; ok {
		_ = e.sched.RemoveJob(j.id)
		delete(e.jobs, c.ID)
	}
	if c.Paused {
		return nil
	}
	connID, interval := c.ID, c.SyncInterval
	j, err := e.sched.NewJob(gocron.DurationJob(interval), gocron.NewTask(func() { e.scheduledSync(connID) }),
		gocron.WithName("sync-connection-"+strconv.FormatInt(connID, 10)),
		gocron.WithSingletonMode(gocron.LimitModeReschedule))
	if err != nil {
		return err
	}
	e.jobs[c.ID] = scheduled{id: j.ID(), interval: interval}
	return nil
}

// Unschedule removes the connection's job.
func (e *Engine) Unschedule(connID int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if j, ok := e.jobs[connID]; ok {
		_ = e.sched.RemoveJob(j.id)
		delete(e.jobs, connID)
	}
}

// NextRun tells when the connection's schedule fires next.
func (e *Engine) NextRun(connID int64) *time.Time {
	e.mu.Lock()
	sj, ok := e.jobs[connID]
	e.mu.Unlock()
	if !ok {
		return nil
	}
	for _, j := range e.sched.Jobs() {
		if j.ID() == sj.id {
			if t, err := j.NextRun(); err == nil && !t.IsZero() {
				return &t
			}
		}
	}
	return nil
}

func (e *Engine) scheduledSync(connID int64) {
	ctx := e.ctx
	c, err := e.Store.ConnectionByID(ctx, connID)
	if err != nil {
		return // deleted meanwhile
	}
	if c.Paused {
		return
	}
	req := Request{Trigger: "schedule"}
	run, err := e.Start(ctx, c, req)
	if errors.Is(err, store.ErrSyncRunning) {
		e.Log.Info("Scheduled sync skipped: one is already running", slog.Int64("connection_id", connID))
		return
	}
	if err != nil {
		e.Log.Error("Unable to start scheduled sync", slog.Int64("connection_id", connID), slog.Any("error", err))
		return
	}
	if err := e.Execute(ctx, c, run, req); err == nil {
		e.synced(ctx, connID)
	}
	e.afterRun(connID)
}

// Reconcile makes the jobs match the connections table. It runs at
// start-up and every minute, so connections added, edited or deleted by
// the CLI (a separate process) are picked up by a running server; a
// connection that has never synced gets its first sync at once.
func (e *Engine) Reconcile(ctx context.Context) error {
	cs, err := e.Store.Connections(ctx, 0)
	if err != nil {
		return err
	}
	live := map[int64]bool{}
	for i := range cs {
		c := &cs[i]
		live[c.ID] = true
		e.mu.Lock()
		j, ok := e.jobs[c.ID]
		e.mu.Unlock()
		if ok == !c.Paused && (!ok || j.interval == c.SyncInterval) {
			continue // unchanged
		}
		if err := e.Schedule(c); err != nil {
			return err
		}
		if !ok && !c.Paused && e.serving() {
			if synced, err := e.Store.HasSynced(ctx, c.ID); err == nil && !synced {
				if _, err := e.Background(c, Request{Full: true, Trigger: "create"}); err != nil && !errors.Is(err, store.ErrSyncRunning) {
					e.Log.Warn("Unable to start first sync", slog.Int64("connection_id", c.ID), slog.Any("error", err))
				}
			}
		}
	}
	e.mu.Lock()
	var gone []int64
	for id := range e.jobs {
		if !live[id] {
			gone = append(gone, id)
		}
	}
	e.mu.Unlock()
	for _, id := range gone {
		e.Unschedule(id)
	}
	return nil
}

// RegisterJobs adds the minute job that reconciles the schedules with the
// connections table, and creates the schedules now.
func (e *Engine) RegisterJobs(ctx context.Context) error {
	if _, err := e.sched.NewJob(gocron.DurationJob(time.Minute), gocron.NewTask(func(ctx context.Context) {
		if err := e.Reconcile(ctx); err != nil {
			e.Log.Error("Unable to reconcile sync schedules", slog.Any("error", err))
		}
	}), gocron.WithName("sync-schedules"), gocron.WithSingletonMode(gocron.LimitModeReschedule)); err != nil {
		return err
	}
	return e.Reconcile(ctx)
}
