// Package app is hireloop's application: HTTP API and console, domain
// services and the in-process schedules. main wires it to the command line;
// tests build it directly with New.
package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// App holds the running instance. There are no package globals: everything
// a handler needs hangs off App, so tests can run several side by side.
type App struct {
	// regMu orders webhook registration and handshake updates of a
	// connection (a handshake can arrive while registration runs).
	regMu sync.Mutex
	// accountRefs caches connectors' AccountRef per connection.
	refMu       sync.Mutex
	accountRefs map[int64]accountRefEntry
	cfg         Config
	version     string
	log         *slog.Logger
	store       *store.Store
	key         []byte
	ui          fs.FS // nil in no_ui builds
	sched       gocron.Scheduler
	http        *fiber.App
	limiter     *loginLimiter
	metrics     *metrics
	syncs       *syncer
	watch       *watchdog
	outbox      *outbox
	results     *resultsWorker
	atsWriter   *atsWriter
	sandbox     Sandbox // nil unless demo mode
	now         func() time.Time

	// baseCtx lives as long as the app; background work (syncs started
	// from requests or webhooks) runs under it and stops at shutdown.
	baseCtx    context.Context
	cancelBase context.CancelFunc
	serving    atomic.Bool
	conns      *connTracker // the HTTP listener, so shutdown can drop connections that never sent a request
	localURL   string       // http://<listen address>, for loopback callers such as the sandbox

	// atsConfigHook lets tests and benchmarks adjust connector settings
	// (rate limits, page sizes) that are not stored per connection.
	atsConfigHook func(*ats.Config)
	maxMedia      int64         // 0: maxMediaBytes
	retryBase     time.Duration // 0: 30 s
}

// Sandbox is the built-in emulated ATS of demo mode: a real HTTP server on
// loopback that a real connector talks to.
type Sandbox interface {
	// Provider is the connector that speaks the sandbox's wire format.
	Provider() string
	// BaseURL is the sandbox API root.
	BaseURL() string
	// APIKey and ActingUserID are the credentials the sandbox accepts.
	APIKey() string
	ActingUserID() string
	// AddWebhook makes the sandbox deliver signed webhooks to url.
	AddWebhook(url, secret string)
	RemoveWebhook(url string)
	// PageHandler is the sandbox's own page, where a person moves and
	// rejects candidates; the app mounts it under prefix.
	PageHandler(prefix string) http.Handler
	Close() error
}

// Options are what main passes to New besides the config.
type Options struct {
	Version string
	Logger  *slog.Logger
	UI      fs.FS
	// Sandbox, when set, offers the "sandbox" provider (demo mode).
	Sandbox Sandbox
}

// New opens and migrates the database, loads the secret key and builds the
// HTTP app and scheduler. Nothing listens until Run.
func New(ctx context.Context, cfg Config, o Options) (*App, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	key, err := LoadSecretKey(cfg)
	if err != nil {
		return nil, err
	}
	st, err := OpenStore(ctx, cfg, o.Logger)
	if err != nil {
		return nil, err
	}
	sched, err := gocron.NewScheduler(gocron.WithLogger(gocronLogger{o.Logger}))
	if err != nil {
		st.Close()
		return nil, err
	}
	a := &App{
		cfg: cfg, version: o.Version, log: o.Logger, store: st, key: key, ui: o.UI, sandbox: o.Sandbox,
		sched: sched, limiter: newLoginLimiter(), metrics: newMetrics(), now: time.Now,
	}
	a.baseCtx, a.cancelBase = context.WithCancel(context.Background())
	a.syncs = newSyncer(a)
	a.watch = newWatchdog(a)
	a.outbox = newOutbox(a)
	a.results = newResultsWorker(a)
	a.atsWriter = newATSWriter(a)
	if err := a.registerJobs(); err != nil {
		st.Close()
		return nil, err
	}
	if err := a.syncs.restoreSchedules(ctx); err != nil {
		st.Close()
		return nil, err
	}
	if err := a.watch.restore(ctx); err != nil {
		st.Close()
		return nil, err
	}
	a.http = a.newHTTP()
	return a, nil
}

// OpenStore opens the database in the data dir and migrates it.
func OpenStore(ctx context.Context, cfg Config, log *slog.Logger) (*store.Store, error) {
	st, err := store.Open(cfg.DBPath())
	if err != nil {
		return nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	if len(applied) > 0 && log != nil {
		log.Info("Database migrated", slog.String("path", cfg.DBPath()), slog.Int("to_version", applied[len(applied)-1]), slog.Int("steps", len(applied)))
	}
	return st, nil
}

// Store exposes the database for the CLI and tests.
func (a *App) Store() *store.Store { return a.store }

// HTTP exposes the Fiber app for tests (app.Test).
func (a *App) HTTP() *fiber.App { return a.http }

// Listen binds addr. It is separate from Serve so a port already in use is
// reported before anything else starts.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Err != nil {
			return nil, fmt.Errorf("cannot listen on %s: %v", addr, oe.Err)
		}
		return nil, fmt.Errorf("cannot listen on %s: %v", addr, err)
	}
	return ln, nil
}

