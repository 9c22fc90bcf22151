package app

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// handshakeWindow bounds how long after "Register webhooks" a handshake
// (SmartRecruiters' X-Hook-Secret) may set the connection's secret. The
// handshake itself is unsigned, so outside this window, or when no
// handshake is expected, one is refused: someone who learnt the webhook
// URL cannot swap the secret.
const handshakeWindow = 10 * time.Minute

// webhookReg is what the app stores about subscriptions it made.
type webhookReg struct {
	IDs              []string   `json:"ids"`
	Events           []string   `json:"events"`
	URL              string     `json:"url"`
	PendingHandshake bool       `json:"pending_handshake,omitempty"`
	HandshakeAt      *time.Time `json:"handshake_at,omitempty"`
}

// webhookRegView is the console's view of a connection's registration.
type webhookRegView struct {
	// Available is true when this provider's webhooks can be registered
	// through its API.
	Available        bool       `json:"available"`
	Registered       bool       `json:"registered"`
	Events           []string   `json:"events,omitempty"`
	URL              string     `json:"url,omitempty"`
	PendingHandshake bool       `json:"pending_handshake,omitempty"`
	RegisteredAt     *time.Time `json:"registered_at,omitempty"`
}

func parseWebhookReg(s string) (webhookReg, bool) {
	var r webhookReg
	if s == "" || json.Unmarshal([]byte(s), &r) != nil {
		return webhookReg{}, false
	}
	return r, true
}

// registrable reports whether provider's connector registers webhooks
// through the vendor's API; it asks the declared capabilities, so no
// credentials are needed.
func registrable(provider string) bool {
	cp, ok := ats.Declared(provider)
	return ok && cp.Webhooks.Supported && cp.Webhooks.Setup == "api"
}

func (a *App) webhookRegView(c *store.Connection) webhookRegView {
	v := webhookRegView{Available: registrable(c.Provider)}
	if r, ok := parseWebhookReg(c.WebhookRegistration); ok {
		v.Registered, v.Events, v.URL, v.PendingHandshake = len(r.IDs) > 0, r.Events, r.URL, r.PendingHandshake
		if !c.WebhookRegisteredAt.IsZero() {
			t := c.WebhookRegisteredAt
			v.RegisteredAt = &t
		}
	}
	return v
}

// webhookURL is the address the vendor delivers to.
func (a *App) webhookURL(c *store.Connection) string {
	return a.cfg.BaseURL + "/webhooks/ats/" + c.WebhookToken
}

// errNoWebhookAPI is returned for providers whose webhooks are set up in
// the vendor's own admin screens.
var errNoWebhookAPI = errors.New("no webhook API")

// registerWebhooks subscribes this connection's webhook URL through the
// vendor's API (POST /connections/:cid/webhooks); see registerConnectionWebhooks.
func (a *App) registerWebhooks(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	if err := a.registerConnectionWebhooks(c.UserContext(), conn); errors.Is(err, errNoWebhookAPI) {
		return &apiError{Status: fiber.StatusConflict, Code: "webhook_registration_unsupported",
			Message: providerTitle(conn.Provider) + " webhooks are set up in its own admin screens; follow the webhook steps shown for this connection."}
	} else if err != nil {
		// The vendor's refusal is shown with its message; our own
		// failures (the store) stay server errors.
		var ve *ats.Error
		if errors.As(err, &ve) {
			return connectionFailed(err)
		}
		return err
	}
	return a.respondConnection(c, conn.WorkspaceID, conn.ID)
}

// registerConnectionWebhooks subscribes conn's webhook URL through the
// vendor's API, for the console and the CLI. Registering again replaces
// the earlier subscriptions. hireloop chooses the secret unless the vendor
// issues its own (Lever's signature tokens, SmartRecruiters' key), which
// then replaces it; a handshake vendor may send one later.
func (a *App) registerConnectionWebhooks(ctx context.Context, conn *store.Connection) error {
	connector, err := a.connectorFor(conn)
	if err != nil {
		return err
	}
	reg, ok := connector.(ats.WebhookRegistrar)
	if !ok {
		return errNoWebhookAPI
	}
	if old, ok := parseWebhookReg(conn.WebhookRegistration); ok && len(old.IDs) > 0 {
		if err := reg.UnregisterWebhooks(ctx, ats.WebhookRegistration{IDs: old.IDs}); err != nil {
			return err
		}
		if err := a.store.SetWebhookRegistration(ctx, conn.WorkspaceID, conn.ID, "", time.Time{}, nil); err != nil {
			return err
		}
	}
	url := a.webhookURL(conn)
	secret := randomToken(32)
	_, handshakes := connector.(ats.WebhookHandshaker)
	now := time.Now()
	if handshakes {
		// The vendor may call the endpoint before RegisterWebhooks returns:
		// open the handshake window first.
		pending, _ := json.Marshal(webhookReg{URL: url, PendingHandshake: true})
		if err := a.store.SetWebhookRegistration(ctx, conn.WorkspaceID, conn.ID, string(pending), now, nil); err != nil {
			return err
		}
	}
	out, err := reg.RegisterWebhooks(ctx, url, secret)
	if err != nil {
		if handshakes {
			_ = a.store.SetWebhookRegistration(context.WithoutCancel(ctx), conn.WorkspaceID, conn.ID, "", time.Time{}, nil)
		}
		a.log.Warn("Webhook registration failed", slog.Int64("connection_id", conn.ID), slog.String("provider", conn.Provider), slog.Any("error", err))
		return err
	}
	if out.Secret != "" {
		secret = out.Secret
	}
	// Ours or the vendor's; a handshake that brings one replaces it.
	sealed, err := a.seal(purposeWebhookSecret, []byte(secret))
	if err != nil {
		return err
	}
	a.regMu.Lock()
	defer a.regMu.Unlock()
	r := webhookReg{IDs: out.IDs, Events: out.Events, URL: url, PendingHandshake: out.PendingHandshake}
	if handshakes {
		// A handshake that already arrived has confirmed the subscription.
		if cur, err := a.store.Connection(ctx, conn.WorkspaceID, conn.ID); err == nil {
			if prev, ok := parseWebhookReg(cur.WebhookRegistration); ok && prev.HandshakeAt != nil {
				r.PendingHandshake, r.HandshakeAt = false, prev.HandshakeAt
			}
		}
	}
	b, _ := json.Marshal(r)
	if err := a.store.SetWebhookRegistration(ctx, conn.WorkspaceID, conn.ID, string(b), now, sealed); err != nil {
		// The vendor now holds subscriptions we could not record: remove
		// them rather than leave deliveries nobody can verify.
		_ = reg.UnregisterWebhooks(context.WithoutCancel(ctx), out)
		return notFoundIs(err)
	}
	a.log.Info("Webhooks registered", slog.Int64("connection_id", conn.ID), slog.String("provider", conn.Provider),
		slog.Int("subscriptions", len(out.IDs)), slog.Bool("pending_handshake", r.PendingHandshake))
	return nil
}

