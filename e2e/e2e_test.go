// Package e2e drives the real hireloop binary with headless Chromium: first-run
// setup, sign out and in, a second workspace, switching workspaces, and an API
// token that is then used from Go (TestConsoleEndToEnd); and the ATS loop in
// demo mode: connect the Sandbox ATS, watch the first sync, browse positions
// and applications, move a candidate in the sandbox and see the webhook's
// stage event arrive (TestATSLoop); and the interview loop against a real
// mailpit: email settings, an interview imported from the sandbox, publishing,
// the invitation email, the candidate taking the interview, and the watchdog
// inviting a candidate who reaches the stage later (TestInterviewLoop); and
// connecting Lever from the connector gallery against its wire-format fake
// and registering and removing its webhooks (TestConnectLeverAndRegisterWebhooks).
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hireloop/hireloop/app/mail/mailpittest"
)

const chromiumPath = "/usr/bin/chromium"

const (
	adminName     = "Ada Admin"
	adminEmail    = "ada@agency.test"
	adminPassword = "correct-horse-battery"
	firstWS       = "Acme Recruiting"
	secondWS      = "Globex Staffing"
)

// syncBuffer collects the server's output; the process writes it from
// other goroutines while the test may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestConsoleEndToEnd(t *testing.T) {
	requireBrowser(t)

	tmp := t.TempDir()
	bin := buildBinary(t, tmp)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	base, stop := startServer(t, ctx, bin, filepath.Join(tmp, "data"))

	bctx, closeBrowser := newBrowser(t, ctx, tmp)

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, actions...); err != nil {
			t.Fatalf("%s: %v\nserver log:\n%s", name, err, tail(serverLog, 40))
		}
	}
	tid := func(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }
	heading := tid("workspace-heading")

	// 1. First run: the console sends us to /setup.
	step("open console",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(tid("setup-name")),
	)
	if loc := location(t, bctx); !strings.HasSuffix(loc, "/setup") {
		t.Fatalf("first visit landed on %s, want /setup", loc)
	}
	step("fill setup",
		chromedp.SendKeys(tid("setup-name"), adminName),
		chromedp.SendKeys(tid("setup-email"), adminEmail),
		chromedp.SendKeys(tid("setup-password"), adminPassword),
		chromedp.SendKeys(tid("setup-password-confirm"), adminPassword),
		chromedp.SendKeys(tid("setup-workspace"), firstWS),
		chromedp.Click(tid("setup-submit")),
		waitText(heading, firstWS),
	)

	// 2. Sign out, then sign in again.
	step("sign out",
		chromedp.Click(tid("user-menu")),
		chromedp.WaitVisible(tid("sign-out")),
		chromedp.Click(tid("sign-out")),
		chromedp.WaitVisible(tid("login-email")),
	)
	step("sign in",
		chromedp.SendKeys(tid("login-email"), adminEmail),
		chromedp.SendKeys(tid("login-password"), adminPassword),
		chromedp.Click(tid("login-submit")),
		waitText(heading, firstWS),
	)

	// 3. Create a second workspace from the switcher.
	step("create workspace",
		chromedp.Click(tid("workspace-switcher")),
		chromedp.WaitVisible(tid("create-workspace-link")),
		chromedp.Click(tid("create-workspace-link")),
		chromedp.WaitVisible(tid("workspace-new-name")),
		chromedp.SendKeys(tid("workspace-new-name"), secondWS),
		chromedp.Click(tid("workspace-new-submit")),
		waitText(heading, secondWS),
	)

	// 4. Switch between the two.
	option := func(name string) string {
		return fmt.Sprintf(`//a[@data-testid="workspace-option"][.//span[normalize-space(text())=%q]]`, name)
	}
	for _, name := range []string{firstWS, secondWS, firstWS} {
		step("switch to "+name,
			chromedp.Click(tid("workspace-switcher")),
			chromedp.WaitVisible(option(name)),
			chromedp.Click(option(name)),
			waitText(heading, name),
			waitText(tid("workspace-switcher-current"), name),
		)
	}

	// 5. Screenshots of the members page, desktop and phone. Toasts are
	// waited out so they do not cover the table.
	step("members table", chromedp.WaitVisible(tid("members-table")), waitGone(`[data-testid="toast"]`))
	shots := map[string][]byte{}
	shot := func(name string) {
		t.Helper()
		// Let CSS transitions (drawer, layout switch) finish first.
		step("settle "+name, chromedp.Sleep(350*time.Millisecond))
		png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		shots[name] = png
	}
	step("desktop", chromedp.EmulateViewport(1280, 800), chromedp.WaitVisible(tid("members-table")))
	shot("members-1280x800.png")
	step("phone", chromedp.EmulateViewport(390, 844), chromedp.WaitVisible(tid("members-table")))
	noHorizontalScroll(t, bctx, "members page at 390px")
	shot("members-390x844.png")
	step("phone drawer opens",
		chromedp.WaitVisible(tid("nav-toggle")),
		chromedp.Click(tid("nav-toggle")),
		chromedp.WaitVisible(tid("nav-tokens")),
	)
	shot("drawer-390x844.png")
	step("phone drawer closes on navigation",
		chromedp.Click(tid("nav-tokens")),
		chromedp.WaitVisible(tid("tokens-page")),
		waitJS(`document.querySelector('[data-testid="nav-toggle"]').getAttribute("aria-expanded") === "false"`),
	)
	noHorizontalScroll(t, bctx, "tokens page at 390px")
	// history.back() exercises the router's popstate handling.
	step("back to desktop", chromedp.EmulateViewport(1280, 800),
		chromedp.Evaluate[chromedp.Void](`history.back()`),
		waitText(heading, firstWS), chromedp.WaitVisible(tid("members-table")))

	// 6. Create an API token and read its secret from the page.
	step("create token",
		chromedp.WaitVisible(tid("nav-tokens")),
		chromedp.Click(tid("nav-tokens")),
		chromedp.WaitVisible(tid("tokens-page")),
		chromedp.WaitVisible(tid("token-name")),
		chromedp.SendKeys(tid("token-name"), "e2e script"),
		chromedp.Click(tid("token-create")),
		chromedp.WaitVisible(tid("token-secret")),
		waitGone(`[data-testid="toast"]`),
	)
	shot("tokens-1280x800.png")
	saveScreenshots(t, tmp, shots)
	secret, err := chromedp.Run(bctx, chromedp.Text(tid("token-secret")))
	if err != nil {
		t.Fatalf("read token secret: %v", err)
	}
	secret = strings.TrimSpace(secret)
	if !strings.HasPrefix(secret, "hl_") {
		t.Fatalf("token secret %q does not start with hl_", secret)
	}

	// 7. Use the token from Go.
	var me struct {
		User struct {
			Email string `json:"email"`
		} `json:"user"`
		Workspaces []struct {
			ID   int64  `json:"id"`
			Name string `json:"name"`
			Role string `json:"role"`
		} `json:"workspaces"`
	}
	getJSON(t, ctx, base+"/api/me", secret, &me)
	if me.User.Email != adminEmail {
		t.Errorf("GET /api/me with token: user %q, want %q", me.User.Email, adminEmail)
	}
	names := map[string]string{}
	for _, w := range me.Workspaces {
		names[w.Name] = w.Role
	}
	for _, want := range []string{firstWS, secondWS} {
		if role, ok := names[want]; !ok {
			t.Errorf("GET /api/me with token: workspace %q missing from %v", want, me.Workspaces)
		} else if role != "admin" {
			t.Errorf("workspace %q: role %q, want admin", want, role)
		}
	}

	// 8. Close the browser, then stop the server: SIGTERM must exit 0 within 10 s.
	closeBrowser()
	stop()
}

