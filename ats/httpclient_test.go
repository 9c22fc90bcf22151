package ats

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func stdB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func newTestClient(t *testing.T, url string, mod func(*ClientOptions)) *Client {
	t.Helper()
	o := ClientOptions{Provider: "test", BaseURL: url + "/v1", Auth: BasicAuth{Username: "key"},
		Config: Config{HTTP: HTTPSettings{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}}}
	if mod != nil {
		mod(&o)
	}
	c, err := NewClient(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientRetriesReadsNotWrites(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		if n <= 2 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, `{"ok":true}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	var out struct{ OK bool }
	if _, err := c.GetJSON(context.Background(), "/things", nil, &out); err != nil || !out.OK {
		t.Fatalf("GET after 2x502: %v %v", err, out)
	}
	if s := c.Stats(); s.Requests != 3 || s.Retries != 2 {
		t.Fatalf("stats = %+v, want 3 requests 2 retries", s)
	}

	hits.Store(0)
	_, err := c.Do(context.Background(), Request{Method: http.MethodPost, Path: "/things", JSON: map[string]string{"a": "b"}})
	if !errors.Is(err, ErrUnavailable) || !IsTransient(err) {
		t.Fatalf("POST on 502 = %v, want transient ErrUnavailable", err)
	}
	if hits.Load() != 1 {
		t.Fatalf("write was attempted %d times, want exactly 1", hits.Load())
	}
}

func TestClientHonoursRetryAfterOn429(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, `[]`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	var slept []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	if _, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"}); err != nil {
		t.Fatal(err)
	}
	if len(slept) != 1 || slept[0] < time.Second {
		t.Fatalf("slept %v, want >= 1s honouring Retry-After", slept)
	}
	if c.Stats().RateLimited != 1 {
		t.Fatalf("RateLimited = %d", c.Stats().RateLimited)
	}

	// A write on 429 returns the typed error immediately.
	hits.Store(0)
	_, err := c.Do(context.Background(), Request{Method: http.MethodPut, Path: "/x"})
	var rl *RateLimitedError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Fatalf("PUT on 429 = %v, want RateLimitedError{1s}", err)
	}
}

func TestClientGivesUpOnHugeRetryAfter(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	c.sleep = func(context.Context, time.Duration) error { t.Fatal("should not sleep an hour"); return nil }
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"})
	if d, ok := RetryAfter(err); !ok || d != time.Hour {
		t.Fatalf("err = %v", err)
	}
}

func TestClientSizeCapUAAuthAndLogs(t *testing.T) {
	var gotUA, gotAuth string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotUA, gotAuth = r.UserAgent(), r.Header.Get("Authorization")
		w.Write(bytes.Repeat([]byte("a"), 2048))
	}))
	defer srv.Close()
	var logs bytes.Buffer
	c := newTestClient(t, srv.URL, func(o *ClientOptions) {
		o.Config.HTTP.MaxResponseBytes = 1024
		o.Config.HTTP.UserAgentVersion = "1.2.3"
		o.Config.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	_, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x", Query: map[string][]string{"token": {"sekrit"}}})
	if !errors.Is(err, ErrResponseTooLarge) {
		t.Fatalf("err = %v, want ErrResponseTooLarge", err)
	}
	if gotUA != "hireloop/1.2.3 (+https://github.com/hireloop/hireloop)" {
		t.Fatalf("UA = %q", gotUA)
	}
	if gotAuth != "Basic "+stdB64([]byte("key:")) {
		t.Fatalf("Authorization = %q", gotAuth)
	}
	l := logs.String()
	for _, want := range []string{`"provider":"test"`, `"method":"GET"`, `"path":"/v1/x"`, `"status":200`, `"duration_ms":`, `"attempt":1`} {
		if !strings.Contains(l, want) {
			t.Errorf("log lacks %s: %s", want, l)
		}
	}
	for _, secret := range []string{"sekrit", "Basic", "key:"} {
		if strings.Contains(l, secret) {
			t.Errorf("log leaks %q: %s", secret, l)
		}
	}
}

func TestClientRebasesAbsolutePagingLinks(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.RequestURI())
		if r.URL.Query().Get("page") == "" {
			// A hostile or upstream link to another host.
			w.Header().Set("Link", `<https://evil.example/v1/c?page=2&per_page=1>; rel="next"`)
		}
		fmt.Fprint(w, `[]`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	pages := 0
	err := c.EachLinkPage(context.Background(), Request{Method: http.MethodGet, Path: "/c"}, func(*Response) error { pages++; return nil })
	if err != nil || pages != 2 {
		t.Fatalf("pages=%d err=%v", pages, err)
	}
	if paths[1] != "/v1/c?page=2&per_page=1" {
		t.Fatalf("second request %q", paths[1])
	}
}

func TestEachCursorAndOffsetPage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/cur":
			switch r.URL.Query().Get("cursor") {
			case "":
				fmt.Fprint(w, `{"next":"b"}`)
			case "b":
				fmt.Fprint(w, `{"next":null}`)
			}
		case "/v1/off":
			if r.URL.Query().Get("offset") == "0" {
				fmt.Fprint(w, `2`)
			} else {
				fmt.Fprint(w, `1`)
			}
		}
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	n := 0
	err := c.EachCursorPage(context.Background(), Request{Method: http.MethodGet, Path: "/cur"}, "cursor",
		func(r *Response) (string, error) {
			var v struct{ Next *string }
			if err := c.DecodeJSON(r, &v); err != nil || v.Next == nil {
				return "", err
			}
			return *v.Next, nil
		}, func(*Response) error { n++; return nil })
	if err != nil || n != 2 {
		t.Fatalf("cursor pages=%d err=%v", n, err)
	}
	n = 0
	err = c.EachOffsetPage(context.Background(), Request{Method: http.MethodGet, Path: "/off"}, "limit", "offset", 2,
		func(r *Response) (int, error) { n++; return int(r.Body[0] - '0'), nil })
	if err != nil || n != 2 {
		t.Fatalf("offset pages=%d err=%v", n, err)
	}
}

