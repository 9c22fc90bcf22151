// Package syncer is the sync engine: it keeps each connection's copy of
// the ATS current through scheduled runs, "Synchronize now" and webhook
// deliveries (intake.go), and tells whoever registered (the invitation
// watchdog) when fresh data has landed.
//
// A run reads each model from the connector page by page and writes
// every page in its own transaction, so memory stays flat however large the
// ATS account is. Watermarks advance only after a model was read to the
// end, and deletions are marked only after a complete full read, so a run
// that fails midway keeps all previous data and is simply redone next time.
package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/hireloop/hireloop/app/connections"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// Connections builds connectors and answers webhook handshakes; the
// connection service does both.
type Connections interface {
	Connector(c *store.Connection) (ats.Connector, error)
	Handshake(ctx context.Context, conn *store.Connection, resp ats.HandshakeResponse, log *slog.Logger) error
}

// Engine runs syncs and owns the per-connection schedules. Build it with
// New; it runs background work under the context it was given and waits
// for it in Wait.
type Engine struct {
	Store       *store.Store
	Log         *slog.Logger
	Connections Connections
	box         *secret.Box // opens webhook secrets
	sched       gocron.Scheduler
	now         func() time.Time
	ctx         context.Context
	// onSynced is told a connection's data was refreshed (see OnSynced).
	onSynced func(ctx context.Context, connectionID int64)
	serving  func() bool

	mu   sync.Mutex
	jobs map[int64]scheduled // connection id → its gocron job
	wg   sync.WaitGroup      // background runs, awaited at shutdown
	// pending holds models that webhooks reported changed while a sync of
	// the connection was already running; they are re-read when it ends,
	// so a change is never left waiting for the next interval.
	pending map[int64]map[ats.Model]bool

	refMu       sync.Mutex
	accountRefs map[int64]accountRefEntry
}

// Deps are what the engine needs.
type Deps struct {
	Store       *store.Store
	Log         *slog.Logger
	Connections Connections
	Box         *secret.Box
	Scheduler   gocron.Scheduler
	Now         func() time.Time
	// Ctx lives as long as the app: background runs stop when it ends.
	Ctx context.Context
	// Serving tells whether the process serves (a CLI process that opens
	// the instance starts no first syncs from reconcile).
	Serving func() bool
}

// New builds the engine.
func New(d Deps) *Engine {
	return &Engine{Store: d.Store, Log: d.Log, Connections: d.Connections, box: d.Box, sched: d.Scheduler, now: d.Now, ctx: d.Ctx,
		serving: d.Serving, jobs: map[int64]scheduled{}, pending: map[int64]map[ats.Model]bool{}, accountRefs: map[int64]accountRefEntry{}}
}

// OnSynced registers f to be told when a connection's applications may
// have changed: after every successful run and after a webhook's stage
// hint. It is set once, before the engine runs.
func (e *Engine) OnSynced(f func(ctx context.Context, connectionID int64)) { e.onSynced = f }

func (e *Engine) synced(ctx context.Context, connID int64) {
	if e.onSynced != nil {
		e.onSynced(ctx, connID)
	}
}

// Wait blocks until background runs have ended (after the context given
// to New was cancelled).
func (e *Engine) Wait() { e.wg.Wait() }

// Run starts and executes a run in the foreground. It fails with
// store.ErrSyncRunning when the connection is already syncing.
func (e *Engine) Run(ctx context.Context, c *store.Connection, req Request) error {
	run, err := e.Start(ctx, c, req)
	if err != nil {
		return err
	}
	return e.Execute(ctx, c, run, req)
}

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

// Request describes one sync.
type Request struct {
	Full    bool
	Trigger string      // schedule, manual, cli, webhook, create
	Models  []ats.Model // targeted: only these models, incrementally
	Source  string      // "webhook" for webhook-triggered refreshes
}

