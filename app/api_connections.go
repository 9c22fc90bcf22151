package app

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// capsView is the JSON shape of ats.Capabilities for the console.
type capsView struct {
	Writes      map[ats.WriteAction]actionView `json:"writes"`
	Webhooks    ats.WebhookSupport             `json:"webhooks"`
	Incremental map[ats.Model]bool             `json:"incremental"`
	Deletions   map[ats.Model]bool             `json:"deletions"`
	StageScope  ats.StageScope                 `json:"stage_scope"`
	ActingUser  bool                           `json:"acting_user_required"`
	ForceSync   bool                           `json:"force_sync"`
	RateLimit   string                         `json:"rate_limit"`
}

type actionView struct {
	Supported bool          `json:"supported"`
	Reason    string        `json:"reason,omitempty"`
	Target    ats.Target    `json:"target,omitempty"`
	Transport ats.Transport `json:"transport,omitempty"`
}

func capabilitiesView(c ats.Capabilities) capsView {
	v := capsView{Writes: map[ats.WriteAction]actionView{}, Webhooks: c.Webhooks, Incremental: c.Incremental,
		Deletions: c.Deletions, StageScope: c.StageScope, ActingUser: c.ActingUserRequired, ForceSync: c.ForceSync}
	if !c.DefaultRateLimit.IsZero() {
		v.RateLimit = c.DefaultRateLimit.String()
	}
	for a, s := range c.Writes {
		v.Writes[a] = actionView{Supported: s.Supported, Reason: s.Reason, Target: s.Target, Transport: s.Transport}
	}
	return v
}

// connectionView is a connection as the API shows it: never a credential.
type connectionView struct {
	ID                  int64           `json:"id"`
	Provider            string          `json:"provider"`
	Name                string          `json:"name"`
	BaseURL             string          `json:"base_url"`
	IntegrationID       string          `json:"integration_id"`
	ActingUserID        string          `json:"acting_user_id"`
	HasAPIKey           bool            `json:"has_api_key"`
	HasWebhookSecret    bool            `json:"has_webhook_secret"`
	WebhookURL          string          `json:"webhook_url"`
	SyncIntervalMinutes int64           `json:"sync_interval_minutes"`
	Paused              bool            `json:"paused"`
	Capabilities        json.RawMessage `json:"capabilities"`
	LastRun             *store.SyncRun  `json:"last_run"`
	NextSyncAt          *time.Time      `json:"next_sync_at"`
	WebhookRegistration webhookRegView  `json:"webhook_registration"`
	CreatedAt           time.Time       `json:"created_at"`
}

