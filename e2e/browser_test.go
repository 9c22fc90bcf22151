package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/hireloop/hireloop/app/mail/mailpittest"
)

// session is one browser tab on a running hireloop, with the steps every
// browser test takes. A failed step ends the test with the server's log.
type session struct {
	t     *testing.T
	ctx   context.Context // the browser tab
	base  string
	shots map[string][]byte
	// yesNo is how the candidate answers yes/no questions ("yes" unless a
	// test plays a candidate who answers "no").
	yesNo string
	// paste, when set, is pasted into text answers after typing them (see
	// takeInterview), so the integrity signals have a paste to show.
	paste string
}

func newSession(t *testing.T, bctx context.Context, base string) *session {
	return &session{t: t, ctx: bctx, base: base, shots: map[string][]byte{}, yesNo: "yes"}
}

// fakeMedia lets the candidate pages record from a fake camera and
// microphone without a permission prompt.
var fakeMedia = []chromedp.ExecAllocatorOption{
	chromedp.Flag("use-fake-ui-for-media-stream", true),
	chromedp.Flag("use-fake-device-for-media-stream", true),
	chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
}

// apiStage and apiPosition are what the tests read of
// GET /api/workspaces/{wid}/positions.
type apiStage struct {
	ExtID        string `json:"ext_id"`
	Name         string `json:"name"`
	Applications int    `json:"applications"`
}

type apiPosition struct {
	ID           int64      `json:"id"`
	ConnectionID int64      `json:"connection_id"`
	ExtID        string     `json:"ext_id"`
	Title        string     `json:"title"`
	Applications int        `json:"applications"`
	Stages       []apiStage `json:"stages"`
}

// tid selects by data-testid.
func tid(id string) chromedp.CSS { return chromedp.CSS(`[data-testid="` + id + `"]`) }

// within selects a data-testid inside scope.
func within(scope, id string) chromedp.CSS {
	return chromedp.CSS(scope + ` [data-testid="` + id + `"]`)
}

// setValue sets an input, textarea or select the way typing or choosing
// does (input and change events).
func setValue(sel chromedp.CSS, value string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		if (!el) return false;
		el.focus();
		el.value = %q;
		el.dispatchEvent(new Event('input', { bubbles: true }));
		el.dispatchEvent(new Event('change', { bubbles: true }));
		return el.value === %q;
	})()`, string(sel), value, value))
}

// pasteText pastes text at the end of an input or textarea as the browser
// does, a paste event carrying the text and then its insertion as an
// insertFromPaste input event (headless Chromium has no clipboard to
// paste from).
func pasteText(sel chromedp.CSS, text string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		if (!el) return false;
		el.focus();
		const data = new DataTransfer();
		data.setData('text/plain', %q);
		el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
		el.setRangeText(%q, el.value.length, el.value.length, 'end');
		el.dispatchEvent(new InputEvent('input', { inputType: 'insertFromPaste', bubbles: true }));
		return true;
	})()`, string(sel), text, text))
}

func (s *session) step(name string, actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, actions...); err != nil {
		s.t.Fatalf("%s: %v\nserver log:\n%s", name, err, tail(serverLog, 40))
	}
}

func (s *session) eval(name, expr string) string {
	s.t.Helper()
	v, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		s.t.Fatalf("%s: %v", name, err)
	}
	return v
}

// poll waits up to timeout for a JavaScript condition.
func (s *session) poll(name, expr string, timeout time.Duration) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(timeout))(ctx, tg)
		return chromedp.Void{}, err
	}); err != nil {
		s.t.Fatalf("%s: waiting for %s: %v\nserver log:\n%s", name, expr, err, tail(serverLog, 40))
	}
}

// shoot takes desktop and phone screenshots of a page once sel is visible
// (and checks the phone layout does not scroll sideways).
func (s *session) shoot(page string, sel chromedp.CSS) {
	s.t.Helper()
	for _, vp := range []struct{ w, h int64 }{{1280, 800}, {390, 844}} {
		name := fmt.Sprintf("%s-%dx%d.png", page, vp.w, vp.h)
		s.step("viewport for "+name, chromedp.EmulateViewport(vp.w, vp.h), chromedp.WaitVisible(sel),
			waitGone(`[data-testid="toast"]`), chromedp.Sleep(350*time.Millisecond))
		if vp.w == 390 {
			noHorizontalScroll(s.t, s.ctx, page+" page at 390px")
		}
		png, err := chromedp.Run(s.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			s.t.Fatalf("screenshot %s: %v", name, err)
		}
		s.shots[name] = png
	}
	s.step("back to desktop", chromedp.EmulateViewport(1280, 800))
}

