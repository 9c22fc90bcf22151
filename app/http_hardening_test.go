package app

import (
	"context"
	"fmt"
	"io"
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
