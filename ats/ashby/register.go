package ashby

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/hireloop/hireloop/ats"
)

// webhookEvents are the webhook types hireloop subscribes to; each maps to
// models in eventModels.
var webhookEvents = []string{"applicationSubmit", "applicationUpdate", "candidateStageChange", "candidateHire", "candidateDelete", "jobUpdate"}

var _ ats.WebhookRegistrar = (*Client)(nil)

// RegisterWebhooks creates one Ashby webhook per type with
// webhook.create {webhookType, requestUrl, secretToken}. Ashby signs with
// the secretToken we give it, so the secret is ours and Secret stays
// empty. When one creation fails, the ones before it are deleted.
// Confirmed: parameter names from a recorded call to
// https://api.ashbyhq.com/webhook.create and webhook.delete {webhookId}.
func (c *Client) RegisterWebhooks(ctx context.Context, url, secret string) (ats.WebhookRegistration, error) {
	if secret == "" {
		return ats.WebhookRegistration{}, ats.Invalid(Name, "webhook.create", "a secret token is required to sign deliveries")
	}
	var reg ats.WebhookRegistration
	for _, typ := range webhookEvents {
		var env envelope
		err := c.call(ctx, "webhook.create", map[string]any{"webhookType": typ, "requestUrl": url, "secretToken": secret}, false, &env)
		var out struct {
			ID string `json:"id"`
		}
		if err == nil {
			if jerr := json.Unmarshal(env.Results, &out); jerr != nil || out.ID == "" {
				err = malformed("POST /webhook.create", "webhook created without an id")
			}
		}
		if err != nil {
			_ = c.UnregisterWebhooks(context.WithoutCancel(ctx), reg)
			return ats.WebhookRegistration{}, err
		}
		reg.IDs = append(reg.IDs, out.ID)
		reg.Events = append(reg.Events, typ)
	}
	return reg, nil
}

// UnregisterWebhooks deletes each webhook (webhook.delete {webhookId});
// ones already gone count as deleted. It tries every id and returns the
// first error.
func (c *Client) UnregisterWebhooks(ctx context.Context, reg ats.WebhookRegistration) error {
	var first error
	for _, id := range reg.IDs {
		var env envelope
		err := c.call(ctx, "webhook.delete", map[string]any{"webhookId": id}, false, &env)
		if err != nil && !errors.Is(err, ats.ErrNotFound) && first == nil {
			first = err
		}
	}
	return first
}
