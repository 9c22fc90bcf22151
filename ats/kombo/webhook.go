package kombo

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/hireloop/hireloop/ats"
)

// SignatureHeader carries base64url(HMAC-SHA256(secret, body)) without padding.
const SignatureHeader = "X-Kombo-Signature"

// VerifyWebhook implements ats.WebhookHandler.
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) error {
	return ats.VerifyHMACBase64URL(secret, body, h.Get(SignatureHeader))
}

// modelNames maps data-changed model names to ours.
var modelNames = map[string]ats.Model{
	"ats_jobs":                 ats.ModelJobs,
	"ats_candidates":           ats.ModelCandidates,
	"ats_applications":         ats.ModelApplications,
	"ats_application_stages":   ats.ModelStages,
	"ats_tags":                 ats.ModelTags,
	"ats_join_candidates_tags": ats.ModelCandidates,
	"ats_rejection_reasons":    ats.ModelRejectionReasons,
	"ats_users":                ats.ModelUsers,
}

// ParseWebhook decodes data-changed (what to re-read) and the legacy
// sync-finished (treated as "everything may have changed" when the sync
// succeeded). Other types (integration-*) carry no models.
func (c *Client) ParseWebhook(_ http.Header, body []byte) (ats.WebhookEvent, error) {
	var w struct {
		ID   string `json:"id"`
		Type string `json:"type"`
		Data struct {
			IntegrationID string `json:"integration_id"`
			ChangedModels []struct {
				Name string `json:"name"`
			} `json:"changed_models"`
			SyncState string `json:"sync_state"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return ats.WebhookEvent{}, &ats.Error{Provider: Name, Op: "webhook", Message: "invalid JSON: " + err.Error(), Err: ats.ErrMalformedResponse}
	}
	ev := ats.WebhookEvent{ID: w.ID, Type: w.Type, ConnectionRef: w.Data.IntegrationID, Raw: json.RawMessage(body)}
	if ev.ID == "" {
		ev.ID = ats.BodyDigestID(body)
	}
	switch w.Type {
	case "data-changed":
		seen := map[ats.Model]bool{}
		for _, m := range w.Data.ChangedModels {
			if mm, ok := modelNames[m.Name]; ok && !seen[mm] {
				seen[mm] = true
				ev.Models = append(ev.Models, mm)
			}
		}
	case "sync-finished":
		if w.Data.SyncState == "SUCCEEDED" || w.Data.SyncState == "PARTIALLY_FAILED" {
			ev.Models = append(ev.Models, ats.AllModels...)
		}
	}
	return ev, nil
}

var _ ats.DeliveryFilter = (*Client)(nil)

// AccountRef is the integration id: Kombo sends every integration's
// data-changed events to each webhook endpoint and names the integration
// in data.integration_id.
func (c *Client) AccountRef(context.Context) (string, error) { return c.cfg.IntegrationID, nil }
