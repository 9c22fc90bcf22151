package workable

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// SignatureHeader carries the delivery signature.
const SignatureHeader = "X-Workable-Signature"

// Events are the subscription events RegisterWebhooks subscribes to.
var Events = []string{"candidate_created", "candidate_moved"}

// VerifyWebhook checks X-Workable-Signature against HMAC-SHA256(secret,
// body) in constant time. Workable keys the HMAC with the account token
// (or the OAuth app secret), so secret is normally the API key; see
// RegisterWebhooks. Workable does not document the encoding: lowercase or
// uppercase hex and standard or URL-safe base64 (padded or not) are all
// accepted, as is a "sha256=" prefix.
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) error {
	if secret == "" {
		return ats.ErrWebhookSecretMissing
	}
	sig := strings.TrimSpace(h.Get(SignatureHeader))
	sig = strings.TrimPrefix(sig, "sha256=")
	if sig == "" {
		return ats.ErrInvalidSignature
	}
	// Workable keys the signature with the account token, and the stored
	// secret is a copy of it taken at registration: after the token is
	// rotated in the connection settings, the connection's current token
	// is the key Workable uses.
	keys := []string{secret}
	if c.cfg.APIKey != "" && c.cfg.APIKey != secret {
		keys = append(keys, c.cfg.APIKey)
	}
	for _, key := range keys {
		want := ats.HMACSHA256(key, body)
		for _, got := range decodeSig(sig) {
			if len(got) == sha256.Size && hmac.Equal(got, want) {
				return nil
			}
		}
	}
	return ats.ErrInvalidSignature
}

// decodeSig returns every reading of sig as hex or base64.
func decodeSig(sig string) [][]byte {
	var out [][]byte
	if b, err := hex.DecodeString(sig); err == nil {
		out = append(out, b)
	}
	trimmed := strings.TrimRight(sig, "=")
	for _, enc := range []*base64.Encoding{base64.RawStdEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(trimmed); err == nil {
			out = append(out, b)
		}
	}
	return out
}

// webhookBody is a delivery: the candidate under "data" (as the candidate
// details endpoint renders it), with optional envelope fields whose names
// are not documented (event_type / type / event, id).
type webhookBody struct {
	ID        ats.FlexID      `json:"id"`
	EventType string          `json:"event_type"`
	Type      string          `json:"type"`
	Event     string          `json:"event"`
	Data      json.RawMessage `json:"data"`
}

// ParseWebhook decodes a delivery. ApplicationID and CandidateID are both
// data.id (a Workable candidate is one person in one job), JobID is
// data.job.shortcode. The dedupe id is "workable:<id>" when the envelope
// carries an id, else the body digest (Workable renders the candidate's
// state at delivery time, so a replay after a later change has a new
// digest and is simply processed again). A candidate_moved delivery names
// the new stage only by its name, so StageChange carries ToStageName and
// no ToStageID; the re-sync it triggers maps the name to the stage.
func (c *Client) ParseWebhook(_ http.Header, body []byte) (ats.WebhookEvent, error) {
	var w webhookBody
	if err := json.Unmarshal(body, &w); err != nil {
		return ats.WebhookEvent{}, &ats.Error{Provider: Name, Op: "webhook", Message: "invalid JSON: " + err.Error(), Err: ats.ErrMalformedResponse}
	}
	data := bytes.TrimSpace(w.Data)
	if len(data) == 0 || data[0] != '{' {
		data = body // tolerate an unwrapped candidate
	}
	var cand wireCandidate
	if err := json.Unmarshal(data, &cand); err != nil {
		return ats.WebhookEvent{}, &ats.Error{Provider: Name, Op: "webhook", Message: "invalid candidate: " + err.Error(), Err: ats.ErrMalformedResponse}
	}
	typ := firstNonEmpty(w.EventType, w.Type, w.Event)
	ev := ats.WebhookEvent{Type: typ, Raw: json.RawMessage(body),
		ApplicationID: cand.ID.String(), CandidateID: cand.ID.String(), JobID: cand.Job.Shortcode, OccurredAt: cand.UpdatedAt.Time}
	if id := w.ID.String(); id != "" {
		ev.ID = "workable:" + id
	} else {
		ev.ID = ats.BodyDigestID(body)
	}
	switch {
	case typ == "candidate_moved":
		ev.Models = []ats.Model{ats.ModelApplications}
		if cand.Stage != "" {
			ev.StageChange = &ats.StageChange{ToStageName: cand.Stage}
		}
	case strings.HasPrefix(typ, "candidate_") || (typ == "" && ev.CandidateID != ""):
		// candidate_created, candidate_deleted, or an envelope without an
		// event name: the payload is a candidate, re-read both views.
		ev.Models = []ats.Model{ats.ModelCandidates, ats.ModelApplications}
	case typ == "job_deleted":
		ev.Models = []ats.Model{ats.ModelJobs}
	}
	return ev, nil
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// subdomain returns the account subdomain from a https://<sub>.workable.com
// base URL, or "".
func (c *Client) subdomain() string {
	host := c.http.BaseURL().Hostname()
	if sub, ok := strings.CutSuffix(host, ".workable.com"); ok && !strings.Contains(sub, ".") {
		return sub
	}
	return ""
}

// RegisterWebhooks subscribes url to candidate_created and candidate_moved
// (POST /subscriptions {target, event, args{account_id}}; account_id is
// the subdomain, sent when the base URL names it). Workable signs
// deliveries with the account token, not with a secret of ours, so the
// returned Registration.Secret is the API key and replaces the generated
// one. If a subscription fails, those created before are deleted.
func (c *Client) RegisterWebhooks(ctx context.Context, url, _ string) (ats.WebhookRegistration, error) {
	if strings.TrimSpace(url) == "" {
		return ats.WebhookRegistration{}, ats.Invalid(Name, "register webhooks", "webhook URL is empty")
	}
	reg := ats.WebhookRegistration{Secret: c.cfg.APIKey}
	for _, ev := range Events {
		body := map[string]any{"target": url, "event": ev}
		if sub := c.subdomain(); sub != "" {
			body["args"] = map[string]string{"account_id": sub}
		}
		resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: "/subscriptions", JSON: body})
		if err == nil {
			var v struct {
				ID ats.FlexID `json:"id"`
			}
			if derr := c.http.DecodeJSON(resp, &v); derr != nil || v.ID == "" {
				err = malformed("POST /subscriptions", "subscription id missing in the response")
			} else {
				reg.IDs = append(reg.IDs, v.ID.String())
				reg.Events = append(reg.Events, ev)
				continue
			}
		}
		if uerr := c.UnregisterWebhooks(context.WithoutCancel(ctx), reg); uerr != nil {
			return ats.WebhookRegistration{}, errors.Join(err, uerr)
		}
		return ats.WebhookRegistration{}, err
	}
	return reg, nil
}

// UnregisterWebhooks deletes the subscriptions (DELETE
// /subscriptions/{id}); ones already gone (404) count as removed. Every
// id is tried; the errors are joined.
func (c *Client) UnregisterWebhooks(ctx context.Context, reg ats.WebhookRegistration) error {
	var errs []error
	for _, id := range reg.IDs {
		_, err := c.http.Do(ctx, ats.Request{Method: http.MethodDelete, Path: "/subscriptions/" + pathID(id), OpName: "/subscriptions/{id}"})
		if err != nil && !errors.Is(err, ats.ErrNotFound) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
