// Package app wires hireloop together: it loads the configuration, opens
// the store, builds each service with what it needs, starts and stops
// them in order, and hands the HTTP layer (app/api) its dependencies.
// Everything that does work lives in a package of its own:
//
//	app/api          HTTP handlers, middleware, the embedded console
//	app/cli          the command line (one command per file)
//	app/connections  ATS connections: validate, test, create, webhooks
//	app/syncer       the sync engine: schedules, runs, webhook intake
//	app/invite       publishing, the invitation watchdog, deadlines
//	app/outbox       the email outbox worker
//	app/results      the scoring worker, PDF reports, decisions
//	app/writeback    the ATS write-back outbox
//	app/accounts     users, workspaces, API tokens, passwords
//
// main builds a cli.CLI; tests build the App directly with New.
package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/accounts"
	"github.com/hireloop/hireloop/app/api"
	"github.com/hireloop/hireloop/app/candidate"
	"github.com/hireloop/hireloop/app/connections"
	"github.com/hireloop/hireloop/app/interview"
	"github.com/hireloop/hireloop/app/invite"
	"github.com/hireloop/hireloop/app/outbox"
	"github.com/hireloop/hireloop/app/queue"
	"github.com/hireloop/hireloop/app/results"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/app/syncer"
	"github.com/hireloop/hireloop/app/writeback"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"

	// Every connector registers itself with the ats registry.
	_ "github.com/hireloop/hireloop/ats/all"
)

// Sandbox is the built-in emulated ATS of demo mode (see connections.Sandbox).
type Sandbox = connections.Sandbox

// App holds the running instance. There are no package globals, so tests
// can run several side by side.
type App struct {
	cfg     Config
	version string
	log     *slog.Logger
	store   *store.Store
	box     *secret.Box
	sched   gocron.Scheduler
	http    *api.Server

	accounts   *accounts.Service
	interviews *interview.Service
	candidates *candidate.Service
	conns      *connections.Service
	syncs      *syncer.Engine
	watch      *invite.Watchdog
	outbox     *outbox.Outbox
	results    *results.Worker
	atsWriter  *writeback.Writer

	// baseCtx lives as long as the app; background work (syncs started
	// from requests or webhooks, the queue workers) runs under it and
	// stops at shutdown; each service waits for its own.
	baseCtx    context.Context
	cancelBase context.CancelFunc
	serving    atomic.Bool
	listener   *connTracker // the HTTP listener, so shutdown can drop connections that never sent a request

	// Test and benchmark knobs, read through the services' dependencies.
	now           func() time.Time
	atsConfigHook func(*ats.Config)
	maxMedia      int64 // 0: the API's default
	minFreeDisk   int64 // 0: candidate.MinFreeDisk
	loginLimits   api.LoginLimits
	retryBase     time.Duration // 0: 30 s
}

// Options are what main passes to New besides the config.
type Options struct {
	Version string
	Logger  *slog.Logger
	UI      fs.FS
	// Sandbox, when set, offers the "sandbox" provider (demo mode).
	Sandbox Sandbox
}

// New opens and migrates the database, loads the secret key, builds the
// services, the HTTP app and the schedules. Nothing listens until Serve.
func New(ctx context.Context, cfg Config, o Options) (*App, error) {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if err := PrepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	key, err := secret.LoadKey(cfg.SecretKey, cfg.DataDir)
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
	a := &App{cfg: cfg, version: o.Version, log: o.Logger, store: st, box: secret.NewBox(key), sched: sched, now: time.Now,
		loginLimits: api.DefaultLoginLimits()}
	a.baseCtx, a.cancelBase = context.WithCancel(context.Background())
	a.build(o)
	if err := a.startSchedules(ctx); err != nil {
		st.Close()
		return nil, err
	}
	return a, nil
}