// setup runs first-run setup as the admin of firstWS.
func (s *session) setup() {
	s.t.Helper()
	s.step("setup",
		chromedp.Navigate(s.base+"/"),
		chromedp.WaitVisible(tid("setup-name")),
		chromedp.SendKeys(tid("setup-name"), adminName),
		chromedp.SendKeys(tid("setup-email"), adminEmail),
		chromedp.SendKeys(tid("setup-password"), adminPassword),
		chromedp.SendKeys(tid("setup-password-confirm"), adminPassword),
		chromedp.SendKeys(tid("setup-workspace"), firstWS),
		chromedp.Click(tid("setup-submit")),
		waitText(tid("workspace-heading"), firstWS),
	)
}

// sandboxTile is the gallery tile of the demo's Sandbox ATS.
const sandboxTile = `//button[@data-testid="provider-tile"][.//span[@data-testid="provider-title" and normalize-space()="Sandbox ATS (demo)"]]`

// connectSandbox connects the demo's Sandbox ATS from the gallery, waits
// for the first sync to succeed, and returns the workspace id.
func (s *session) connectSandbox() string {
	s.t.Helper()
	s.step("connect the sandbox",
		chromedp.Click(tid("nav-connections")),
		chromedp.WaitVisible(tid("integrations-empty")),
		chromedp.Click(tid("connect-ats")),
		chromedp.WaitVisible(sandboxTile),
		chromedp.Click(sandboxTile),
		chromedp.WaitVisible(`[data-testid="connection-form"][data-provider="sandbox"]`),
		chromedp.Sleep(600*time.Millisecond), // the page scrolls the form into view
		chromedp.Click(tid("connection-submit")),
		chromedp.WaitVisible(tid("connection-card")),
	)
	s.poll("first sync", `(() => { const s = document.querySelector('[data-testid="connection-status"]'); return !!s && /Synced|failed/.test(s.textContent); })()`, 60*time.Second)
	if status := s.eval("sync status", `document.querySelector('[data-testid="connection-status"]').textContent.trim()`); status != "Synced" {
		s.t.Fatalf("first sync ended as %q", status)
	}
	parts := strings.Split(strings.TrimPrefix(location(s.t, s.ctx), s.base), "/") // /w/{wid}/connections
	if len(parts) < 4 || parts[1] != "w" {
		s.t.Fatalf("after connecting the browser is at %s, want /w/{wid}/connections", location(s.t, s.ctx))
	}
	return parts[2]
}

// workspaceGet returns a GET helper for workspace wid's API, sent with
// the tab's session cookie.
func (s *session) workspaceGet(wid string) func(path string, v any) {
	cookie := s.cookie()
	return func(path string, v any) {
		s.t.Helper()
		getJSONCookie(s.t, s.ctx, s.base+"/api/workspaces/"+wid+path, cookie, v)
	}
}

