package recruitee

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// SignatureHeader carries hex(HMAC-SHA256(secret, raw body)).
const SignatureHeader = "X-Recruitee-Signature"

// webhookBody is a Recruitee delivery: {id, attempt_count, created_at,
// event_type, event_subtype, payload{candidate, offer, placement, details}}
// (envelope fields other than event_type/event_subtype/payload inferred),
// or the test ping {"test": true}.
type webhookBody struct {
	Test         *bool        `json:"test"`
	ID           ats.FlexID   `json:"id"`
	EventType    string       `json:"event_type"`
	EventSubtype string       `json:"event_subtype"`
	CreatedAt    ats.FlexTime `json:"created_at"`
	Payload      struct {
		Candidate struct {
			ID ats.FlexID `json:"id"`
		} `json:"candidate"`
		Offer struct {
			ID ats.FlexID `json:"id"`
		} `json:"offer"`
		Placement struct {
			ID          ats.FlexID `json:"id"`
			CandidateID ats.FlexID `json:"candidate_id"`
			OfferID     ats.FlexID `json:"offer_id"`
		} `json:"placement"`
		Details struct {
			FromStage *wireStage `json:"from_stage"`
			ToStage   *wireStage `json:"to_stage"`
		} `json:"details"`
	} `json:"payload"`
}

// isTestPing reports whether body is a Test / Test payload delivery.
func isTestPing(body []byte) bool {
	var w struct {
		Test bool `json:"test"`
	}
	return json.Unmarshal(body, &w) == nil && w.Test
}

// WebhookHandshake answers Recruitee's test delivery ({"test": true})
// when it carries no signature: Recruitee sends it while the webhook is
// being created, before its secret can be stored in hireloop, and creates
// the webhook only after a 200. Nothing is read from it and nothing
// changes, so it needs no signature; every other delivery goes through
// VerifyWebhook.
func (c *Client) WebhookHandshake(h http.Header, body []byte) (ats.HandshakeResponse, bool) {
	if strings.TrimSpace(h.Get(SignatureHeader)) != "" || !isTestPing(body) {
		return ats.HandshakeResponse{}, false
	}
	return ats.HandshakeResponse{Status: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: []byte(`{"status":"ok"}`)}, true
}

var _ ats.WebhookHandshaker = (*Client)(nil)

// VerifyWebhook checks X-Recruitee-Signature == hex(HMAC-SHA256(secret,
// body)) in constant time. (Unsigned test pings are answered by
// WebhookHandshake before verification.)
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) error {
	if secret == "" {
		return ats.ErrWebhookSecretMissing
	}
	sig := strings.TrimSpace(h.Get(SignatureHeader))
	if sig == "" {
		return ats.ErrInvalidSignature
	}
	return ats.VerifyHMACHex(secret, body, sig)
}

// eventModels maps Recruitee event types to the models to re-read.
var eventModels = map[string][]ats.Model{
	"candidate_created":  {ats.ModelCandidates, ats.ModelApplications},
	"candidate_assigned": {ats.ModelCandidates, ats.ModelApplications},
	"candidate_moved":    {ats.ModelApplications},
	"candidate_deleted":  {ats.ModelCandidates, ats.ModelApplications},
	"candidate_updated":  {ats.ModelCandidates},
}

// ParseWebhook decodes a delivery. The dedupe id is "recruitee:<id>" from
// the envelope's id (Recruitee's per-delivery id, assumed stable across its
// retries), or a body digest without one. A candidate_moved /
// stage_changed event reports details.to_stage as the StageChange;
// ApplicationID is payload.placement.id when the payload carries it.
// Offer (job) events re-read jobs and stages.
func (c *Client) ParseWebhook(_ http.Header, body []byte) (ats.WebhookEvent, error) {
	var w webhookBody
	if err := json.Unmarshal(body, &w); err != nil {
		return ats.WebhookEvent{}, &ats.Error{Provider: Name, Op: "webhook", Message: "invalid JSON: " + err.Error(), Err: ats.ErrMalformedResponse}
	}
	ev := ats.WebhookEvent{Type: w.EventType, Raw: json.RawMessage(bytes.Clone(body)), OccurredAt: w.CreatedAt.Time}
	if w.ID != "" {
		ev.ID = "recruitee:" + w.ID.String()
	} else {
		ev.ID = ats.BodyDigestID(body)
	}
	if w.Test != nil && *w.Test {
		ev.Ping = true
		if ev.Type == "" {
			ev.Type = "test"
		}
		return ev, nil
	}
	p := w.Payload
	ev.CandidateID = p.Candidate.ID.String()
	if ev.CandidateID == "" {
		ev.CandidateID = p.Placement.CandidateID.String()
	}
	ev.JobID = p.Offer.ID.String()
	if ev.JobID == "" {
		ev.JobID = p.Placement.OfferID.String()
	}
	ev.ApplicationID = p.Placement.ID.String()
	ev.Models = eventModels[w.EventType]
	if ev.Models == nil && (strings.HasPrefix(w.EventType, "offer_") || strings.HasPrefix(w.EventType, "job_")) {
		ev.Models = []ats.Model{ats.ModelJobs, ats.ModelStages}
	}
	if w.EventType == "candidate_moved" && (w.EventSubtype == "" || w.EventSubtype == "stage_changed") &&
		p.Details.ToStage != nil && p.Details.ToStage.ID != "" {
		sc := &ats.StageChange{ToStageID: p.Details.ToStage.ID.String(), ToStageName: p.Details.ToStage.Name}
		if p.Details.FromStage != nil {
			sc.FromStageID = p.Details.FromStage.ID.String()
		}
		ev.StageChange = sc
	}
	return ev, nil
}