// build constructs the services in dependency order: connections, then
// the sync engine that reads through them, then the workers that act on
// what was synced, and last the HTTP layer that calls them all.
func (a *App) build(o Options) {
	now := func() time.Time { return a.now() }
	backoff := func(attempt int) time.Duration { return queue.Backoff(a.retryBase, attempt) }
	a.accounts = &accounts.Service{Store: a.store, Log: a.log}
	a.conns = &connections.Service{Store: a.store, Box: a.box, Log: a.log, Version: a.version, BaseURL: a.cfg.BaseURL, Sandbox: o.Sandbox,
		ConfigHook: func(c *ats.Config) {
			if a.atsConfigHook != nil {
				a.atsConfigHook(c)
			}
		}}
	a.syncs = syncer.New(syncer.Deps{Store: a.store, Log: a.log, Connections: a.conns, Box: a.box, Scheduler: a.sched, Now: now,
		Ctx: a.baseCtx, Serving: a.serving.Load})
	a.outbox = outbox.New(outbox.Deps{Store: a.store, Log: a.log, Box: a.box, BaseURL: a.cfg.BaseURL, Now: now, Backoff: backoff})
	a.watch = invite.New(invite.Deps{Store: a.store, Log: a.log, Box: a.box, Scheduler: a.sched, Sync: a.syncs,
		WakeMail: a.outbox.Wake, Ctx: a.baseCtx})
	// The watchdog invites whoever a sync or a webhook brought into a stage.
	a.syncs.OnSynced(a.watch.ConsumeConnection)
	a.atsWriter = writeback.New(writeback.Deps{Store: a.store, Log: a.log, Connections: a.conns, Sync: a.syncs, Now: now, Backoff: backoff,
		ReportURL: func(id int64) string { return a.results.SignedReportURL(id, results.ReportURLTTL) }})
	a.results = results.New(results.Deps{Store: a.store, Log: a.log, Box: a.box, DataDir: a.cfg.DataDir, BaseURL: a.cfg.BaseURL, Now: now,
		Backoff: backoff, Caps: a.atsWriter.Caps, WakeWriter: a.atsWriter.Wake, WakeMail: a.outbox.Wake, Ctx: a.baseCtx})
	a.candidates = &candidate.Service{Store: a.store, Log: a.log, DataDir: a.cfg.DataDir, Now: now,
		MaxMedia: func() int64 { return a.maxMedia }, WakeScoring: a.results.Wake,
		MinFree: func() int64 { return cmp.Or(a.minFreeDisk, candidate.MinFreeDisk) }}
	a.interviews = &interview.Service{Store: a.store, Log: a.log, Box: a.box, BaseURL: a.cfg.BaseURL, Watch: a.watch, WakeMail: a.outbox.Wake}
	a.http = api.New(api.Deps{
		Config: api.Config{BaseURL: a.cfg.BaseURL, DataDir: a.cfg.DataDir, SessionTTL: a.cfg.SessionTTL, SessionIdle: a.cfg.SessionIdle,
			MetricsToken: a.cfg.MetricsToken, TrustedProxies: a.cfg.TrustedProxies},
		Version: a.version, Log: a.log, Store: a.store, Box: a.box, UI: o.UI, Accounts: a.accounts, Interviews: a.interviews, Candidates: a.candidates, Connections: a.conns, Sync: a.syncs,
		Watchdog: a.watch, Outbox: a.outbox, Results: a.results, Writer: a.atsWriter, Now: now, Ctx: a.baseCtx,
		LoginLimits: &a.loginLimits,
	})
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
func (a *App) HTTP() *fiber.App { return a.http.App() }

// Connections is the connection service (the CLI's too).
func (a *App) Connections() *connections.Service { return a.conns }

// Sync is the sync engine (the CLI runs syncs in the foreground with it).
func (a *App) Sync() *syncer.Engine { return a.syncs }

// Results is the scoring worker; the CLI's "scoring eval --workspace"
// reads a workspace's scorer settings through it.
func (a *App) Results() *results.Worker { return a.results }

// Now is the app's clock.
func (a *App) Now() time.Time { return a.now() }

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
	a.conns.SetLocalURL("http://" + ln.Addr().String())
	a.conns.RegisterSandboxWebhooks(ctx)
	a.sched.Start()
	a.serving.Store(true)
	a.outbox.Recover(ctx)
	if n, err := a.store.CloseInterruptedSyncRuns(ctx); err != nil {
		a.log.Error("Unable to close interrupted syncs", slog.Any("error", err))
	} else if n > 0 {
		a.log.Warn("Syncs interrupted by a previous run were closed as failed", slog.Int64("count", n))
	}
	if n, err := a.store.ReleaseATSWrites(ctx); err != nil {
		a.log.Error("Unable to release ATS writes", slog.Any("error", err))
	} else if n > 0 {
		a.log.Warn("ATS writes interrupted by a previous run will be checked before retrying", slog.Int64("count", n))
	}
	a.outbox.Start(a.baseCtx)
	a.results.Start(a.baseCtx)
	a.atsWriter.Start(a.baseCtx)
	a.watch.ResumePending(a.baseCtx)
	errc := make(chan error, 1)
	a.listener = newConnTracker(ln)
	go func() { errc <- a.http.App().Listener(a.listener) }()
	a.log.Info("hireloop is running", slog.String("addr", ln.Addr().String()), slog.String("base_url", a.cfg.BaseURL), slog.String("version", a.version))

	var serveErr error
	select {
	case <-ctx.Done():
		a.log.Info("Shutting down", slog.Duration("grace", a.cfg.ShutdownGrace))
	case serveErr = <-errc:
	}
	return errors.Join(serveErr, a.Close())
}

