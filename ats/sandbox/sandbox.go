// Package sandbox is hireloop's built-in emulated ATS for demo mode
// (`hireloop serve --demo`): a real HTTP server on loopback that speaks
// Greenhouse Harvest v3 as Greenhouse documents it (the OAuth client
// credentials token endpoint on its root, Bearer tokens, cursor paging,
// the v3 read and write routes and the fields each write requires),
// seeded with a realistic fictional company (six positions, ~300
// candidates, ~350 applications), plus a small server-rendered page where
// a newcomer moves and rejects candidates and sees what hireloop wrote
// back.
//
// Why a real server instead of an in-process fake connector: demo mode
// then exercises the same code path as production (the ats/greenhouse
// connector with its token source, HTTP client, paging, rate limiting,
// incremental sync, write-back, signed webhooks), so what a newcomer sees
// is what they will get with a real Greenhouse account. The protocol
// rules live in ats/greenhouse/harvestv3, shared with the connector's
// test fake, so the sandbox refuses what Greenhouse (and the fake)
// refuses, e.g. a move without from_stage_id or a note without
// note_type.
//
// Every change, through the API or the page, bumps the timestamps
// incremental sync filters on and is sent as a signed Greenhouse webhook
// to every registered target. With Options.StatePath the state survives
// restarts. Webhook targets are not persisted: the app registers them
// (AddWebhook) on every start.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats/greenhouse/harvestv3"
)

// Provider is the connector that speaks the sandbox's wire format.
const Provider = "greenhouse"

// The one Harvest v3 client the sandbox issues tokens to (to any of its
// users as sub; the connection acts as the service user).
const (
	clientID     = "sandbox-client-id"
	clientSecret = "sandbox-client-secret"
)

// Rate limit as Greenhouse documents it: X-RateLimit-Limit per 10 s.
const (
	rateLimit  = 50
	rateWindow = 10 * time.Second
)

// Webhook delivery: one attempt bounded by hookTimeout, one retry after
// hookRetryDelay on failure.
const (
	hookTimeout    = 10 * time.Second
	hookRetryDelay = 2 * time.Second
)

// closeGrace is how long Close lets in-flight API requests finish.
const closeGrace = 2 * time.Second

// maxRequestBody bounds a write request (attachments arrive base64 inline).
const maxRequestBody = 40 << 20

// Options configure Start.
type Options struct {
	// Addr is the listen address; default "127.0.0.1:0".
	Addr string
	// StatePath, when set, is a JSON file the state is loaded from and
	// saved to (atomically) after every change. A missing file seeds fresh
	// data; a corrupt one is an error naming the path.
	StatePath string
	// Logger receives delivery and persistence logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock for data timestamps; nil means time.Now.
	Now func() time.Time
}

// Server is a running sandbox ATS.
type Server struct {
	log       *slog.Logger
	now       func() time.Time
	statePath string
	ln        net.Listener
	srv       *http.Server
	root      string // http://127.0.0.1:PORT
	limiter   *limiter
	tokens    *harvestv3.Tokens
	hc        *http.Client

	mu     sync.Mutex // guards st and closed
	st     *state
	closed bool

	hooksMu sync.Mutex
	hooks   []hookTarget

	deliveries sync.WaitGroup
	closing    chan struct{}
	// hooksCtx bounds webhook deliveries; Close cancels it.
	hooksCtx    context.Context
	cancelHooks context.CancelFunc
}

type hookTarget struct{ url, secret string }

var errClosed = errors.New("sandbox: closed")

// Start loads or seeds the state and starts serving the Harvest v3 API.
func Start(o Options) (*Server, error) {
	s := &Server{log: o.Logger, now: o.Now, statePath: o.StatePath, closing: make(chan struct{}),
		limiter: &limiter{limit: rateLimit, window: rateWindow},
		hc:      &http.Client{Timeout: hookTimeout}}
	s.hooksCtx, s.cancelHooks = context.WithCancel(context.Background())
	s.tokens = harvestv3.NewTokens(clientID, clientSecret, func(sub int64) bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.st.userByID[sub] != nil
	})
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	st, err := loadState(o.StatePath)
	if err != nil {
		return nil, err
	}
	s.st = st
	if st == nil {
		s.st = seed(s.now())
		if err := s.save(); err != nil {
			return nil, err
		}
	}
	addr := o.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sandbox: listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.root = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serveAPI), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug)}
	go func() {
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("Sandbox ATS server stopped", slog.String("error", err.Error()))
		}
	}()
	s.log.Info("Sandbox ATS listening", slog.String("base_url", s.BaseURL()), slog.String("token_url", s.TokenURL()),
		slog.String("client_id", clientID), slog.Int64("acting_user_id", s.st.serviceUser().ID),
		slog.Int("candidates", len(s.st.Candidates)), slog.Int("applications", len(s.st.Applications)))
	return s, nil
}