// requireBrowser skips the test when Chromium is missing (outside CI) or in -short mode.
func requireBrowser(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: %v", chromiumPath, err)
		}
		t.Skipf("%s not found; install the chromium package to run the browser test", chromiumPath)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
}

// newBrowser starts headless Chromium at 1280x800 and collects the page's
// console; uncaught exceptions fail the test when it ends. closeBrowser
// shuts the browser down (it is also done at cleanup).
func newBrowser(t *testing.T, ctx context.Context, dir string, extra ...chromedp.ExecAllocatorOption) (bctx context.Context, closeBrowser func()) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(filepath.Join(dir, "chrome-profile")),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 800),
	}
	opts = append(opts, extra...)
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelB := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	closeBrowser = func() {
		cancelB()
		cancelA()
	}
	t.Cleanup(closeBrowser)

	// Start the browser, then collect console messages for the whole run.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	var (
		consoleMu sync.Mutex
		console   []chromedp.ConsoleMessage
	)
	messages := chromedp.Console(bctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			consoleMu.Lock()
			console = append(console, m)
			consoleMu.Unlock()
		}
	}()
	t.Cleanup(func() {
		consoleMu.Lock()
		defer consoleMu.Unlock()
		for _, m := range console {
			if m.IsException() {
				t.Errorf("uncaught exception in the page: %s (%s:%d)", m.Text, m.URL, m.Line+1)
			} else if m.Type == chromedp.ConsoleError {
				t.Logf("browser console: %s", m)
			}
		}
	})
	return bctx, closeBrowser
}

