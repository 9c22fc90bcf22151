package smartrecruiters

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// Delivery header names (HTTP header names are case-insensitive).
const (
	HeaderSignature    = "smartrecruiters-signature"
	HeaderTimestamp    = "smartrecruiters-timestamp"
	HeaderEventID      = "event-id"
	HeaderEventName    = "event-name"
	HeaderEventVersion = "event-version"
	HeaderLink         = "link"
	// HeaderHookSecret carries the activation handshake value.
	HeaderHookSecret = "X-Hook-Secret"
)

// SignedString is what the v1 signature covers: the timestamp, body,
// event id, event name, event version and Link header joined by ".", with
// missing headers as "".
func SignedString(h http.Header, body []byte) []byte {
	var b bytes.Buffer
	b.WriteString(h.Get(HeaderTimestamp))
	b.WriteByte('.')
	b.Write(body)
	for _, k := range []string{HeaderEventID, HeaderEventName, HeaderEventVersion, HeaderLink} {
		b.WriteByte('.')
		b.WriteString(h.Get(k))
	}
	return b.Bytes()
}

// VerifyWebhook checks smartrecruiters-signature
// ("v1=<hex>;v1=<hex>…", one per live key) against
// HMAC-SHA256(secret, SignedString) in constant time; any v1 entry that
// matches is enough. secret is the subscription's secret key (see
// RegisterWebhooks). Entries of other schemes are ignored; a header with
// no v1 entry is treated as missing.
func (c *Client) VerifyWebhook(h http.Header, body []byte, secret string) error {
	if secret == "" {
		return ats.ErrWebhookSecretMissing
	}
	want := ats.HMACSHA256(secret, SignedString(h, body))
	ok := false
	for _, part := range strings.Split(h.Get(HeaderSignature), ";") {
		scheme, val, found := strings.Cut(strings.TrimSpace(part), "=")
		if !found || strings.TrimSpace(scheme) != "v1" {
			continue
		}
		got, err := hex.DecodeString(strings.TrimSpace(val))
		if err != nil {
			continue
		}
		// Compare every entry so timing does not reveal which one matched.
		if hmac.Equal(got, want) {
			ok = true
		}
	}
	if !ok {
		return ats.ErrInvalidSignature
	}
	return nil
}

// SignedContent is what the v1 signature covers (SignedString): the
// timestamp, body, event id, name, version and Link header.
func (c *Client) SignedContent(h http.Header, body []byte) []byte { return SignedString(h, body) }

var _ ats.SignedContenter = (*Client)(nil)

// Events are the webhook events hireloop subscribes to and parses.
var Events = []string{
	"application.created", "application.status.updated",
	"candidate.created", "candidate.updated", "candidate.deleted",
	"job.created", "job.updated", "job.status.updated",
}

// EventVersion is the version sent for each subscribed event.
var EventVersion = "1.0.0"

// modelsFor maps an event name to the models to re-read.
func modelsFor(event string) []ats.Model {
	switch {
	case event == "application.created":
		return []ats.Model{ats.ModelCandidates, ats.ModelApplications}
	case event == "candidate.deleted":
		return []ats.Model{ats.ModelCandidates, ats.ModelApplications}
	case strings.HasPrefix(event, "candidate."):
		return []ats.Model{ats.ModelCandidates}
	case strings.HasPrefix(event, "application."), strings.HasPrefix(event, "offer."), strings.HasPrefix(event, "interview."):
		return []ats.Model{ats.ModelApplications}
	case strings.HasPrefix(event, "job."), strings.HasPrefix(event, "position."):
		return []ats.Model{ats.ModelJobs}
	}
	return nil
}

// webhookBody is the small delivery body. The documented example uses
// snake_case keys; camelCase is accepted too.
type webhookBody struct {
	JobID        string `json:"job_id"`
	CandidateID  string `json:"candidate_id"`
	JobID2       string `json:"jobId"`
	CandidateID2 string `json:"candidateId"`
	ID           string `json:"id"`
	Status       string `json:"status"`
}

