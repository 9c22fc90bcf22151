package lever

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// webhookBody is a Lever delivery: {event, triggeredAt, token, signature,
// data{...}}. The signature travels in the body, not in a header.
type webhookBody struct {
	Event       string          `json:"event"`
	TriggeredAt json.RawMessage `json:"triggeredAt"`
	Token       string          `json:"token"`
	Signature   string          `json:"signature"`
	Data        struct {
		OpportunityID string `json:"opportunityId"`
		CandidateID   string `json:"candidateId"`
		ContactID     string `json:"contactId"`
		FromStageID   string `json:"fromStageId"`
		ToStageID     string `json:"toStageId"`
		PostingID     string `json:"postingId"`
	} `json:"data"`
}

// rawScalar renders a JSON number or string exactly as sent (no float
// round trip), e.g. 1500000000000 → "1500000000000".
func rawScalar(b json.RawMessage) string {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		_ = json.Unmarshal(b, &s)
		return s
	}
	if string(b) == "null" {
		return ""
	}
	return string(b)
}

// SignedPayload is what Lever signs: token followed by triggeredAt.
func SignedPayload(token, triggeredAt string) []byte { return []byte(token + triggeredAt) }

// VerifyWebhook checks body.signature == hex(HMAC-SHA256(secret,
// token + triggeredAt)) in constant time. secret is the webhooks'
// signatureTokens from Lever, one per webhook (see secretTokens); a
// delivery signed with any of them is genuine. A body that is not JSON, or lacks the token,
// triggeredAt or signature, is rejected as unsigned.
func (c *Client) VerifyWebhook(_ http.Header, body []byte, secret string) error {
	if secret == "" {
		return ats.ErrWebhookSecretMissing
	}
	var w webhookBody
	if err := json.Unmarshal(body, &w); err != nil {
		return ats.ErrInvalidSignature
	}
	at := rawScalar(w.TriggeredAt)
	if w.Token == "" || at == "" || w.Signature == "" {
		return ats.ErrInvalidSignature
	}
	for _, tok := range secretTokens(secret) {
		if ats.VerifyHMACHex(tok, SignedPayload(w.Token, at), w.Signature) == nil {
			return nil
		}
	}
	return ats.ErrInvalidSignature
}

// SignedContent is what Lever's signature covers: token and triggeredAt,
// not the data beside them. Deduplicating on it lets one signed delivery
// be processed once, whatever else its body is made to say.
func (c *Client) SignedContent(_ http.Header, body []byte) []byte {
	var w webhookBody
	if json.Unmarshal(body, &w) != nil {
		return body
	}
	return SignedPayload(w.Token, rawScalar(w.TriggeredAt))
}

var _ ats.SignedContenter = (*Client)(nil)

// eventModels maps Lever events to the models to re-read.
var eventModels = map[string][]ats.Model{
	"applicationCreated":     {ats.ModelCandidates, ats.ModelApplications},
	"candidateStageChange":   {ats.ModelApplications},
	"candidateArchiveChange": {ats.ModelApplications},
	"candidateHired":         {ats.ModelApplications},
	"candidateDeleted":       {ats.ModelCandidates, ats.ModelApplications},
	"contactCreated":         {ats.ModelCandidates},
	"contactUpdated":         {ats.ModelCandidates},
	"contactDeleted":         {ats.ModelCandidates, ats.ModelApplications},
}

// ParseWebhook decodes a delivery. ApplicationID is data.opportunityId
// (falling back to data.candidateId, reportedly the legacy name of the
// opportunity id); CandidateID is data.contactId when present.
// The dedupe id is "lever:<token>" (token is per delivery; whether Lever
// keeps it across retries is unconfirmed), or a body digest without token.
func (c *Client) ParseWebhook(_ http.Header, body []byte) (ats.WebhookEvent, error) {
	var w webhookBody
	if err := json.Unmarshal(body, &w); err != nil {
		return ats.WebhookEvent{}, &ats.Error{Provider: Name, Op: "webhook", Message: "invalid JSON: " + err.Error(), Err: ats.ErrMalformedResponse}
	}
	ev := ats.WebhookEvent{Type: w.Event, Raw: json.RawMessage(body), Models: eventModels[w.Event],
		ApplicationID: w.Data.OpportunityID, CandidateID: w.Data.ContactID, JobID: w.Data.PostingID}
	if ev.ApplicationID == "" {
		ev.ApplicationID = w.Data.CandidateID
	}
	if w.Token != "" {
		ev.ID = "lever:" + w.Token
	} else {
		ev.ID = ats.BodyDigestID(body)
	}
	ev.Ping = strings.EqualFold(w.Event, "ping") || strings.EqualFold(w.Event, "test")
	// triggeredAt is signed (Unix milliseconds): the event's own time.
	if ms, err := strconv.ParseInt(rawScalar(w.TriggeredAt), 10, 64); err == nil && ms > 0 {
		ev.OccurredAt = time.UnixMilli(ms).UTC()
	}
	if w.Event == "candidateStageChange" && w.Data.ToStageID != "" {
		ev.StageChange = &ats.StageChange{FromStageID: w.Data.FromStageID, ToStageID: w.Data.ToStageID}
	}
	return ev, nil
}