func (a *App) viewConnection(ctx context.Context, c *store.Connection) (connectionView, error) {
	v := connectionView{
		ID: c.ID, Provider: c.Provider, Name: c.Name, BaseURL: c.BaseURL, IntegrationID: c.IntegrationID,
		ActingUserID: c.ActingUserID, HasAPIKey: len(c.Credentials) > 0, HasWebhookSecret: len(c.WebhookSecret) > 0,
		WebhookURL:          a.cfg.BaseURL + "/webhooks/ats/" + c.WebhookToken,
		SyncIntervalMinutes: int64(c.SyncInterval / time.Minute), Paused: c.Paused,
		Capabilities: json.RawMessage(nonEmpty(c.Capabilities, "{}")), CreatedAt: c.CreatedAt,
		NextSyncAt: a.syncs.nextRun(c.ID), WebhookRegistration: a.webhookRegView(c),
	}
	runs, err := a.store.SyncRuns(ctx, c.WorkspaceID, c.ID, 1)
	if err != nil {
		return v, err
	}
	if len(runs) > 0 {
		v.LastRun = &runs[0]
	}
	return v, nil
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// connectionRequest creates or edits a connection. Pointer fields are
// optional on edit; empty secrets on edit keep the stored ones.
type connectionRequest struct {
	Provider            string  `json:"provider"`
	Name                *string `json:"name"`
	BaseURL             *string `json:"base_url"`
	IntegrationID       *string `json:"integration_id"`
	ActingUserID        *string `json:"acting_user_id"`
	APIKey              *string `json:"api_key"`
	WebhookSecret       *string `json:"webhook_secret"`
	SyncIntervalMinutes *int64  `json:"sync_interval_minutes"`
	Paused              *bool   `json:"paused"`
}

const defaultSyncInterval = 3 * time.Hour

// apply validates the request and copies it onto c, sealing secrets.
func (a *App) applyConnection(req connectionRequest, c *store.Connection, creating bool) error {
	fe := fieldErrors{}
	if creating {
		known := false
		for _, p := range a.providerNames() {
			known = known || p == req.Provider
		}
		if !known {
			fe.add("provider", "must be one of "+strings.Join(a.providerNames(), ", "))
		}
		c.Provider = req.Provider
	}
	if req.Name != nil {
		c.Name = strings.TrimSpace(*req.Name)
	}
	if creating && c.Name == "" {
		c.Name = providerTitle(c.Provider)
	}
	fe.add("name", validName(c.Name, true, 100))
	if req.BaseURL != nil {
		u := strings.TrimRight(strings.TrimSpace(*req.BaseURL), "/")
		if u != "" {
			if pu, err := url.Parse(u); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
				fe.add("base_url", "must be an http(s) URL, or empty for the vendor's default")
			}
		}
		c.BaseURL = u
	}
	if req.IntegrationID != nil {
		c.IntegrationID = strings.TrimSpace(*req.IntegrationID)
	}
	if req.ActingUserID != nil {
		c.ActingUserID = strings.TrimSpace(*req.ActingUserID)
	}
	// Fields a connector cannot be built without, checked here so the
	// form points at the field instead of failing the credential test.
	switch {
	case c.IntegrationID == "" && (c.Provider == "kombo" || c.Provider == "merge" || c.Provider == "personio"):
		name, _, _ := strings.Cut(providerTitle(c.Provider), " (") // "Kombo", not "Kombo (100+ ATS)"
		fe.add("integration_id", "is required for "+name)
	case c.Provider == "greenhouse" && !strings.HasSuffix(c.BaseURL, "/v1"):
		// Harvest v3: OAuth client id and the user sent as sub.
		if c.IntegrationID == "" {
			fe.add("integration_id", "is required: the Client ID of your Harvest v3 (OAuth) credentials")
		}
		if c.ActingUserID == "" {
			fe.add("acting_user_id", "is required: the numeric id of the Greenhouse user hireloop acts as")
		}
	}
	if req.APIKey != nil && strings.TrimSpace(*req.APIKey) != "" {
		b, _ := json.Marshal(credentials{APIKey: strings.TrimSpace(*req.APIKey)})
		sealed, err := a.seal(purposeCredentials, b)
		if err != nil {
			return err
		}
		c.Credentials = sealed
	}
	if creating && len(c.Credentials) == 0 && c.Provider != providerSandbox {
		fe.add("api_key", "is required")
	}
	if req.WebhookSecret != nil && *req.WebhookSecret != "" {
		sealed, err := a.seal(purposeWebhookSecret, []byte(*req.WebhookSecret))
		if err != nil {
			return err
		}
		c.WebhookSecret = sealed
	}
	if req.SyncIntervalMinutes != nil {
		m := *req.SyncIntervalMinutes
		if m < 5 || m > 7*24*60 {
			fe.add("sync_interval_minutes", "must be between 5 and 10080 (one week)")
		}
		c.SyncInterval = time.Duration(m) * time.Minute
	}
	if c.SyncInterval == 0 {
		c.SyncInterval = defaultSyncInterval
	}
	if req.Paused != nil {
		c.Paused = *req.Paused
	}
	return fe.err()
}

