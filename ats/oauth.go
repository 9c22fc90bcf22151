package ats

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ClientCredentialsOptions describe one vendor's OAuth 2.0 client
// credentials grant. Vendors differ in where the client id and secret go
// (HTTP Basic or the form), in extra form fields (Greenhouse's sub), in
// extra headers and in how they answer bad credentials, so those are
// options; caching, renewal and transport errors are shared.
type ClientCredentialsOptions struct {
	Provider string
	// URL is the token endpoint; Op names it in errors ("POST /token").
	URL string
	Op  string
	// ClientID and Secret are sent as HTTP Basic when BasicAuth is set,
	// otherwise as client_id and client_secret form fields.
	ClientID, Secret string
	BasicAuth        bool
	// Form holds extra form fields beside grant_type.
	Form url.Values
	// Header holds extra request headers.
	Header http.Header
	// DefaultTTL is assumed when the response has neither expires_in nor
	// expires_at (default one hour).
	DefaultTTL time.Duration
	// DecodeError maps a non-200 token response to a typed *Error.
	DecodeError func(status int, h http.Header, body []byte) error
}

// ClientCredentials obtains and caches access tokens with the OAuth 2.0
// client credentials grant. It implements Authenticator so every attempt
// of the shared client, retries included, carries a current token.
//
// A token is replaced a tenth of its lifetime (at most five minutes)
// before it expires, so a long sync never sends an expired one; Invalidate
// drops it after the API answered 401 (a revoked token, rotated
// credentials). The token request bypasses the shared client: it is not a
// vendor API call, must never follow a redirect with the secret, and its
// failures keep their own kinds (a 5xx there is transient, a rejected
// client is ErrUnauthorized).
type ClientCredentials struct {
	o   ClientCredentialsOptions
	hc  *http.Client
	ua  string
	now func() time.Time

	mu      sync.Mutex
	token   string
	renewAt time.Time
	fetches atomic.Int64
}

var _ Authenticator = (*ClientCredentials)(nil)

const (
	// maxTokenRefreshMargin bounds how long before expiry a token is replaced.
	maxTokenRefreshMargin = 5 * time.Minute
	maxTokenBody          = 1 << 20
)

