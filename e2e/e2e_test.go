// Package e2e drives the real hireloop binary with headless Chromium: first-run
// setup, sign out and in, a second workspace, switching workspaces, and an API
// token that is then used from Go.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is missing: %v", chromiumPath, err)
		}
		t.Skipf("%s not found; install the chromium package to run the browser test", chromiumPath)
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}

	tmp := t.TempDir()
	bin := buildBinary(t, tmp)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	base, stop := startServer(t, ctx, bin, filepath.Join(tmp, "data"))
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()

	// --- browser ---------------------------------------------------------
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.UserDataDir(filepath.Join(tmp, "chrome-profile")),
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
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancelB()

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
	defer func() {
		consoleMu.Lock()
		defer consoleMu.Unlock()
		for _, m := range console {
			if m.IsException() {
				t.Errorf("uncaught exception in the page: %s (%s:%d)", m.Text, m.URL, m.Line+1)
			} else if m.Type == chromedp.ConsoleError {
				t.Logf("browser console: %s", m)
			}
		}
	}()

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
	cancelB()
	cancelA()
	stopped = true
	stop()
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

func buildBinary(t *testing.T, dir string) string {
	t.Helper()
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
func startServer(t *testing.T, ctx context.Context, bin, dataDir string) (base string, stop func()) {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data-dir", dataDir)
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

	stop = func() {
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
			_ = cmd.Process.Kill()
			<-done
			t.Errorf("server did not exit within 10s of SIGTERM\n%s", tail(serverLog, 20))
		}
	}

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

func tail(b *syncBuffer, n int) string {
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
