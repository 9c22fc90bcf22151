package connections

import (
	"context"
	"encoding/json"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// CapsView is the JSON shape of ats.Capabilities for the console.
type CapsView struct {
	Writes      map[ats.WriteAction]ActionView `json:"writes"`
	Webhooks    ats.WebhookSupport             `json:"webhooks"`
	Incremental map[ats.Model]bool             `json:"incremental"`
	Deletions   map[ats.Model]bool             `json:"deletions"`
	StageScope  ats.StageScope                 `json:"stage_scope"`
	ActingUser  bool                           `json:"acting_user_required"`
	ForceSync   bool                           `json:"force_sync"`
	RateLimit   string                         `json:"rate_limit"`
}

// ActionView is one write action's support.
type ActionView struct {
	Supported bool          `json:"supported"`
	Reason    string        `json:"reason,omitempty"`
	Target    ats.Target    `json:"target,omitempty"`
	Transport ats.Transport `json:"transport,omitempty"`
}

// CapsViewOf converts capabilities for the console.
func CapsViewOf(c ats.Capabilities) CapsView {
	v := CapsView{Writes: map[ats.WriteAction]ActionView{}, Webhooks: c.Webhooks, Incremental: c.Incremental,
		Deletions: c.Deletions, StageScope: c.StageScope, ActingUser: c.ActingUserRequired, ForceSync: c.ForceSync}
	if !c.DefaultRateLimit.IsZero() {
		v.RateLimit = c.DefaultRateLimit.String()
	}
	for a, s := range c.Writes {
		v.Writes[a] = ActionView{Supported: s.Supported, Reason: s.Reason, Target: s.Target, Transport: s.Transport}
	}
	return v
}

// CapsJSON is what a connection row stores as its capabilities: the
// console's view, so the API can hand it out as it is.
func CapsJSON(c ats.Capabilities) string {
	b, _ := json.Marshal(CapsViewOf(c))
	return string(b)
}

// View is a connection as the API shows it: never a credential.
type View struct {
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
	WebhookRegistration RegView         `json:"webhook_registration"`
	CreatedAt           time.Time       `json:"created_at"`
}

// View describes c with its last run; nextSync is when its schedule fires
// next (nil when it has none).
func (s *Service) View(ctx context.Context, c *store.Connection, nextSync *time.Time) (View, error) {
	caps := c.Capabilities
	if caps == "" {
		caps = "{}"
	}
	v := View{
		ID: c.ID, Provider: c.Provider, Name: c.Name, BaseURL: c.BaseURL, IntegrationID: c.IntegrationID,
		ActingUserID: c.ActingUserID, HasAPIKey: len(c.Credentials) > 0, HasWebhookSecret: len(c.WebhookSecret) > 0,
		WebhookURL:          s.WebhookURL(c),
		SyncIntervalMinutes: int64(c.SyncInterval / time.Minute), Paused: c.Paused,
		Capabilities: json.RawMessage(caps), CreatedAt: c.CreatedAt,
		NextSyncAt: nextSync, WebhookRegistration: regViewOf(c),
	}
	runs, err := s.Store.SyncRuns(ctx, c.WorkspaceID, c.ID, 1)
	if err != nil {
		return v, err
	}
	if len(runs) > 0 {
		v.LastRun = &runs[0]
	}
	return v, nil
}

// WebhookURL is the address the vendor delivers to.
func (s *Service) WebhookURL(c *store.Connection) string {
	return s.BaseURL + "/webhooks/ats/" + c.WebhookToken
}
