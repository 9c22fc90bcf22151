// Package api is hireloop's HTTP layer: the JSON API the console and
// scripts use, the candidate and share-link endpoints, ATS webhooks, the
// embedded console, health and metrics. Handlers parse the request, call a
// service and render its answer or its typed error (app/apperr); the work
// itself happens in the services they are given.
package api

import (
	"context"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"
	"github.com/hireloop/hireloop/app/accounts"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/candidate"
	"github.com/hireloop/hireloop/app/connections"
	"github.com/hireloop/hireloop/app/interview"
	"github.com/hireloop/hireloop/app/invite"
	"github.com/hireloop/hireloop/app/outbox"
	"github.com/hireloop/hireloop/app/results"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/app/syncer"
	"github.com/hireloop/hireloop/app/writeback"
	"github.com/hireloop/hireloop/store"
)

// Config is the part of the instance's configuration the HTTP layer reads.
type Config struct {
	BaseURL        string
	DataDir        string
	SessionTTL     time.Duration
	SessionIdle    time.Duration
	MetricsToken   string
	TrustedProxies []string
}

// SecureCookies tells whether cookies get the Secure flag: only when users
// reach hireloop over https, or the browser would drop the cookie.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// Deps are the services and settings the handlers use.
type Deps struct {
	Config      Config
	Version     string
	Log         *slog.Logger
	Store       *store.Store
	Box         *secret.Box
	UI          fs.FS // nil in no_ui builds
	Accounts    *accounts.Service
	Interviews  *interview.Service
	Candidates  *candidate.Service
	Connections *connections.Service
	Sync        *syncer.Engine
	Watchdog    *invite.Watchdog
	Outbox      *outbox.Outbox
	Results     *results.Worker
	Writer      *writeback.Writer
	Now         func() time.Time
	// Ctx lives as long as the app: event streams end with it.
	Ctx context.Context
	// LoginLimits bound failed sign-ins (DefaultLoginLimits when nil);
	// read at each attempt, so tests can move its clock.
	LoginLimits *LoginLimits
}

// Server holds the handlers' dependencies.
type Server struct {
	cfg        Config
	version    string
	log        *slog.Logger
	store      *store.Store
	box        *secret.Box
	ui         fs.FS
	accounts   *accounts.Service
	interviews *interview.Service
	candidates *candidate.Service
	conns      *connections.Service
	syncs      *syncer.Engine
	watch      *invite.Watchdog
	outbox     *outbox.Outbox
	results    *results.Worker
	atsWriter  *writeback.Writer
	now        func() time.Time
	baseCtx    context.Context
	maxMedia   func() int64
	limiter    *loginLimiter
	metrics    *metrics
	http       *fiber.App
	// secretPaths are the path prefixes whose next segment is a token,
	// redacted in logs (see logPath).
	secretPaths []string
}

// New builds the Fiber app with every route.
func New(d Deps) *Server {
	a := &Server{cfg: d.Config, version: d.Version, log: d.Log, store: d.Store, box: d.Box, ui: d.UI, accounts: d.Accounts, interviews: d.Interviews, candidates: d.Candidates,
		conns: d.Connections, syncs: d.Sync, watch: d.Watchdog, outbox: d.Outbox, results: d.Results, atsWriter: d.Writer,
		now: d.Now, baseCtx: d.Ctx, limiter: newLoginLimiter(d.LoginLimits), metrics: newMetrics()}
	a.http = a.newHTTP()
	return a
}

// App is the Fiber app (tests call its Test method).
func (a *Server) App() *fiber.App { return a.http }

// SweepLogins forgets stale failed sign-ins; a periodic job calls it.
func (a *Server) SweepLogins() { a.limiter.sweep() }

// MaxBody caps request bodies. API payloads are small JSON documents;
// uploads, when they arrive, get their own routes and limits.
const MaxBody = 1 << 20