// testConnection runs the connector's Test and returns the vendor's own
// message on failure, for the recruiter to act on.
func (a *App) testConnection(ctx context.Context, c *store.Connection) (ats.Capabilities, error) {
	conn, err := a.connectorFor(c)
	if err != nil {
		return ats.Capabilities{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := conn.Test(ctx); err != nil {
		return ats.Capabilities{}, err
	}
	return conn.Capabilities(ctx)
}

func connectionFailed(err error) *apiError {
	msg := err.Error()
	if vm := ats.VendorMessage(err); vm != "" && !strings.Contains(msg, vm) {
		msg += ": " + vm
	}
	return &apiError{Status: fiber.StatusUnprocessableEntity, Code: "connection_failed", Message: "The ATS refused the connection: " + msg}
}

func (a *App) listConnections(c *fiber.Ctx) error {
	ws := currentWorkspace(c)
	cs, err := a.store.Connections(c.UserContext(), ws.ID)
	if err != nil {
		return err
	}
	out := make([]connectionView, 0, len(cs))
	for i := range cs {
		v, err := a.viewConnection(c.UserContext(), &cs[i])
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	return c.JSON(fiber.Map{"connections": out})
}

// createConnection tests the credentials before saving (a connection that
// cannot sync is no use), then starts the first full sync.
func (a *App) createConnection(c *fiber.Ctx) error {
	var req connectionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	ws := currentWorkspace(c)
	conn := &store.Connection{WorkspaceID: ws.ID, WebhookToken: randomToken(24)}
	if req.Provider == providerSandbox && a.sandbox != nil {
		// The sandbox signs its webhooks with a secret we choose.
		secret := randomToken(24)
		req.WebhookSecret = &secret
	}
	if err := a.applyConnection(req, conn, true); err != nil {
		return err
	}
	caps, err := a.testConnection(c.UserContext(), conn)
	if err != nil {
		return connectionFailed(err)
	}
	if b, err := json.Marshal(capabilitiesView(caps)); err == nil {
		conn.Capabilities = string(b)
	}
	if err := a.store.CreateConnection(c.UserContext(), conn); err != nil {
		return err
	}
	a.log.Info("ATS connection created", slog.Int64("workspace_id", ws.ID), slog.Int64("connection_id", conn.ID), slog.String("provider", conn.Provider))
	if conn.Provider == providerSandbox {
		a.registerSandboxWebhook(conn)
	}
	if err := a.syncs.scheduleConnection(conn); err != nil {
		return err
	}
	if !conn.Paused {
		if _, err := a.syncInBackground(conn, SyncRequest{Full: true, Trigger: "create"}); err != nil {
			a.log.Warn("Unable to start first sync", slog.Int64("connection_id", conn.ID), slog.Any("error", err))
		}
	}
	v, err := a.viewConnection(c.UserContext(), conn)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"connection": v})
}

func (a *App) loadConnection(c *fiber.Ctx) (*store.Connection, error) {
	id, err := paramID(c, "cid")
	if err != nil {
		return nil, err
	}
	conn, err := a.store.Connection(c.UserContext(), currentWorkspace(c).ID, id)
	if err != nil {
		return nil, notFoundIs(err)
	}
	return conn, nil
}

func (a *App) getConnection(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	return a.writeConnection(c, conn)
}

// writeConnection answers {"connection": view}.
func (a *App) writeConnection(c *fiber.Ctx, conn *store.Connection) error {
	v, err := a.viewConnection(c.UserContext(), conn)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"connection": v})
}

// patchConnection edits settings. New credentials are tested before they
// replace the old ones, so a typo cannot break a working connection.
func (a *App) patchConnection(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	var req connectionRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Provider != "" && req.Provider != conn.Provider {
		fe := fieldErrors{}
		fe.add("provider", "cannot be changed; create a new connection")
		return fe.err()
	}
	oldKey := string(conn.Credentials)
	oldBase, oldIntegration := conn.BaseURL, conn.IntegrationID
	if err := a.applyConnection(req, conn, false); err != nil {
		return err
	}
	if string(conn.Credentials) != oldKey || conn.BaseURL != oldBase || conn.IntegrationID != oldIntegration {
		caps, err := a.testConnection(c.UserContext(), conn)
		if err != nil {
			return connectionFailed(err)
		}
		if b, err := json.Marshal(capabilitiesView(caps)); err == nil {
			conn.Capabilities = string(b)
		}
	}
	if err := a.store.UpdateConnection(c.UserContext(), conn); err != nil {
		return notFoundIs(err)
	}
	if err := a.syncs.scheduleConnection(conn); err != nil {
		return err
	}
	return a.writeConnection(c, conn)
}

func (a *App) deleteConnection(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	a.syncs.unschedule(conn.ID)
	if err := a.removeWebhookRegistration(c.UserContext(), conn); err != nil {
		// The connection goes either way; say what is left at the vendor.
		a.log.Warn("Webhook subscriptions could not be removed at the ATS; delete them there",
			slog.Int64("connection_id", conn.ID), slog.String("provider", conn.Provider), slog.Any("error", err))
	}
	if conn.Provider == providerSandbox && a.sandbox != nil {
		a.sandbox.RemoveWebhook(a.sandboxWebhookURL(conn))
	}
	if err := a.store.DeleteConnection(c.UserContext(), conn.WorkspaceID, conn.ID); err != nil {
		return notFoundIs(err)
	}
	a.log.Info("ATS connection deleted", slog.Int64("workspace_id", conn.WorkspaceID), slog.Int64("connection_id", conn.ID))
	return c.SendStatus(fiber.StatusNoContent)
}