// TestATSLoop connects the built-in Sandbox ATS of `serve --demo` through the
// console, follows the first sync on the integrations page, checks positions
// (pipeline with counts) and the applications of one position, then moves a
// candidate on the sandbox's own page and expects the signed webhook to be
// recorded as a stage event within 10 seconds.
func TestATSLoop(t *testing.T) {
	requireBrowser(t)

	tmp := t.TempDir()
	bin := buildBinary(t, tmp)

	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()

	base, stop := startServer(t, ctx, bin, filepath.Join(tmp, "data"), "--demo")
	bctx, closeBrowser := newBrowser(t, ctx, tmp)

	b := newSession(t, bctx, base)
	step, eval, shoot := b.step, b.eval, b.shoot
	shots := b.shots

	// 1. First run.
	b.setup()

	// 2. Connect an ATS → Sandbox ATS (demo).
	step("open integrations",
		chromedp.Click(tid("nav-connections")),
		chromedp.WaitVisible(tid("integrations-empty")),
		chromedp.Click(tid("connect-ats")),
		chromedp.WaitVisible(tid("provider-gallery")),
		chromedp.WaitVisible(tid("capability-matrix")),
		chromedp.WaitVisible(sandboxTile),
		chromedp.Click(sandboxTile),
		chromedp.WaitVisible(`[data-testid="connection-form"][data-provider="sandbox"]`),
	)
	shoot("connect", tid("connect-panel"))
	if n := eval("sandbox form fields", `String(document.querySelectorAll('[data-testid="connection-form"] input').length)`); n != "2" {
		t.Errorf("sandbox connect form has %s inputs, want 2 (name and sync interval)", n)
	}
	step("connect the sandbox",
		chromedp.Sleep(600*time.Millisecond), // the page scrolls the form into view
		chromedp.Click(tid("connection-submit")),
		chromedp.WaitVisible(tid("integrations-page")),
		chromedp.WaitVisible(tid("connection-card")),
	)

	// 3. The first sync runs (live progress over server-sent events), then finishes.
	seen := eval("first sync state", `document.querySelector('[data-testid="sync-progress"]') ? "progress" : document.querySelector('[data-testid="connection-status"]').textContent.trim()`)
	t.Logf("integrations page right after connecting shows: %s", seen)
	if err := chromedp.Do(bctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](`(() => { const s = document.querySelector('[data-testid="connection-status"]'); return !!s && /Synced|failed/.test(s.textContent); })()`,
			chromedp.WithPollingTimeout(60*time.Second))(ctx, tg)
		return chromedp.Void{}, err
	}); err != nil {
		t.Fatalf("first sync did not finish within 60s: %v\n%s", err, tail(serverLog, 40))
	}
	if status := eval("status", `document.querySelector('[data-testid="connection-status"]').textContent.trim()`); status != "Synced" {
		t.Fatalf("first sync ended as %q: %s", status, eval("error", `document.querySelector('[data-testid="last-run-error"]')?.textContent ?? ""`))
	}
	if counts := eval("counts", `document.querySelector('[data-testid="last-run-counts"]')?.textContent ?? ""`); !strings.Contains(counts, "positions") || !strings.Contains(counts, "applications") {
		t.Errorf("last run counts read %q, want positions and applications", counts)
	}
	loc := location(t, bctx)
	parts := strings.Split(strings.SplitN(strings.TrimPrefix(loc, base), "?", 2)[0], "/") // /w/{wid}/connections
	if len(parts) < 4 || parts[1] != "w" || parts[3] != "connections" {
		t.Fatalf("after connecting the browser is at %s, want /w/{wid}/connections", loc)
	}
	wid := parts[2]
	cid := eval("connection id", `document.querySelector('[data-testid="connection-card"]').dataset.connectionId`)
	sandboxHref := eval("sandbox link", `document.querySelector('[data-testid="sandbox-link"]')?.getAttribute("href") ?? ""`)
	if sandboxHref != "/sandbox/" {
		t.Fatalf("sandbox link is %q, want /sandbox/", sandboxHref)
	}
	shoot("integrations", tid("connection-card"))

	// 4. Positions: every sandbox position with a pipeline and counts.
	step("positions",
		chromedp.Click(tid("nav-positions")),
		chromedp.WaitVisible(tid("positions-list")),
		chromedp.WaitVisible(tid("stage-chip")),
	)
	var pipeline struct {
		Rows   int `json:"rows"`
		Chips  int `json:"chips"`
		Counts int `json:"counts"`
	}
	js := eval("pipeline", `JSON.stringify({
		rows: document.querySelectorAll('[data-testid="position-row"]').length,
		chips: document.querySelectorAll('[data-testid="position-row"] [data-testid="stage-chip"]').length,
		counts: [...document.querySelectorAll('[data-testid="stage-count"]')].reduce((n, el) => n + Number(el.textContent), 0),
	})`)
	if err := json.Unmarshal([]byte(js), &pipeline); err != nil {
		t.Fatal(err)
	}
	if pipeline.Rows == 0 || pipeline.Chips < pipeline.Rows || pipeline.Counts == 0 {
		t.Errorf("positions page: %d positions, %d stage chips, %d applications in stages; want positions with pipelines and counts", pipeline.Rows, pipeline.Chips, pipeline.Counts)
	}
	shoot("positions", tid("positions-list"))

	// 5. One position → its applications (filtered by job through the URL).
	title := eval("first position", `document.querySelector('[data-testid="position-link"]').textContent.trim()`)
	step("position detail",
		chromedp.Click(tid("position-link")),
		waitText(tid("position-title"), title),
		chromedp.WaitVisible(tid("pipeline")),
	)
	shoot("position", tid("position-description"))
	step("view applications",
		chromedp.Click(tid("position-view-applications")),
		chromedp.WaitVisible(tid("applications-table")),
	)
	if loc := location(t, bctx); !strings.Contains(loc, "/w/"+wid+"/applications?") || !strings.Contains(loc, "job=") {
		t.Errorf("View applications went to %s, want /w/%s/applications?…job=…", loc, wid)
	}
	if other := eval("rows of other positions", fmt.Sprintf(`String([...document.querySelectorAll('[data-testid="application-row"]')].filter(r => !r.textContent.includes(%q)).length)`, title)); other != "0" {
		t.Errorf("%s applications of the filtered list belong to another position than %q", other, title)
	}
	if sel := eval("position filter", `document.querySelector('[data-testid="filter-position"]').selectedOptions[0]?.textContent.trim() ?? ""`); !strings.HasPrefix(sel, title) {
		t.Errorf("position filter shows %q, want %q", sel, title)
	}
	shoot("applications", tid("applications-table"))

	// 6. Move a candidate in the sandbox; the webhook must be recorded as a stage event.
	cookie := newSession(t, bctx, base).cookie()
	type stageEvent struct {
		ID               int64  `json:"id"`
		ApplicationExtID string `json:"application_ext_id"`
		ToStageExtID     string `json:"to_stage_ext_id"`
		Source           string `json:"source"`
	}
	eventsURL := fmt.Sprintf("%s/api/workspaces/%s/connections/%s/stage-events", base, wid, cid)
	stageEvents := func(after int64) []stageEvent {
		t.Helper()
		var out struct {
			Events []stageEvent `json:"events"`
		}
		getJSONCookie(t, ctx, fmt.Sprintf("%s?after=%d", eventsURL, after), cookie, &out)
		return out.Events
	}
	var last int64
	for evs := stageEvents(0); len(evs) > 0; evs = stageEvents(last) {
		last = evs[len(evs)-1].ID
	}

	step("sandbox page", chromedp.Navigate(base+sandboxHref), chromedp.WaitVisible(`form[action="/sandbox/move"]`))
	move := eval("pick a move", `(() => {
		const f = document.querySelector('form[action="/sandbox/move"]');
		const sel = f.querySelector('select[name="stage"]');
		const to = [...sel.options].find(o => !o.selected);
		sel.value = to.value;
		f.dataset.e2e = "move";
		return f.querySelector('input[name="app"]').value + "|" + to.value + "|" + to.textContent.trim();
	})()`)
	picked := strings.SplitN(move, "|", 3)
	if len(picked) != 3 {
		t.Fatalf("sandbox move form: %q", move)
	}
	appID, toStage, toName := picked[0], picked[1], picked[2]
	moved := time.Now()
	step("move the candidate", chromedp.Click(`form[data-e2e="move"] button[type="submit"]`), chromedp.WaitReady(`body`))
	var got *stageEvent
	for got == nil && time.Since(moved) < 10*time.Second {
		for _, e := range stageEvents(last) {
			if e.ApplicationExtID == appID && e.Source == "webhook" {
				got = &e
				break
			}
		}
		if got == nil {
			time.Sleep(200 * time.Millisecond)
		}
	}
	if got == nil {
		t.Fatalf("no stage event with source webhook for application %s within 10s of moving it to %s (%s); events after %d: %+v\n%s",
			appID, toName, toStage, last, stageEvents(last), tail(serverLog, 30))
	}
	t.Logf("webhook stage event for application %s arrived after %s (to stage %s)", appID, time.Since(moved).Round(10*time.Millisecond), got.ToStageExtID)
	if got.ToStageExtID != toStage {
		t.Errorf("stage event moves application %s to %s, want %s", appID, got.ToStageExtID, toStage)
	}

	saveScreenshots(t, tmp, shots)
	closeBrowser()
	stop()
}

