package ats

import (
	"context"
	"net/http"
)

// WebhookRegistrar is implemented by connectors whose vendor lets an API
// client subscribe to webhooks (Lever, Ashby, Workable, SmartRecruiters).
// hireloop registers its endpoint when the recruiter asks for real-time
// updates and removes the subscriptions when the connection is deleted,
// so nobody has to copy a URL and secret into the vendor's admin screens.
// Capabilities.Webhooks.Setup is "api" for these connectors.
type WebhookRegistrar interface {
	// RegisterWebhooks subscribes url to every event the connector parses.
	// secret is the one hireloop generated; vendors that issue their own
	// signing secret (Lever's per-webhook signature tokens, the key
	// SmartRecruiters generates for a subscription) return it in
	// Registration.Secret, which then replaces it. Partial failure removes
	// what was created before returning the error, so a retry starts clean.
	RegisterWebhooks(ctx context.Context, url, secret string) (WebhookRegistration, error)
	// UnregisterWebhooks deletes the subscriptions in reg. Ones already
	// gone at the vendor (404) count as removed.
	UnregisterWebhooks(ctx context.Context, reg WebhookRegistration) error
}

// WebhookRegistration is what RegisterWebhooks created; the app stores it
// with the connection so it can be removed later.
type WebhookRegistration struct {
	// IDs are the vendor's subscription ids.
	IDs []string `json:"ids"`
	// Events are the subscribed event names, for display.
	Events []string `json:"events"`
	// Secret, when non-empty, is the signing secret the vendor issued and
	// must replace the connection's webhook secret.
	Secret string `json:"-"`
	// PendingHandshake is true when the subscription becomes active only
	// after the endpoint answers a handshake that is still to come (a
	// SmartRecruiters activation answered 202) and the secret arrives with
	// that handshake.
	PendingHandshake bool `json:"pending_handshake,omitempty"`
}

// WebhookHandshaker is implemented by connectors whose vendor calls the
// endpoint with an unsigned request that must be answered before any
// event: SmartRecruiters sends X-Hook-Secret on activation and expects it
// echoed back; Recruitee sends {"test": true} when a webhook is created in
// its UI and creates it only after a 200. The webhook endpoint asks the
// connector first; when ok is true it answers with resp instead of
// verifying. A handshake that sets Secret is honoured only while a
// registration waits for one.
type WebhookHandshaker interface {
	WebhookHandshake(h http.Header, body []byte) (resp HandshakeResponse, ok bool)
}

// HandshakeResponse is the endpoint's answer to a handshake request.
type HandshakeResponse struct {
	Status int
	Header http.Header
	Body   []byte
	// Secret, when non-empty, becomes the connection's webhook secret.
	Secret string
}