// Start records a run and returns it; the caller then runs Execute (in
// the background for the API, in the foreground for the CLI). It fails
// with store.ErrSyncRunning when the connection is already syncing.
func (e *Engine) Start(ctx context.Context, c *store.Connection, req Request) (*store.SyncRun, error) {
	mode := "incremental"
	switch {
	case len(req.Models) > 0:
		mode = "targeted"
	case req.Full:
		mode = "full"
	}
	synced, err := e.Store.HasSynced(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if !synced && mode != "full" {
		mode = "full" // nothing to be incremental against yet
	}
	return e.Store.StartSyncRun(ctx, c.WorkspaceID, c.ID, mode, req.Trigger)
}

// Execute performs a started run to the end and records its outcome.
func (e *Engine) Execute(ctx context.Context, c *store.Connection, run *store.SyncRun, req Request) error {
	log := e.Log.With(slog.Int64("connection_id", c.ID), slog.Int64("run_id", run.ID), slog.String("mode", run.Mode))
	start := e.now()
	err := e.execute(ctx, c, run, req)
	run.Status = "succeeded"
	if err != nil {
		run.Status, run.Error = "failed", err.Error()
	}
	// Record the outcome even when ctx was cancelled by shutdown.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if ferr := e.Store.FinishSyncRun(fctx, run); ferr != nil {
		log.Error("Unable to record sync result", slog.Any("error", ferr))
	}
	attrs := []any{slog.String("status", run.Status), slog.Int64("requests", run.Requests), slog.Int64("retries", run.Retries),
		slog.Int64("duration_ms", e.now().Sub(start).Milliseconds())}
	if err != nil {
		log.Warn("Sync failed", append(attrs, slog.String("error", run.Error))...)
	} else {
		log.Info("Sync finished", attrs...)
	}
	return err
}

func (e *Engine) execute(ctx context.Context, c *store.Connection, run *store.SyncRun, req Request) error {
	conn, err := e.Connections.Connector(c)
	if err != nil {
		return err
	}
	caps, err := conn.Capabilities(ctx)
	if err != nil {
		return fmt.Errorf("reading capabilities: %w", err)
	}
	_ = e.Store.SetConnectionCapabilities(ctx, c.WorkspaceID, c.ID, connections.CapsJSON(caps))
	if fs, ok := conn.(ats.ForceSyncer); ok && req.Trigger == "manual" {
		// Unified APIs serve their own cached copy: ask them to refresh it
		// too. Failure here is not fatal; we still read what they have.
		if _, err := fs.ForceSync(ctx, req.Full); err != nil {
			e.Log.Warn("Vendor force-sync failed", slog.Int64("connection_id", c.ID), slog.Any("error", err))
		}
	}
	p := &pass{e: e, ctx: ctx, c: c, conn: conn, caps: caps, run: run}
	if p.sc, err = e.scope(ctx, c, run, req); err != nil {
		return err
	}
	if p.marks, err = e.Store.Watermarks(ctx, c.ID); err != nil {
		return err
	}
	if run.Counts == nil {
		run.Counts = map[string]int64{}
	}
	for _, m := range modelsFor(req) {
		if err := p.read(m); err != nil {
			return err
		}
	}
	st := conn.Stats()
	run.Requests, run.Retries = st.Requests, st.Retries
	return nil
}

