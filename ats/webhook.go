package ats

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
)

// WebhookEvent is what a delivery says changed. Webhooks often carry only
// ids (design implication 3), so the sync job re-reads the named models
// and diffs stage ids itself; StageChange is a hint for latency, not truth.
type WebhookEvent struct {
	// ID identifies the delivery for dedupe; identical across vendor
	// retries of the same delivery. Never empty: when the vendor sends no
	// id it is "sha256:<hex of body>".
	ID string
	// Type is the vendor event name ("candidate_stage_change", "data-changed").
	Type string
	// ConnectionRef names the vendor account the delivery belongs to when
	// one endpoint serves several (Kombo integration_id); "" otherwise.
	ConnectionRef string
	// Ping marks setup/test deliveries that carry no data.
	Ping bool
	// Models lists what to re-sync. Empty for events we ignore.
	Models        []Model
	ApplicationID string
	CandidateID   string
	JobID         string
	// StageChange is set when the delivery reports an application's new stage.
	StageChange *StageChange
	Raw         json.RawMessage
}

// Changed reports whether m is among the changed models.
func (e WebhookEvent) Changed(m Model) bool { return containsModel(e.Models, m) }

// StageChange is an application's stage as reported by a webhook.
type StageChange struct {
	FromStageID string // "" when the vendor does not say
	ToStageID   string
	ToStageName string
}

// HMACSHA256 computes the raw HMAC-SHA256 of body under secret.
func HMACSHA256(secret string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return m.Sum(nil)
}

// VerifyHMACHex checks a hex-encoded HMAC-SHA256 (Greenhouse, Ashby,
// Recruitee) in constant time. Case-insensitive hex is accepted.
func VerifyHMACHex(secret string, body []byte, sigHex string) error {
	if secret == "" {
		return ErrWebhookSecretMissing
	}
	got, err := hex.DecodeString(strings.TrimSpace(sigHex))
	if err != nil || len(got) != sha256.Size {
		return ErrInvalidSignature
	}
	if !hmac.Equal(got, HMACSHA256(secret, body)) {
		return ErrInvalidSignature
	}
	return nil
}

// VerifyHMACBase64URL checks a base64url HMAC-SHA256 (Kombo, Merge) in
// constant time. Kombo omits "=" padding; padded input is accepted too.
func VerifyHMACBase64URL(secret string, body []byte, sig string) error {
	if secret == "" {
		return ErrWebhookSecretMissing
	}
	got, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(strings.TrimSpace(sig), "="))
	if err != nil || len(got) != sha256.Size {
		return ErrInvalidSignature
	}
	if !hmac.Equal(got, HMACSHA256(secret, body)) {
		return ErrInvalidSignature
	}
	return nil
}

// BodyDigestID is the fallback dedupe id for deliveries without an id.
func BodyDigestID(body []byte) string {
	s := sha256.Sum256(body)
	return "sha256:" + hex.EncodeToString(s[:])
}

// DeliveryFilter is implemented by connectors whose vendor sends the
// deliveries of every account to each endpoint: a Kombo or Merge
// organisation has one webhook for all its customers, so an agency with a
// connection per client receives each client's events at every
// connection's URL. AccountRef is the id deliveries name this
// connection's account by (WebhookEvent.ConnectionRef); the webhook
// endpoint keeps it per connection and drops, after verification,
// deliveries that name another account instead of re-syncing this one for
// nothing.
type DeliveryFilter interface {
	AccountRef(ctx context.Context) (string, error)
}