// getJSONCookie GETs url with a Cookie header (the browser's session) and decodes the JSON answer.
func getJSONCookie(t *testing.T, ctx context.Context, url, cookie string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", cookie)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", url, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: decode %s: %v", url, body, err)
	}
}

var serverLog = &syncBuffer{}

// repoRoot finds the module root from `go env GOMOD`.
func repoRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		abs, _ := filepath.Abs("..")
		return abs
	}
	return filepath.Dir(gomod)
}

// buildBinary builds hireloop into dir, or returns E2E_HIRELOOP_BIN when that
// names an already built binary.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	if prebuilt := os.Getenv("E2E_HIRELOOP_BIN"); prebuilt != "" {
		return prebuilt
	}
	bin := filepath.Join(dir, "hireloop")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServer runs `hireloop serve` and waits for /readyz. stop sends
// SIGTERM and checks for a clean exit within 10 seconds.
func startServer(t *testing.T, ctx context.Context, bin, dataDir string, extraArgs ...string) (base string, stop func()) {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, append([]string{"serve", "--addr", addr, "--data-dir", dataDir}, extraArgs...)...)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HIRELOOP_") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	cmd.Stdout = serverLog
	cmd.Stderr = serverLog
	if err := cmd.Start(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()

	var once sync.Once
	stop = func() { once.Do(func() { stopServer(t, cmd, done) }) }
	// A test that ends early still stops the server; tests call stop
	// themselves to check a clean exit at a point of their choosing.
	t.Cleanup(stop)

	base = "http://" + addr
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case err := <-done:
			t.Fatalf("server exited before it was ready: %v\n%s", err, serverLog.String())
		case <-ctx.Done():
			_ = cmd.Process.Kill()
			t.Fatalf("server not ready: %v\n%s", ctx.Err(), serverLog.String())
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := client.Get(base + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base, stop
			}
		}
	}
}

// stopServer sends SIGTERM and checks for a clean exit within 10 seconds;
// on a hang it has the Go runtime print every goroutine (SIGQUIT) so the
// log says what shutdown waited for.
func stopServer(t *testing.T, cmd *exec.Cmd, done <-chan error) {
	t.Helper()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM: %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("server exited with %v after SIGTERM, want status 0\n%s", err, tail(serverLog, 20))
		}
	case <-time.After(10 * time.Second):
		// SIGQUIT makes the Go runtime print every goroutine's stack
		// and exit: the log then says what shutdown was waiting for.
		_ = cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		t.Errorf("server did not exit within 10s of SIGTERM\n%s", hangReport(serverLog.String()))
	}
}

