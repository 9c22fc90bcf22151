package ats

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// Version is the hireloop version reported in the User-Agent. main sets it
// from its ldflags-injected version; HTTPSettings.UserAgentVersion overrides
// it per connection.
var Version = "dev"

// UserAgent returns the User-Agent for version v.
func UserAgent(v string) string {
	if v == "" {
		v = Version
	}
	return "hireloop/" + v + " (+https://github.com/hireloop/hireloop)"
}

// Defaults for HTTPSettings.
const (
	DefaultTimeout          = 60 * time.Second
	DefaultMaxResponseBytes = 32 << 20
	DefaultMaxRetries       = 5
	DefaultMinBackoff       = 500 * time.Millisecond
	DefaultMaxBackoff       = 30 * time.Second
	DefaultMaxRetryAfter    = 2 * time.Minute
)

// Authenticator decorates outgoing requests with credentials. It is a
// strategy so one vendor package can offer several auth modes (Greenhouse
// Harvest v1 Basic auth today, v3 OAuth client credentials later).
type Authenticator interface {
	Authenticate(ctx context.Context, req *http.Request) error
}

// BasicAuth sends Username with an empty (or given) password.
type BasicAuth struct{ Username, Password string }

// Authenticate implements Authenticator.
func (a BasicAuth) Authenticate(_ context.Context, r *http.Request) error {
	r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(a.Username+":"+a.Password)))
	return nil
}

// BearerAuth sends a static bearer token.
type BearerAuth struct{ Token string }

// Authenticate implements Authenticator.
func (a BearerAuth) Authenticate(_ context.Context, r *http.Request) error {
	r.Header.Set("Authorization", "Bearer "+a.Token)
	return nil
}

// ErrorDecoder turns a non-2xx response into a typed error; it returns the
// kind (ErrNotFound, *InvalidInputError, ...), a vendor code, message and
// log URL. Returning a nil kind falls back to status-based mapping.
type ErrorDecoder func(status int, h http.Header, body []byte) (kind error, code, message, logURL string)

// ClientOptions configures a Client.
type ClientOptions struct {
	Provider string
	BaseURL  string
	Auth     Authenticator
	// Header is sent with every request (X-Integration-Id, Accept).
	Header http.Header
	// DefaultRateLimit is the vendor's documented budget; Config.RateLimit
	// overrides it.
	DefaultRateLimit RateLimit
	DecodeError      ErrorDecoder
	Config           Config
}

// Client is the HTTP layer every connector shares: per-connection rate
// limiting, retries with backoff for reads only, response size cap, typed
// errors, debug request logs and counters.
type Client struct {
	provider   string
	base       *url.URL
	auth       Authenticator
	header     http.Header
	hc         *http.Client
	limiter    *Limiter
	log        *slog.Logger
	decodeErr  ErrorDecoder
	ua         string
	maxBody    int64
	maxRetries int
	minBackoff time.Duration
	maxBackoff time.Duration
	maxRA      time.Duration

	requests    atomic.Int64
	retries     atomic.Int64
	rateLimited atomic.Int64

	// sleep is replaced in tests.
	sleep func(ctx context.Context, d time.Duration) error
}

// Stats are per-connection counters for the sync-run summary.
type Stats struct {
	Requests    int64         // HTTP attempts made, including retries
	Retries     int64         // attempts that were retries
	RateLimited int64         // 429 responses seen
	Throttled   time.Duration // time spent waiting for the local rate limiter
}

