package greenhouse

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// Webhook headers.
const (
	SignatureHeader = "Signature"
	EventIDHeader   = "Greenhouse-Event-ID"
)

// VerifyWebhook checks "Signature: sha256 <hex>" against the raw body.
// Greenhouse signs the body exactly as sent (with \u003c-style escapes),
// so callers must pass the unparsed bytes.
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) error {
	if secret == "" {
		return ats.ErrWebhookSecretMissing
	}
	algo, sig, ok := strings.Cut(strings.TrimSpace(h.Get(SignatureHeader)), " ")
	if !ok || !strings.EqualFold(algo, "sha256") {
		return ats.ErrInvalidSignature
	}
	return ats.VerifyHMACHex(secret, body, sig)
}

type webhookBody struct {
	Action  string `json:"action"`
	Payload struct {
		Application *struct {
			ID           ats.FlexID `json:"id"`
			CandidateID  ats.FlexID `json:"candidate_id"`
			CurrentStage *named     `json:"current_stage"`
			// The application's change times: the stage hint's event time.
			LastActivityAt ats.FlexTime `json:"last_activity_at"`
			UpdatedAt      ats.FlexTime `json:"updated_at"`
			Candidate      *struct {
				ID ats.FlexID `json:"id"`
			} `json:"candidate"`
			Jobs []named `json:"jobs"`
		} `json:"application"`
		Candidate *struct {
			ID ats.FlexID `json:"id"`
		} `json:"candidate"`
		Job *struct {
			ID ats.FlexID `json:"id"`
		} `json:"job"`
		JobID ats.FlexID `json:"job_id"`
	} `json:"payload"`
}

// eventModels maps Greenhouse actions to the models to re-read.
var eventModels = map[string][]ats.Model{
	"new_candidate_application":   {ats.ModelCandidates, ats.ModelApplications},
	"new_prospect_application":    {ats.ModelCandidates, ats.ModelApplications},
	"application_updated":         {ats.ModelApplications},
	"candidate_stage_change":      {ats.ModelApplications},
	"prospect_stage_change":       {ats.ModelApplications},
	"reject_candidate":            {ats.ModelApplications},
	"unreject_candidate":          {ats.ModelApplications},
	"hire_candidate":              {ats.ModelApplications},
	"delete_application":          {ats.ModelApplications},
	"update_candidate":            {ats.ModelCandidates},
	"delete_candidate":            {ats.ModelCandidates, ats.ModelApplications},
	"merge_candidate":             {ats.ModelCandidates, ats.ModelApplications},
	"candidate_anonymized":        {ats.ModelCandidates, ats.ModelApplications},
	"job_created":                 {ats.ModelJobs, ats.ModelStages},
	"job_updated":                 {ats.ModelJobs},
	"job_deleted":                 {ats.ModelJobs},
	"job_post_created":            {ats.ModelJobs},
	"job_post_updated":            {ats.ModelJobs},
	"job_post_deleted":            {ats.ModelJobs},
	"job_interview_stage_deleted": {ats.ModelStages},
}

// ParseWebhook decodes {"action","payload"}. The dedupe id is the
// Greenhouse-Event-ID header, or a body digest when it is absent.
func (c *Client) ParseWebhook(h http.Header, body []byte) (ats.WebhookEvent, error) {
	var w webhookBody
	if err := json.Unmarshal(body, &w); err != nil {
		return ats.WebhookEvent{}, &ats.Error{Provider: Name, Op: "webhook", Message: "invalid JSON: " + err.Error(), Err: ats.ErrMalformedResponse}
	}
	ev := ats.WebhookEvent{ID: h.Get(EventIDHeader), Type: w.Action, Raw: json.RawMessage(body), Models: eventModels[w.Action]}
	if ev.ID == "" {
		ev.ID = ats.BodyDigestID(body)
	}
	ev.Ping = w.Action == "ping"
	if a := w.Payload.Application; a != nil {
		ev.ApplicationID = a.ID.String()
		ev.CandidateID = a.CandidateID.String()
		if a.Candidate != nil && ev.CandidateID == "" {
			ev.CandidateID = a.Candidate.ID.String()
		}
		if len(a.Jobs) > 0 {
			ev.JobID = a.Jobs[0].ID.String()
		}
		// The same timestamp the sync stores as the application's
		// remote_updated_at (updated_at in v3, else last_activity_at).
		ev.OccurredAt = a.LastActivityAt.Time
		if !a.UpdatedAt.IsZero() {
			ev.OccurredAt = a.UpdatedAt.Time
		}
		if (w.Action == "candidate_stage_change" || w.Action == "prospect_stage_change") && a.CurrentStage != nil {
			ev.StageChange = &ats.StageChange{ToStageID: a.CurrentStage.ID.String(), ToStageName: a.CurrentStage.Name}
		}
	}
	if ev.CandidateID == "" && w.Payload.Candidate != nil {
		ev.CandidateID = w.Payload.Candidate.ID.String()
	}
	if ev.JobID == "" {
		if w.Payload.Job != nil {
			ev.JobID = w.Payload.Job.ID.String()
		} else {
			ev.JobID = w.Payload.JobID.String()
		}
	}
	return ev, nil
}
