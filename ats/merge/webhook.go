package merge

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// SignatureHeader carries base64url(HMAC-SHA256(signature key, raw body)).
const SignatureHeader = "X-Merge-Webhook-Signature"

// VerifyWebhook implements ats.WebhookHandler. The secret is the webhook
// signature key from the Merge dashboard (Webhooks → Security). Padded and
// unpadded base64url are both accepted.
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) error {
	return ats.VerifyHMACBase64URL(secret, body, h.Get(SignatureHeader))
}

// modelNames maps Merge common-model names (the part of hook.event before
// the dot) to ours. Activities, attachments, interviews, offers and the
// like are not synced and are ignored.
var modelNames = map[string]ats.Model{
	"Job":               ats.ModelJobs,
	"JobInterviewStage": ats.ModelStages,
	"Candidate":         ats.ModelCandidates,
	"Application":       ats.ModelApplications,
	"Tag":               ats.ModelTags,
	"RejectReason":      ats.ModelRejectionReasons,
	"RemoteUser":        ats.ModelUsers,
	"User":              ats.ModelUsers,
}

// ParseWebhook decodes {hook:{id,event,target}, linked_account:{…},
// data:{…}}. <Model>.added|changed|removed|synced name the changed model
// (data is the row, so ids and an application's current stage are
// reported); LinkedAccount.synced / fully_synced_initial / linked mean
// everything may have changed; Issue.* and other events carry no models.
// ConnectionRef is the Merge linked-account id (not the account token).
// Merge sends no delivery id (hook.id is the webhook's own id) and
// re-delivers identical bodies, so the dedupe id is the body digest.
func (c *Client) ParseWebhook(_ http.Header, body []byte) (ats.WebhookEvent, error) {
	var w struct {
		Hook struct {
			ID     string `json:"id"`
			Event  string `json:"event"`
			Target string `json:"target"`
		} `json:"hook"`
		LinkedAccount struct {
			ID string `json:"id"`
		} `json:"linked_account"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(body, &w); err != nil {
		return ats.WebhookEvent{}, &ats.Error{Provider: Name, Op: "webhook", Message: "invalid JSON: " + err.Error(), Err: ats.ErrMalformedResponse}
	}
	ev := ats.WebhookEvent{ID: ats.BodyDigestID(body), Type: w.Hook.Event, ConnectionRef: w.LinkedAccount.ID, Raw: json.RawMessage(body)}
	model, action, _ := strings.Cut(w.Hook.Event, ".")
	if model == "LinkedAccount" {
		switch action {
		case "synced", "fully_synced_initial", "linked", "sync_completed":
			ev.Models = append(ev.Models, ats.AllModels...)
		}
		return ev, nil
	}
	m, ok := modelNames[model]
	if !ok {
		return ev, nil
	}
	ev.Models = []ats.Model{m}
	var row struct {
		ID           string `json:"id"`
		Candidate    ref    `json:"candidate"`
		Job          ref    `json:"job"`
		CurrentStage ref    `json:"current_stage"`
		// Merge's modification time of the row, which the sync stores.
		ModifiedAt ats.FlexTime `json:"modified_at"`
	}
	if len(w.Data) > 0 && w.Data[0] == '{' {
		_ = json.Unmarshal(w.Data, &row)
	}
	switch m {
	case ats.ModelApplications:
		ev.ApplicationID, ev.CandidateID, ev.JobID = row.ID, row.Candidate.ID, row.Job.ID
		ev.OccurredAt = row.ModifiedAt.Time
		if row.CurrentStage.ID != "" && action != "removed" && action != "deleted" {
			ev.StageChange = &ats.StageChange{ToStageID: row.CurrentStage.ID, ToStageName: row.CurrentStage.Name}
		}
	case ats.ModelCandidates:
		ev.CandidateID = row.ID
	case ats.ModelJobs:
		ev.JobID = row.ID
	case ats.ModelStages:
		ev.JobID = row.Job.ID
	}
	return ev, nil
}

var _ ats.DeliveryFilter = (*Client)(nil)

// AccountRef is the linked account's Merge id: a Merge webhook receives
// the events of every linked account of the organisation and names it by
// that id (linked_account.id), which is not the account token hireloop
// holds, so it is looked up (GET /account-details). The caller keeps it.
func (c *Client) AccountRef(ctx context.Context) (string, error) {
	ad, err := c.AccountDetails(ctx)
	return ad.ID, err
}