// Close drains HTTP, stops background work and the scheduler, and closes
// the store. Each step that takes over a second is logged by name, so an
// operator (or a test that found shutdown slow) sees what it waited for.
func (a *App) Close() error {
	start := time.Now()
	var failed []error
	step := func(name string, f func() error) {
		t := time.Now()
		if err := f(); err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", name, err))
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
		if a.listener != nil {
			a.listener.closeUnused()
		}
		step("http shutdown", func() error { return a.http.App().ShutdownWithTimeout(a.cfg.ShutdownGrace) })
	}
	step("background work", func() error {
		a.outbox.Wait()
		a.atsWriter.Wait()
		a.syncs.Wait()
		a.watch.Wait()
		a.results.Wait()
		return nil
	})
	step("scheduler shutdown", a.sched.Shutdown)
	if a.conns.Sandbox != nil {
		step("sandbox close", a.conns.Sandbox.Close)
	}
	step("store close", a.store.Close)
	if a.serving.Load() {
		a.log.Info("Shut down", slog.Int64("duration_ms", time.Since(start).Milliseconds()))
	}
	return errors.Join(failed...)
}

// startSchedules adds the built-in jobs and restores the schedules of
// connections and active interviews.
func (a *App) startSchedules(ctx context.Context) error {
	if err := a.syncs.RegisterJobs(ctx); err != nil {
		return err
	}
	if err := a.watch.RegisterJobs(); err != nil {
		return err
	}
	if _, err := a.sched.NewJob(gocron.DurationJob(time.Hour), gocron.NewTask(a.cleanSessions),
		gocron.WithName("session-cleanup"), gocron.WithSingletonMode(gocron.LimitModeReschedule),
		gocron.WithStartAt(gocron.WithStartImmediately())); err != nil {
		return err
	}
	return a.watch.Restore(ctx)
}

// cleanSessions deletes expired sessions, forgets stale failed sign-ins
// and webhook deliveries older than the dedupe window.
func (a *App) cleanSessions(ctx context.Context) {
	if n, err := a.store.PruneWebhookDeliveries(ctx, a.now().Add(-syncer.WebhookDedupeWindow)); err != nil {
		a.log.Error("Unable to prune webhook deliveries", slog.Any("error", err))
	} else if n > 0 {
		a.log.Debug("Old webhook deliveries forgotten", slog.Int64("count", n))
	}
	n, err := a.store.DeleteExpiredSessions(ctx, a.cfg.SessionIdle)
	if err != nil {
		a.log.Error("Unable to delete expired sessions", slog.Any("error", err))
		return
	}
	a.http.SweepLogins()
	if n > 0 {
		a.log.Info("Expired sessions deleted", slog.Int64("count", n))
	}
}

// gocronLogger adapts slog to gocron's logger interface.
type gocronLogger struct{ l *slog.Logger }

func (g gocronLogger) Debug(msg string, args ...any) { g.l.Debug("gocron: "+msg, args...) }
func (g gocronLogger) Info(msg string, args ...any)  { g.l.Debug("gocron: "+msg, args...) }
func (g gocronLogger) Warn(msg string, args ...any)  { g.l.Warn("gocron: "+msg, args...) }
func (g gocronLogger) Error(msg string, args ...any) { g.l.Error("gocron: "+msg, args...) }