// Serve runs the HTTP server and the schedules until ctx is cancelled, then
// shuts down in order: stop taking requests and drain them, stop the
// schedules (waiting for running jobs), close the database.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	a.localURL = "http://" + ln.Addr().String()
	a.registerSandboxWebhooks(ctx)
	a.sched.Start()
	a.serving.Store(true)
	if n, err := a.store.ReleaseOutboxClaims(ctx); err != nil {
		a.log.Error("Unable to release email claims", slog.Any("error", err))
	} else if n > 0 {
		a.log.Warn("Emails left half-sent by a previous run are queued again", slog.Int64("count", n))
	}
	if n, err := a.store.ReleaseATSWrites(ctx); err != nil {
		a.log.Error("Unable to release ATS writes", slog.Any("error", err))
	} else if n > 0 {
		a.log.Warn("ATS writes interrupted by a previous run will be checked before retrying", slog.Int64("count", n))
	}
	for _, run := range []func(context.Context){a.outbox.run, a.results.run, a.atsWriter.run} {
		a.syncs.wg.Add(1)
		go func() {
			defer a.syncs.wg.Done()
			run(a.baseCtx)
		}()
	}
	a.watch.resumePending(a.baseCtx)
	errc := make(chan error, 1)
	a.conns = newConnTracker(ln)
	go func() { errc <- a.http.Listener(a.conns) }()
	a.log.Info("hireloop is running", slog.String("addr", ln.Addr().String()), slog.String("base_url", a.cfg.BaseURL), slog.String("version", a.version))

	var serveErr error
	select {
	case <-ctx.Done():
		a.log.Info("Shutting down", slog.Duration("grace", a.cfg.ShutdownGrace))
	case serveErr = <-errc:
	}
	return errors.Join(serveErr, a.Close())
}

// Close drains HTTP, stops background syncs and the scheduler, and closes
// the store. Each step that takes over a second is logged by name, so an
// operator (or a test that found shutdown slow) sees what it waited for.
func (a *App) Close() error {
	start := time.Now()
	var errs []error
	step := func(name string, f func() error) {
		t := time.Now()
		if err := f(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
		if d := time.Since(t); d > time.Second {
			a.log.Warn("Slow shutdown step", slog.String("step", name), slog.Int64("duration_ms", d.Milliseconds()))
		}
	}
	// Cancel background work first: long-lived responses (the sync
	// progress event streams) end on it, so draining HTTP does not wait
	// for a browser that is already gone.
	a.cancelBase()
	if a.serving.Load() {
		if a.conns != nil {
			a.conns.closeUnused()
		}
		step("http shutdown", func() error { return a.http.ShutdownWithTimeout(a.cfg.ShutdownGrace) })
	}
	step("background work", func() error { a.syncs.wg.Wait(); return nil })
	step("scheduler shutdown", a.sched.Shutdown)
	if a.sandbox != nil {
		step("sandbox close", a.sandbox.Close)
	}
	step("store close", a.store.Close)
	if a.serving.Load() {
		a.log.Info("Shut down", slog.Int64("duration_ms", time.Since(start).Milliseconds()))
	}
	return errors.Join(errs...)
}

// registerJobs adds the built-in schedules. Later features add theirs here.
func (a *App) registerJobs() error {
	if _, err := a.sched.NewJob(gocron.DurationJob(time.Minute), gocron.NewTask(func(ctx context.Context) {
		if err := a.syncs.reconcile(ctx); err != nil {
			a.log.Error("Unable to reconcile sync schedules", slog.Any("error", err))
		}
	}), gocron.WithName("sync-schedules"), gocron.WithSingletonMode(gocron.LimitModeReschedule)); err != nil {
		return err
	}
	if _, err := a.sched.NewJob(gocron.DurationJob(time.Minute), gocron.NewTask(func(ctx context.Context) {
		if n, err := a.store.ExpireInvitations(ctx); err != nil {
			a.log.Error("Unable to expire invitations", slog.Any("error", err))
		} else if n > 0 {
			a.log.Info("Invitations expired", slog.Int64("count", n))
		}
		if n, err := a.store.DueReminders(ctx); err != nil {
			a.log.Error("Unable to queue reminders", slog.Any("error", err))
		} else if n > 0 {
			a.log.Info("Reminders queued", slog.Int64("count", n))
			a.outbox.wake()
		}
	}), gocron.WithName("invitation-deadlines"), gocron.WithSingletonMode(gocron.LimitModeReschedule)); err != nil {
		return err
	}
	_, err := a.sched.NewJob(gocron.DurationJob(time.Hour), gocron.NewTask(func(ctx context.Context) {
		n, err := a.store.DeleteExpiredSessions(ctx, a.cfg.SessionIdle)
		if err != nil {
			a.log.Error("Unable to delete expired sessions", slog.Any("error", err))
			return
		}
		a.limiter.sweep()
		if n > 0 {
			a.log.Info("Expired sessions deleted", slog.Int64("count", n))
		}
	}), gocron.WithName("session-cleanup"), gocron.WithSingletonMode(gocron.LimitModeReschedule),
		gocron.WithStartAt(gocron.WithStartImmediately()))
	return err
}

// gocronLogger adapts slog to gocron's logger interface.
type gocronLogger struct{ l *slog.Logger }

func (g gocronLogger) Debug(msg string, args ...any) { g.l.Debug("gocron: "+msg, args...) }
func (g gocronLogger) Info(msg string, args ...any)  { g.l.Debug("gocron: "+msg, args...) }
func (g gocronLogger) Warn(msg string, args ...any)  { g.l.Warn("gocron: "+msg, args...) }
func (g gocronLogger) Error(msg string, args ...any) { g.l.Error("gocron: "+msg, args...) }
