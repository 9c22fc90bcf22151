package ats

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
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
	// OccurredAt is when the change happened on the vendor's clock, read
	// from the payload (Greenhouse last_activity_at, Lever triggeredAt, …);
	// zero when the delivery does not say. A stage hint is only applied
	// when it is newer than what is stored, so a late or replayed delivery
	// cannot move an application back to an older stage.
	OccurredAt time.Time
	Raw        json.RawMessage
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

// SignedContenter is implemented by connectors whose webhook signature
// does not cover exactly the body: SmartRecruiters signs headers with it
// (the event id among them), Teamtailor a timestamp, Lever only the token
// and triggeredAt inside it. SignedContent returns the bytes the
// signature covers.
type SignedContenter interface {
	SignedContent(h http.Header, body []byte) []byte
}

// DeliveryDigest is the hex SHA-256 of what a verified delivery's
// signature covers (the body unless c says otherwise). Headers outside
// the signature, such as Greenhouse's event id, do not change it, so a
// signed body resent under a new event id has the same digest: the
// webhook intake deduplicates on it as well as on the event id.
func DeliveryDigest(c any, h http.Header, body []byte) string {
	signed := body
	if sc, ok := c.(SignedContenter); ok {
		signed = sc.SignedContent(h, body)
	}
	sum := sha256.Sum256(signed)
	return hex.EncodeToString(sum[:])
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
