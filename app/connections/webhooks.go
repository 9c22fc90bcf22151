package connections

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
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

// RegView is the console's view of a connection's registration.
type RegView struct {
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

func regViewOf(c *store.Connection) RegView {
	v := RegView{Available: registrable(c.Provider)}
	if r, ok := parseWebhookReg(c.WebhookRegistration); ok {
		v.Registered, v.Events, v.URL, v.PendingHandshake = len(r.IDs) > 0, r.Events, r.URL, r.PendingHandshake
		if !c.WebhookRegisteredAt.IsZero() {
			t := c.WebhookRegisteredAt
			v.RegisteredAt = &t
		}
	}
	return v
}

// ErrNoWebhookAPI is returned for providers whose webhooks are set up in
// the vendor's own admin screens.
var ErrNoWebhookAPI = errors.New("no webhook API")

// RegisterWebhooks subscribes conn's webhook URL through the vendor's
// API, for the console and the CLI. Registering again replaces
// the earlier subscriptions. hireloop chooses the secret unless the vendor
// issues its own (Lever's signature tokens, SmartRecruiters' key), which
// then replaces it; a handshake vendor may send one later.
func (s *Service) RegisterWebhooks(ctx context.Context, conn *store.Connection) error {
	connector, err := s.Connector(conn)
	if err != nil {
		return err
	}
	reg, ok := connector.(ats.WebhookRegistrar)
	if !ok {
		return ErrNoWebhookAPI
	}
	if old, ok := parseWebhookReg(conn.WebhookRegistration); ok && len(old.IDs) > 0 {
		if err := reg.UnregisterWebhooks(ctx, ats.WebhookRegistration{IDs: old.IDs}); err != nil {
			return err
		}
		if err := s.Store.SetWebhookRegistration(ctx, conn.WorkspaceID, conn.ID, "", time.Time{}, nil); err != nil {
			return err
		}
	}
	url := s.WebhookURL(conn)
	whSecret := secret.Token(32)
	_, handshakes := connector.(ats.WebhookHandshaker)
	now := time.Now()
	if handshakes {
		// The vendor may call the endpoint before RegisterWebhooks returns:
		// open the handshake window first.
		pending, _ := json.Marshal(webhookReg{URL: url, PendingHandshake: true})
		if err := s.Store.SetWebhookRegistration(ctx, conn.WorkspaceID, conn.ID, string(pending), now, nil); err != nil {
			return err
		}
	}
	out, err := reg.RegisterWebhooks(ctx, url, whSecret)
	if err != nil {
		if handshakes {
			_ = s.Store.SetWebhookRegistration(context.WithoutCancel(ctx), conn.WorkspaceID, conn.ID, "", time.Time{}, nil)
		}
		s.Log.Warn("Webhook registration failed", slog.Int64("connection_id", conn.ID), slog.String("provider", conn.Provider), slog.Any("error", err))
		return err
	}
	if out.Secret != "" {
		whSecret = out.Secret
	}
	// Ours or the vendor's; a handshake that brings one replaces it.
	sealed, err := s.Box.Seal(secret.PurposeWebhookSecret, []byte(whSecret))
	if err != nil {
		return err
	}
	s.regMu.Lock()
	defer s.regMu.Unlock()
	r := webhookReg{IDs: out.IDs, Events: out.Events, URL: url, PendingHandshake: out.PendingHandshake}
	if handshakes {
		// A handshake that already arrived has confirmed the subscription.
		if cur, err := s.Store.Connection(ctx, conn.WorkspaceID, conn.ID); err == nil {
			if prev, ok := parseWebhookReg(cur.WebhookRegistration); ok && prev.HandshakeAt != nil {
				r.PendingHandshake, r.HandshakeAt = false, prev.HandshakeAt
			}
		}
	}
	b, _ := json.Marshal(r)
	if err := s.Store.SetWebhookRegistration(ctx, conn.WorkspaceID, conn.ID, string(b), now, sealed); err != nil {
		// The vendor now holds subscriptions we could not record: remove
		// them rather than leave deliveries nobody can verify.
		_ = reg.UnregisterWebhooks(context.WithoutCancel(ctx), out)
		return apperr.NotFoundIs(err)
	}
	s.Log.Info("Webhooks registered", slog.Int64("connection_id", conn.ID), slog.String("provider", conn.Provider),
		slog.Int("subscriptions", len(out.IDs)), slog.Bool("pending_handshake", r.PendingHandshake))
	return nil
}

// RemoveWebhooks deletes the vendor subscriptions recorded for conn and
// forgets them. Subscriptions already gone count as removed.
func (s *Service) RemoveWebhooks(ctx context.Context, conn *store.Connection) error {
	r, ok := parseWebhookReg(conn.WebhookRegistration)
	if !ok {
		return nil
	}
	if len(r.IDs) > 0 {
		connector, err := s.Connector(conn)
		if err != nil {
			return err
		}
		if reg, ok := connector.(ats.WebhookRegistrar); ok {
			if err := reg.UnregisterWebhooks(ctx, ats.WebhookRegistration{IDs: r.IDs, Events: r.Events}); err != nil && !errors.Is(err, ats.ErrNotFound) {
				return err
			}
		}
	}
	return apperr.NotFoundIs(s.Store.SetWebhookRegistration(ctx, conn.WorkspaceID, conn.ID, "", time.Time{}, nil))
}

// Handshake records a vendor's handshake and returns the answer to send. One that sets the
// secret is only honoured while this connection waits for a handshake
// (see handshakeWindow); one that changes nothing (SmartRecruiters'
// X-Hook-Secret echo, Recruitee's unsigned test ping when a webhook is
// created in its UI) is answered any time. Either ends a pending
// registration's wait.
func (s *Service) Handshake(ctx context.Context, conn *store.Connection, resp ats.HandshakeResponse, log *slog.Logger) error {
	s.regMu.Lock()
	defer s.regMu.Unlock()
	cur, err := s.Store.ConnectionByID(ctx, conn.ID)
	if err != nil {
		return apperr.NotFoundIs(err)
	}
	r, ok := parseWebhookReg(cur.WebhookRegistration)
	expecting := ok && r.PendingHandshake && time.Since(cur.WebhookRegisteredAt) <= handshakeWindow
	if resp.Secret != "" && !expecting {
		log.Warn("Unexpected webhook handshake refused")
		return &apperr.Error{Status: http.StatusForbidden, Code: "handshake_not_expected",
			Message: "No webhook registration is waiting for a handshake on this connection. Register the webhooks again from the connection settings."}
	}
	if expecting {
		var sealed []byte
		if resp.Secret != "" {
			if sealed, err = s.Box.Seal(secret.PurposeWebhookSecret, []byte(resp.Secret)); err != nil {
				return err
			}
		}
		now := time.Now().UTC()
		r.PendingHandshake, r.HandshakeAt = false, &now
		b, _ := json.Marshal(r)
		if err := s.Store.SetWebhookRegistration(ctx, cur.WorkspaceID, cur.ID, string(b), cur.WebhookRegisteredAt, sealed); err != nil {
			return err
		}
	}
	log.Info("Webhook handshake answered", slog.Bool("secret_stored", resp.Secret != ""), slog.Bool("registration_confirmed", expecting))
	return nil
}

// sandboxWebhookURL is where the sandbox delivers: our own listener on
// loopback, whatever the public base URL is.
func (s *Service) sandboxWebhookURL(c *store.Connection) string {
	s.localMu.Lock()
	base := s.localURL
	s.localMu.Unlock()
	if base == "" {
		base = s.BaseURL
	}
	return base + "/webhooks/ats/" + c.WebhookToken
}

func (s *Service) registerSandboxWebhook(c *store.Connection) {
	if s.Sandbox == nil {
		return
	}
	sec, err := s.Box.Open(secret.PurposeWebhookSecret, c.WebhookSecret)
	if err != nil {
		s.Log.Warn("Sandbox webhook not registered", slog.Int64("connection_id", c.ID), slog.Any("error", err))
		return
	}
	s.Sandbox.AddWebhook(s.sandboxWebhookURL(c), string(sec))
}

// RegisterSandboxWebhooks tells the sandbox about existing sandbox
// connections at start-up (its registrations live in memory).
func (s *Service) RegisterSandboxWebhooks(ctx context.Context) {
	if s.Sandbox == nil {
		return
	}
	cs, err := s.Store.Connections(ctx, 0)
	if err != nil {
		s.Log.Warn("Sandbox webhooks not registered", slog.Any("error", err))
		return
	}
	for i := range cs {
		if cs[i].Provider == ProviderSandbox {
			s.registerSandboxWebhook(&cs[i])
		}
	}
}
