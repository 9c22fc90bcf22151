package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hireloop/hireloop/app/mail/mailpittest"
)

// resultsAnswer answers the rubric question: its first sentence names the
// criterion "Ownership" and words of its strong description (responsible,
// result), so the reviewer's checklist suggests it for that criterion.
const (
	resultsAnswer   = "I took ownership of the billing rewrite and I was responsible for the result. Failed payments dropped by a third within a quarter."
	resultsEvidence = "I took ownership of the billing rewrite and I was responsible for the result."
	scoreTag        = "Strong interview"
	acceptedTag     = "Selected"
	permitPrompt    = "Do you have the right to work in Germany?"
	permitReason    = "Needs the right to work in Germany"
)

// resultsPaste is pasted after the typed answer: the reviewer sees the
// paste as an integrity signal, with its figures.
const resultsPaste = " Figures: see the postmortem."

// TestResultsLoop runs the results loop of `serve --demo` against a real
// mailpit, with a knockout candidate: an interview imported from the Sandbox
// ATS (its suggested scoring confirmed) with a rubric question, a yes/no
// knockout question, a completed-interview stage, an accept stage, a
// rejection reason and tagging rules; a candidate answers "no" to the
// knockout; nothing reaches the ATS while the open answer waits for a
// person; the recruiter ticks the rubric checklist; then the note (naming
// the knockout and saying the result needs review), the PDF (naming it too)
// and the completed-stage move land in the sandbox exactly once, and the
// positive score tag is held back; the recruiter accepts, the application
// moves to the accept stage, the accepted tag is applied, and the acceptance
// email arrives (and only one).
func TestResultsLoop(t *testing.T) {
	requireBrowser(t)
	mp := mailpittest.Start(t) // skips without mailpit, fails when CI is set

	tmp := t.TempDir()
	bin := buildBinary(t, tmp)

	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()

	logStart := len(serverLog.String()) // the log is shared by the tests of this package
	base, stop := startServer(t, ctx, bin, filepath.Join(tmp, "data"), "--demo")
	sandboxAPI, sandboxSub := "", ""
	if m := regexp.MustCompile(`Demo mode: the Sandbox ATS is running.*?api="?(https?://[^\s"]+)`).FindStringSubmatch(serverLog.String()[logStart:]); m != nil {
		sandboxAPI = strings.TrimSuffix(strings.TrimRight(m[1], "/"), "/v3") // paths below start with /v3; the token is on the root
	} else {
		t.Fatalf("the server did not log the Sandbox ATS's api= URL:\n%s", tail(serverLog, 20))
	}
	if m := regexp.MustCompile(`Sandbox ATS listening.*?acting_user_id=(\d+)`).FindStringSubmatch(serverLog.String()[logStart:]); m != nil {
		sandboxSub = m[1]
	} else {
		t.Fatalf("the sandbox did not log its acting user:\n%s", tail(serverLog, 20))
	}

	bctx, closeBrowser := newBrowser(t, ctx, tmp, fakeMedia...)

	b := newSession(t, bctx, base)
	step, eval, poll, shoot := b.step, b.eval, b.poll, b.shoot
	shots := b.shots

	// 1. First run, connect the Sandbox ATS, wait for its first sync.
	b.setup()
	wid := b.connectSandbox()

	apiGet := b.workspaceGet(wid)
	// sandboxGet reads the Sandbox ATS's Harvest v3 API, as a Greenhouse
	// integration would: a client-credentials token for the sandbox's
	// service user, then Bearer calls.
	sandboxGet := func(path string, v any) {
		t.Helper()
		form := url.Values{"grant_type": {"client_credentials"}, "sub": {sandboxSub}}
		treq, _ := http.NewRequestWithContext(ctx, http.MethodPost, sandboxAPI+"/token", strings.NewReader(form.Encode()))
		treq.SetBasicAuth("sandbox-client-id", "sandbox-client-secret")
		treq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		tresp, err := http.DefaultClient.Do(treq)
		if err != nil {
			t.Fatalf("sandbox token: %v", err)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		_ = json.NewDecoder(tresp.Body).Decode(&tok)
		tresp.Body.Close()
		if tok.AccessToken == "" {
			t.Fatalf("sandbox token: status %d", tresp.StatusCode)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, sandboxAPI+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("sandbox GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("sandbox GET %s: status %d: %s", path, resp.StatusCode, body)
		}
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("sandbox GET %s: decode %s: %v", path, body, err)
		}
	}

	// 2. Email settings: mailpit's SMTP port without TLS.
	b.configureEmail(mp)

	// 3. A sandbox position whose feeding stage has a few candidates and two later stages:
	//    completed interviews move to the next one, accepted candidates to the one after.
	type stage = apiStage
	type position = apiPosition
	var posList struct {
		Positions []position `json:"positions"`
	}
	apiGet("/positions?limit=500", &posList)
	var (
		pick                    *position
		feed, completed, accept stage
	)
	for i := range posList.Positions {
		p := &posList.Positions[i]
		for k, s := range p.Stages {
			if s.Applications < 1 || s.Applications > 10 || k+2 >= len(p.Stages) {
				continue
			}
			if pick == nil || s.Applications < feed.Applications {
				pick, feed, completed, accept = p, s, p.Stages[k+1], p.Stages[k+2]
			}
		}
	}
	if pick == nil {
		t.Fatalf("no sandbox position has a stage with 1-10 applications and two stages after it: %+v", posList.Positions)
	}
	t.Logf("interview for %q (%s): fed by %q (%d candidates), completed → %q, accepted → %q",
		pick.Title, pick.ExtID, feed.Name, feed.Applications, completed.Name, accept.Name)

	// 4. Create the interview from the position.
	importPos := chromedp.CSS(fmt.Sprintf(`[data-testid="import-position"][data-position-id="%d"]`, pick.ID))
	step("create interview",
		chromedp.Click(tid("nav-interviews")),
		chromedp.WaitVisible(tid("interviews-page")),
		chromedp.WaitVisible(tid("interviews-empty")),
		chromedp.Click(tid("create-interview")),
		chromedp.WaitVisible(tid("new-interview-page")),
		chromedp.Click(tid("way-ats")),
		chromedp.WaitVisible(tid("import-list")),
		chromedp.SendKeys(tid("import-search"), pick.Title),
		chromedp.WaitVisible(importPos),
		chromedp.Click(importPos),
		chromedp.WaitVisible(within(`[data-testid="import-chosen"]`, "pipeline")),
		chromedp.Click(tid("import-create")),
		chromedp.WaitVisible(tid("interview-page")),
		chromedp.WaitVisible(tid("panel-ats")),
	)
	loc := strings.SplitN(strings.TrimPrefix(location(t, bctx), base), "?", 2)[0] // /w/{wid}/interviews/{iid}
	iid := loc[strings.LastIndex(loc, "/")+1:]

	// 5. ATS settings: feeding stage, completed stage, accept stage, rejection reason, tagging rules.
	poll("stage options", fmt.Sprintf(`[...document.querySelectorAll('[data-testid="iv-stage"] option')].some(o => o.value === %q)`, feed.ExtID), 10*time.Second)
	step("choose the stage", setValue(tid("iv-stage"), feed.ExtID))
	poll("reasons", `document.querySelectorAll('[data-testid="iv-reject-reason"] option').length > 1`, 10*time.Second)
	reasonID := eval("first reason", `[...document.querySelectorAll('[data-testid="iv-reject-reason"] option')].find(o => o.value)?.value ?? ""`)
	if eval("sync results on", `String(document.querySelector('[data-testid="iv-sync-results"]').checked)`) != "true" {
		step("sync results", chromedp.Click(tid("iv-sync-results")))
	}
	step("results and decision settings",
		setValue(tid("iv-completed-stage"), completed.ExtID),
		setValue(tid("iv-accept-stage"), accept.ExtID),
		setValue(tid("iv-reject-reason"), reasonID),
		setValue(tid("iv-tag-score-threshold"), "1"),
		setValue(tid("iv-tag-score-name"), scoreTag),
		setValue(tid("iv-tag-accepted"), acceptedTag),
	)

	// 6. A text question with a rubric and a yes/no knockout question
	//    (imported screening questions stay; their suggested scoring is confirmed).
	step("questions tab", chromedp.Click(tid("tab-questions")), chromedp.WaitVisible(tid("panel-questions")))
	if n := eval("suggestions", `String(document.querySelectorAll('[data-testid="scoring-suggested"]').length)`); n == "0" {
		t.Errorf("imported closed questions came without a suggested scoring to confirm")
	}
	step("publishing before confirming is refused",
		chromedp.Click(tid("interview-save")), waitGone(`[data-testid="unsaved"]`),
		chromedp.Click(tid("interview-publish")), chromedp.WaitVisible(tid("publish-error")))
	if e := eval("publish error", `document.querySelector('[data-testid="publish-error"]').textContent`); !strings.Contains(e, "Confirm the suggested scoring") {
		t.Errorf("publishing with unconfirmed scoring: %q", e)
	}
	step("confirm suggested scoring", waitJS(`(() => { document.querySelectorAll('[data-testid="scoring-confirm"]').forEach(b => b.click()); return true; })()`))
	poll("suggestions confirmed", `document.querySelectorAll('[data-testid="scoring-suggested"]').length === 0`, 5*time.Second)
	kn := eval("cards before yes/no", `String(document.querySelectorAll('[data-testid="question-card"]').length)`)
	kq := fmt.Sprintf(`[data-testid="question-card"][data-index="%s"][data-type="yes_no"]`, kn)
	step("add yes/no question",
		clickJS(`[data-testid="add-question"][data-type="yes_no"]`),
		chromedp.WaitVisible(chromedp.CSS(kq)))
	step("yes/no question with points and a knockout",
		chromedp.SendKeys(within(kq, "q-prompt"), permitPrompt),
		setValue(chromedp.CSS(kq+` [data-testid="option-points"][data-value="yes"]`), "5"),
		setValue(chromedp.CSS(kq+` [data-testid="option-points"][data-value="no"]`), "0"),
		chromedp.Click(within(kq, "knockout-toggle")),
		chromedp.WaitVisible(within(kq, "knockout-editor")),
		chromedp.Click(chromedp.CSS(kq+` [data-testid="knockout-value"][data-value="no"]`)),
		chromedp.SendKeys(within(kq, "knockout-reason"), permitReason),
	)
	// Count the cards first and wait for the new one by index and type: right
	// after the click Svelte may not have rendered it yet.
	n := eval("cards before", `String(document.querySelectorAll('[data-testid="question-card"]').length)`)
	q := fmt.Sprintf(`[data-testid="question-card"][data-index="%s"][data-type="text"]`, n)
	step("add text question",
		clickJS(`[data-testid="add-question"][data-type="text"]`),
		chromedp.WaitVisible(chromedp.CSS(q)))
	step("text question with rubric",
		chromedp.SendKeys(within(q, "q-prompt"), "Tell us about a project you are proud of."),
		chromedp.SendKeys(within(q, "rubric-name"), "Ownership"),
		chromedp.SendKeys(within(q, "rubric-strong"), "Names a result they were responsible for"),
	)
	step("save",
		chromedp.Click(tid("interview-save")),
		waitGone(`[data-testid="unsaved"]`),
	)
	if e := eval("save error", `document.querySelector('[data-testid="save-error"]')?.textContent ?? ""`); e != "" {
		t.Fatalf("saving the interview failed: %s", e)
	}
	var saved struct {
		Interview struct {
			StageExtID          string  `json:"stage_ext_id"`
			SyncResults         bool    `json:"sync_results"`
			CompletedStageExtID string  `json:"completed_stage_ext_id"`
			AcceptStageExtID    string  `json:"accept_stage_ext_id"`
			RejectReasonExtID   string  `json:"reject_reason_ext_id"`
			TagScoreThreshold   float64 `json:"tag_score_threshold"`
			TagScoreName        string  `json:"tag_score_name"`
			TagAcceptedName     string  `json:"tag_accepted_name"`
			Questions           []struct {
				Type     string          `json:"type"`
				Rubric   json.RawMessage `json:"rubric"`
				Knockout json.RawMessage `json:"knockout"`
				Scoring  json.RawMessage `json:"scoring"`
			} `json:"questions"`
		} `json:"interview"`
	}
	apiGet("/interviews/"+iid, &saved)
	si := saved.Interview
	if si.StageExtID != feed.ExtID || !si.SyncResults || si.CompletedStageExtID != completed.ExtID || si.AcceptStageExtID != accept.ExtID ||
		si.RejectReasonExtID != reasonID || si.TagScoreThreshold != 1 || si.TagScoreName != scoreTag || si.TagAcceptedName != acceptedTag {
		t.Fatalf("saved ATS settings %+v; want stage %s, sync on, completed %s, accept %s, reason %s, tag %q at 1, accepted tag %q",
			si, feed.ExtID, completed.ExtID, accept.ExtID, reasonID, scoreTag, acceptedTag)
	}
	rubrics, knockouts := 0, 0
	for _, q := range si.Questions {
		if q.Type == "text" && strings.Contains(string(q.Rubric), "Ownership") {
			rubrics++
		}
		if q.Type == "yes_no" && strings.Contains(string(q.Knockout), permitReason) && strings.Contains(string(q.Scoring), `"yes":5`) {
			knockouts++
		}
	}
	if rubrics != 1 || knockouts != 1 {
		t.Fatalf("saved interview has %d text questions with the Ownership rubric and %d scored knockout questions, want 1 and 1: %+v",
			rubrics, knockouts, si.Questions)
	}

	// 7. Publish.
	step("publish preview", chromedp.Click(tid("interview-publish")), chromedp.WaitVisible(tid("publish-message")))
	msg := eval("preview message", `document.querySelector('[data-testid="publish-message"]').textContent.trim()`)
	invite := 0
	if _, err := fmt.Sscanf(msg, "%d", &invite); err != nil || invite < 1 {
		t.Fatalf("publish preview %q invites nobody", msg)
	}
	step("publish",
		chromedp.Click(tid("confirm-ok")),
		chromedp.WaitVisible(tid("publish-result")),
		waitText(tid("interview-status"), "Active"),
	)

	// 8. Take the interview as one invited candidate.
	msgs := mp.WaitFor(t, invite, 60*time.Second)
	full := mp.Message(t, msgs[0].ID)
	link := regexp.MustCompile(`https?://[^\s<>"]+/i/[A-Za-z0-9_-]+`).FindString(full.Text)
	if link == "" {
		t.Fatalf("invitation %q has no /i/<token> link in its text:\n%s", full.Subject, full.Text)
	}
	candidateEmail := strings.ToLower(full.To[0].Address)
	mailsTo := func() []mailpittest.Summary {
		var out []mailpittest.Summary
		for _, m := range mp.Messages(t) {
			for _, to := range m.To {
				if strings.EqualFold(to, candidateEmail) {
					out = append(out, m)
					break
				}
			}
		}
		return out
	}
	if n := len(mailsTo()); n != 1 {
		t.Fatalf("%d emails to %s after publishing, want 1 invitation", n, candidateEmail)
	}
	t.Logf("%s takes the interview at %s", candidateEmail, link)

	b.yesNo = "no" // the knockout answer
	b.paste = resultsPaste
	b.takeInterview(link, resultsAnswer, 1)
	step("submit", chromedp.WaitVisible(tid("cand-review")), chromedp.Click(tid("cand-submit")), chromedp.WaitVisible(tid("cand-thanks")))
	submitted := time.Now()

	// 9. The results list: the row is scored by the built-in scorer within seconds.
	step("editor", chromedp.Navigate(base+loc), chromedp.WaitVisible(tid("interview-results-link")))
	step("results list", chromedp.Click(tid("interview-results-link")), chromedp.WaitVisible(tid("results-page")))
	if got := strings.SplitN(strings.TrimPrefix(location(t, bctx), base), "?", 2)[0]; got != loc+"/results" {
		t.Errorf("View results went to %s, want %s/results", got, loc)
	}
	poll("scored row", `!!document.querySelector('[data-testid="result-row"][data-status="scored"]')`, 40*time.Second)
	t.Logf("scored %s after submitting", time.Since(submitted).Round(100*time.Millisecond))
	if n := eval("rows", `String(document.querySelectorAll('[data-testid="result-row"]').length)`); n != "1" {
		t.Errorf("results list has %s rows, want 1", n)
	}
	poll("waiting and knockout badges", `!!document.querySelector('[data-testid="result-waiting"]') && !!document.querySelector('[data-testid="result-knockout"]')`, 10*time.Second)
	shoot("results", tid("results-table"))

	// 10. The result: built-in scorer, score, a met criterion quoting the answer, ATS writes done.
	rid := eval("result id", `document.querySelector('[data-testid="result-row"]').dataset.resultId`)
	step("result detail",
		chromedp.Click(within(`[data-testid="result-row"]`, "result-link")),
		chromedp.WaitVisible(tid("result-detail")),
		chromedp.WaitVisible(tid("result-review-pending")),
		chromedp.WaitVisible(tid("scorer-label")),
	)
	// The knockout is named (question and answer) in the flags.
	if f := eval("knockout flag", `document.querySelector('[data-testid="result-flag"][data-kind="knockout"]')?.textContent ?? ""`); !strings.Contains(f, permitPrompt) || !strings.Contains(f, `answered "no"`) {
		t.Errorf("the knockout flag reads %q, want the question and the answer", f)
	}
	// Nothing reaches the ATS while the open answer waits for a person.
	if n := eval("writes before review", `String(document.querySelectorAll('[data-testid="ats-write"]').length)`); n != "0" {
		t.Errorf("%s ATS writes before the review, want 0", n)
	}
	shoot("review", tid("review-checklist"))
	// The checklist highlights the sentence that mentions the criterion: a
	// verbatim quote of the answer, offered as a suggestion only.
	var suggestions []string
	if err := json.Unmarshal([]byte(eval("suggestions", `JSON.stringify([...document.querySelectorAll('[data-testid="review-suggestion"]')].map(e => e.textContent.trim()))`)), &suggestions); err != nil {
		t.Fatal(err)
	}
	if len(suggestions) != 1 || suggestions[0] != resultsEvidence {
		t.Errorf("the checklist suggests %q, want the quote %q", suggestions, resultsEvidence)
	}
	step("review the open answer",
		chromedp.WaitVisible(tid("review-suggestion")),
		waitJS(`(() => { const rs = document.querySelectorAll('[data-testid="review-met"]'); rs.forEach(r => r.click()); return rs.length > 0; })()`),
		chromedp.Click(tid("review-save")),
		waitGone(`[data-testid="review-checklist"]`),
		chromedp.WaitVisible(tid("overall-score")),
	)
	if got := strings.TrimPrefix(location(t, bctx), base); got != fmt.Sprintf("/w/%s/results/%s", wid, rid) {
		t.Errorf("the result opened at %s, want /w/%s/results/%s", got, wid, rid)
	}
	// The paste is an integrity signal for the reviewer, with its figures.
	var signals struct {
		Signals []struct {
			PasteCount int `json:"paste_count"`
			PasteChars int `json:"paste_chars"`
		} `json:"signals"`
	}
	apiGet("/results/"+rid, &signals)
	pastes, pasted := 0, 0
	for _, s := range signals.Signals {
		pastes, pasted = pastes+s.PasteCount, pasted+s.PasteChars
	}
	if pastes != 1 || pasted != len(resultsPaste) {
		t.Errorf("signals %+v, want 1 paste of %d characters in all", signals.Signals, len(resultsPaste))
	}
	if got, want := eval("paste signal", `document.querySelector('[data-testid="answer-signal"][data-kind="paste"]')?.textContent.trim() ?? ''`),
		fmt.Sprintf("Pasted 1 time (%d characters)", len(resultsPaste)); got != want {
		t.Errorf("the result page shows %q, want %q", got, want)
	}
	if s := eval("scorer", `document.querySelector('[data-testid="scorer-label"]').dataset.scorer`); s != "builtin" {
		t.Errorf("scorer-label data-scorer = %q, want builtin", s)
	}
	if label := eval("scorer label", `document.querySelector('[data-testid="scorer-label"]').textContent.trim()`); !strings.Contains(label, "person's checklist") || !strings.Contains(label, "no AI") {
		t.Errorf("scorer label reads %q, want it to say a person's checklist scored the open answers (no AI)", label)
	}
	overall := eval("overall", `document.querySelector('[data-testid="overall-score"]').textContent.trim()`)
	var overallN float64
	if _, err := fmt.Sscanf(overall, "%g", &overallN); err != nil || overallN < 1 || overallN > 100 {
		t.Errorf("overall score reads %q, want a number from 1 to 100", overall)
	}
	if n := eval("met criteria", `String(document.querySelectorAll('[data-testid="criterion"][data-state="met"]').length)`); n != "1" {
		t.Errorf("%s criteria met after the review, want the one the reviewer ticked", n)
	}

	writesDone := func(what string, min int) {
		t.Helper()
		expr := fmt.Sprintf(`(() => { const ws = [...document.querySelectorAll('[data-testid="ats-write"]')]; return ws.length >= %d && ws.every(w => w.dataset.status === 'done'); })()`, min)
		if err := chromedp.Do(bctx, func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(30*time.Second))(ctx, tg)
			return chromedp.Void{}, err
		}); err != nil {
			t.Fatalf("%s: the ATS writes are not all done within 30s: %s\n%s", what,
				eval("writes", `[...document.querySelectorAll('[data-testid="ats-write"]')].map(w => w.dataset.status + ': ' + w.innerText.replace(/\s+/g, ' ')).join(' | ') || 'none'`),
				tail(serverLog, 30))
		}
	}
	// Note (with the link), PDF and completed-stage move; no score tag (knockout).
	writesDone("after the review", 3)

	// 11. The PDF, downloaded with the browser's session.
	var view struct {
		Candidate struct {
			Email            string `json:"email"`
			ApplicationExtID string `json:"application_ext_id"`
		} `json:"candidate"`
		ResultsURL string `json:"results_url"`
		ReportURL  string `json:"report_url"`
		ATSWrites  []struct {
			Action string `json:"action"`
			Status string `json:"status"`
		} `json:"ats_writes"`
	}
	apiGet("/results/"+rid, &view)
	if !strings.EqualFold(view.Candidate.Email, candidateEmail) {
		t.Errorf("result belongs to %s, want %s", view.Candidate.Email, candidateEmail)
	}
	if want := fmt.Sprintf("/api/workspaces/%s/results/%s/report.pdf", wid, rid); view.ReportURL != want {
		t.Errorf("report_url %q, want %q", view.ReportURL, want)
	}
	pdf := getBytesCookie(t, ctx, base+fmt.Sprintf("/api/workspaces/%s/results/%s/report.pdf", wid, rid), b.cookie())
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Errorf("report.pdf starts with %q, want %%PDF", pdf[:min(len(pdf), 16)])
	}
	if text := pdfText(t, tmp, pdf); !strings.Contains(text, "Knockout: “"+permitPrompt+"” answered “no”") && !strings.Contains(text, `Knockout: "`+permitPrompt+`" answered "no"`) {
		t.Errorf("the PDF does not name the knockout; its text:\n%s", text)
	}
	if !strings.HasSuffix(view.ResultsURL, fmt.Sprintf("/w/%s/results/%s", wid, rid)) {
		t.Errorf("results_url %q does not end in /w/%s/results/%s", view.ResultsURL, wid, rid)
	}
	shoot("result", tid("result-detail"))

	// 12. The sandbox: one hireloop note with the link, one PDF, the score tag, the completed stage.
	//     Harvest v3 keeps each in its own resource: the application's job
	//     interview stage, the candidate's applied tags, attachments and notes.
	type sbApp struct {
		ID                  int64  `json:"id"`
		CandidateID         int64  `json:"candidate_id"`
		Status              string `json:"status"`
		JobInterviewStageID *int64 `json:"job_interview_stage_id"`
	}
	appOf := func() sbApp {
		t.Helper()
		var as []sbApp
		sandboxGet("/v3/applications?ids="+view.Candidate.ApplicationExtID, &as)
		if len(as) != 1 {
			t.Fatalf("sandbox has %d applications with id %s", len(as), view.Candidate.ApplicationExtID)
		}
		return as[0]
	}
	app := appOf()
	candID := fmt.Sprint(app.CandidateID)
	stageOf := func() string {
		t.Helper()
		if a := appOf(); a.JobInterviewStageID != nil {
			return fmt.Sprint(*a.JobInterviewStageID)
		}
		return ""
	}
	// tagsOf is the names of the candidate's applied tags.
	tagsOf := func() []string {
		t.Helper()
		var applied []struct {
			CandidateTagID int64 `json:"candidate_tag_id"`
		}
		sandboxGet("/v3/applied_candidate_tags?candidate_ids="+candID, &applied)
		if len(applied) == 0 {
			return nil
		}
		var ids []string
		for _, a := range applied {
			ids = append(ids, fmt.Sprint(a.CandidateTagID))
		}
		var tags []struct {
			Name string `json:"name"`
		}
		sandboxGet("/v3/candidate_tags?ids="+strings.Join(ids, ","), &tags)
		var names []string
		for _, tg := range tags {
			names = append(names, tg.Name)
		}
		return names
	}
	type sbNote struct {
		Body string `json:"body"`
	}
	if got := stageOf(); got != completed.ExtID {
		t.Errorf("after scoring the application is in stage %s, want the completed stage %s (%s)", got, completed.ExtID, completed.Name)
	}
	if tags := tagsOf(); hasString(tags, scoreTag) {
		t.Errorf("sandbox candidate tags %v: the score tag %q was written for a knockout result", tags, scoreTag)
	} else if hasString(tags, acceptedTag) {
		t.Errorf("sandbox candidate already has %q before any decision: %v", acceptedTag, tags)
	}
	var attachments []struct {
		Filename string `json:"filename"`
		URL      string `json:"url"`
		Type     string `json:"type"`
	}
	sandboxGet("/v3/attachments?candidate_ids="+candID, &attachments)
	var pdfs []string
	for _, a := range attachments {
		if strings.HasSuffix(strings.ToLower(a.Filename), ".pdf") && strings.Contains(a.Filename, "hireloop") {
			pdfs = append(pdfs, a.Filename)
			if got := getBytesCookie(t, ctx, a.URL, ""); !bytes.HasPrefix(got, []byte("%PDF")) {
				t.Errorf("sandbox attachment %s (%s) is not a PDF: %q", a.Filename, a.URL, got[:min(len(got), 16)])
			}
		}
	}
	if want := "hireloop-interview-" + rid + ".pdf"; len(pdfs) != 1 || pdfs[0] != want {
		t.Errorf("sandbox candidate has hireloop PDFs %v, want exactly [%s]", pdfs, want)
	}
	var sbNotes []sbNote
	sandboxGet("/v3/notes?candidate_ids="+candID, &sbNotes)
	var notes []string
	for _, n := range sbNotes {
		if strings.Contains(n.Body, "hireloop") {
			notes = append(notes, n.Body)
		}
	}
	if len(notes) != 1 {
		t.Errorf("sandbox candidate has %d hireloop notes, want 1: %q", len(notes), notes)
	} else {
		for _, want := range []string{view.ResultsURL, "Needs a person's review", `Knockout: "` + permitPrompt + `" answered "no" (` + permitReason + `)`} {
			if !strings.Contains(notes[0], want) {
				t.Errorf("the hireloop note lacks %q: %q", want, notes[0])
			}
		}
	}

	// 13. Accept in the console.
	step("accept",
		chromedp.Click(tid("decision-accept")),
		chromedp.WaitVisible(tid("confirm-ok")),
		chromedp.Click(tid("confirm-ok")),
		chromedp.WaitVisible(`[data-testid="decision-state"][data-decision="accepted"]`),
		waitGone(`[data-testid="confirm-dialog"]`),
	)
	if s := eval("decision state", `document.querySelector('[data-testid="decision-state"]').textContent.replace(/\s+/g, ' ').trim()`); !strings.Contains(s, "Accepted") {
		t.Errorf("decision state reads %q, want Accepted", s)
	}
	accepted := time.Now()
	// Plus the accept move and the accepted tag: a person's decision.
	writesDone("after accepting", 5)

	var moved bool
	for time.Since(accepted) < 30*time.Second && !moved {
		moved = stageOf() == accept.ExtID
		if !moved {
			time.Sleep(300 * time.Millisecond)
		}
	}
	if !moved {
		t.Errorf("30s after accepting the application is in stage %s, want the accept stage %s (%s)", stageOf(), accept.ExtID, accept.Name)
	}
	if tags := tagsOf(); !hasString(tags, acceptedTag) || hasString(tags, scoreTag) {
		t.Errorf("after accepting the sandbox candidate's tags are %v, want %q and not %q", tags, acceptedTag, scoreTag)
	}

	var mails []mailpittest.Summary
	for time.Since(accepted) < 30*time.Second && len(mails) < 2 {
		mails = mailsTo()
		if len(mails) < 2 {
			time.Sleep(250 * time.Millisecond)
		}
	}
	if len(mails) < 2 {
		t.Fatalf("no acceptance email to %s within 30s of accepting\n%s", candidateEmail, tail(serverLog, 30))
	}
	t.Logf("acceptance email arrived %s after accepting: %q", time.Since(accepted).Round(10*time.Millisecond), mails[0].Subject)
	if !strings.HasPrefix(mails[0].Subject, "Next steps") { // newest first
		t.Errorf("newest email to %s is %q, want the acceptance (Next steps …)", candidateEmail, mails[0].Subject)
	}
	// Nothing more may follow: give the outbox a moment, then count again.
	time.Sleep(2 * time.Second)
	if n := len(mailsTo()); n != 2 {
		var subjects []string
		for _, m := range mailsTo() {
			subjects = append(subjects, m.Subject)
		}
		t.Errorf("%d emails to %s, want 2 (invitation and acceptance): %q", n, candidateEmail, subjects)
	}
	// Writes happen once: still one note and one PDF after the decision.
	sbNotes = nil
	sandboxGet("/v3/notes?candidate_ids="+candID, &sbNotes)
	notes = notes[:0]
	for _, n := range sbNotes {
		if strings.Contains(n.Body, "hireloop") {
			notes = append(notes, n.Body)
		}
	}
	if len(notes) != 1 {
		t.Errorf("after accepting the sandbox candidate has %d hireloop notes, want 1", len(notes))
	}

	// 14. A strong candidate takes the same interview: the right to work,
	//     the same substantial answer. Reviewed the same way, they rank
	//     above the knocked-out candidate, in the API and in the table.
	var strongLink, strongEmail string
	for _, m := range msgs {
		if !strings.EqualFold(m.To[0], candidateEmail) {
			strongEmail = strings.ToLower(m.To[0])
			strongLink = regexp.MustCompile(`https?://[^\s<>"]+/i/[A-Za-z0-9_-]+`).FindString(mp.Message(t, m.ID).Text)
			break
		}
	}
	if strongLink == "" {
		t.Fatalf("no second invitation to take (%d sent)", len(msgs))
	}
	b.yesNo = "yes"
	b.takeInterview(strongLink, resultsAnswer, 1)
	step("strong candidate submits", chromedp.WaitVisible(tid("cand-review")), chromedp.Click(tid("cand-submit")), chromedp.WaitVisible(tid("cand-thanks")))
	step("results list again", chromedp.Navigate(base+loc+"/results"), chromedp.WaitVisible(tid("results-page")))
	poll("second row waits for review", `!!document.querySelector('[data-testid="result-waiting"]')`, 40*time.Second)
	step("review the strong answer",
		chromedp.Click(chromedp.CSS(`[data-testid="result-row"]:has([data-testid="result-waiting"]) [data-testid="result-link"]`)),
		chromedp.WaitVisible(tid("review-checklist")),
		waitJS(`(() => { const rs = document.querySelectorAll('[data-testid="review-met"]'); rs.forEach(r => r.click()); return rs.length > 0; })()`),
		chromedp.Click(tid("review-save")),
		waitGone(`[data-testid="review-checklist"]`),
		chromedp.WaitVisible(tid("overall-score")),
	)
	var ranked struct {
		Results []struct {
			Email   string   `json:"email"`
			Overall *float64 `json:"overall"`
		} `json:"results"`
	}
	apiGet("/interviews/"+iid+"/results", &ranked)
	if len(ranked.Results) != 2 || ranked.Results[0].Overall == nil || ranked.Results[1].Overall == nil ||
		!strings.EqualFold(ranked.Results[0].Email, strongEmail) || *ranked.Results[0].Overall <= *ranked.Results[1].Overall {
		t.Errorf("ranking: %+v; want %s (strong) above %s (knockout)", ranked.Results, strongEmail, candidateEmail)
	} else {
		t.Logf("strong candidate %.0f, knocked-out candidate %.0f", *ranked.Results[0].Overall, *ranked.Results[1].Overall)
	}
	step("ranked table", chromedp.Navigate(base+loc+"/results"), chromedp.WaitVisible(tid("results-table")))
	poll("two scored rows", `document.querySelectorAll('[data-testid="result-row"] [data-testid="result-score"]').length === 2`, 20*time.Second)
	if first := eval("first row", `document.querySelector('[data-testid="result-row"]').textContent`); !strings.Contains(strings.ToLower(first), strongEmail) {
		t.Errorf("the results table's first row is %q, want the strong candidate %s", first, strongEmail)
	}
	if ko := eval("knockout row", `document.querySelectorAll('[data-testid="result-row"]')[1]?.querySelector('[data-testid="result-knockout"]') ? "yes" : "no"`); ko != "yes" {
		t.Errorf("the knocked-out candidate's row shows no knockout badge")
	}
	shoot("results-ranked", tid("results-table"))

	saveScreenshots(t, tmp, shots)
	closeBrowser()
	stop()
}

func hasString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// getBytesCookie GETs url (with a Cookie header when cookie is set) and returns the body.
func getBytesCookie(t *testing.T, ctx context.Context, url, cookie string) []byte {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d: %.300s", url, resp.StatusCode, body)
	}
	return body
}

// pdfText extracts a PDF's text with poppler's pdftotext, words joined by
// single spaces (lines may wrap anywhere).
func pdfText(t *testing.T, dir string, pdf []byte) string {
	t.Helper()
	path := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils): %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