// testConnectionRoute answers 200 either way: a failed test is a result,
// not an API error. The message is the vendor's own.
func (a *App) testConnectionRoute(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	caps, err := a.testConnection(c.UserContext(), conn)
	if err != nil {
		return c.JSON(fiber.Map{"ok": false, "message": connectionFailed(err).Message})
	}
	if b, err := json.Marshal(capabilitiesView(caps)); err == nil {
		_ = a.store.SetConnectionCapabilities(c.UserContext(), conn.WorkspaceID, conn.ID, string(b))
	}
	return c.JSON(fiber.Map{"ok": true, "message": "Connected to " + providerTitle(conn.Provider) + "."})
}

type syncNowRequest struct {
	Full bool `json:"full"`
}

// syncNow is "Synchronize now": it starts a run and returns at once; the
// console follows it through the run's event stream.
func (a *App) syncNow(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	var req syncNowRequest
	if len(c.Body()) > 0 {
		if err := bind(c, &req); err != nil {
			return err
		}
	}
	run, err := a.syncInBackground(conn, SyncRequest{Full: req.Full, Trigger: "manual"})
	if errors.Is(err, store.ErrSyncRunning) {
		return errConflict("sync_running", "A sync of this connection is already running.")
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"run": run})
}

func (a *App) listSyncRuns(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	runs, err := a.store.SyncRuns(c.UserContext(), conn.WorkspaceID, conn.ID, 50)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"runs": runs})
}

func (a *App) loadRun(c *fiber.Ctx) (*store.SyncRun, error) {
	id, err := paramID(c, "rid")
	if err != nil {
		return nil, err
	}
	run, err := a.store.SyncRunByID(c.UserContext(), currentWorkspace(c).ID, id)
	if err != nil {
		return nil, notFoundIs(err)
	}
	return run, nil
}

func (a *App) getSyncRun(c *fiber.Ctx) error {
	run, err := a.loadRun(c)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"run": run})
}

// syncRunEvents streams a run's progress as server-sent events until it
// ends. It reads the run row, so it also follows syncs started by the CLI
// in another process.
func (a *App) syncRunEvents(c *fiber.Ctx) error {
	run, err := a.loadRun(c)
	if err != nil {
		return err
	}
	ws := currentWorkspace(c).ID
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	ctx := a.baseCtx
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		last, lastSent := "", time.Now()
		for {
			b, _ := json.Marshal(run)
			if s := string(b); s != last {
				last = s
				event := "progress"
				if run.Status != "running" {
					event = "done"
				}
				fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b)
				lastSent = time.Now()
				if err := w.Flush(); err != nil {
					return // client went away
				}
				if event == "done" {
					return
				}
			} else if time.Since(lastSent) > 15*time.Second {
				lastSent = time.Now()
				fmt.Fprint(w, ": keep-alive\n\n")
				if err := w.Flush(); err != nil {
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(500 * time.Millisecond):
			}
			r, err := a.store.SyncRunByID(ctx, ws, run.ID)
			if err != nil {
				return
			}
			run = r
		}
	})
	return nil
}

// sandboxWebhookURL is where the sandbox delivers: our own listener on
// loopback, whatever the public base URL is.
func (a *App) sandboxWebhookURL(c *store.Connection) string {
	base := a.localURL
	if base == "" {
		base = a.cfg.BaseURL
	}
	return base + "/webhooks/ats/" + c.WebhookToken
}

func (a *App) registerSandboxWebhook(c *store.Connection) {
	if a.sandbox == nil {
		return
	}
	secret, err := a.unseal(purposeWebhookSecret, c.WebhookSecret)
	if err != nil {
		a.log.Warn("Sandbox webhook not registered", slog.Int64("connection_id", c.ID), slog.Any("error", err))
		return
	}
	a.sandbox.AddWebhook(a.sandboxWebhookURL(c), string(secret))
}

// registerSandboxWebhooks tells the sandbox about existing sandbox
// connections at start-up (its registrations live in memory).
func (a *App) registerSandboxWebhooks(ctx context.Context) {
	if a.sandbox == nil {
		return
	}
	cs, err := a.store.Connections(ctx, 0)
	if err != nil {
		a.log.Warn("Sandbox webhooks not registered", slog.Any("error", err))
		return
	}
	for i := range cs {
		if cs[i].Provider == providerSandbox {
			a.registerSandboxWebhook(&cs[i])
		}
	}
}
