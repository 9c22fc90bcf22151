package ats

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"
)

// Sentinel errors. Connectors wrap them in *Error so callers can use
// errors.Is for the kind and still show the vendor's message.
var (
	// ErrUnauthorized: the API key (or integration) is invalid. Permanent
	// until a human fixes the credentials.
	ErrUnauthorized = errors.New("unauthorized: check the API key")
	// ErrForbidden: the key is valid but lacks permission for this
	// endpoint (Greenhouse per-endpoint key permissions).
	ErrForbidden = errors.New("forbidden: the API key lacks permission for this endpoint")
	// ErrNotFound: the referenced object does not exist (any more).
	ErrNotFound = errors.New("not found")
	// ErrUnsupported: the vendor or this connection cannot do this.
	ErrUnsupported = errors.New("not supported")
	// ErrUnavailable: 5xx, network failure or timeout. Transient.
	ErrUnavailable = errors.New("vendor unavailable")
	// ErrMalformedResponse: the vendor answered 2xx with a body we cannot
	// decode. Retrying rarely helps; surfaced for investigation.
	ErrMalformedResponse = errors.New("malformed response")
	// ErrResponseTooLarge: the body exceeded HTTPSettings.MaxResponseBytes.
	ErrResponseTooLarge = errors.New("response too large")
	// ErrNotReady: the integration is still being set up on the vendor's
	// side (Kombo setup incomplete). Needs time or a human, not retries.
	ErrNotReady = errors.New("integration not ready")
	// ErrNotConfigured: the connection lacks a setting this call needs
	// (e.g. the Greenhouse acting user for writes). Permanent.
	ErrNotConfigured = errors.New("connection not configured")
	// ErrInvalidSignature: a webhook signature is missing or wrong.
	ErrInvalidSignature = errors.New("invalid webhook signature")
	// ErrWebhookSecretMissing: VerifyWebhook was called without a secret;
	// refusing is safer than accepting unsigned deliveries.
	ErrWebhookSecretMissing = errors.New("webhook secret not configured")
)

// RateLimitedError is returned when the vendor throttled us and we did not
// (or, for writes, must not) retry. RetryAfter is the vendor's hint; zero
// when it gave none.
type RateLimitedError struct {
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string {
	if e.RetryAfter > 0 {
		return fmt.Sprintf("rate limited: retry after %s", e.RetryAfter.Round(time.Second))
	}
	return "rate limited"
}

// InvalidInputError is a 400/422-style rejection of our input. VendorMessage
// is the vendor's explanation, suitable for showing to the recruiter.
type InvalidInputError struct {
	VendorMessage string
	Fields        []FieldError
}

// FieldError is one failed field of an InvalidInputError.
type FieldError struct {
	Field   string
	Message string
}

func (e *InvalidInputError) Error() string {
	var b strings.Builder
	b.WriteString("invalid input")
	if e.VendorMessage != "" {
		b.WriteString(": ")
		b.WriteString(e.VendorMessage)
	}
	for _, f := range e.Fields {
		b.WriteString("; ")
		if f.Field != "" {
			b.WriteString(f.Field)
			b.WriteString(": ")
		}
		b.WriteString(f.Message)
	}
	return b.String()
}

// Error is the envelope every connector returns for vendor failures. It
// unwraps to the kind (a sentinel, *RateLimitedError or *InvalidInputError)
// so errors.Is/As work, and keeps the vendor's own words for the UI.
type Error struct {
	Provider string // "greenhouse"
	Op       string // "POST /v1/applications/{id}/move" (no query string)
	Status   int    // HTTP status, 0 for transport errors
	Code     string // vendor error code when it has one (Kombo)
	Message  string // vendor message, safe to show; may be ""
	LogURL   string // vendor log link (Kombo log_url)
	Err      error  // kind
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	if e.Op != "" {
		b.WriteString(": ")
		b.WriteString(e.Op)
	}
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Code != "" {
		b.WriteString(" [")
		b.WriteString(e.Code)
		b.WriteString("]")
	}
	if e.Message != "" {
		var iie *InvalidInputError
		if !errors.As(e.Err, &iie) || !strings.Contains(iie.VendorMessage, e.Message) {
			b.WriteString(": ")
			b.WriteString(e.Message)
		}
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// IsTransient reports whether retrying the same call later may succeed
// without human action: throttling, 5xx, network errors and timeouts.
// Invalid input, auth failures, not-found and unsupported are permanent.
// A cancelled caller context is neither (returns false).
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	var rl *RateLimitedError
	if errors.As(err, &rl) {
		return true
	}
	if errors.Is(err, ErrUnavailable) {
		return true
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return false
}

// VendorMessage extracts the vendor's own explanation from err for display,
// or "" when there is none.
func VendorMessage(err error) string {
	var iie *InvalidInputError
	if errors.As(err, &iie) && iie.VendorMessage != "" {
		return iie.VendorMessage
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return ""
}

// RetryAfter returns the vendor's back-off hint from a RateLimitedError.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *RateLimitedError
	if errors.As(err, &rl) {
		return rl.RetryAfter, true
	}
	return 0, false
}

// Unsupported builds the error connectors return for actions they cannot do.
func Unsupported(provider, op, reason string) error {
	return &Error{Provider: provider, Op: op, Message: reason, Err: ErrUnsupported}
}

// Invalid builds a local validation error (caught before any request).
func Invalid(provider, op, msg string) error {
	return &Error{Provider: provider, Op: op, Err: &InvalidInputError{VendorMessage: msg}}
}

// NotConfigured builds the error for a missing connection setting.
func NotConfigured(provider, op, msg string) error {
	return &Error{Provider: provider, Op: op, Message: msg, Err: ErrNotConfigured}
}
