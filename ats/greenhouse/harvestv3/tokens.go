package harvestv3

import (
	"crypto/rand"
	"encoding/hex"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultTokenTTL is the documented access-token lifetime
// (docs/harvest-partner-oauth: "Access Token: 1 hour").
const DefaultTokenTTL = time.Hour

// TokenRequest is one recorded POST /token.
type TokenRequest struct {
	ClientID, ClientSecret string
	Form                   url.Values
	ContentType            string
}

// ExpiryFields says how a token answer states the lifetime.
type ExpiryFields int

// Expiry field choices. Greenhouse's own reference was not readable;
// third-party clients parse expires_at (conductorone/baton-greenhouse)
// or expires_in (Comradery64/open-greenhouse-mcp), so both are sent by
// default and a test can send one to check the connector reads each.
const (
	ExpiresBoth ExpiryFields = iota
	ExpiresInOnly
	ExpiresAtOnly
)

// Tokens is the OAuth 2.0 client credentials endpoint (POST /token on the
// server root, like auth.greenhouse.io/token) and the Bearer check of
// every API call.
type Tokens struct {
	ClientID, ClientSecret string
	// ValidSub reports whether sub is an active user the token may act as.
	ValidSub func(sub int64) bool

	mu     sync.Mutex
	ttl    time.Duration
	fields ExpiryFields
	issued map[string]token
	reqs   []TokenRequest
}

type token struct {
	exp time.Time
	sub int64
}

// NewTokens returns a token endpoint for one client.
func NewTokens(clientID, clientSecret string, validSub func(int64) bool) *Tokens {
	return &Tokens{ClientID: clientID, ClientSecret: clientSecret, ValidSub: validSub, ttl: DefaultTokenTTL,
		issued: map[string]token{}}
}

// SetTTL sets the lifetime of tokens issued from now on.
func (t *Tokens) SetTTL(d time.Duration) { t.mu.Lock(); t.ttl = d; t.mu.Unlock() }

// SetExpiryFields chooses how answers state the lifetime.
func (t *Tokens) SetExpiryFields(f ExpiryFields) { t.mu.Lock(); t.fields = f; t.mu.Unlock() }

// Revoke invalidates every issued token.
func (t *Tokens) Revoke() { t.mu.Lock(); t.issued = map[string]token{}; t.mu.Unlock() }

// Requests returns the token requests received.
func (t *Tokens) Requests() []TokenRequest {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.reqs)
}

// Serve answers POST /token: HTTP Basic client_id:client_secret, form
// grant_type=client_credentials and sub=<numeric user id>; 401
// invalid_client for wrong credentials, 400 for another grant or an
// unknown sub (OAuth 2.0 error bodies).
func (t *Tokens) Serve(w http.ResponseWriter, r *http.Request) {
	user, pass, _ := r.BasicAuth()
	_ = r.ParseForm()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.reqs = append(t.reqs, TokenRequest{ClientID: user, ClientSecret: pass, Form: r.PostForm, ContentType: r.Header.Get("Content-Type")})
	oauthErr := func(status int, code, desc string) {
		WriteJSON(w, status, map[string]string{"error": code, "error_description": desc})
	}
	switch {
	case r.Method != http.MethodPost:
		oauthErr(http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	case user == "" || user != t.ClientID || pass != t.ClientSecret:
		oauthErr(http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	case r.PostForm.Get("grant_type") != "client_credentials":
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	sub, err := strconv.ParseInt(r.PostForm.Get("sub"), 10, 64)
	if err != nil || t.ValidSub == nil || !t.ValidSub(sub) {
		oauthErr(http.StatusBadRequest, "invalid_request", "sub must be the user id of an active Greenhouse user")
		return
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := "ghv3." + hex.EncodeToString(b)
	exp := time.Now().Add(t.ttl)
	t.issued[tok] = token{exp: exp, sub: sub}
	out := map[string]any{"access_token": tok, "token_type": "Bearer"}
	if t.fields != ExpiresAtOnly {
		out["expires_in"] = int(math.Ceil(t.ttl.Seconds()))
	}
	if t.fields != ExpiresInOnly {
		out["expires_at"] = exp.UTC().Format(time.RFC3339)
	}
	WriteJSON(w, http.StatusOK, out)
}

// Bearer returns the acting user of the request's token, or false for a
// missing, unknown or expired token.
func (t *Tokens) Bearer(r *http.Request) (int64, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return 0, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	x, ok := t.issued[tok]
	if !ok || !time.Now().Before(x.exp) {
		return 0, false
	}
	return x.sub, true
}

// WriteUnauthorized answers a call without a valid token.
func WriteUnauthorized(w http.ResponseWriter) {
	w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
	WriteError(w, http.StatusUnauthorized, "Access token is missing, invalid or expired")
}
