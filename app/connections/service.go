// Package connections is the ATS connection service: it validates, tests,
// creates, edits and deletes connections, builds a stored connection's
// connector (unsealing its credentials), describes the providers, and
// registers webhooks through vendors' APIs. The HTTP API and the command
// line both call it, so a connection made either way passes the same checks.
package connections

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// Sandbox is the built-in emulated ATS of demo mode: a real HTTP server on
// loopback that a real connector talks to (ats/sandbox speaks Greenhouse
// Harvest v3 to the greenhouse connector).
type Sandbox interface {
	// Provider is the connector that speaks the sandbox's wire format.
	Provider() string
	// BaseURL is the sandbox API root.
	BaseURL() string
	// ClientID, APIKey (the client secret) and ActingUserID (the user
	// tokens are issued for) are the credentials the sandbox accepts; they
	// fill the connection's integration id, API key and acting user.
	ClientID() string
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

// DefaultSyncInterval is how often a connection syncs unless told otherwise.
const DefaultSyncInterval = 3 * time.Hour

// Service manages connections. Its fields are its dependencies; set them
// before use.
type Service struct {
	Store   *store.Store
	Box     *secret.Box
	Log     *slog.Logger
	Version string // sent in the connectors' User-Agent
	BaseURL string // public URL: webhook addresses
	Sandbox Sandbox
	// ConfigHook lets tests and benchmarks adjust connector settings
	// (rate limits, page sizes) that are not stored per connection.
	ConfigHook func(*ats.Config)

	// regMu orders webhook registration and handshake updates of a
	// connection (a handshake can arrive while registration runs).
	regMu    sync.Mutex
	localMu  sync.Mutex
	localURL string
}

// SetLocalURL tells where this process listens (http://host:port), for
// loopback callers such as the sandbox.
func (s *Service) SetLocalURL(u string) {
	s.localMu.Lock()
	s.localURL = u
	s.localMu.Unlock()
}

// credentials is the sealed payload of a connection.
type credentials struct {
	APIKey string `json:"api_key"`
}

// Connector builds the connector of a stored connection.
func (s *Service) Connector(c *store.Connection) (ats.Connector, error) {
	var creds credentials
	if pt, err := s.Box.Open(secret.PurposeCredentials, c.Credentials); err != nil {
		return nil, err
	} else if pt != nil {
		if err := json.Unmarshal(pt, &creds); err != nil {
			return nil, fmt.Errorf("stored credentials are damaged: %w", err)
		}
	}
	whSecret, err := s.Box.Open(secret.PurposeWebhookSecret, c.WebhookSecret)
	if err != nil {
		return nil, err
	}
	cfg := ats.Config{
		BaseURL: c.BaseURL, APIKey: creds.APIKey, IntegrationID: c.IntegrationID, ActingUserID: c.ActingUserID,
		WebhookSecret: string(whSecret),
		Logger:        s.Log.With(slog.Int64("connection_id", c.ID), slog.String("provider", c.Provider)),
		HTTP:          ats.HTTPSettings{UserAgentVersion: s.Version},
	}
	if s.ConfigHook != nil {
		s.ConfigHook(&cfg)
	}
	provider := c.Provider
	if provider == ProviderSandbox {
		if s.Sandbox == nil {
			return nil, errors.New("the sandbox ATS runs only in demo mode (hireloop serve --demo)")
		}
		provider, cfg.BaseURL = s.Sandbox.Provider(), s.Sandbox.BaseURL()
		cfg.IntegrationID, cfg.APIKey, cfg.ActingUserID = s.Sandbox.ClientID(), s.Sandbox.APIKey(), s.Sandbox.ActingUserID()
	}
	return ats.New(provider, cfg)
}

// Request creates or edits a connection. Pointer fields are optional on
// edit; empty secrets on edit keep the stored ones.
type Request struct {
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

// apply validates the request and copies it onto c, sealing secrets.
func (s *Service) apply(req Request, c *store.Connection, creating bool) error {
	fe := apperr.Fields{}
	if creating {
		known := false
		for _, p := range s.Names() {
			known = known || p == req.Provider
		}
		if !known {
			fe.Add("provider", "must be one of "+strings.Join(s.Names(), ", "))
		}
		c.Provider = req.Provider
	}
	if req.Name != nil {
		c.Name = strings.TrimSpace(*req.Name)
	}
	if creating && c.Name == "" {
		c.Name = Title(c.Provider)
	}
	fe.Add("name", apperr.CheckName(c.Name, true, 100))
	if req.BaseURL != nil {
		u := strings.TrimRight(strings.TrimSpace(*req.BaseURL), "/")
		if u != "" {
			if pu, err := url.Parse(u); err != nil || (pu.Scheme != "https" && pu.Scheme != "http") || pu.Host == "" {
				fe.Add("base_url", "must be an http(s) URL, or empty for the vendor's default")
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
	requireFields(c, fe)
	if req.APIKey != nil && strings.TrimSpace(*req.APIKey) != "" {
		b, _ := json.Marshal(credentials{APIKey: strings.TrimSpace(*req.APIKey)})
		sealed, err := s.Box.Seal(secret.PurposeCredentials, b)
		if err != nil {
			return err
		}
		c.Credentials = sealed
	}
	if creating && len(c.Credentials) == 0 && c.Provider != ProviderSandbox {
		fe.Add("api_key", "is required")
	}
	if req.WebhookSecret != nil && *req.WebhookSecret != "" {
		sealed, err := s.Box.Seal(secret.PurposeWebhookSecret, []byte(*req.WebhookSecret))
		if err != nil {
			return err
		}
		c.WebhookSecret = sealed
	}
	if req.SyncIntervalMinutes != nil {
		m := *req.SyncIntervalMinutes
		if m < 5 || m > 7*24*60 {
			fe.Add("sync_interval_minutes", "must be between 5 and 10080 (one week)")
		}
		c.SyncInterval = time.Duration(m) * time.Minute
	}
	if c.SyncInterval == 0 {
		c.SyncInterval = DefaultSyncInterval
	}
	if req.Paused != nil {
		c.Paused = *req.Paused
	}
	return fe.Err()
}

// requireFields flags the fields a connector cannot be built without,
// checked here so the form points at the field instead of failing the
// credential test.
func requireFields(c *store.Connection, fe apperr.Fields) {
	switch {
	case c.IntegrationID == "" && (c.Provider == "kombo" || c.Provider == "merge" || c.Provider == "personio"):
		name, _, _ := strings.Cut(Title(c.Provider), " (") // "Kombo", not "Kombo (100+ ATS)"
		fe.Add("integration_id", "is required for "+name)
	case c.Provider == "greenhouse":
		// Harvest v3: OAuth client id and the user sent as sub; a v1 base
		// URL (saved before v3) points at an API that is gone.
		if strings.HasSuffix(strings.TrimRight(c.BaseURL, "/"), "/v1") {
			fe.Add("base_url", "points at Harvest v1, which Greenhouse switched off on 2026-08-31: clear it to use Harvest v3")
		}
		if c.IntegrationID == "" {
			fe.Add("integration_id", "is required: the Client ID of your Harvest v3 (OAuth) credentials")
		}
		if c.ActingUserID == "" {
			fe.Add("acting_user_id", "is required: the numeric id of the Greenhouse user hireloop acts as")
		}
	}
}

// Test runs the connector's Test and returns its capabilities; a failure
// carries the vendor's own message, for the recruiter to act on.
func (s *Service) Test(ctx context.Context, c *store.Connection) (ats.Capabilities, error) {
	conn, err := s.Connector(c)
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

// Failed is the error of a connection the ATS refused, with the vendor's
// message.
func Failed(err error) *apperr.Error {
	msg := err.Error()
	if vm := ats.VendorMessage(err); vm != "" && !strings.Contains(msg, vm) {
		msg += ": " + vm
	}
	return apperr.Unprocessable("connection_failed", "The ATS refused the connection: "+msg)
}

// Create tests the credentials before saving (a connection that cannot
// sync is no use) and stores the connection with its capabilities. The
// caller schedules its syncs.
func (s *Service) Create(ctx context.Context, workspaceID int64, req Request) (*store.Connection, error) {
	conn := &store.Connection{WorkspaceID: workspaceID, WebhookToken: secret.Token(24)}
	if req.Provider == ProviderSandbox && s.Sandbox != nil {
		// The sandbox signs its webhooks with a secret we choose.
		sec := secret.Token(24)
		req.WebhookSecret = &sec
	}
	if err := s.apply(req, conn, true); err != nil {
		return nil, err
	}
	caps, err := s.Test(ctx, conn)
	if err != nil {
		return nil, Failed(err)
	}
	conn.Capabilities = CapsJSON(caps)
	if err := s.Store.CreateConnection(ctx, conn); err != nil {
		return nil, err
	}
	s.Log.Info("ATS connection created", slog.Int64("workspace_id", workspaceID), slog.Int64("connection_id", conn.ID), slog.String("provider", conn.Provider))
	if conn.Provider == ProviderSandbox {
		s.registerSandboxWebhook(conn)
	}
	return conn, nil
}

// Update edits settings. New credentials are tested before they replace
// the old ones, so a typo cannot break a working connection.
func (s *Service) Update(ctx context.Context, conn *store.Connection, req Request) error {
	if req.Provider != "" && req.Provider != conn.Provider {
		return apperr.Field("provider", "cannot be changed; create a new connection")
	}
	oldKey := string(conn.Credentials)
	oldBase, oldIntegration := conn.BaseURL, conn.IntegrationID
	if err := s.apply(req, conn, false); err != nil {
		return err
	}
	if string(conn.Credentials) != oldKey || conn.BaseURL != oldBase || conn.IntegrationID != oldIntegration {
		caps, err := s.Test(ctx, conn)
		if err != nil {
			return Failed(err)
		}
		conn.Capabilities = CapsJSON(caps)
	}
	return apperr.NotFoundIs(s.Store.UpdateConnection(ctx, conn))
}

// Delete removes a connection and its synced data, and the webhooks
// hireloop registered for it at the vendor. A vendor that cannot be
// reached does not stop the delete: warn is told what is left there.
func (s *Service) Delete(ctx context.Context, conn *store.Connection, warn func(error)) error {
	if err := s.RemoveWebhooks(ctx, conn); err != nil {
		warn(err)
	}
	if conn.Provider == ProviderSandbox && s.Sandbox != nil {
		s.Sandbox.RemoveWebhook(s.sandboxWebhookURL(conn))
	}
	if err := s.Store.DeleteConnection(ctx, conn.WorkspaceID, conn.ID); err != nil {
		return apperr.NotFoundIs(err)
	}
	s.Log.Info("ATS connection deleted", slog.Int64("workspace_id", conn.WorkspaceID), slog.Int64("connection_id", conn.ID))
	return nil
}

// TestStored tests a saved connection and records its capabilities.
func (s *Service) TestStored(ctx context.Context, conn *store.Connection) error {
	caps, err := s.Test(ctx, conn)
	if err != nil {
		return Failed(err)
	}
	_ = s.Store.SetConnectionCapabilities(ctx, conn.WorkspaceID, conn.ID, CapsJSON(caps))
	return nil
}