// scope says what a run's rows are attributed to: its source ("initial"
// for a connection's first sync) and, for a full run, the run whose
// unseen rows are marked deleted.
func (e *Engine) scope(ctx context.Context, c *store.Connection, run *store.SyncRun, req Request) (store.SyncScope, error) {
	synced, err := e.Store.HasSynced(ctx, c.ID)
	if err != nil {
		return store.SyncScope{}, err
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
	return sc, nil
}

// modelsFor is what a run reads, in syncOrder: everything, or the models
// a targeted request names.
func modelsFor(req Request) []ats.Model {
	if len(req.Models) == 0 {
		return syncOrder
	}
	var models []ats.Model
	for _, m := range syncOrder {
		if slices.Contains(req.Models, m) {
			models = append(models, m)
		}
	}
	return models
}

// pass is one run's state while it reads model after model.
type pass struct {
	e     *Engine
	ctx   context.Context
	c     *store.Connection
	conn  ats.Connector
	caps  ats.Capabilities
	run   *store.SyncRun
	sc    store.SyncScope
	marks map[ats.Model]time.Time
}

// progress counts n rows of m and records the run's progress.
func (p *pass) progress(m ats.Model, n int) error {
	p.run.Counts[string(m)] += int64(n)
	st := p.conn.Stats()
	p.run.Requests, p.run.Retries = st.Requests, st.Retries
	return p.e.Store.UpdateSyncRun(p.ctx, p.run)
}

// read reads one model to the end, then marks what a full read did not
// see as deleted and advances the model's watermark.
func (p *pass) read(m ats.Model) error {
	p.run.Phase = string(m)
	if err := p.progress(m, 0); err != nil {
		return err
	}
	opts := ats.ListOptions{IncludeDeleted: p.caps.Deletions[m]}
	if p.run.Mode != "full" && p.caps.Incremental[m] {
		if w, ok := p.marks[m]; ok {
			opts.UpdatedAfter = w
		}
	}
	// Pages are written on a second goroutine while the connector
	// fetches the next one, so ingest hides behind the vendor's rate
	// limit instead of adding to it. At most two pages wait in memory.
	w := newPageWriter(2)
	newest, err := readModel(p.ctx, p.conn, m, opts, func(n int, upsert func() error) error {
		return w.submit(func() error {
			if err := upsert(); err != nil {
				return err
			}
			return p.progress(m, n)
		})
	}, p.e.Store, p.sc)
	if werr := w.close(); err == nil {
		err = werr
	}
	if errors.Is(err, ats.ErrUnsupported) {
		return nil // e.g. stages that only arrive with their jobs
	}
	if err != nil {
		return fmt.Errorf("reading %s: %w", m, err)
	}
	if p.run.Mode == "full" {
		n, err := p.e.Store.MarkUnseenDeleted(p.ctx, p.sc, m)
		if err != nil {
			return err
		}
		if n > 0 {
			p.run.Counts[string(m)+"_deleted"] += n
		}
	}
	if mark, ok := nextWatermark(p.marks[m], newest); ok {
		return p.e.Store.SetWatermark(p.ctx, p.c.ID, m, mark)
	}
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
	r := &modelReader{ctx: ctx, opts: opts, sc: sc, page: page}
	var err error
	switch m {
	case ats.ModelJobs:
		err = read(r, conn.ListJobs, st.UpsertJobs, func(x ats.Job) time.Time { return x.UpdatedAt })
	case ats.ModelStages:
		err = read(r, conn.ListStages, st.UpsertStages, func(x ats.Stage) time.Time { return x.UpdatedAt })
	case ats.ModelCandidates:
		err = read(r, conn.ListCandidates, st.UpsertCandidates, func(x ats.Candidate) time.Time { return x.UpdatedAt })
	case ats.ModelApplications:
		err = read(r, conn.ListApplications, st.UpsertApplications, func(x ats.Application) time.Time { return x.UpdatedAt })
	case ats.ModelTags:
		err = read(r, conn.ListTags, st.UpsertTags, nil)
	case ats.ModelRejectionReasons:
		err = read(r, conn.ListRejectionReasons, st.UpsertRejectionReasons, nil)
	case ats.ModelUsers:
		err = read(r, conn.ListUsers, st.UpsertUsers, nil)
	default:
		err = fmt.Errorf("unknown model %q", m)
	}
	return r.newest, err
}

// modelReader is the state of one model's read.
type modelReader struct {
	ctx    context.Context
	opts   ats.ListOptions
	sc     store.SyncScope
	page   func(n int, upsert func() error) error
	newest time.Time
}

// read lists one model page by page and hands each page's upsert to
// r.page; stamp gives a row's vendor updated_at (nil: the model has none).
func read[T any](r *modelReader, list func(context.Context, ats.ListOptions, func([]T) error) error,
	upsert func(context.Context, store.SyncScope, []T) error, stamp func(T) time.Time) error {
	return list(r.ctx, r.opts, func(p []T) error {
		for _, row := range p {
			if stamp != nil && stamp(row).After(r.newest) {
				r.newest = stamp(row)
			}
		}
		return r.page(len(p), func() error { return upsert(r.ctx, r.sc, p) })
	})
}