// waitJS waits until the JavaScript expression is true.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))(ctx, t)
		if err != nil {
			return chromedp.Void{}, fmt.Errorf("waiting for %s: %w", expr, err)
		}
		return chromedp.Void{}, nil
	}
}

// waitGone waits until no element matches the CSS selector.
func waitGone(css string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`document.querySelectorAll(%q).length === 0`, css))
}

// noHorizontalScroll fails when the page is wider than the viewport.
func noHorizontalScroll(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	over, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if over > 0 {
		t.Errorf("%s scrolls horizontally by %dpx", what, over)
	}
}

// waitText waits until the element's trimmed text equals want.
func waitText(sel chromedp.CSS, want string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		expr := fmt.Sprintf(`(() => { const el = document.querySelector(%q); return !!el && el.textContent.trim() === %q; })()`,
			string(sel), want)
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))(ctx, t)
		if err != nil {
			got, _ := chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.textContent?.trim() ?? "<missing>"`, string(sel)))(ctx, t)
			return chromedp.Void{}, fmt.Errorf("waiting for %s to read %q (it reads %q): %w", sel, want, got, err)
		}
		return chromedp.Void{}, nil
	}
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatalf("location: %v", err)
	}
	return loc
}

func getJSON(t *testing.T, ctx context.Context, url, bearer string, v any) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", url, resp.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: decode %s: %v", url, body, err)
	}
}

// saveScreenshots writes the PNGs into the test's temp dir and, when
// E2E_SCREENSHOT_DIR is set, copies them there too.
func saveScreenshots(t *testing.T, tmp string, shots map[string][]byte) {
	t.Helper()
	dirs := []string{filepath.Join(tmp, "screenshots")}
	if d := os.Getenv("E2E_SCREENSHOT_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	for _, dir := range dirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, png := range shots {
			if !bytes.HasPrefix(png, []byte("\x89PNG")) {
				t.Fatalf("%s is not a PNG", name)
			}
			if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("screenshots in %s", strings.Join(dirs, ", "))
}

// hangReport condenses a SIGQUIT goroutine dump: the 30 log lines before
// it, then only the goroutines with a hireloop frame (the runtime's,
// fasthttp's idle workers and the like say nothing about why shutdown
// waited), so the report fits in a CI log that keeps a few hundred lines.
func hangReport(log string) string {
	i := strings.Index(log, "\ngoroutine ")
	if i < 0 {
		return log
	}
	before := strings.Split(strings.TrimRight(log[:i], "\n"), "\n")
	if len(before) > 30 {
		before = before[len(before)-30:]
	}
	var b strings.Builder
	b.WriteString(strings.Join(before, "\n"))
	b.WriteString("\n--- goroutines in hireloop code at the hang ---\n")
	blocks := strings.Split(log[i+1:], "\n\n")
	kept := 0
	for _, g := range blocks {
		if strings.HasPrefix(g, "goroutine ") && strings.Contains(g, "hireloop/hireloop/") {
			b.WriteString(g)
			b.WriteString("\n\n")
			kept++
		}
	}
	fmt.Fprintf(&b, "(%d of %d goroutines shown)", kept, len(blocks))
	return b.String()
}

func tail(b *syncBuffer, n int) string {
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// TestInterviewLoop runs the whole interview loop of `serve --demo` against a
// real mailpit: connect the Sandbox ATS, point the workspace's email at
// mailpit, import a sandbox position as an interview, choose the stage that
// feeds it, add one question of every type, publish after the preview, read
// an invitation email from mailpit's API, take the interview in the browser
// as the candidate (with Chromium's fake microphone) and see it submitted in
// the console. Finally a candidate is moved into the stage on the sandbox's
// own page, and the watchdog must email them an invitation within 20 seconds
// without anyone touching hireloop.
func TestInterviewLoop(t *testing.T) {
	requireBrowser(t)
	mp := mailpittest.Start(t) // skips without mailpit, fails when CI is set

	tmp := t.TempDir()
	bin := buildBinary(t, tmp)

	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()

	base, stop := startServer(t, ctx, bin, filepath.Join(tmp, "data"), "--demo")
	bctx, closeBrowser := newBrowser(t, ctx, tmp, fakeMedia...)

	b := newSession(t, bctx, base)
	step, eval, poll, shoot := b.step, b.eval, b.poll, b.shoot
	shots := b.shots

	// 1. First run, then connect the Sandbox ATS and wait for its first sync.
	b.setup()
	wid := b.connectSandbox()

	apiGet := b.workspaceGet(wid)

	// 2. Email settings: mailpit's SMTP port without TLS.
	b.configureEmail(mp)
	if pw := eval("password field", `document.querySelector('[data-testid="email-password"]').value`); pw != "" {
		t.Errorf("password field shows %q after saving, want it empty", pw)
	}
	shoot("email-settings", tid("email-form"))

	// 3. The templates editor renders the invitation through the server into a sandboxed iframe.
	step("templates",
		chromedp.Click(tid("settings-tab-templates")),
		chromedp.WaitVisible(tid("template-preview-frame")),
	)
	poll("template preview", `(() => { const f = document.querySelector('[data-testid="template-preview-frame"]'); return !!f && f.hasAttribute('sandbox') && f.getAttribute('srcdoc').includes('Zoë'); })()`, 10*time.Second)
	shoot("email-templates", tid("template-editor"))

	// 4. Pick a sandbox position and a stage with a few candidates, and another active candidate
	//    of the same position outside that stage (moved into it at the end).
	type stage = apiStage
	type position = apiPosition
	var posList struct {
		Positions []position `json:"positions"`
	}
	apiGet("/positions?limit=500", &posList)
	var pick *position
	var feed stage
	for i := range posList.Positions {
		p := &posList.Positions[i]
		for _, s := range p.Stages {
			if s.Applications < 2 || s.Applications > 6 || p.Applications-s.Applications < 1 {
				continue
			}
			if pick == nil || s.Applications < feed.Applications {
				pick, feed = p, s
			}
		}
	}
	if pick == nil {
		t.Fatalf("no sandbox position has a stage with 2-6 active applications and others outside it: %+v", posList.Positions)
	}
	t.Logf("interview for %q (%s), fed by stage %q with %d candidates", pick.Title, pick.ExtID, feed.Name, feed.Applications)

	// 5. Create the interview: Import from ATS.
	step("create interview",
		chromedp.Click(tid("nav-interviews")),
		chromedp.WaitVisible(tid("interviews-page")),
		chromedp.WaitVisible(tid("interviews-empty")),
		chromedp.Click(tid("create-interview")),
		chromedp.WaitVisible(tid("new-interview-page")),
		chromedp.Click(tid("way-ats")),
		chromedp.WaitVisible(tid("import-list")),
		chromedp.SendKeys(tid("import-search"), pick.Title),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="import-position"][data-position-id="%d"]`, pick.ID))),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="import-position"][data-position-id="%d"]`, pick.ID))),
		chromedp.WaitVisible(within(`[data-testid="import-chosen"]`, "pipeline")),
		chromedp.Click(tid("import-create")),
		chromedp.WaitVisible(tid("interview-page")),
		chromedp.WaitVisible(tid("panel-ats")),
	)
	if got := eval("imported name", `document.querySelector('[data-testid="interview-title"]').textContent.trim()`); got != pick.Title {
		t.Errorf("imported interview is called %q, want the position title %q", got, pick.Title)
	}
	loc := strings.SplitN(strings.TrimPrefix(location(t, bctx), base), "?", 2)[0] // /w/{wid}/interviews/{iid}
	iid := loc[strings.LastIndex(loc, "/")+1:]

	// 6. ATS settings: the stage that feeds the interview, from the position's pipeline.
	stageSel := tid("iv-stage")
	poll("stage options", fmt.Sprintf(`[...document.querySelectorAll('[data-testid="iv-stage"] option')].some(o => o.value === %q)`, feed.ExtID), 10*time.Second)
	step("choose the stage", setValue(stageSel, feed.ExtID))
	if got := eval("position select", `document.querySelector('[data-testid="iv-position"]').value`); got != pick.ExtID {
		t.Errorf("position select reads %q, want the imported position %q", got, pick.ExtID)
	}

	// 7. Questions: one of every type (imported screening questions stay).
	step("questions tab", chromedp.Click(tid("tab-questions")), chromedp.WaitVisible(tid("panel-questions")))
	imported := eval("imported questions", `String(document.querySelectorAll('[data-testid="question-card"]').length)`)
	t.Logf("%s screening questions imported from the position", imported)
	// add clicks "add <kind>" and returns a selector for the new card. It
	// counts the cards first and waits for the card at that index with the
	// right type: right after the click Svelte may not have rendered it
	// yet, and "the last card" would then be the previous question.
	cards := map[string]string{}
	add := func(kind, tag string) string {
		t.Helper()
		n := eval("cards before "+kind, `String(document.querySelectorAll('[data-testid="question-card"]').length)`)
		sel := fmt.Sprintf(`[data-testid="question-card"][data-index="%s"][data-type="%s"]`, n, kind)
		step("add "+kind,
			clickJS(fmt.Sprintf(`[data-testid="add-question"][data-type="%s"]`, kind)),
			chromedp.WaitVisible(chromedp.CSS(sel)))
		cards[tag] = sel
		return sel
	}
	q := add("text", "q-text")
	step("text question",
		chromedp.SendKeys(within(q, "q-prompt"), "Tell us about a project you are proud of."),
		chromedp.SendKeys(within(q, "rubric-name"), "Ownership"),
		chromedp.SendKeys(within(q, "rubric-strong"), "Names a result they were responsible for"),
		chromedp.Click(within(q, "rubric-add")),
		chromedp.SendKeys(chromedp.CSS(q+` li:nth-child(2) [data-testid="rubric-name"]`), "Clarity"),
		setValue(chromedp.CSS(q+` li:nth-child(2) [data-testid="rubric-weight"]`), "0.5"),
	)
	q = add("single_choice", "q-single")
	step("single choice question",
		chromedp.SendKeys(within(q, "q-prompt"), "Which team would you like to join?"),
		chromedp.SendKeys(chromedp.CSS(q+` li:nth-child(1) [data-testid="q-option"]`), "Core"),
		chromedp.SendKeys(chromedp.CSS(q+` li:nth-child(2) [data-testid="q-option"]`), "Platform"),
	)
	q = add("multi_choice", "q-multi")
	step("multi choice question",
		chromedp.SendKeys(within(q, "q-prompt"), "Which languages have you used in production?"),
		chromedp.SendKeys(chromedp.CSS(q+` li:nth-child(1) [data-testid="q-option"]`), "Go"),
		chromedp.SendKeys(chromedp.CSS(q+` li:nth-child(2) [data-testid="q-option"]`), "TypeScript"),
		chromedp.Click(within(q, "q-add-option")),
		chromedp.SendKeys(chromedp.CSS(q+` li:nth-child(3) [data-testid="q-option"]`), "SQL"),
	)
	q = add("yes_no", "q-yesno")
	step("yes/no question with a knockout",
		chromedp.SendKeys(within(q, "q-prompt"), "Are you allowed to work in the EU?"),
		chromedp.Click(within(q, "knockout-toggle")),
		chromedp.WaitVisible(within(q, "knockout-editor")),
		chromedp.Click(chromedp.CSS(q+` [data-testid="knockout-value"][data-value="no"]`)),
		chromedp.SendKeys(within(q, "knockout-reason"), "Needs a work permit for the EU"),
	)
	q = add("number", "q-number")
	step("number question", chromedp.SendKeys(within(q, "q-prompt"), "How many years have you worked as an engineer?"))
	q = add("audio", "q-audio")
	step("audio question",
		chromedp.SendKeys(within(q, "q-prompt"), "In one minute: what would you improve in your current team?"),
		setValue(within(q, "q-max-media"), "60"),
	)
	// Imported closed questions come with a suggested scoring to confirm;
	// the yes/no question gets the recruiter's own points.
	step("confirm suggested scoring", waitJS(`(() => { document.querySelectorAll('[data-testid="scoring-confirm"]').forEach(b => b.click()); return true; })()`))
	poll("suggestions confirmed", `document.querySelectorAll('[data-testid="scoring-suggested"]').length === 0`, 5*time.Second)
	step("yes/no points", setValue(chromedp.CSS(cards["q-yesno"]+` [data-testid="option-points"][data-value="yes"]`), "5"))
	if n := eval("knockout on open questions", fmt.Sprintf(`String(document.querySelectorAll('%s [data-testid="knockout"], %s [data-testid="knockout"]').length)`, cards["q-text"], cards["q-audio"])); n != "0" {
		t.Errorf("open questions offer a knockout rule (%s found)", n)
	}
	step("save",
		chromedp.Click(tid("interview-save")),
		waitGone(`[data-testid="unsaved"]`),
	)
	if e := eval("save error", `document.querySelector('[data-testid="save-error"]')?.textContent ?? ""`); e != "" {
		t.Fatalf("saving the interview failed: %s", e)
	}
	var saved struct {
		Interview struct {
			StageExtID string `json:"stage_ext_id"`
			Questions  []struct {
				Type     string          `json:"type"`
				Knockout json.RawMessage `json:"knockout"`
				Rubric   json.RawMessage `json:"rubric"`
			} `json:"questions"`
		} `json:"interview"`
	}
	apiGet("/interviews/"+iid, &saved)
	types := map[string]bool{}
	for _, q := range saved.Interview.Questions {
		types[q.Type] = true
	}
	for _, want := range []string{"text", "single_choice", "multi_choice", "yes_no", "number", "audio"} {
		if !types[want] {
			t.Errorf("saved interview has no %s question: %+v", want, saved.Interview.Questions)
		}
	}
	if saved.Interview.StageExtID != feed.ExtID {
		t.Errorf("saved stage is %q, want %q", saved.Interview.StageExtID, feed.ExtID)
	}
	step("scroll up", waitJS(`(window.scrollTo(0, 0), true)`))
	shoot("interview-editor", tid("panel-questions"))

	// 8. Publish: the preview names the stage and the people, and nothing is sent before confirming.
	step("publish preview", chromedp.Click(tid("interview-publish")), chromedp.WaitVisible(tid("publish-message")))
	msg := eval("preview message", `document.querySelector('[data-testid="publish-message"]').textContent.trim()`)
	if !strings.Contains(msg, "in stage "+feed.Name) || !strings.Contains(msg, "will be invited") {
		t.Errorf("publish preview says %q, want it to name stage %q", msg, feed.Name)
	}
	invite := 0
	if _, err := fmt.Sscanf(msg, "%d", &invite); err != nil || invite < 1 {
		t.Fatalf("publish preview %q invites nobody", msg)
	}
	if n := len(mp.Messages(t)); n != 0 {
		t.Errorf("%d emails arrived before publishing was confirmed", n)
	}
	shoot("publish-dialog", tid("confirm-dialog"))
	step("publish",
		chromedp.Click(tid("confirm-ok")),
		chromedp.WaitVisible(tid("publish-result")),
		waitText(tid("interview-status"), "Active"),
		chromedp.WaitVisible(tid("watchdog")),
	)

	// 9. The invitations arrive in mailpit; open one link as the candidate.
	msgs := mp.WaitFor(t, invite, 60*time.Second)
	invited := map[string]bool{}
	for _, m := range msgs {
		for _, to := range m.To {
			invited[strings.ToLower(to)] = true
		}
	}
	full := mp.Message(t, msgs[0].ID)
	link := regexp.MustCompile(`https?://[^\s<>"]+/i/[A-Za-z0-9_-]+`).FindString(full.Text)
	if link == "" {
		t.Fatalf("invitation %q has no /i/<token> link in its text:\n%s", full.Subject, full.Text)
	}
	candidateEmail := full.To[0].Address
	t.Logf("%d invitations sent; %s opens %s", len(msgs), candidateEmail, link)

	if fi, err := os.Stat("../ui/src/candidate"); err != nil || !fi.IsDir() {
		t.Fatalf("the candidate pages (ui/src/candidate) are missing, so the invitation link cannot be taken: %v", err)
	}
	answered := b.takeInterview(link, "I led the rewrite of our billing service; it cut failed payments by a third.", 2)
	if answered != len(saved.Interview.Questions) {
		t.Errorf("the candidate answered %d questions, the interview has %d", answered, len(saved.Interview.Questions))
	}
	step("review", chromedp.WaitVisible(tid("cand-review")))
	shoot("candidate-review", tid("cand-review"))
	step("submit", chromedp.Click(tid("cand-submit")), chromedp.WaitVisible(tid("cand-thanks")))
	shoot("candidate-thanks", tid("cand-thanks"))

	// 10. Back in the console, the Candidates tab shows the submission.
	rowSel := `[data-testid="invitation-row"][data-status="submitted"]`
	step("candidates tab",
		chromedp.Navigate(base+loc+"/candidates"),
		chromedp.WaitVisible(tid("invitations-list")),
	)
	poll("submitted in the console", fmt.Sprintf(`[...document.querySelectorAll(%q)].some(r => r.textContent.toLowerCase().includes(%q))`, rowSel, strings.ToLower(candidateEmail)), 25*time.Second)
	shoot("interview-candidates", tid("invitations-list"))
	step("interviews list", chromedp.Click(tid("nav-interviews")), chromedp.WaitVisible(tid("interview-row")))
	if got := eval("funnel submitted", `document.querySelector('[data-testid="interview-row"] [data-testid="funnel-submitted"]').textContent.trim()`); got != "1" {
		t.Errorf("interviews list funnel shows %s submitted, want 1", got)
	}
	shoot("interviews", tid("interviews-list"))

	// 11. Move another candidate of the position into the stage on the sandbox page; the watchdog
	//     (through the sandbox's webhook) must invite them without any click in hireloop.
	step("sandbox page",
		chromedp.Navigate(base+"/sandbox/?status=active&job="+url.QueryEscape(pick.ExtID)),
		chromedp.WaitVisible(`form[action="/sandbox/move"]`),
	)
	move := eval("pick a candidate", fmt.Sprintf(`(() => {
		const invited = %s;
		for (const f of document.querySelectorAll('form[action="/sandbox/move"]')) {
			const sel = f.querySelector('select[name="stage"]');
			const row = f.closest('tr');
			const email = (row.querySelector('.c-cand .muted')?.textContent || '').trim().toLowerCase();
			if (!email || invited.includes(email) || sel.value === %q) continue;
			if (![...sel.options].some(o => o.value === %q)) continue;
			sel.value = %q;
			f.dataset.e2e = "move";
			return email;
		}
		return "";
	})()`, jsStrings(invited), feed.ExtID, feed.ExtID, feed.ExtID))
	if move == "" {
		t.Fatalf("no active candidate of %q outside stage %q with an email on the sandbox page", pick.Title, feed.Name)
	}
	before := len(mp.Messages(t))
	moved := time.Now()
	step("move the candidate", chromedp.Click(`form[data-e2e="move"] button[type="submit"]`), chromedp.WaitReady(`body`))
	var arrived bool
	for time.Since(moved) < 20*time.Second && !arrived {
		for _, m := range mp.Messages(t) {
			for _, to := range m.To {
				if strings.EqualFold(to, move) {
					arrived = true
				}
			}
		}
		if !arrived {
			time.Sleep(250 * time.Millisecond)
		}
	}
	if !arrived {
		var w struct {
			Watchdog map[string]any `json:"watchdog"`
		}
		apiGet("/interviews/"+iid, &w)
		t.Fatalf("no invitation email to %s within 20s of moving them to %q (%d emails before, %d now); watchdog: %+v\n%s",
			move, feed.Name, before, len(mp.Messages(t)), w.Watchdog, tail(serverLog, 30))
	}
	t.Logf("the watchdog invited %s %s after the move", move, time.Since(moved).Round(10*time.Millisecond))
	var invs struct {
		Invitations []struct {
			Email  string `json:"email"`
			Source string `json:"source"`
		} `json:"invitations"`
	}
	apiGet("/interviews/"+iid+"/invitations", &invs)
	for _, v := range invs.Invitations {
		if strings.EqualFold(v.Email, move) && v.Source == "publish" {
			t.Errorf("invitation for %s has source %q, want webhook or watchdog", move, v.Source)
		}
	}

	saveScreenshots(t, tmp, shots)
	closeBrowser()
	stop()
}

// jsStrings renders a JavaScript array literal of the map's keys.
func jsStrings(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, fmt.Sprintf("%q", k))
	}
	return "[" + strings.Join(out, ",") + "]"
}
