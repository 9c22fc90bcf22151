package lever

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// webhookEvents are the events hireloop subscribes to when it registers
// its endpoint: each one maps to models in eventModels.
var webhookEvents = []string{"applicationCreated", "candidateStageChange", "candidateArchiveChange", "candidateHired", "candidateDeleted"}

var _ ats.WebhookRegistrar = (*Client)(nil)

// RegisterWebhooks creates one Lever webhook per event
// (POST /webhooks {event, url}). Lever issues a signature token per
// webhook (data.configuration.signatureToken) instead of taking ours, so
// the returned Secret holds every token, one per line; VerifyWebhook
// accepts a delivery signed with any of them. When one creation fails,
// the webhooks created before it are deleted.
func (c *Client) RegisterWebhooks(ctx context.Context, url, _ string) (ats.WebhookRegistration, error) {
	var reg ats.WebhookRegistration
	var tokens []string
	for _, ev := range webhookEvents {
		resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: "/webhooks", OpName: "/webhooks",
			JSON: map[string]string{"event": ev, "url": url}})
		if err != nil {
			_ = c.UnregisterWebhooks(context.WithoutCancel(ctx), reg)
			return ats.WebhookRegistration{}, err
		}
		var out struct {
			Data struct {
				ID            string `json:"id"`
				Configuration struct {
					SignatureToken string `json:"signatureToken"`
				} `json:"configuration"`
			} `json:"data"`
		}
		if err := c.http.DecodeJSON(resp, &out); err != nil || out.Data.ID == "" || out.Data.Configuration.SignatureToken == "" {
			_ = c.UnregisterWebhooks(context.WithoutCancel(ctx), reg)
			if err == nil {
				err = &ats.Error{Provider: Name, Op: "POST /webhooks", Status: resp.Status,
					Message: "webhook created without an id or signature token", Err: ats.ErrMalformedResponse}
			}
			return ats.WebhookRegistration{}, err
		}
		reg.IDs = append(reg.IDs, out.Data.ID)
		reg.Events = append(reg.Events, ev)
		tokens = append(tokens, out.Data.Configuration.SignatureToken)
	}
	reg.Secret = strings.Join(tokens, "\n")
	return reg, nil
}

// UnregisterWebhooks deletes the webhooks (DELETE /webhooks/{id}); ones
// already gone count as deleted. It tries every id and returns the first
// error.
func (c *Client) UnregisterWebhooks(ctx context.Context, reg ats.WebhookRegistration) error {
	var first error
	for _, id := range reg.IDs {
		_, err := c.http.Do(ctx, ats.Request{Method: http.MethodDelete, Path: "/webhooks/" + pathID(id), OpName: "/webhooks/{id}"})
		if err != nil && !errors.Is(err, ats.ErrNotFound) && first == nil {
			first = err
		}
	}
	return first
}

// secretTokens splits a stored webhook secret into Lever signature tokens:
// one per webhook, separated by newlines, spaces or commas (an admin who
// sets webhooks up by hand pastes one token per event).
func secretTokens(secret string) []string {
	return strings.FieldsFunc(secret, func(r rune) bool { return r == '\n' || r == '\r' || r == ' ' || r == ',' || r == '\t' })
}