// NewClientCredentials builds a token source; cfg supplies the transport,
// timeout and user agent of the vendor client.
func NewClientCredentials(o ClientCredentialsOptions, cfg Config) *ClientCredentials {
	rt := cfg.HTTP.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	timeout := cfg.HTTP.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if o.DefaultTTL <= 0 {
		o.DefaultTTL = time.Hour
	}
	o.ClientID, o.Secret = strings.TrimSpace(o.ClientID), strings.TrimSpace(o.Secret)
	return &ClientCredentials{o: o, ua: UserAgent(cfg.HTTP.UserAgentVersion), now: time.Now,
		hc: &http.Client{Transport: rt, Timeout: timeout,
			// The credentials travel with the request: never replay them
			// to a redirect target.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Token returns a valid access token, fetching one when none is cached or
// the cached one is about to expire. Errors are typed *Error values:
// ErrUnauthorized for rejected credentials, ErrUnavailable or a
// RateLimitedError for transient failures.
func (s *ClientCredentials) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && s.now().Before(s.renewAt) {
		return s.token, nil
	}
	tok, ttl, err := s.fetch(ctx)
	if err != nil {
		return "", err
	}
	margin := min(ttl/10, maxTokenRefreshMargin)
	s.token, s.renewAt = tok, s.now().Add(ttl-margin)
	return tok, nil
}

// Invalidate drops the cached token so the next call fetches a new one.
func (s *ClientCredentials) Invalidate() {
	s.mu.Lock()
	s.token = ""
	s.mu.Unlock()
}

// Fetches is the number of token requests made.
func (s *ClientCredentials) Fetches() int64 { return s.fetches.Load() }

// Authenticate implements Authenticator.
func (s *ClientCredentials) Authenticate(ctx context.Context, r *http.Request) error {
	tok, err := s.Token(ctx)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

func (s *ClientCredentials) fail(status int, msg string, kind error) error {
	return &Error{Provider: s.o.Provider, Op: s.o.Op, Status: status, Message: msg, Err: kind}
}

func (s *ClientCredentials) fetch(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"client_credentials"}}
	for k, v := range s.o.Form {
		form[k] = v
	}
	if !s.o.BasicAuth {
		form.Set("client_id", s.o.ClientID)
		form.Set("client_secret", s.o.Secret)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.o.URL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, s.fail(0, "building token request failed", ErrUnavailable)
	}
	if s.o.BasicAuth {
		req.SetBasicAuth(s.o.ClientID, s.o.Secret)
	}
	for k, vs := range s.o.Header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", s.ua)
	s.fetches.Add(1)
	resp, err := s.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", 0, ctx.Err()
		}
		msg := err.Error()
		var ue *url.Error
		if errors.As(err, &ue) {
			msg = ue.Err.Error()
		}
		return "", 0, s.fail(0, msg, ErrUnavailable)
	}
	defer resp.Body.Close()
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	if rerr != nil {
		if ctx.Err() != nil {
			return "", 0, ctx.Err()
		}
		return "", 0, s.fail(resp.StatusCode, "reading token response failed", ErrUnavailable)
	}
	if resp.StatusCode != http.StatusOK {
		return "", 0, s.o.DecodeError(resp.StatusCode, resp.Header, body)
	}
	var tr struct {
		AccessToken string          `json:"access_token"`
		TokenType   string          `json:"token_type"`
		ExpiresIn   json.RawMessage `json:"expires_in"`
		ExpiresAt   json.RawMessage `json:"expires_at"`
	}
	if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
		return "", 0, s.fail(resp.StatusCode, "invalid JSON in token response: no access_token", ErrMalformedResponse)
	}
	if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "bearer") {
		return "", 0, s.fail(resp.StatusCode, "unexpected token type "+tr.TokenType, ErrMalformedResponse)
	}
	return tr.AccessToken, tokenTTL(tr.ExpiresIn, tr.ExpiresAt, s.now(), s.o.DefaultTTL), nil
}

// tokenTTL is how long a token lives: expires_in (RFC 6749) or
// expires_at (an absolute instant, which Greenhouse's Harvest v3 token
// responses carry according to third-party clients), the earlier when
// both are given, def when neither is usable.
func tokenTTL(expiresIn, expiresAt json.RawMessage, now time.Time, def time.Duration) time.Duration {
	ttl, ok := time.Duration(0), false
	if d := ExpiresIn(expiresIn, 0); d > 0 {
		ttl, ok = d, true
	}
	if at, found := ExpiresAt(expiresAt); found {
		d := at.Sub(now)
		if d <= 0 {
			// Already past by our clock (skew, or a misread format):
			// use the token once rather than loop on fetching.
			d = time.Second
		}
		if !ok || d < ttl {
			ttl, ok = d, true
		}
	}
	if !ok {
		return def
	}
	return ttl
}

// ExpiresAt reads an absolute token expiry: an RFC 3339 timestamp, or a
// Unix time in seconds (a number or a numeric string).
func ExpiresAt(raw json.RawMessage) (time.Time, bool) {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	if s == "" || s == "null" {
		return time.Time{}, false
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, true
	}
	var n float64
	if _, err := fmt.Sscanf(s, "%g", &n); err == nil && n > 1_000_000_000 {
		return time.Unix(0, int64(n*float64(time.Second))), true
	}
	return time.Time{}, false
}

// ExpiresIn reads an OAuth expires_in (seconds, as a number or a string);
// missing or invalid values give def.
func ExpiresIn(raw json.RawMessage, def time.Duration) time.Duration {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	var n float64
	if _, err := fmt.Sscanf(s, "%g", &n); err != nil || n <= 0 {
		return def
	}
	return time.Duration(n * float64(time.Second))
}