func TestDecodeJSONMalformed(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"a":`) }))
	defer srv.Close()
	c := newTestClient(t, srv.URL, nil)
	var v any
	_, err := c.GetJSON(context.Background(), "/x", nil, &v)
	if !errors.Is(err, ErrMalformedResponse) || !strings.Contains(err.Error(), "invalid JSON") || IsTransient(err) {
		t.Fatalf("err = %v", err)
	}
}

// TestLimiterNeverExceedsRollingWindow drives the limiter with concurrent
// callers against a strict rolling-window counter and checks no window ever
// sees more than the budget, while the whole budget is used.
func TestLimiterNeverExceedsRollingWindow(t *testing.T) {
	const limit, window = 5, 100 * time.Millisecond
	l := NewLimiter(RateLimit{Requests: limit, Per: window})
	var mu sync.Mutex
	var served []time.Time
	var wg sync.WaitGroup
	start := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				r, err := l.Wait(context.Background())
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				served = append(served, time.Now())
				mu.Unlock()
				time.Sleep(time.Millisecond) // "network"
				r.Done()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	for i := range served {
		n := 0
		for j := range served {
			if !served[j].Before(served[i]) && served[j].Sub(served[i]) < window {
				n++
			}
		}
		if n > limit {
			t.Fatalf("%d requests within one window starting at %d", n, i)
		}
	}
	// 20 requests at 5/100ms need at least 3 full windows; allow slack.
	if elapsed < 3*window || elapsed > 8*window {
		t.Fatalf("elapsed %v, want about 3-4 windows", elapsed)
	}
}

func TestLimiterHeaderCorrections(t *testing.T) {
	l := NewLimiter(RateLimit{Requests: 10, Per: time.Hour})
	// Someone else used most of the budget: Remaining 2 of 50.
	l.Observe(200, http.Header{"X-Ratelimit-Limit": {"50"}, "X-Ratelimit-Remaining": {"2"}})
	if l.Limit().Requests != 50 {
		t.Fatalf("limit = %v", l.Limit())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	for i := range 2 {
		r, err := l.Wait(ctx)
		if err != nil {
			t.Fatalf("token %d: %v", i, err)
		}
		r.Done()
	}
	if _, err := l.Wait(ctx); err == nil {
		t.Fatal("third token granted although Remaining said 2")
	}

	// A 429 pauses everyone for Retry-After.
	l2 := NewLimiter(RateLimit{Requests: 100, Per: time.Second})
	l2.Observe(429, http.Header{"Retry-After": {"1"}})
	ctx2, cancel2 := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel2()
	if _, err := l2.Wait(ctx2); err == nil {
		t.Fatal("token granted during Retry-After pause")
	}
}

// Workable and Teamtailor spell the headers X-Rate-Limit-*, the IETF draft
// RateLimit-*; a 503 with Retry-After (BambooHR's old throttle) pauses too.
func TestLimiterHeaderSpellings(t *testing.T) {
	for _, h := range []http.Header{
		{"X-Rate-Limit-Limit": {"10"}, "X-Rate-Limit-Remaining": {"0"}, "X-Rate-Limit-Reset": {"30"}},
		{"Ratelimit-Limit": {"10"}, "Ratelimit-Remaining": {"0"}, "Ratelimit-Reset": {"30"}},
	} {
		l := NewLimiter(RateLimit{Requests: 100, Per: time.Second})
		l.Observe(200, h)
		if l.Limit().Requests != 10 {
			t.Fatalf("%v: limit = %v", h, l.Limit())
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		if _, err := l.Wait(ctx); err == nil {
			t.Fatalf("%v: token granted with Remaining 0 until the reset", h)
		}
		cancel()
	}
	l := NewLimiter(RateLimit{Requests: 100, Per: time.Second})
	l.Observe(503, http.Header{"Retry-After": {"1"}})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := l.Wait(ctx); err == nil {
		t.Fatal("token granted during a 503 Retry-After pause")
	}
	l = NewLimiter(RateLimit{Requests: 100, Per: time.Second})
	l.Observe(503, http.Header{})
	if _, err := l.Wait(ctx); err != nil {
		t.Fatalf("a plain 503 (an outage, no Retry-After) paused the limiter: %v", err)
	}
}

// Remaining is counted at the request's arrival; a token of ours that
// regenerated before the response was read is still spent in it and must
// not be charged again as someone else's request.
func TestLimiterRemainingCountedAtSendTime(t *testing.T) {
	clock := time.Unix(1000, 0)
	l := NewLimiter(RateLimit{Requests: 2, Per: time.Second})
	l.now = func() time.Time { return clock }
	ctx := context.Background()
	a, _ := l.Wait(ctx) // request A, answered at once
	a.Done()
	clock = clock.Add(500 * time.Millisecond)
	sentB := clock
	b, _ := l.Wait(ctx) // request B: the server counts A and B
	clock = clock.Add(700 * time.Millisecond)
	// B's answer arrives after A's token regenerated (at +1 s).
	l.ObserveSent(200, http.Header{"X-Ratelimit-Remaining": {"0"}}, sentB)
	b.Done()
	if n := len(l.tokens); n != 1 {
		t.Fatalf("%d tokens spent after B, want only B's (A's regenerated; nobody else used the key)", n)
	}
	// A genuine third party is still charged: Remaining 0 with only B
	// counted by us means one foreign request, regenerating by sent+window.
	l2 := NewLimiter(RateLimit{Requests: 2, Per: time.Second})
	clock2 := time.Unix(2000, 0)
	l2.now = func() time.Time { return clock2 }
	c, _ := l2.Wait(ctx)
	sent := clock2
	clock2 = clock2.Add(100 * time.Millisecond)
	l2.ObserveSent(200, http.Header{"X-Ratelimit-Remaining": {"0"}}, sent)
	c.Done()
	if n := len(l2.tokens); n != 2 {
		t.Fatalf("%d tokens spent, want ours plus the foreign one", n)
	}
	clock2 = sent.Add(time.Second + time.Millisecond)
	l2.gc(clock2)
	if n := len(l2.tokens); n != 1 {
		t.Fatalf("foreign token should regenerate a window after our send; %d left", n)
	}
}

func TestRateLimitOverrideIsACeiling(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-RateLimit-Limit", "50")
		w.Header().Set("X-RateLimit-Remaining", "49")
		fmt.Fprint(w, `[]`)
	}))
	defer srv.Close()
	// Vendor default only: the header sets the budget.
	c := newTestClient(t, srv.URL, func(o *ClientOptions) { o.DefaultRateLimit = RateLimit{Requests: 10, Per: time.Second} })
	if _, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"}); err != nil {
		t.Fatal(err)
	}
	if got := c.Limiter().Limit().Requests; got != 50 {
		t.Fatalf("default budget not corrected by header: %d", got)
	}
	// Explicit override: the header may not raise it.
	c = newTestClient(t, srv.URL, func(o *ClientOptions) {
		o.DefaultRateLimit = RateLimit{Requests: 50, Per: time.Second}
		o.Config.RateLimit = RateLimit{Requests: 20, Per: time.Second}
	})
	if _, err := c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/x"}); err != nil {
		t.Fatal(err)
	}
	if got := c.Limiter().Limit().Requests; got != 20 {
		t.Fatalf("override raised by header to %d", got)
	}
}

type failingAuth struct{ err error }

func (a failingAuth) Authenticate(context.Context, *http.Request) error { return a.err }

// A token endpoint that is down is a transient failure the read retries,
// not a bad key; an untyped authenticator failure still is.
func TestAuthenticatorErrorsKeepTheirKind(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{}`)) }))
	defer srv.Close()
	down := &Error{Provider: "x", Op: "token", Status: 503, Err: ErrUnavailable}
	c, err := NewClient(ClientOptions{Provider: "x", BaseURL: srv.URL, Auth: failingAuth{down},
		Config: Config{HTTP: HTTPSettings{MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Do(context.Background(), Request{Method: http.MethodGet, Path: "/jobs"})
	if !errors.Is(err, ErrUnavailable) || errors.Is(err, ErrUnauthorized) || c.Stats().Retries != 2 {
		t.Fatalf("token endpoint down: %v (retries %d), want a retried ErrUnavailable", err, c.Stats().Retries)
	}
	c2, _ := NewClient(ClientOptions{Provider: "x", BaseURL: srv.URL, Auth: failingAuth{errors.New("no credentials")}})
	if _, err := c2.Do(context.Background(), Request{Method: http.MethodGet, Path: "/jobs"}); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("untyped authenticator failure: %v, want ErrUnauthorized", err)
	}
}
