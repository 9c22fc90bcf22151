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
	return f
}

// routes registers the API. The OpenAPI document (openapi.json) lists the
// same routes; a test keeps the two in step.
func (a *Server) routes(api fiber.Router) {
	api.Get("/openapi.json", a.openapi)
	api.Get("/setup", a.getSetup)
	api.Post("/setup", withBody(a.postSetup))
	api.Post("/auth/login", withBody(a.login))
	api.Post("/auth/logout", a.logout)
	api.Get("/providers", requireUser, a.providers)

	me := api.Group("/me", requireUser)
	me.Get("", a.getMe)
	me.Patch("", answerBody("user", a.patchMe))
	me.Post("/password", withBody(a.changePassword))
	me.Get("/sessions", answer("sessions", a.listSessions))
	me.Delete("/sessions/:id", a.deleteSession)
	me.Get("/tokens", answer("tokens", a.listTokens))
	me.Post("/tokens", withBody(a.createToken))
	me.Delete("/tokens/:id", a.deleteToken)

	api.Get("/shared/results/:token", a.sharedResult)

	cand := api.Group("/candidate/:token")
	cand.Get("", on(a.candidateInvitation, a.candidateView))
	cand.Post("/start", on(a.candidateInvitation, a.candidateStart))
	cand.Put("/answers/:qid", on(a.candidateInvitation, a.candidateAnswer))
	cand.Post("/answers/:qid/media", on(a.candidateInvitation, a.candidateMedia))
	cand.Post("/answers/:qid/open", on(a.candidateInvitation, a.candidateOpenQuestion))
	cand.Post("/submit", on(a.candidateInvitation, a.candidateSubmit))
	cand.Post("/adjustment", on(a.candidateInvitation, a.candidateAdjustment))

	ws := api.Group("/workspaces", requireUser)
	ws.Get("", answer("workspaces", a.listWorkspaces))
	ws.Post("", withBody(a.createWorkspace))
	one := ws.Group("/:wid", a.loadWorkspace)
	one.Get("", answer("workspace", a.getWorkspace))
	one.Patch("", requireRole(roleAdmin), answerBody("workspace", a.patchWorkspace))
	one.Get("/members", answer("members", a.listMembers))
	one.Post("/members", requireRole(roleAdmin), createdBody("member", a.addMember))
	one.Patch("/members/:uid", requireRole(roleAdmin), answerBody("member", a.patchMember))
	one.Delete("/members/:uid", requireRole(roleAdmin), a.deleteMember)

	one.Get("/connections", answer("connections", a.listConnections))
	one.Post("/connections", requireRole(roleAdmin), createdBody("connection", a.createConnection))
	one.Get("/connections/:cid", a.onConnection(nil))
	one.Patch("/connections/:cid", requireRole(roleAdmin), a.onConnection(a.patchConnection))
	one.Delete("/connections/:cid", requireRole(roleAdmin), a.deleteConnection)
	one.Post("/connections/:cid/test", requireRole(roleAdmin), a.testConnectionRoute)
	one.Post("/connections/:cid/webhooks", requireRole(roleAdmin), a.onConnection(a.registerWebhooks))
	one.Delete("/connections/:cid/webhooks", requireRole(roleAdmin), a.onConnection(a.unregisterWebhooks))
	one.Post("/connections/:cid/sync", requireRole(roleRecruiter), a.syncNow)
	one.Get("/connections/:cid/runs", answer("runs", a.listSyncRuns))
	one.Get("/connections/:cid/tags", a.connectionNamed("tags"))
	one.Get("/connections/:cid/rejection-reasons", a.connectionNamed("rejection_reasons"))
	one.Get("/connections/:cid/users", a.connectionNamed("users"))
	one.Get("/connections/:cid/stage-events", answer("events", a.stageEvents))
	one.Get("/sync-runs/:rid", answer("run", a.loadRun))
	one.Get("/sync-runs/:rid/events", a.syncRunEvents)
	one.Get("/positions", a.positions)
	one.Get("/positions/:pid", answer("position", a.position))
	one.Get("/applications", a.applications)

	one.Get("/interviews", answer("interviews", a.listInterviews))
	one.Post("/interviews", requireRole(roleRecruiter), createdBody("interview", a.createInterview))
	one.Post("/interviews/generate-questions", requireRole(roleRecruiter), withBody(a.generateQuestions))
	one.Get("/interviews/:iid", on(a.loadInterview, a.getInterview))
	one.Put("/interviews/:iid", requireRole(roleRecruiter), on(a.loadInterview, a.updateInterview))
	one.Delete("/interviews/:iid", requireRole(roleRecruiter), on(a.loadInterview, a.deleteInterview))
	one.Get("/interviews/:iid/publish-preview", on(a.loadInterview, a.publishPreview))
	one.Post("/interviews/:iid/publish", requireRole(roleRecruiter), on(a.loadInterview, a.publish))
	one.Post("/interviews/:iid/pause", requireRole(roleRecruiter), a.setInterviewStatus("paused"))
	one.Post("/interviews/:iid/resume", requireRole(roleRecruiter), a.setInterviewStatus("active"))
	one.Post("/interviews/:iid/close", requireRole(roleRecruiter), a.setInterviewStatus("closed"))
	one.Get("/interviews/:iid/invitations", answer("invitations", a.listInvitations))
	one.Get("/interviews/:iid/invitations/:vid/link", requireRole(roleRecruiter), a.onInvitation(a.invitationLink))
	one.Post("/interviews/:iid/invitations/:vid/resend", requireRole(roleRecruiter), a.onInvitation(a.resendInvitation))
	one.Post("/interviews/:iid/invitations/:vid/extend", requireRole(roleRecruiter), a.onInvitation(a.extendInvitation))

	one.Get("/interviews/:iid/results", on(a.loadInterview, a.interviewResults))
	one.Get("/results/:rid", on(a.loadResult, a.getResult))
	one.Get("/results/:rid/report.pdf", on(a.loadResult, a.resultReport))
	one.Get("/results/:rid/media/:qid", on(a.loadResult, a.resultMedia))
	one.Post("/results/:rid/override", requireRole(roleRecruiter), on(a.loadResult, a.overrideScore))
	one.Post("/results/:rid/accept", requireRole(roleRecruiter), a.decide("accepted"))
	one.Post("/results/:rid/reject", requireRole(roleRecruiter), a.decide("rejected"))
	one.Get("/results/:rid/shares", answer("shares", a.listShares))
	one.Post("/results/:rid/shares", requireRole(roleRecruiter), on(a.loadResult, a.createShare))
	one.Delete("/results/:rid/shares/:sid", requireRole(roleRecruiter), on(a.loadResult, a.revokeShare))
	one.Post("/ats-writes/:wrid/retry", requireRole(roleRecruiter), a.retryATSWrite)
	one.Get("/audit", requireRole(roleAdmin), a.auditLog)
	one.Get("/ai", a.getAISettings)
	one.Put("/ai", requireRole(roleAdmin), withBody(a.putAISettings))
	one.Get("/write-options", a.getWriteOptions)
	one.Put("/write-options", requireRole(roleAdmin), withBody(a.putWriteOptions))

	one.Get("/email", a.getEmailSettings)
	one.Put("/email", requireRole(roleAdmin), withBody(a.putEmailSettings))
	one.Post("/email/test", requireRole(roleAdmin), withBody(a.testEmail))
	one.Get("/email/templates", a.listEmailTemplates)
	one.Put("/email/templates/:kind", requireRole(roleAdmin), onDraft(a.putEmailTemplate))
	one.Delete("/email/templates/:kind", requireRole(roleAdmin), a.deleteEmailTemplate)
	one.Post("/email/templates/:kind/preview", onDraft(a.previewEmailTemplate))
	one.Get("/branding", a.getBranding)
	one.Put("/branding", requireRole(roleAdmin), withBody(a.putBranding))
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
	route := c.Route().Path
	if status == fiber.StatusNotFound && strings.HasPrefix(c.Path(), "/api") {
		route = "unmatched"
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
		slog.String("method", c.Method()), slog.String("path", c.Path()), slog.String("route", route),
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
