package ashby

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// SignatureHeader carries "sha256=<hex HMAC-SHA256(secretToken, body)>".
const SignatureHeader = "Ashby-Signature"

// VerifyWebhook checks the Ashby-Signature header against the raw body in
// constant time. secret is the webhook's secretToken.
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) error {
	if secret == "" {
		return ats.ErrWebhookSecretMissing
	}
	sig := strings.TrimSpace(h.Get(SignatureHeader))
	hex, ok := strings.CutPrefix(sig, "sha256=")
	if !ok || hex == "" {
		return ats.ErrInvalidSignature
	}
	return ats.VerifyHMACHex(secret, body, hex)
}

type webhookBody struct {
	Action string `json:"action"`
	Data   struct {
		Application *struct {
			ID                    string       `json:"id"`
			Candidate             idRef        `json:"candidate"`
			Job                   idRef        `json:"job"`
			CurrentInterviewStage *idRef       `json:"currentInterviewStage"`
			UpdatedAt             ats.FlexTime `json:"updatedAt"`
		} `json:"application"`
		Candidate *idRef `json:"candidate"`
		Job       *idRef `json:"job"`
	} `json:"data"`
}

var eventModels = map[string][]ats.Model{
	"applicationSubmit":    {ats.ModelCandidates, ats.ModelApplications},
	"applicationUpdate":    {ats.ModelApplications},
	"candidateStageChange": {ats.ModelApplications},
	"candidateHire":        {ats.ModelApplications},
	"candidateDelete":      {ats.ModelCandidates, ats.ModelApplications},
	"candidateMerge":       {ats.ModelCandidates, ats.ModelApplications},
	"jobCreate":            {ats.ModelJobs, ats.ModelStages},
	"jobUpdate":            {ats.ModelJobs, ats.ModelStages},
}

// ParseWebhook decodes {action, data}. Ashby sends no delivery id that we
// know of, so the dedupe id is a digest of the body. candidateStageChange
// carries the new stage (data.application.currentInterviewStage) as the
// StageChange target; the previous stage is not in the body.
func (c *Client) ParseWebhook(_ http.Header, body []byte) (ats.WebhookEvent, error) {
	var w webhookBody
	if err := json.Unmarshal(body, &w); err != nil {
		return ats.WebhookEvent{}, &ats.Error{Provider: Name, Op: "webhook", Message: "invalid JSON: " + err.Error(), Err: ats.ErrMalformedResponse}
	}
	ev := ats.WebhookEvent{ID: ats.BodyDigestID(body), Type: w.Action, Raw: json.RawMessage(body), Models: eventModels[w.Action]}
	ev.Ping = strings.EqualFold(w.Action, "ping")
	if a := w.Data.Application; a != nil {
		ev.ApplicationID, ev.CandidateID, ev.JobID = a.ID, a.Candidate.ID, a.Job.ID
		ev.OccurredAt = a.UpdatedAt.Time
		if w.Action == "candidateStageChange" && a.CurrentInterviewStage != nil && a.CurrentInterviewStage.ID != "" {
			ev.StageChange = &ats.StageChange{ToStageID: a.CurrentInterviewStage.ID, ToStageName: a.CurrentInterviewStage.Title}
		}
	}
	if ev.CandidateID == "" && w.Data.Candidate != nil {
		ev.CandidateID = w.Data.Candidate.ID
	}
	if ev.JobID == "" && w.Data.Job != nil {
		ev.JobID = w.Data.Job.ID
	}
	return ev, nil
}
