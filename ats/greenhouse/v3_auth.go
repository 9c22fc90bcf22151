package greenhouse

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// TokenURL is Greenhouse's OAuth 2.0 token endpoint for Harvest v3
// (harvestdocs.greenhouse.io/docs/authentication).
const TokenURL = "https://auth.greenhouse.io/token"

const tokenOp = "POST /token"

// tokenURLFor derives the token endpoint from the Harvest base URL. The
// real API (any *.greenhouse.io host) uses auth.greenhouse.io; any other
// host (a test fake, the demo sandbox, a corporate proxy) is expected to
// serve /token on its own root, the base URL's path dropped
// (https://egress.example/gh/v3 → https://egress.example/token), so a
// self-hosted egress proxy needs no second setting. README.md says the
// same.
func tokenURLFor(base *url.URL) string {
	if isGreenhouseHost(base.String()) {
		return TokenURL
	}
	return base.Scheme + "://" + base.Host + "/token"
}

// newTokenSource obtains and caches Harvest v3 access tokens with the
// OAuth 2.0 client credentials grant: POST /token with HTTP Basic
// client_id:client_secret and the form grant_type=client_credentials,
// sub=<acting user id> (the user v3 attributes every call to). A token
// lives as long as the answer's expires_in or expires_at says (see
// ats.ClientCredentials); one hour, the documented lifetime, only when
// it says neither.
func newTokenSource(tokenURL string, cfg ats.Config) *ats.ClientCredentials {
	return ats.NewClientCredentials(ats.ClientCredentialsOptions{
		Provider: Name, URL: tokenURL, Op: tokenOp,
		ClientID: cfg.IntegrationID, Secret: cfg.APIKey, BasicAuth: true,
		Form: url.Values{"sub": {strings.TrimSpace(cfg.ActingUserID)}},
		// docs/harvest-partner-oauth: "Access Token: 1 hour".
		DefaultTTL:  time.Hour,
		DecodeError: tokenError,
	}, cfg)
}

// tokenError maps a failed token response. OAuth 2.0 servers answer bad
// client credentials with 401 (or 400 invalid_client) and a bad grant
// parameter (an unknown sub user) with 400; the messages say which
// setting to fix, since "unauthorized" alone sends people to the wrong
// field.
func tokenError(status int, h http.Header, body []byte) error {
	var e struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
		Message          string `json:"message"`
	}
	_ = json.Unmarshal(body, &e)
	msg := e.ErrorDescription
	if msg == "" {
		msg = e.Message
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
	case status == http.StatusUnauthorized, e.Error == "invalid_client", e.Error == "unauthorized_client":
		out.Message = strings.TrimSpace("Greenhouse rejected the Harvest v3 client id or client secret (check the API key field holds the client secret). " + msg)
		out.Err = ats.ErrUnauthorized
	case e.Error == "invalid_grant", e.Error == "invalid_request", status == http.StatusBadRequest:
		out.Message = strings.TrimSpace("Greenhouse refused the token request; check that the acting user id (sub) is the numeric id of an active Greenhouse user. " + msg)
		out.Err = ats.ErrNotConfigured
	default:
		out.Err = ats.KindForStatus(status, h, msg)
	}
	return out
}