func (a *Server) newHTTP() *fiber.App {
	fc := fiber.Config{
		AppName:               "hireloop",
		DisableStartupMessage: true,
		BodyLimit:             MaxBody,
		ErrorHandler:          a.errorHandler,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		ReadBufferSize:        16 << 10, // room for long cookies and tokens
		// Fiber's strings and byte slices (method, params, query, headers,
		// body) alias request buffers that fasthttp reuses for the next
		// request. Anything kept past a handler (metric labels, maps,
		// goroutines, the webhook intake) would change under our feet, so
		// every value is copied once here rather than at each of those
		// places, where one missed copy corrupts data.
		Immutable: true,
	}
	if len(a.cfg.TrustedProxies) > 0 {
		fc.ProxyHeader = fiber.HeaderXForwardedFor
		fc.EnableTrustedProxyCheck = true
		fc.TrustedProxies = a.cfg.TrustedProxies
	}
	f := fiber.New(fc)
	f.Use(requestid.New())
	f.Use(a.observe)
	// Inside observe, so a panic is counted and logged as the 500 it becomes.
	f.Use(recover.New())
	f.Use(securityHeaders)

	f.Get("/healthz", a.healthz)
	f.Get("/readyz", a.readyz)
	f.Get("/metrics", a.metricsHandler())
	f.Post("/webhooks/ats/:token", a.atsWebhook)
	f.Get("/files/reports/:rid", a.signedReport)
	if sb := a.conns.Sandbox; sb != nil {
		// Demo mode: the emulated ATS's own page (it changes only sandbox data).
		h := adaptor.HTTPHandler(sb.PageHandler("/sandbox"))
		f.All("/sandbox", h)
		f.All("/sandbox/*", h)
	}

	api := f.Group("/api", a.authenticate, a.guardWrites)
	a.routes(api)
	// Anything under /api that no route took is a JSON 404, never the SPA.
	api.Use(func(c *fiber.Ctx) error { return apperr.NotFound() })

	f.Use(a.spa)
	a.secretPaths = secretPrefixes(f)
	return f
}

// securityHeaders sets conservative defaults for every response.
func securityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	// media-src blob: lets candidates play back a recording before
	// uploading it; img-src https: allows a workspace logo hosted elsewhere.
	c.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: https:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
	return c.Next()
}

// observe records metrics and writes one log line per request.
func (a *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		// Let the error handler write the response now so the status we
		// record is the one the client gets.
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
		err = nil
	}
	status := c.Response().StatusCode()
	// The route pattern names what was asked for; the path, which may
	// carry a candidate's or a share link's token, is logged redacted.
	route := c.Route().Path
	if status == fiber.StatusNotFound && route == "/api" {
		route = "unmatched" // the /api catch-all: no route took it
	}
	d := time.Since(start)
	a.metrics.observe(c.Method(), route, status, d)
	lvl := slog.LevelInfo
	switch route {
	case "/healthz", "/readyz", "/metrics":
		lvl = slog.LevelDebug
	}
	if !strings.HasPrefix(c.Path(), "/api") && status < 400 {
		lvl = slog.LevelDebug // static files
	}
	a.log.LogAttrs(context.Background(), lvl, "HTTP request",
		slog.String("method", c.Method()), slog.String("path", a.logPath(c)), slog.String("route", route),
		slog.Int("status", status), slog.Int64("duration_ms", d.Milliseconds()),
		slog.String("ip", c.IP()), slog.String("request_id", requestID(c)))
	return err
}

func (a *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok", "version": a.version})
}

func (a *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := a.store.Ready(ctx); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "unavailable", "error": err.Error()})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}

// guardWrites protects state-changing API requests from cross-site use:
// the body must be JSON (an HTML form cannot send that cross-origin without
// a CORS preflight, which we never grant), and a browser's Origin header,
// when sent, must be ours. Cookie-authenticated writes additionally need
// the session's CSRF token; see requireUser.
func (a *Server) guardWrites(c *fiber.Ctx) error {
	if isSafeMethod(c.Method()) {
		return c.Next()
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && !a.sameOrigin(c, origin) {
		return apperr.Forbidden("Cross-origin requests are not allowed.")
	}
	if len(c.Body()) > 0 {
		ct := strings.ToLower(strings.TrimSpace(strings.Split(c.Get(fiber.HeaderContentType), ";")[0]))
		if strings.HasSuffix(c.Path(), "/media") && strings.HasPrefix(c.Path(), "/api/candidate/") &&
			(strings.HasPrefix(ct, "audio/") || strings.HasPrefix(ct, "video/")) {
			return c.Next() // recordings; the handler checks the exact type
		}
		if ct != fiber.MIMEApplicationJSON {
			return &apperr.Error{Status: fiber.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "Send the body as JSON with Content-Type: application/json."}
		}
	}
	return c.Next()
}

func isSafeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

func (a *Server) sameOrigin(c *fiber.Ctx, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, string(c.Request().Host())) {
		return true
	}
	if b, err := url.Parse(a.cfg.BaseURL); err == nil && strings.EqualFold(u.Host, b.Host) {
		return true
	}
	return false
}