// linkTarget returns the URL of a Link header value "<url>; rel=self".
func linkTarget(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "<") {
		if end := strings.Index(v, ">"); end > 0 {
			return v[1:end]
		}
	}
	return ""
}

// idsFromLink reads candidate and job ids from a resource URL path:
// /candidates/{id}, /candidates/{id}/jobs/{jobId}, /jobs/{id}.
func idsFromLink(link string) (cid, jid string) {
	u, err := url.Parse(linkTarget(link))
	if err != nil {
		return "", ""
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := 0; i+1 < len(parts); i++ {
		switch parts[i] {
		case "candidates":
			if cid == "" {
				cid = parts[i+1]
			}
		case "jobs":
			if jid == "" {
				jid = parts[i+1]
			}
		}
	}
	return cid, jid
}

// ParseWebhook decodes a delivery. The event comes from the event-name
// header; ids come from the body (job_id/candidate_id) or, failing that,
// from the Link header's resource path. ApplicationID is
// "<candidateId>:<jobId>" when both are known. The dedupe id is
// "smartrecruiters:<event-id>" (a body digest when the header is absent).
// When the body names the new status (application.status.updated), it is
// reported as StageChange. OccurredAt stays zero: the body has no event
// time, and the signed timestamp is the delivery's (a retry of an older
// event carries a newer one), so the stage comes from the refresh.
func (c *Client) ParseWebhook(h http.Header, body []byte) (ats.WebhookEvent, error) {
	var w webhookBody
	if err := json.Unmarshal(body, &w); err != nil {
		return ats.WebhookEvent{}, &ats.Error{Provider: Name, Op: "webhook", Message: "invalid JSON: " + err.Error(), Err: ats.ErrMalformedResponse}
	}
	event := h.Get(HeaderEventName)
	ev := ats.WebhookEvent{Type: event, Raw: json.RawMessage(body), Models: modelsFor(event)}
	if id := strings.TrimSpace(h.Get(HeaderEventID)); id != "" {
		ev.ID = "smartrecruiters:" + id
	} else {
		ev.ID = ats.BodyDigestID(body)
	}
	cid, jid := firstNonEmpty(w.CandidateID, w.CandidateID2), firstNonEmpty(w.JobID, w.JobID2)
	lc, lj := idsFromLink(h.Get(HeaderLink))
	cid, jid = firstNonEmpty(cid, lc), firstNonEmpty(jid, lj)
	if cid == "" && strings.HasPrefix(event, "candidate.") {
		cid = w.ID
	}
	if jid == "" && strings.HasPrefix(event, "job.") {
		jid = w.ID
	}
	ev.CandidateID, ev.JobID = cid, jid
	if cid != "" && jid != "" {
		ev.ApplicationID = ApplicationID(cid, jid)
	}
	if st := strings.ToUpper(w.Status); event == "application.status.updated" && isStatus(st) {
		ev.StageChange = &ats.StageChange{ToStageID: st, ToStageName: statusNames[st]}
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

// WebhookHandshake answers SmartRecruiters' activation handshake: a request
// carrying X-Hook-Secret gets 200 with the same header. The value is a
// one-time handshake token, not the signing key (deliveries are signed with
// the subscription's secret key, which RegisterWebhooks returns), so
// HandshakeResponse.Secret stays empty and the connection's secret is
// left alone.
func (c *Client) WebhookHandshake(h http.Header, _ []byte) (ats.HandshakeResponse, bool) {
	v := h.Get(HeaderHookSecret)
	if v == "" {
		return ats.HandshakeResponse{}, false
	}
	return ats.HandshakeResponse{Status: http.StatusOK, Header: http.Header{HeaderHookSecret: {v}}}, true
}

const subscriptionsPath = "/webhooks-api/v201907/subscriptions"

func subscriptionPath(id, suffix string) string { return subscriptionsPath + "/" + pathID(id) + suffix }

// RegisterWebhooks subscribes url to Events in one subscription:
//
//  1. POST /webhooks-api/v201907/subscriptions {callbackUrl, events:[{name, version}]}
//  2. POST …/subscriptions/{id}/secret-key: SmartRecruiters issues the
//     signing key, returned as Registration.Secret (it replaces the
//     secret hireloop generated, which SmartRecruiters cannot take);
//  3. PUT …/subscriptions/{id}/activation: SmartRecruiters calls url with
//     X-Hook-Secret (answered by WebhookHandshake) before it answers 204.
//
// The key is created before activation so the first delivery is already
// signed. Activation confirms the handshake synchronously, so
// PendingHandshake is false after a 204; it is true only if
// SmartRecruiters answers 202 (accepted, not yet confirmed). Any failure
// deletes the subscription before returning the error.
func (c *Client) RegisterWebhooks(ctx context.Context, callbackURL, _ string) (ats.WebhookRegistration, error) {
	if strings.TrimSpace(callbackURL) == "" {
		return ats.WebhookRegistration{}, ats.Invalid(Name, "register webhooks", "callback URL is required")
	}
	events := make([]map[string]string, 0, len(Events))
	for _, e := range Events {
		events = append(events, map[string]string{"name": e, "version": EventVersion})
	}
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: subscriptionsPath,
		JSON: map[string]any{"callbackUrl": callbackURL, "events": events}})
	if err != nil {
		return ats.WebhookRegistration{}, err
	}
	var sub struct {
		ID ats.FlexID `json:"id"`
	}
	if err := c.http.DecodeJSON(resp, &sub); err != nil {
		return ats.WebhookRegistration{}, err
	}
	id := sub.ID.String()
	if id == "" {
		return ats.WebhookRegistration{}, malformed("POST "+subscriptionsPath, "subscription created without an id")
	}
	reg := ats.WebhookRegistration{IDs: []string{id}, Events: append([]string(nil), Events...)}
	fail := func(err error) (ats.WebhookRegistration, error) {
		if derr := c.deleteSubscription(context.WithoutCancel(ctx), id); derr != nil {
			err = errors.Join(err, derr)
		}
		return ats.WebhookRegistration{}, err
	}
	resp, err = c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: subscriptionPath(id, "/secret-key"), OpName: subscriptionsPath + "/{id}/secret-key"})
	if err != nil {
		return fail(err)
	}
	var key struct {
		SecretKey string `json:"secretKey"`
		Key       string `json:"key"`
		Value     string `json:"value"`
	}
	if err := c.http.DecodeJSON(resp, &key); err != nil {
		return fail(err)
	}
	reg.Secret = firstNonEmpty(key.SecretKey, key.Key, key.Value)
	if reg.Secret == "" {
		return fail(malformed("POST "+subscriptionsPath+"/{id}/secret-key", "no secret key in the response"))
	}
	resp, err = c.http.Do(ctx, ats.Request{Method: http.MethodPut, Path: subscriptionPath(id, "/activation"), OpName: subscriptionsPath + "/{id}/activation"})
	if err != nil {
		return fail(err)
	}
	reg.PendingHandshake = resp.Status == http.StatusAccepted
	return reg, nil
}

func (c *Client) deleteSubscription(ctx context.Context, id string) error {
	_, err := c.http.Do(ctx, ats.Request{Method: http.MethodDelete, Path: subscriptionPath(id, ""), OpName: subscriptionsPath + "/{id}"})
	if errors.Is(err, ats.ErrNotFound) {
		return nil
	}
	return err
}

// UnregisterWebhooks deletes the subscriptions (DELETE
// …/subscriptions/{id}); ones already gone count as removed. It tries
// every id and returns the failures joined.
func (c *Client) UnregisterWebhooks(ctx context.Context, reg ats.WebhookRegistration) error {
	var errs []error
	for _, id := range reg.IDs {
		if err := c.deleteSubscription(ctx, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
