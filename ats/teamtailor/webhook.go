package teamtailor

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// SignatureHeader carries Teamtailor's webhook signature.
const SignatureHeader = "TT-Signature"

// WebhookTolerance is how far a delivery's signed timestamp may be from now.
const WebhookTolerance = 5 * time.Minute

// webhookBody is a company webhook delivery.
type webhookBody struct {
	Payload json.RawMessage `json:"payload"`
}

type webhookPayload struct {
	EventName string `json:"event_name"`
	Data      struct {
		ID         ats.FlexID                 `json:"id"`
		Type       string                     `json:"type"`
		Attributes map[string]json.RawMessage `json:"attributes"`
	} `json:"data"`
}

// parseSignature decodes base64("t=<unix>,v2=<hex>").
func parseSignature(h string) (ts int64, mac []byte, ok bool) {
	h = strings.TrimSpace(h)
	dec, err := base64.StdEncoding.DecodeString(h)
	if err != nil {
		if dec, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(h, "=")); err != nil {
			return 0, nil, false
		}
	}
	var tsOK bool
	for _, part := range strings.Split(string(dec), ",") {
		k, v, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found {
			continue
		}
		switch k {
		case "t":
			ts, err = strconv.ParseInt(v, 10, 64)
			tsOK = err == nil
		case "v2":
			if b, err := hex.DecodeString(v); err == nil && len(b) == 32 {
				mac = b
			}
		}
	}
	return ts, mac, tsOK && mac != nil
}

// SignedBytes is what Teamtailor's v2 signature covers: the timestamp, a
// dot and the payload.
func SignedBytes(ts int64, payload []byte) []byte {
	return append([]byte(strconv.FormatInt(ts, 10)+"."), payload...)
}

// VerifyWebhook checks a v2 TT-Signature header, base64("t=<unix>,v2=<hex
// HMAC-SHA256(secret, t + "." + payload)>"), in constant time, and rejects
// timestamps more than WebhookTolerance from now (replays). The payload is
// the "payload" member exactly as received (what a compact JSON.stringify of
// it gives), or its compacted form; the whole raw body is accepted too.
// Deprecated v1 signatures (HMAC of payload.data.id only, which does not
// cover the body) are rejected: choose v2 in Teamtailor's webhook settings.
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) error {
	if secret == "" {
		return ats.ErrWebhookSecretMissing
	}
	ts, mac, ok := parseSignature(h.Get(SignatureHeader))
	if !ok {
		return fmt.Errorf("%w: missing or non-v2 %s header", ats.ErrInvalidSignature, SignatureHeader)
	}
	now := time.Now()
	if c != nil && c.now != nil {
		now = c.now()
	}
	if d := now.Sub(time.Unix(ts, 0)); d > WebhookTolerance || d < -WebhookTolerance {
		return fmt.Errorf("%w: signature timestamp is %s away from now", ats.ErrInvalidSignature, d.Round(time.Second))
	}
	var w webhookBody
	if json.Unmarshal(body, &w) != nil || len(bytes.TrimSpace(w.Payload)) == 0 {
		return fmt.Errorf("%w: body has no payload", ats.ErrInvalidSignature)
	}
	candidates := [][]byte{w.Payload}
	var compact bytes.Buffer
	if json.Compact(&compact, w.Payload) == nil && !bytes.Equal(compact.Bytes(), w.Payload) {
		candidates = append(candidates, compact.Bytes())
	}
	candidates = append(candidates, body)
	for _, p := range candidates {
		if hmac.Equal(mac, ats.HMACSHA256(secret, SignedBytes(ts, p))) {
			return nil
		}
	}
	return ats.ErrInvalidSignature
}

// SignedContent is what a v2 signature covers: its timestamp and the
// delivery (the body stands in for the payload it contains).
func (c *Client) SignedContent(h http.Header, body []byte) []byte {
	ts, _, _ := parseSignature(h.Get(SignatureHeader))
	return SignedBytes(ts, body)
}

var _ ats.SignedContenter = (*Client)(nil)

// eventModels maps Teamtailor events to the models to re-read.
var eventModels = map[string][]ats.Model{
	"candidate.create":        {ats.ModelCandidates, ats.ModelTags},
	"candidate.update":        {ats.ModelCandidates, ats.ModelTags},
	"candidate.destroy":       {ats.ModelCandidates, ats.ModelApplications, ats.ModelTags},
	"job.create":              {ats.ModelJobs, ats.ModelStages},
	"job.update":              {ats.ModelJobs, ats.ModelStages},
	"job.destroy":             {ats.ModelJobs, ats.ModelStages, ats.ModelApplications},
	"job_application.create":  {ats.ModelApplications, ats.ModelCandidates},
	"job_application.update":  {ats.ModelApplications},
	"job_application.destroy": {ats.ModelApplications},
}

// attr returns the first present attribute among names as text (payload
// attributes are documented in both snake_case and kebab-case).
func attr(m map[string]json.RawMessage, names ...string) string {
	for _, n := range names {
		if v, ok := m[n]; ok {
			var id ats.FlexID
			if json.Unmarshal(v, &id) == nil && id != "" {
				return id.String()
			}
		}
	}
	return ""
}

// ParseWebhook decodes a delivery. Teamtailor sends no delivery id and does
// not retry, so the dedupe id is a digest of the payload. Job application
// events carry the stage name (stage_name) but no documented stage id, so
// StageChange has ToStageName and, only when present, ToStageID; the sync
// diff finds the stage id.
func (c *Client) ParseWebhook(_ http.Header, body []byte) (ats.WebhookEvent, error) {
	var w webhookBody
	if err := json.Unmarshal(body, &w); err != nil {
		return ats.WebhookEvent{}, &ats.Error{Provider: Name, Op: "webhook", Message: "invalid JSON: " + err.Error(), Err: ats.ErrMalformedResponse}
	}
	var p webhookPayload
	if err := json.Unmarshal(w.Payload, &p); err != nil || len(w.Payload) == 0 {
		msg := "delivery has no payload"
		if err != nil {
			msg = "invalid payload: " + err.Error()
		}
		return ats.WebhookEvent{}, &ats.Error{Provider: Name, Op: "webhook", Message: msg, Err: ats.ErrMalformedResponse}
	}
	ev := ats.WebhookEvent{ID: ats.BodyDigestID(w.Payload), Type: p.EventName, Models: eventModels[p.EventName], Raw: json.RawMessage(body)}
	id := p.Data.ID.String()
	a := p.Data.Attributes
	resource, action, _ := strings.Cut(p.EventName, ".")
	switch resource {
	case "candidate":
		ev.CandidateID = id
	case "job":
		ev.JobID = id
	case "job_application":
		ev.ApplicationID = id
		ev.JobID = attr(a, "job_id", "job-id")
		ev.CandidateID = attr(a, "candidate_id", "candidate-id")
		name := attr(a, "stage_name", "stage-name")
		stageID := attr(a, "stage_id", "stage-id")
		var at ats.FlexTime
		for _, k := range []string{"updated-at", "updated_at"} {
			if v, ok := a[k]; ok && json.Unmarshal(v, &at) == nil && !at.IsZero() {
				ev.OccurredAt = at.Time
				break
			}
		}
		if action != "destroy" && (name != "" || stageID != "") {
			ev.StageChange = &ats.StageChange{ToStageID: stageID, ToStageName: name}
		}
	}
	switch strings.ToLower(p.EventName) {
	case "ping", "test", "webhook.test":
		ev.Ping = true
	}
	return ev, nil
}
