package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/hireloop/hireloop/app/mail/mailpittest"
)

// sendJSON sends a JSON request with the browser's session (cookie and CSRF
// token) and decodes the answer into v (nil: ignore it).
func sendJSON(t *testing.T, ctx context.Context, method, url, cookie, csrf string, body, v any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", cookie)
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: status %d: %s", method, url, resp.StatusCode, out)
	}
	if v != nil {
		if err := json.Unmarshal(out, v); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, url, out, err)
		}
	}
}

// A live interview's questions change in the editor: the console asks
// first (new version, or a wording fix only while nobody answered), saves
// version 2, lists both versions, and the results of candidates invited
// before name version 1 and can be compared within a version.
func TestVersionsInTheConsole(t *testing.T) {
	requireBrowser(t)
	mp := mailpittest.Start(t)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	base, stop := startServer(t, ctx, bin, filepath.Join(tmp, "data"), "--demo")
	bctx, closeBrowser := newBrowser(t, ctx, tmp)
	b := newSession(t, bctx, base)
	step, eval, poll, shoot := b.step, b.eval, b.poll, b.shoot

	b.setup()
	wid := b.connectSandbox()
	b.configureEmail(mp)
	cookie := b.cookie()
	var me struct {
		CSRF string `json:"csrf_token"`
	}
	getJSONCookie(t, ctx, base+"/api/me", cookie, &me)
	api := func(method, path string, body, v any) {
		t.Helper()
		sendJSON(t, ctx, method, base+"/api/workspaces/"+wid+path, cookie, me.CSRF, body, v)
	}

	// An interview fed by a stage with a few candidates, published.
	var posList struct {
		Positions []apiPosition `json:"positions"`
	}
	getJSONCookie(t, ctx, base+"/api/workspaces/"+wid+"/positions?limit=500", cookie, &posList)
	var pick *apiPosition
	var feed apiStage
	for i := range posList.Positions {
		for _, s := range posList.Positions[i].Stages {
			if s.Applications >= 1 && s.Applications <= 6 && (pick == nil || s.Applications < feed.Applications) {
				pick, feed = &posList.Positions[i], s
			}
		}
	}
	if pick == nil {
		t.Fatal("no sandbox stage with 1-6 candidates")
	}
	var created struct {
		Interview struct {
			ID int64 `json:"id"`
		} `json:"interview"`
	}
	api("POST", "/interviews", map[string]any{"position_id": pick.ID, "stage_ext_id": feed.ExtID, "questions": []map[string]any{
		{"type": "text", "prompt": "Tell us about a project you led.", "required": true,
			"rubric": []map[string]any{{"name": "Ownership", "weight": 1, "strong": "names the outcome"}}},
		{"type": "yes_no", "prompt": "Do you have a work permit?", "required": true},
	}}, &created)
	iid := fmt.Sprint(created.Interview.ID)
	api("POST", "/interviews/"+iid+"/publish", nil, nil)

	// One candidate takes version 1 and submits.
	msgs := mp.WaitFor(t, 1, 20*time.Second)
	link := regexp.MustCompile(`https?://[^\s<>"]+/i/[A-Za-z0-9_-]+`).FindString(mp.Message(t, msgs[0].ID).Text)
	if link == "" {
		t.Fatal("no invitation link in the email")
	}
	if n := b.takeInterview(link, "I led our billing migration and owned its rollout.", 1); n != 2 {
		t.Fatalf("the candidate answered %d questions, want 2", n)
	}
	step("submit", chromedp.Click(tid("cand-submit")), chromedp.WaitVisible(tid("cand-thanks")))

	// The editor shows version 1; changing a question asks before saving.
	step("editor",
		chromedp.Navigate(base+"/w/"+wid+"/interviews/"+iid+"?tab=questions"),
		chromedp.WaitVisible(tid("interview-versions")),
		waitText(tid("interview-version"), "Version 1"),
		setValue(chromedp.CSS(`[data-testid="question-card"] [data-testid="q-prompt"]`), "Tell us about a project you led from start to finish."),
		chromedp.Click(tid("interview-save")),
		chromedp.WaitVisible(tid("version-message")),
	)
	msg := strings.Join(strings.Fields(eval("dialog", `document.querySelector('[data-testid="version-message"]').textContent`)), " ")
	if msg != "This interview is live (version 1, 1 candidate answered). Saving makes version 2: invitations sent from now on get it; candidates already invited keep version 1." {
		t.Errorf("version dialog says %q", msg)
	}
	if eval("fix disabled", `String(document.querySelector('[data-testid="version-fix"]').disabled)`) != "true" {
		t.Error("a wording fix is offered after a candidate answered version 1")
	}
	shoot("version-dialog", tid("confirm-dialog"))
	step("save version 2",
		chromedp.Click(tid("confirm-ok")),
		waitGone(`[data-testid="confirm-dialog"]`),
		waitText(tid("interview-version"), "Version 2"),
	)
	poll("two versions listed", `document.querySelectorAll('[data-testid="version-row"]').length === 2`, 10*time.Second)
	step("view version 1",
		chromedp.Click(`[data-testid="version-row"][data-version="1"] [data-testid="version-view"]`),
		chromedp.WaitVisible(tid("version-questions")),
	)
	if got := eval("version 1", `document.querySelector('[data-testid="version-questions"]').textContent`); !strings.Contains(got, "Tell us about a project you led.") {
		t.Errorf("version 1 reads %q", got)
	}
	shoot("interview-versions", tid("interview-versions"))

	// Results name the version and compare within one.
	step("results",
		chromedp.Navigate(base+"/w/"+wid+"/interviews/"+iid+"/results"),
		chromedp.WaitVisible(tid("results-table")),
		chromedp.WaitVisible(tid("filter-version")),
		waitText(tid("result-version"), "1"),
	)
	shoot("results-versions", tid("results-page"))
	step("only version 2", setValue(tid("filter-version"), "2"), chromedp.WaitVisible(tid("results-no-match")))
	step("result page",
		setValue(tid("filter-version"), ""),
		chromedp.WaitVisible(tid("result-link")),
		chromedp.Click(tid("result-link")),
		waitText(tid("result-version"), "Answered under version 1"),
	)

	saveScreenshots(t, tmp, b.shots)
	closeBrowser()
	stop()
}
