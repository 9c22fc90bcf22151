package personio

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/hireloop/hireloop/ats"
)

const tokenOp = "POST " + tokenPath

// newTokenSource obtains and caches Personio access tokens with the OAuth
// 2.0 client credentials grant: POST /v2/auth/token, form-encoded
// grant_type, client_id and client_secret, with the app id header
// Personio asks integrations to send.
func newTokenSource(tokenURL string, cfg ats.Config) (*ats.ClientCredentials, error) {
	u, err := url.Parse(tokenURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, ats.NotConfigured(Name, "new", "invalid base URL "+cfg.BaseURL)
	}
	return ats.NewClientCredentials(ats.ClientCredentialsOptions{
		Provider: Name, URL: u.String(), Op: tokenOp,
		ClientID: cfg.IntegrationID, Secret: cfg.APIKey,
		Header:      http.Header{http.CanonicalHeaderKey(AppIDHeader): {"HIRELOOP"}},
		DefaultTTL:  defaultTokenTTL,
		DecodeError: tokenError,
	}, cfg), nil
}

// defaultTokenTTL is assumed when the token response has no expires_in.
const defaultTokenTTL = time.Hour

// tokenError maps a failed token response. Personio answers bad
// credentials with 400 and an OAuth 2.0 error code (invalid_client,
// unauthorized_client); both, and a plain 401, mean the client id or
// secret is wrong.
func tokenError(status int, h http.Header, body []byte) error {
	var e apiError
	_ = json.Unmarshal(body, &e)
	msg := e.ErrorDescription
	if msg == "" {
		msg = e.message()
	}
	out := &ats.Error{Provider: Name, Op: tokenOp, Status: status, Code: e.Error, Message: msg}
	switch {
	case status == http.StatusTooManyRequests:
		d, _ := ats.ParseRetryAfter(h.Get("Retry-After"), time.Now())
		out.Err = &ats.RateLimitedError{RetryAfter: d}
	case status >= 500 || status == http.StatusRequestTimeout:
		out.Err = ats.ErrUnavailable
	case e.Error == "invalid_scope" || status == http.StatusForbidden:
		out.Err = ats.ErrForbidden
	case status == http.StatusUnauthorized, e.Error == "invalid_client", e.Error == "unauthorized_client",
		e.Error == "invalid_grant", e.Error == "access_denied":
		if out.Message == "" {
			out.Message = "Personio rejected the client id or client secret"
		}
		out.Err = ats.ErrUnauthorized
	case status == http.StatusBadRequest:
		out.Err = &ats.InvalidInputError{VendorMessage: msg}
	default:
		out.Err = ats.KindForStatus(status, h, msg)
	}
	return out
}