// unregisterWebhooks removes the subscriptions hireloop made
// (DELETE /connections/:cid/webhooks).
func (a *App) unregisterWebhooks(c *fiber.Ctx) error {
	conn, err := a.loadConnection(c)
	if err != nil {
		return err
	}
	if err := a.removeWebhookRegistration(c.UserContext(), conn); err != nil {
		return connectionFailed(err)
	}
	return a.respondConnection(c, conn.WorkspaceID, conn.ID)
}

// removeWebhookRegistration deletes the vendor subscriptions recorded for
// conn and forgets them. Subscriptions already gone count as removed.
func (a *App) removeWebhookRegistration(ctx context.Context, conn *store.Connection) error {
	r, ok := parseWebhookReg(conn.WebhookRegistration)
	if !ok {
		return nil
	}
	if len(r.IDs) > 0 {
		connector, err := a.connectorFor(conn)
		if err != nil {
			return err
		}
		if reg, ok := connector.(ats.WebhookRegistrar); ok {
			if err := reg.UnregisterWebhooks(ctx, ats.WebhookRegistration{IDs: r.IDs, Events: r.Events}); err != nil && !errors.Is(err, ats.ErrNotFound) {
				return err
			}
		}
	}
	return notFoundIs(a.store.SetWebhookRegistration(ctx, conn.WorkspaceID, conn.ID, "", time.Time{}, nil))
}

// respondConnection re-reads the connection (registration changed it)
// and answers with its view.
func (a *App) respondConnection(c *fiber.Ctx, workspaceID, id int64) error {
	conn, err := a.store.Connection(c.UserContext(), workspaceID, id)
	if err != nil {
		return notFoundIs(err)
	}
	return a.writeConnection(c, conn)
}

// webhookHandshake answers a vendor's handshake. One that sets the
// secret is only honoured while this connection waits for a handshake
// (see handshakeWindow); one that changes nothing (SmartRecruiters'
// X-Hook-Secret echo, Recruitee's unsigned test ping when a webhook is
// created in its UI) is answered any time. Either ends a pending
// registration's wait.
func (a *App) webhookHandshake(c *fiber.Ctx, conn *store.Connection, resp ats.HandshakeResponse, log *slog.Logger) error {
	ctx := c.UserContext()
	a.regMu.Lock()
	defer a.regMu.Unlock()
	cur, err := a.store.ConnectionByID(ctx, conn.ID)
	if err != nil {
		return notFoundIs(err)
	}
	r, ok := parseWebhookReg(cur.WebhookRegistration)
	expecting := ok && r.PendingHandshake && time.Since(cur.WebhookRegisteredAt) <= handshakeWindow
	if resp.Secret != "" && !expecting {
		log.Warn("Unexpected webhook handshake refused")
		return &apiError{Status: fiber.StatusForbidden, Code: "handshake_not_expected",
			Message: "No webhook registration is waiting for a handshake on this connection. Register the webhooks again from the connection settings."}
	}
	if expecting {
		var sealed []byte
		if resp.Secret != "" {
			if sealed, err = a.seal(purposeWebhookSecret, []byte(resp.Secret)); err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		r.PendingHandshake, r.HandshakeAt = false, &now
		b, _ := json.Marshal(r)
		if err := a.store.SetWebhookRegistration(ctx, cur.WorkspaceID, cur.ID, string(b), cur.WebhookRegisteredAt, sealed); err != nil {
			return err
		}
	}
	log.Info("Webhook handshake answered", slog.Bool("secret_stored", resp.Secret != ""), slog.Bool("registration_confirmed", expecting))
	return sendHandshake(c, resp)
}

func sendHandshake(c *fiber.Ctx, resp ats.HandshakeResponse) error {
	for k, vs := range resp.Header {
		for _, v := range vs {
			c.Response().Header.Add(k, v)
		}
	}
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	return c.Status(status).Send(resp.Body)
}
