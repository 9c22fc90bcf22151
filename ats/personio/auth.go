package personio

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

	"github.com/hireloop/hireloop/ats"
)

const (
	tokenOp = "POST " + tokenPath
	// maxRefreshMargin bounds how long before expiry a token is replaced.
	maxRefreshMargin = 5 * time.Minute
	// defaultTokenTTL is assumed when the token response has no expires_in.
	defaultTokenTTL = time.Hour
	maxTokenBody    = 1 << 20
)

// tokenSource obtains and caches Personio access tokens with the OAuth 2.0
// client credentials grant (POST /v2/auth/token, form-encoded grant_type,
// client_id, client_secret). It implements ats.Authenticator so the shared
// client's retries always carry a current token.
//
// A token is replaced a tenth of its lifetime (at most five minutes) before
// it expires, so a long sync never sends an expired token; Invalidate drops
// it after a 401 (a revoked token or rotated credentials).
type tokenSource struct {
	url      string
	clientID string
	secret   string
	hc       *http.Client
	ua       string
	now      func() time.Time

	mu      sync.Mutex
	token   string
	renewAt time.Time
	fetches atomic.Int64
}

var _ ats.Authenticator = (*tokenSource)(nil)

func newTokenSource(tokenURL string, cfg ats.Config) (*tokenSource, error) {
	u, err := url.Parse(tokenURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("ats: %s: invalid base URL %q", Name, cfg.BaseURL)
	}
	rt := cfg.HTTP.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	timeout := cfg.HTTP.Timeout
	if timeout <= 0 {
		timeout = ats.DefaultTimeout
	}
	return &tokenSource{
		url:      u.String(),
		clientID: strings.TrimSpace(cfg.IntegrationID),
		secret:   strings.TrimSpace(cfg.APIKey),
		ua:       ats.UserAgent(cfg.HTTP.UserAgentVersion),
		now:      time.Now,
		hc: &http.Client{Transport: rt, Timeout: timeout,
			// The secret travels in the body: never replay it elsewhere.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
	}, nil
}

// Token returns a valid access token, fetching one when none is cached or
// the cached one is about to expire. Errors are typed *ats.Error values:
// ErrUnauthorized for rejected credentials, ErrUnavailable or a
// RateLimitedError for transient failures.
func (s *tokenSource) Token(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && s.now().Before(s.renewAt) {
		return s.token, nil
	}
	tok, ttl, err := s.fetch(ctx)
	if err != nil {
		return "", err
	}
	margin := min(ttl/10, maxRefreshMargin)
	s.token, s.renewAt = tok, s.now().Add(ttl-margin)
	return tok, nil
}

// Invalidate drops the cached token so the next call fetches a new one.
func (s *tokenSource) Invalidate() {
	s.mu.Lock()
	s.token = ""
	s.mu.Unlock()
}

// Fetches is the number of token requests made.
func (s *tokenSource) Fetches() int64 { return s.fetches.Load() }

// Authenticate implements ats.Authenticator.
func (s *tokenSource) Authenticate(ctx context.Context, r *http.Request) error {
	tok, err := s.Token(ctx)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	return nil
}

// tokenResponse is the OAuth 2.0 token response.
type tokenResponse struct {
	AccessToken string          `json:"access_token"`
	TokenType   string          `json:"token_type"`
	ExpiresIn   json.RawMessage `json:"expires_in"`
}

func (s *tokenSource) fetch(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {s.clientID}, "client_secret": {s.secret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(form.Encode()))
	if err != nil {
		return "", 0, &ats.Error{Provider: Name, Op: tokenOp, Message: "building token request failed", Err: ats.ErrUnavailable}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", s.ua)
	req.Header.Set(AppIDHeader, "HIRELOOP")
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
		return "", 0, &ats.Error{Provider: Name, Op: tokenOp, Message: msg, Err: ats.ErrUnavailable}
	}
	defer resp.Body.Close()
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxTokenBody))
	if rerr != nil {
		if ctx.Err() != nil {
			return "", 0, ctx.Err()
		}
		return "", 0, &ats.Error{Provider: Name, Op: tokenOp, Status: resp.StatusCode, Message: "reading token response failed", Err: ats.ErrUnavailable}
	}
	if resp.StatusCode == http.StatusOK {
		var tr tokenResponse
		if err := json.Unmarshal(body, &tr); err != nil || tr.AccessToken == "" {
			return "", 0, &ats.Error{Provider: Name, Op: tokenOp, Status: resp.StatusCode,
				Message: "invalid JSON in token response: no access_token", Err: ats.ErrMalformedResponse}
		}
		if tr.TokenType != "" && !strings.EqualFold(tr.TokenType, "bearer") {
			return "", 0, &ats.Error{Provider: Name, Op: tokenOp, Status: resp.StatusCode,
				Message: "unexpected token type " + tr.TokenType, Err: ats.ErrMalformedResponse}
		}
		return tr.AccessToken, expiresIn(tr.ExpiresIn), nil
	}
	return "", 0, tokenError(resp.StatusCode, resp.Header, body)
}

// expiresIn reads expires_in (seconds, as a number or a string).
func expiresIn(raw json.RawMessage) time.Duration {
	s := strings.Trim(strings.TrimSpace(string(raw)), `"`)
	var n float64
	if _, err := fmt.Sscanf(s, "%g", &n); err != nil || n <= 0 {
		return defaultTokenTTL
	}
	return time.Duration(n * float64(time.Second))
}

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