// NewClient builds a Client.
func NewClient(o ClientOptions) (*Client, error) {
	if o.BaseURL == "" {
		return nil, fmt.Errorf("ats: %s: base URL required", o.Provider)
	}
	base, err := url.Parse(strings.TrimRight(o.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("ats: %s: invalid base URL %q", o.Provider, o.BaseURL)
	}
	cfg := o.Config
	hs := cfg.HTTP
	c := &Client{
		provider:   o.Provider,
		base:       base,
		auth:       o.Auth,
		header:     o.Header.Clone(),
		log:        cfg.Logger,
		decodeErr:  o.DecodeError,
		ua:         UserAgent(hs.UserAgentVersion),
		maxBody:    orDefault(hs.MaxResponseBytes, DefaultMaxResponseBytes),
		maxRetries: int(orDefault(int64(hs.MaxRetries), DefaultMaxRetries)),
		minBackoff: orDefault(hs.MinBackoff, DefaultMinBackoff),
		maxBackoff: orDefault(hs.MaxBackoff, DefaultMaxBackoff),
		maxRA:      orDefault(hs.MaxRetryAfter, DefaultMaxRetryAfter),
		sleep:      sleepCtx,
	}
	if hs.MaxRetries < 0 {
		c.maxRetries = 0
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	rt := hs.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.hc = &http.Client{
		Transport: rt,
		Timeout:   orDefault(hs.Timeout, DefaultTimeout),
		// Never follow redirects with credentials to another host.
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > 0 && req.URL.Host != via[0].URL.Host {
				return http.ErrUseLastResponse
			}
			if len(via) >= 5 {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	rl := o.DefaultRateLimit
	if !cfg.RateLimit.IsZero() {
		rl = cfg.RateLimit
	}
	c.limiter = NewLimiter(rl)
	if c.limiter != nil && !cfg.RateLimit.IsZero() {
		c.limiter.ceiling = cfg.RateLimit.Requests
	}
	return c, nil
}

func orDefault[T int64 | time.Duration](v, d T) T {
	if v <= 0 {
		return d
	}
	return v
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Provider returns the provider name used in errors and logs.
func (c *Client) Provider() string { return c.provider }

// BaseURL returns the API root.
func (c *Client) BaseURL() *url.URL { u := *c.base; return &u }

// Limiter exposes the rate limiter (nil when unlimited).
func (c *Client) Limiter() *Limiter { return c.limiter }

// Stats returns the counters.
func (c *Client) Stats() Stats {
	return Stats{
		Requests:    c.requests.Load(),
		Retries:     c.retries.Load(),
		RateLimited: c.rateLimited.Load(),
		Throttled:   c.limiter.Waited(),
	}
}

// Request is one logical API call.
type Request struct {
	Method string
	// Path is relative to the base URL ("/candidates"), or an absolute URL
	// (a Link rel="next"), which is re-based onto the configured host so
	// credentials never leave it.
	Path   string
	Query  url.Values
	Header http.Header
	// JSON is marshalled as the body when non-nil.
	JSON any
	// Body is sent as is with ContentType when JSON is nil: form posts and
	// multipart uploads (see Multipart). Vendors that take files as
	// multipart/form-data (Lever, Recruitee, Personio) build it here so the
	// upload goes through the same limiter, auth and error mapping.
	Body        []byte
	ContentType string
	// Read marks a non-GET request as a safe read (RPC-style APIs such as
	// Ashby list via POST) so it may be retried. GET is always a read.
	Read bool
	// OpName replaces the path in logs and errors when the path carries
	// ids ("/applications/{id}/move"); defaults to the URL path.
	OpName string
}

func (r *Request) isRead() bool {
	return r.Method == http.MethodGet || r.Method == http.MethodHead || r.Read
}

// Response is a fully read response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	URL    *url.URL
}

// Do performs req. Reads are retried on 429, 5xx and network errors with
// exponential backoff and jitter (honouring Retry-After); writes are tried
// exactly once. Non-2xx responses become *Error.
func (c *Client) Do(ctx context.Context, req Request) (*Response, error) {
	u, err := c.resolve(req.Path, req.Query)
	if err != nil {
		return nil, err
	}
	op := req.Method + " " + u.Path
	if req.OpName != "" {
		op = req.Method + " " + req.OpName
	}
	var body []byte
	ctype := ""
	if req.JSON != nil {
		body, err = json.Marshal(req.JSON)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: encode request: %w", c.provider, op, err)
		}
		ctype = "application/json"
	} else if req.Body != nil {
		body, ctype = req.Body, req.ContentType
		if ctype == "" {
			ctype = "application/octet-stream"
		}
	}
	read := req.isRead()
	for attempt := 1; ; attempt++ {
		resp, err := c.attempt(ctx, req, u, body, ctype, op, attempt)
		if err == nil {
			return resp, nil
		}
		if !read || attempt > c.maxRetries || ctx.Err() != nil || !retryable(err) {
			return nil, err
		}
		wait := c.backoff(attempt)
		if ra, ok := RetryAfter(err); ok {
			if ra > c.maxRA {
				return nil, err
			}
			if ra > wait {
				wait = ra
			}
		}
		c.retries.Add(1)
		if serr := c.sleep(ctx, wait); serr != nil {
			return nil, err
		}
	}
}

func retryable(err error) bool {
	var rl *RateLimitedError
	return errors.As(err, &rl) || errors.Is(err, ErrUnavailable)
}

// backoff is full-jitter exponential: uniform in [d/2, d], d = min*2^(n-1).
func (c *Client) backoff(attempt int) time.Duration {
	d := c.minBackoff << (attempt - 1)
	if d <= 0 || d > c.maxBackoff {
		d = c.maxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

func (c *Client) attempt(ctx context.Context, req Request, u *url.URL, body []byte, ctype, op string, attempt int) (*Response, error) {
	res, err := c.limiter.Wait(ctx)
	if err != nil {
		return nil, err
	}
	defer res.Done()

	var rdr io.Reader
	if body != nil {
		rdr = bytes.NewReader(body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, u.String(), rdr)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", c.provider, op, err)
	}
	for k, vs := range c.header {
		hreq.Header[k] = vs
	}
	for k, vs := range req.Header {
		hreq.Header[k] = vs
	}
	hreq.Header.Set("User-Agent", c.ua)
	hreq.Header.Set("Accept", "application/json")
	if body != nil {
		hreq.Header.Set("Content-Type", ctype)
	}
	if c.auth != nil {
		if err := c.auth.Authenticate(ctx, hreq); err != nil {
			// A typed error from the authenticator (a token endpoint that
			// is down or rate-limits, as Personio's can) keeps its kind,
			// so it is retried instead of passing for a bad key.
			var typed *Error
			if errors.As(err, &typed) {
				return nil, err
			}
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, &Error{Provider: c.provider, Op: op, Err: fmt.Errorf("%w: %v", ErrUnauthorized, err)}
		}
	}

	c.requests.Add(1)
	start := time.Now()
	hresp, err := c.hc.Do(hreq)
	if err != nil {
		c.logReq(ctx, req.Method, u.Path, 0, start, attempt, err)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &Error{Provider: c.provider, Op: op, Message: redactURLError(err), Err: ErrUnavailable}
	}
	defer hresp.Body.Close()
	data, rerr := io.ReadAll(io.LimitReader(hresp.Body, c.maxBody+1))
	c.limiter.ObserveSent(hresp.StatusCode, hresp.Header, start)
	c.logReq(ctx, req.Method, u.Path, hresp.StatusCode, start, attempt, rerr)
	if hresp.StatusCode == http.StatusTooManyRequests {
		c.rateLimited.Add(1)
	}
	if rerr != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &Error{Provider: c.provider, Op: op, Status: hresp.StatusCode, Message: "reading body: " + rerr.Error(), Err: ErrUnavailable}
	}
	if int64(len(data)) > c.maxBody {
		return nil, &Error{Provider: c.provider, Op: op, Status: hresp.StatusCode,
			Message: fmt.Sprintf("body exceeds %d bytes", c.maxBody), Err: ErrResponseTooLarge}
	}
	resp := &Response{Status: hresp.StatusCode, Header: hresp.Header, Body: data, URL: u}
	if hresp.StatusCode >= 200 && hresp.StatusCode < 300 {
		return resp, nil
	}
	return nil, c.statusError(op, resp)
}

// statusError maps a non-2xx response to *Error, letting the vendor's
// decoder classify it first.
func (c *Client) statusError(op string, resp *Response) error {
	e := &Error{Provider: c.provider, Op: op, Status: resp.Status}
	var kind error
	if c.decodeErr != nil {
		kind, e.Code, e.Message, e.LogURL = c.decodeErr(resp.Status, resp.Header, resp.Body)
	}
	if e.Message == "" {
		e.Message = snippet(resp.Body)
	}
	if kind == nil {
		kind = KindForStatus(resp.Status, resp.Header, e.Message)
	}
	// Rate-limit kinds always carry the header hint.
	var rl *RateLimitedError
	if errors.As(kind, &rl) && rl.RetryAfter == 0 {
		if d, ok := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
			rl.RetryAfter = d
		}
	}
	e.Err = kind
	return e
}

// KindForStatus is the default status → kind mapping.
func KindForStatus(status int, h http.Header, msg string) error {
	switch {
	case status == http.StatusUnauthorized:
		return ErrUnauthorized
	case status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound, status == http.StatusGone:
		return ErrNotFound
	case status == http.StatusTooManyRequests:
		d, _ := ParseRetryAfter(h.Get("Retry-After"), time.Now())
		return &RateLimitedError{RetryAfter: d}
	case status == http.StatusBadRequest, status == http.StatusUnprocessableEntity, status == http.StatusConflict:
		return &InvalidInputError{VendorMessage: msg}
	case status == http.StatusRequestTimeout, status >= 500:
		return ErrUnavailable
	default:
		return fmt.Errorf("unexpected HTTP status %d", status)
	}
}

// snippet returns a short printable prefix of a body for error messages.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if strings.HasPrefix(s, "<") { // HTML error pages are noise
		return ""
	}
	return s
}

// redactURLError drops the URL (and so any query) from a transport error.
func redactURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func (c *Client) logReq(ctx context.Context, method, path string, status int, start time.Time, attempt int, err error) {
	if !c.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	attrs := []slog.Attr{
		slog.String("provider", c.provider),
		slog.String("method", method),
		slog.String("path", path),
		slog.Int("status", status),
		slog.Int64("duration_ms", time.Since(start).Milliseconds()),
		slog.Int("attempt", attempt),
	}
	if err != nil {
		attrs = append(attrs, slog.String("error", redactURLError(err)))
	}
	c.log.LogAttrs(ctx, slog.LevelDebug, "ATS request", attrs...)
}

// resolve builds the URL for path. Absolute URLs (paging links) keep their
// path and query but are re-based onto the configured scheme and host:
// a proxy or sandbox base URL keeps working, and a hostile Link header
// cannot make us send the API key elsewhere.
func (c *Client) resolve(path string, q url.Values) (*url.URL, error) {
	var u *url.URL
	if strings.HasPrefix(path, "http://") || strings.HasPrefix(path, "https://") {
		p, err := url.Parse(path)
		if err != nil {
			return nil, fmt.Errorf("%s: bad paging URL: %w", c.provider, err)
		}
		u = p
		u.Scheme, u.Host, u.User = c.base.Scheme, c.base.Host, nil
	} else {
		u = c.BaseURL()
		rel, err := url.Parse(path)
		if err != nil {
			return nil, fmt.Errorf("%s: bad path %q: %w", c.provider, path, err)
		}
		u.Path = strings.TrimRight(c.base.Path, "/") + "/" + strings.TrimLeft(rel.Path, "/")
		u.RawQuery = rel.RawQuery
	}
	if len(q) > 0 {
		merged := u.Query()
		for k, vs := range q {
			merged[k] = vs
		}
		u.RawQuery = merged.Encode()
	}
	return u, nil
}

// DecodeJSON unmarshals a 2xx body into out, mapping syntax errors to
// ErrMalformedResponse with a message that names the operation. Unknown
// fields are ignored: vendors add fields without notice.
func (c *Client) DecodeJSON(resp *Response, out any) error {
	if err := json.Unmarshal(resp.Body, out); err != nil {
		op := ""
		if resp.URL != nil {
			op = resp.URL.Path
		}
		return &Error{Provider: c.provider, Op: op, Status: resp.Status,
			Message: "invalid JSON in response: " + err.Error(), Err: ErrMalformedResponse}
	}
	return nil
}

// GetJSON is Do(GET) + DecodeJSON.
func (c *Client) GetJSON(ctx context.Context, path string, q url.Values, out any) (*Response, error) {
	resp, err := c.Do(ctx, Request{Method: http.MethodGet, Path: path, Query: q})
	if err != nil {
		return nil, err
	}
	return resp, c.DecodeJSON(resp, out)
}