// takeInterview opens an invitation link as the candidate, consents, and
// answers every question until the review screen: text questions with
// text, choice questions with the first `choices` options, recordings of
// two seconds from the fake devices. A question shown twice fails the
// test. It returns how many questions were answered.
func (s *session) takeInterview(link, text string, choices int) int {
	s.t.Helper()
	s.step("candidate welcome", chromedp.Navigate(link), chromedp.WaitVisible(tid("cand-welcome")))
	s.shoot("candidate-welcome", tid("cand-welcome"))
	s.step("consent and start", chromedp.Click(tid("cand-consent")), chromedp.Click(tid("cand-start")), chromedp.WaitVisible(tid("cand-question")))
	answered := map[string]bool{}
	for i := 0; i < 40; i++ {
		s.poll("next step", `!!document.querySelector('[data-testid="cand-question"], [data-testid="cand-review"]')`, 15*time.Second)
		if s.eval("review?", `document.querySelector('[data-testid="cand-review"]') ? "yes" : "no"`) == "yes" {
			break
		}
		qid := s.eval("question id", `document.querySelector('[data-testid="cand-question"]').dataset.questionId`)
		qtype := s.eval("question type", `document.querySelector('[data-testid="cand-question"]').dataset.type`)
		if answered[qid] {
			s.t.Fatalf("question %s (%s) is shown again after Next: %s", qid, qtype,
				s.eval("page", `document.querySelector('[data-testid="cand-question"]').innerText`))
		}
		option := func(n int) chromedp.Action[chromedp.Void] {
			return chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="cand-question"] label:nth-child(%d) [data-testid="cand-option"]`, n)))
		}
		switch qtype {
		case "text":
			s.step("answer text", chromedp.SendKeys(tid("cand-answer-text"), text))
			if s.paste != "" {
				s.step("paste into the answer", pasteText(tid("cand-answer-text"), s.paste))
			}
		case "number":
			s.step("answer number", chromedp.SendKeys(tid("cand-answer-number"), "6"))
		case "yes_no":
			s.step("answer yes/no", chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-testid="cand-option"][data-value=%q]`, s.yesNo))))
		case "single_choice":
			s.step("answer single choice", option(1))
		case "multi_choice":
			var picks []chromedp.Action[chromedp.Void]
			for n := 1; n <= choices; n++ {
				picks = append(picks, option(n))
			}
			s.step("answer multiple choice", picks...)
		case "audio", "video":
			s.step("record "+qtype,
				chromedp.Click(tid("cand-record")),
				chromedp.WaitVisible(tid("cand-stop")),
				chromedp.Sleep(2*time.Second),
				chromedp.Click(tid("cand-stop")),
			)
			s.poll("upload", `document.querySelector('[data-testid="cand-upload-state"]')?.dataset.state === 'done'`, 30*time.Second)
		default:
			s.t.Fatalf("candidate page shows question type %q", qtype)
		}
		if len(answered) == 0 {
			s.shoot("candidate-question", tid("cand-question"))
		}
		answered[qid] = true
		s.step("next", chromedp.Click(tid("cand-next")))
		s.poll("left question "+qid, fmt.Sprintf(`(() => { const q = document.querySelector('[data-testid="cand-question"]'); return !!document.querySelector('[data-testid="cand-review"]') || (!!q && q.dataset.questionId !== %q); })()`, qid), 15*time.Second)
	}
	return len(answered)
}

// configureEmail points the workspace's email at mailpit's SMTP port
// (without TLS) through the email settings page.
func (s *session) configureEmail(mp *mailpittest.Server) {
	s.t.Helper()
	s.step("email settings",
		chromedp.Click(tid("nav-email")),
		chromedp.WaitVisible(tid("email-settings-page")),
		chromedp.WaitVisible(tid("email-not-configured")),
		chromedp.SendKeys(tid("email-host"), mp.SMTPHost()),
		setValue(tid("email-port"), fmt.Sprint(mp.SMTPPort())),
		chromedp.Click(tid("email-tls-none")),
		chromedp.SendKeys(tid("email-from-name"), "Acme Recruiting"),
		chromedp.SendKeys(tid("email-from-address"), "jobs@acme.test"),
		chromedp.Click(tid("email-save")),
		chromedp.WaitVisible(tid("email-configured")),
		waitGone(`[data-testid="email-not-configured"]`),
	)
}

// cookie is the tab's cookies as a Cookie header, for API calls from Go.
func (s *session) cookie() string {
	s.t.Helper()
	cookies, err := chromedp.Call(s.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{s.base}})
	if err != nil {
		s.t.Fatalf("read cookies: %v", err)
	}
	var parts []string
	for _, c := range cookies.Cookies {
		parts = append(parts, c.Name+"="+c.Value)
	}
	return strings.Join(parts, "; ")
}

// clickJS clicks the element sel selects from inside the page. Use it for
// buttons the page may be scrolling (the interview editor scrolls smoothly
// to a question it just added): a mouse click at the coordinates taken
// before the scroll finished can land beside the button.
func clickJS(sel string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return false; el.click(); return true; })()`, sel))
}
