package app

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// serveForTest runs a on a real socket until the test ends and returns
// its base URL.
func serveForTest(t *testing.T, a *App) string {
	t.Helper()
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

// Fiber hands out strings that alias its reused request buffers. Anything
// kept past the handler (here the Prometheus labels) must not change when
// later requests arrive: many mixed requests over keep-alive connections
// must leave only the methods that were sent and the routes that exist.
func TestMetricsLabelsSurviveConcurrentRequests(t *testing.T) {
	cfg := testConfig(t)
	cfg.ShutdownGrace = 5 * time.Second // the client's keep-alive connections close as it ends
	a, err := New(context.Background(), cfg, Options{Version: "test", UI: testUI})
	if err != nil {
		t.Fatal(err)
	}
	base := serveForTest(t, a)
	type call struct{ method, path, body string }
	calls := []call{
		{"GET", "/healthz", ""},
		{"HEAD", "/healthz", ""},
		{"GET", "/readyz", ""},
		{"POST", "/api/auth/login", `{"email":"nobody@example.com","password":"wrong password"}`},
		{"DELETE", "/api/me/sessions/12345", ""},
		{"GET", "/api/openapi.json", ""},
		{"GET", "/api/workspaces/1/applications?limit=10", ""},
		{"POST", "/webhooks/ats/not-a-token", `{}`},
		{"GET", "/api/candidate/cand-token-abc/", ""},
		{"HEAD", "/i/some-invitation-token", ""},
		{"GET", "/api/no/such/route", ""},
		{"DELETE", "/api/auth/logout", ""},
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 8}
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	t.Cleanup(tr.CloseIdleConnections)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 150 {
				c := calls[(w*7+i)%len(calls)]
				var body io.Reader
				if c.body != "" {
					body = strings.NewReader(c.body)
				}
				req, _ := http.NewRequest(c.method, base+c.path, body)
				if c.body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				res, err := hc.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
			}
		}()
	}
	wg.Wait()

	routes := map[string]bool{"unmatched": true}
	for _, r := range a.HTTP().GetRoutes(false) {
		routes[r.Path] = true
	}
	res, err := hc.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	line := regexp.MustCompile(`(?m)^hireloop_http_requests_total\{method="([^"]*)",route="([^"]*)",status="([^"]*)"\} (\d+)`)
	found := line.FindAllStringSubmatch(string(b), -1)
	if len(found) == 0 {
		t.Fatalf("no request counters in /metrics:\n%s", b)
	}
	total := 0
	for _, m := range found {
		switch m[1] {
		case "GET", "HEAD", "POST", "DELETE":
		default:
			t.Errorf("method label %q is not a method that was sent (%s)", m[1], m[0])
		}
		if !routes[m[2]] {
			t.Errorf("route label %q is not a registered route (%s)", m[2], m[0])
		}
		var n int
		fmt.Sscan(m[4], &n)
		total += n
	}
	if total < 8*150 {
		t.Errorf("counted %d requests, sent %d", total, 8*150)
	}
}

// syncBuffer is a log destination safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Every route that carries a token (candidate links, share links, webhook
// URLs, the console's /i/ and /r/ pages, signed report links) goes through
// the real middleware; no log line may contain the token, while the
// access log still names the route.
func TestAccessLogNeverWritesTokens(t *testing.T) {
	var logs syncBuffer
	cfg := testConfig(t)
	a, err := New(context.Background(), cfg, Options{Version: "test", UI: testUI,
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	anon := &client{t: t, a: a}
	var secrets []string
	n := 0
	secretFor := func() string {
		n++
		s := fmt.Sprintf("Sekr3tTok%03dQz", n)
		secrets = append(secrets, s)
		return s
	}
	tokenRoutes := 0
	for _, r := range a.HTTP().GetRoutes(true) {
		if !strings.Contains(r.Path, ":token") {
			continue
		}
		tokenRoutes++
		p := strings.NewReplacer(":token", secretFor(), ":qid", "7").Replace(r.Path)
		var body any
		if r.Method != "GET" && r.Method != "HEAD" {
			body = map[string]any{}
		}
		anon.do(r.Method, p, body)
	}
	if tokenRoutes < 9 {
		t.Fatalf("found %d routes with a :token parameter; the route table changed, check this test", tokenRoutes)
	}
	for _, p := range []string{
		"/i/" + secretFor(), "/i/" + secretFor() + "/", "/r/" + secretFor(),
		"/api/candidate/" + secretFor() + "/no-such-thing", // unmatched, still redacted
		"/API/Candidate/" + secretFor(),                    // routing ignores case
		"/api/shared/results/" + secretFor(),
	} {
		anon.do("GET", p, nil)
	}
	sig := secretFor()
	anon.do("GET", "/files/reports/1?exp=4102444800&sig="+sig, nil)
	anon.do("POST", "/webhooks/ats/"+secretFor(), "{}")

	out := logs.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("a log line contains the secret %s", s)
		}
	}
	if t.Failed() {
		t.Logf("logs:\n%s", out)
	}
	for _, want := range []string{`"route":"/api/candidate/:token"`, `"route":"/api/shared/results/:token"`, `"route":"/webhooks/ats/:token"`,
		`"path":"/i/:token"`, `"path":"/api/candidate/:token/no-such-thing"`, `"path":"/files/reports/1"`} {
		if !strings.Contains(out, want) {
			t.Errorf("the access log lacks %s", want)
		}
	}
}