// Provider returns the connector name that speaks the sandbox's API.
func (s *Server) Provider() string { return Provider }

// BaseURL is the Harvest v3 root, "http://127.0.0.1:PORT/v3". The token
// endpoint is on the same host, TokenURL, which is where the connector
// looks for it on any host but Greenhouse's.
func (s *Server) BaseURL() string { return s.root + "/v3" }

// TokenURL is the OAuth 2.0 token endpoint, "http://127.0.0.1:PORT/token".
func (s *Server) TokenURL() string { return s.root + "/token" }

// ClientID is the Harvest v3 OAuth client id the sandbox accepts.
func (s *Server) ClientID() string { return clientID }

// APIKey is the client secret of that client (hireloop keeps a Harvest v3
// client secret in a connection's API key).
func (s *Server) APIKey() string { return clientSecret }

// ActingUserID is the id of the "hireloop Integration" service user, sent
// as the token's sub: every write is made as this user.
func (s *Server) ActingUserID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strconv.FormatInt(s.st.serviceUser().ID, 10)
}

// AddWebhook registers a delivery target; calling it again for the same
// url replaces the secret.
func (s *Server) AddWebhook(url, secret string) {
	s.hooksMu.Lock()
	defer s.hooksMu.Unlock()
	if secret == "" {
		s.log.Warn("Sandbox webhook registered without a secret; receivers will reject its deliveries", slog.String("url", logURL(url)))
	}
	for i := range s.hooks {
		if s.hooks[i].url == url {
			s.hooks[i].secret = secret
			return
		}
	}
	s.hooks = append(s.hooks, hookTarget{url: url, secret: secret})
}

// RemoveWebhook unregisters a target; deliveries already started finish.
func (s *Server) RemoveWebhook(url string) {
	s.hooksMu.Lock()
	defer s.hooksMu.Unlock()
	for i := range s.hooks {
		if s.hooks[i].url == url {
			s.hooks = append(s.hooks[:i], s.hooks[i+1:]...)
			return
		}
	}
}

func (s *Server) webhookCount() int {
	s.hooksMu.Lock()
	defer s.hooksMu.Unlock()
	return len(s.hooks)
}

// Close stops the API server and waits for in-flight webhook deliveries
// (pending retries are dropped). Later changes fail.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	close(s.closing)
	// In-flight API requests get a moment; then the rest are cut. By now
	// hireloop's own workers have stopped, and a connection that never
	// sent a request (a client's spare dial) would otherwise hold
	// Shutdown for net/http's five-second grace for new connections.
	ctx, cancel := context.WithTimeout(context.Background(), closeGrace)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		err = s.srv.Close()
	}
	s.cancelHooks() // a delivery still waiting on its receiver ends now
	s.deliveries.Wait()
	return err
}

// stamp returns a change timestamp strictly after every earlier one, in
// Harvest's millisecond precision, so incremental reads never miss or
// repeat a change even when two land in the same millisecond.
func (st *state) stamp(now time.Time) time.Time {
	t := now.UTC().Truncate(time.Millisecond)
	if !t.After(st.Clock) {
		t = st.Clock.Add(time.Millisecond)
	}
	st.Clock = t
	return t
}

// change runs fn under the lock, persists the state and sends the webhook
// fn returned (nil for none). fn's error aborts without saving; fn must
// not have mutated anything when it returns an error.
func (s *Server) change(fn func(st *state, now time.Time) (hook []byte, err error)) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errClosed
	}
	hook, err := fn(s.st, s.now())
	if err != nil {
		s.mu.Unlock()
		return err
	}
	if err := s.save(); err != nil {
		s.log.Error("Sandbox ATS could not save its state", slog.String("path", s.statePath), slog.String("error", err.Error()))
	}
	var targets []hookTarget
	if hook != nil {
		s.hooksMu.Lock()
		targets = append(targets, s.hooks...)
		s.hooksMu.Unlock()
		// Added under mu so Close (which sets closed under mu) cannot
		// start waiting before these deliveries are counted.
		s.deliveries.Add(len(targets))
	}
	s.mu.Unlock()
	for _, t := range targets {
		go s.deliver(t, hook, newEventID())
	}
	return nil
}

func newEventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// ---- persistence ----

// loadState returns nil, nil when there is no state file yet.
func loadState(path string) (*state, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sandbox: read state file %s: %w", path, err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, fmt.Errorf("sandbox: state file %s is corrupt (%v); delete it to start over with fresh demo data", path, err)
	}
	st.index()
	if msg := st.validate(); msg != "" {
		return nil, fmt.Errorf("sandbox: state file %s is corrupt (%s); delete it to start over with fresh demo data", path, msg)
	}
	return &st, nil
}

// save writes the state atomically (temp file in the same directory,
// fsync, rename). Callers hold mu.
func (s *Server) save() error {
	if s.statePath == "" {
		return nil
	}
	b, err := json.Marshal(s.st)
	if err != nil {
		return err
	}
	dir := filepath.Dir(s.statePath)
	f, err := os.CreateTemp(dir, "."+filepath.Base(s.statePath)+".tmp-*")
	if err != nil {
		return fmt.Errorf("sandbox: save state %s: %w", s.statePath, err)
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o600)
	}
	if err == nil {
		err = os.Rename(tmp, s.statePath)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("sandbox: save state %s: %w", s.statePath, err)
	}
	return nil
}

// ---- rate limit ----

// limiter is a rolling window of admitted requests.
type limiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	hits   []time.Time
}

// admit records a request at now, or refuses it and says when a slot frees.
func (l *limiter) admit(now time.Time) (ok bool, remaining int, retryAt time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cut := now.Add(-l.window)
	i := 0
	for i < len(l.hits) && !l.hits[i].After(cut) {
		i++
	}
	l.hits = l.hits[i:]
	if len(l.hits) >= l.limit {
		return false, 0, l.hits[0].Add(l.window)
	}
	l.hits = append(l.hits, now)
	return true, l.limit - len(l.hits), time.Time{}
}

// ---- webhooks ----

// logURL is a delivery target as it may be logged: the last path segment
// of a receiver's URL is its secret token (hireloop's /webhooks/ats/<token>).
func logURL(u string) string {
	if i := strings.LastIndexByte(u, '/'); i >= 0 && strings.Count(u[:i], "/") >= 3 {
		return u[:i+1] + ":token"
	}
	return u
}

// deliver POSTs one signed delivery, retrying once after hookRetryDelay.
func (s *Server) deliver(t hookTarget, body []byte, eventID string) {
	defer s.deliveries.Done()
	for attempt := 1; ; attempt++ {
		err := s.post(t, body, eventID)
		if err == nil {
			s.log.Debug("Sandbox webhook delivered", slog.String("url", logURL(t.url)), slog.String("event_id", eventID), slog.Int("attempt", attempt))
			return
		}
		if attempt == 2 {
			s.log.Warn("Sandbox webhook delivery failed", slog.String("url", logURL(t.url)), slog.String("event_id", eventID),
				slog.Int("attempt", attempt), slog.String("error", err.Error()))
			return
		}
		s.log.Info("Sandbox webhook delivery failed; retrying", slog.String("url", logURL(t.url)), slog.String("event_id", eventID),
			slog.Duration("retry_in", hookRetryDelay), slog.String("error", err.Error()))
		timer := time.NewTimer(hookRetryDelay)
		select {
		case <-timer.C:
		case <-s.closing:
			timer.Stop()
			s.log.Warn("Sandbox webhook retry dropped at shutdown", slog.String("url", logURL(t.url)), slog.String("event_id", eventID))
			return
		}
	}
}

func (s *Server) post(t hookTarget, body []byte, eventID string) error {
	ctx, cancel := context.WithTimeout(s.hooksCtx, hookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytesReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Greenhouse-Sandbox/1.0 (hireloop demo)")
	req.Header.Set("Signature", "sha256 "+signHex(t.secret, body))
	req.Header.Set("Greenhouse-Event-ID", eventID)
	resp, err := s.hc.Do(req)
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err // without the URL, which carries the receiver's token
	}
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("receiver answered HTTP %d", resp.StatusCode)
	}
	return nil
}
