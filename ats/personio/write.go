package personio

import (
	"context"
	"net/http"

	"github.com/hireloop/hireloop/ats"
)

// Personio's public API has no write-back endpoint for existing
// applications or candidates: the v2 Recruiting API is read-only and the
// v1 Recruiting API only creates new applications (POST
// /v1/recruiting/applications with its own recruiting token and
// X-Company-ID). Every Writer method therefore returns an error wrapping
// ats.ErrUnsupported with the declared reason, before any request.

func unsupported(a ats.WriteAction) (ats.WriteResult, error) {
	return ats.WriteResult{}, declared.Check(a)
}

// AddResultLink implements ats.Writer; unsupported (ReasonResultLink).
func (c *Client) AddResultLink(context.Context, ats.ResultLink) (ats.WriteResult, error) {
	return unsupported(ats.ActionResultLink)
}

// AddNote implements ats.Writer; unsupported (ReasonNote).
func (c *Client) AddNote(context.Context, ats.Note) (ats.WriteResult, error) {
	return unsupported(ats.ActionNote)
}

// AddAttachment implements ats.Writer; unsupported (ReasonAttachment).
func (c *Client) AddAttachment(context.Context, ats.Attachment) (ats.WriteResult, error) {
	return unsupported(ats.ActionAttachment)
}

// MoveToStage implements ats.Writer; unsupported (ReasonMoveStage).
func (c *Client) MoveToStage(context.Context, ats.StageMove) (ats.WriteResult, error) {
	return unsupported(ats.ActionMoveStage)
}

// Reject implements ats.Writer; unsupported (ReasonReject).
func (c *Client) Reject(context.Context, ats.Rejection) (ats.WriteResult, error) {
	return unsupported(ats.ActionReject)
}

// AddTag implements ats.Writer; unsupported (ReasonAddTag).
func (c *Client) AddTag(context.Context, ats.TagAssignment) (ats.WriteResult, error) {
	return unsupported(ats.ActionAddTag)
}

// VerifyWebhook implements ats.WebhookHandler. Personio sends no
// recruiting webhooks, so every delivery is refused: with
// ErrWebhookSecretMissing when no secret is configured, otherwise with an
// error wrapping both ErrUnsupported and ErrInvalidSignature.
func (c *Client) VerifyWebhook(_ http.Header, _ []byte, secret string) error {
	if secret == "" {
		return ats.ErrWebhookSecretMissing
	}
	return &ats.Error{Provider: Name, Op: "webhook", Message: ReasonWebhooks, Err: errWebhooks}
}

// ParseWebhook implements ats.WebhookHandler; Personio has no recruiting
// webhooks (ReasonWebhooks).
func (c *Client) ParseWebhook(http.Header, []byte) (ats.WebhookEvent, error) {
	return ats.WebhookEvent{}, ats.Unsupported(Name, "webhook", ReasonWebhooks)
}

// errWebhooks is both "not supported" and "invalid signature", so callers
// checking either refuse the delivery.
var errWebhooks = joinedErr{ats.ErrUnsupported, ats.ErrInvalidSignature}

type joinedErr []error

func (j joinedErr) Error() string   { return j[0].Error() }
func (j joinedErr) Unwrap() []error { return j }
