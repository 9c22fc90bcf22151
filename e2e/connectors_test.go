package e2e

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	leverfake "github.com/hireloop/hireloop/ats/lever/fake"
)

// TestConnectLeverAndRegisterWebhooks drives the connect gallery against a
// Lever wire-format fake running in this process: every connector has its
// own mark, Lever's guide and form ask for what Lever needs, the first sync
// runs, "Register webhooks in Lever" creates Lever's subscriptions (one per
// event, each with its own signature token), a delivery signed with one of
// those tokens is accepted by the real binary, and "Remove" deletes the
// subscriptions again.
func TestConnectLeverAndRegisterWebhooks(t *testing.T) {
	requireBrowser(t)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()

	lf := leverfake.New("lever-e2e-key", leverfake.SmallSeed)
	defer lf.Close()

	base, stop := startServer(t, ctx, bin, filepath.Join(tmp, "data"))
	defer stop()
	bctx, closeBrowser := newBrowser(t, ctx, tmp)
	defer closeBrowser()

	b := newSession(t, bctx, base)
	step, eval := b.step, b.eval

	b.setup()

	// The gallery: one tile per connector, each with its own mark.
	leverTile := `//button[@data-testid="provider-tile"][.//span[@data-testid="provider-title" and normalize-space()="Lever"]]`
	step("open the gallery",
		chromedp.Click(tid("nav-connections")),
		chromedp.WaitVisible(tid("connect-ats")),
		chromedp.Click(tid("connect-ats")),
		chromedp.WaitVisible(tid("provider-gallery")),
		chromedp.WaitVisible(leverTile),
	)
	titles := eval("tiles", `[...document.querySelectorAll('[data-testid="provider-title"]')].map(e => e.textContent.trim()).join("|")`)
	for _, want := range []string{"Greenhouse", "Lever", "Ashby", "Workable", "SmartRecruiters", "Teamtailor", "Recruitee", "BambooHR", "Personio", "Kombo (100+ ATS)", "Merge (unified ATS API)"} {
		if !strings.Contains("|"+titles+"|", "|"+want+"|") {
			t.Errorf("gallery lacks %q (has %s)", want, titles)
		}
	}
	if dup := eval("marks", `(() => { const m = [...document.querySelectorAll('[data-testid="provider-tile"] [data-testid="provider-mark"]')].map(e => e.textContent.trim()); return m.length === new Set(m).size ? "" : m.join(","); })()`); dup != "" {
		t.Errorf("provider marks are not distinct: %s", dup)
	}

	// Lever's guide and form.
	step("pick Lever",
		chromedp.Click(leverTile),
		chromedp.WaitVisible(`[data-testid="connection-form"][data-provider="lever"]`),
		chromedp.WaitVisible(tid("guide-key-help")),
	)
	if got := eval("form fields", `[...document.querySelectorAll('[data-testid="connection-form"] input')].map(i => i.id.replace(/^conn-/, "")).join(",")`); got != "name,api_key,acting_user_id,base_url,webhook_secret,sync_interval_minutes" {
		t.Errorf("Lever form fields = %s", got)
	}
	b.shoot("connect-lever", tid("connect-panel"))
	if help := eval("guide", `document.querySelector('[data-testid="guide-key-help"]').textContent`); !strings.Contains(help, "API Credentials") {
		t.Errorf("Lever guide does not say where the key is made: %q", help)
	}
	step("connect Lever",
		chromedp.Sleep(600*time.Millisecond), // the page scrolls the form into view
		chromedp.SendKeys(tid("conn-api_key"), "lever-e2e-key"),
		chromedp.SendKeys(tid("conn-acting_user_id"), leverfake.UserID(0)),
		chromedp.SendKeys(tid("conn-base_url"), lf.URL()),
		chromedp.Click(tid("connection-submit")),
		chromedp.WaitVisible(tid("integrations-page")),
		chromedp.WaitVisible(tid("connection-card")),
	)
	b.poll("first sync", `(() => { const s = document.querySelector('[data-testid="connection-status"]'); return !!s && /Synced/.test(s.textContent); })()`, 60*time.Second)

	// Register webhooks through Lever's API.
	step("register webhooks",
		chromedp.WaitVisible(`[data-testid="webhook-registration"][data-registered="false"]`),
		chromedp.Click(tid("webhook-register")),
		chromedp.WaitVisible(`[data-testid="webhook-registration"][data-registered="true"]`),
		chromedp.WaitVisible(tid("webhook-events")),
	)
	b.shoot("lever-webhooks-registered", tid("webhook-registration"))
	hooks := lf.Webhooks()
	hookURL := eval("webhook url", `document.querySelector('[data-testid="webhook-url"]').value`)
	if len(hooks) != 5 || hooks[0].URL != hookURL {
		t.Fatalf("Lever has %d webhooks (first %+v), want 5 to %s", len(hooks), hooks, hookURL)
	}

	// A delivery signed with one of Lever's tokens reaches the binary.
	endpoint := base + hookURL[strings.Index(hookURL, "/webhooks/"):]
	body := leverfake.SignedDelivery("candidateStageChange", "tok-e2e", time.Now().UnixMilli(), map[string]any{
		"opportunityId": leverfake.OpportunityID(0), "toStageId": "lead-new"}, hooks[1].SignatureToken)
	resp, err := http.Post(endpoint, "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted && resp.StatusCode != http.StatusOK {
		t.Fatalf("signed Lever delivery: HTTP %d\n%s", resp.StatusCode, tail(serverLog, 20))
	}
	forged := leverfake.SignedDelivery("candidateStageChange", "tok-forged", time.Now().UnixMilli(), map[string]any{}, "not-a-lever-token")
	resp, err = http.Post(endpoint, "application/json", strings.NewReader(string(forged)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("forged delivery: HTTP %d, want 401", resp.StatusCode)
	}

	step("remove webhooks",
		chromedp.Click(tid("webhook-unregister")),
		chromedp.WaitVisible(`[data-testid="webhook-registration"][data-registered="false"]`),
	)
	if n := len(lf.Webhooks()); n != 0 {
		t.Fatalf("%d webhooks left at Lever after Remove", n)
	}
	t.Logf("gallery: %s", titles)
	saveScreenshots(t, tmp, b.shots)
}
