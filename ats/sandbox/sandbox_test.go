package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/greenhouse"
)

const prefix = "/sandbox"

func start(t *testing.T, o Options) *Server {
	t.Helper()
	s, err := Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func connector(t *testing.T, s *Server, secret string, pageSize int) *greenhouse.Client {
	t.Helper()
	c, err := greenhouse.New(ats.Config{BaseURL: s.BaseURL(), IntegrationID: s.ClientID(), APIKey: s.APIKey(), ActingUserID: s.ActingUserID(),
		WebhookSecret: secret, PageSize: pageSize,
		HTTP: ats.HTTPSettings{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// pageServer mounts the page like the app does.
func pageServer(t *testing.T, s *Server) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle(prefix+"/", s.PageHandler(prefix))
	hs := httptest.NewServer(mux)
	t.Cleanup(hs.Close)
	return hs
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// postForm submits a page form the way a browser on the page would.
func postForm(t *testing.T, hs *httptest.Server, path string, form url.Values, origin string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, hs.URL+prefix+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func getPage(t *testing.T, hs *httptest.Server, query string) (int, string) {
	t.Helper()
	resp, err := http.Get(hs.URL + prefix + "/" + query)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Fatalf("page Content-Type = %q", ct)
	}
	return resp.StatusCode, string(b)
}

type synced struct {
	jobs    []ats.Job
	stages  []ats.Stage
	cands   []ats.Candidate
	apps    []ats.Application
	tags    []ats.Tag
	reasons []ats.RejectionReason
	users   []ats.User
}

func syncAll(t *testing.T, c ats.Connector, o ats.ListOptions) synced {
	t.Helper()
	ctx := context.Background()
	var s synced
	for _, err := range []error{
		c.ListJobs(ctx, o, func(p []ats.Job) error { s.jobs = append(s.jobs, p...); return nil }),
		c.ListStages(ctx, o, func(p []ats.Stage) error { s.stages = append(s.stages, p...); return nil }),
		c.ListCandidates(ctx, o, func(p []ats.Candidate) error { s.cands = append(s.cands, p...); return nil }),
		c.ListApplications(ctx, o, func(p []ats.Application) error { s.apps = append(s.apps, p...); return nil }),
		c.ListTags(ctx, o, func(p []ats.Tag) error { s.tags = append(s.tags, p...); return nil }),
		c.ListRejectionReasons(ctx, o, func(p []ats.RejectionReason) error { s.reasons = append(s.reasons, p...); return nil }),
		c.ListUsers(ctx, o, func(p []ats.User) error { s.users = append(s.users, p...); return nil }),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// activeApp returns an active application not in its job's last stage and
// the id of the next stage.
func activeApp(t *testing.T, s *Server) (app *application, next int64) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.st.Applications {
		ss := s.st.stagesOf[a.JobID]
		if a.Status == statusActive && a.StageID == ss[0].ID {
			cp := *a
			return &cp, ss[2].ID
		}
	}
	t.Fatal("no active application in a first stage")
	return nil, 0
}

func TestSeedIsDeterministicAndRealistic(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	a, _ := json.Marshal(seed(now))
	b, _ := json.Marshal(seed(now))
	if string(a) != string(b) {
		t.Fatal("seed is not deterministic")
	}
	st := seed(now)
	if len(st.Jobs) != 6 || len(st.Candidates) != 300 || len(st.Applications) != 350 || len(st.Users) != 5 {
		t.Fatalf("seeded %d jobs, %d candidates, %d applications, %d users", len(st.Jobs), len(st.Candidates), len(st.Applications), len(st.Users))
	}
	if u := st.serviceUser(); u == nil || u.name() != "hireloop Integration" {
		t.Fatalf("service user = %+v", u)
	}
	count := map[string]int{}
	for _, ap := range st.Applications {
		count[ap.Status]++
		if ap.AppliedAt.Before(now.Add(-61*24*time.Hour)) || !ap.LastActivityAt.Before(now) || ap.LastActivityAt.Before(ap.AppliedAt) {
			t.Fatalf("application %d times out of range: applied %v, activity %v", ap.ID, ap.AppliedAt, ap.LastActivityAt)
		}
		if len(ap.Answers) != len(st.jobByID[ap.JobID].Questions) {
			t.Fatalf("application %d has %d answers", ap.ID, len(ap.Answers))
		}
		if ap.Status == statusRejected && st.reasonByID[ap.ReasonID] == nil {
			t.Fatalf("rejected application %d has no reason", ap.ID)
		}
	}
	if count[statusRejected] < 30 || count[statusHired] < 2 || count[statusActive] < 200 {
		t.Fatalf("status spread %v", count)
	}
	nonASCII, emails := 0, map[string]bool{}
	for _, c := range st.Candidates {
		if strings.ContainsFunc(c.name(), func(r rune) bool { return r > 127 }) {
			nonASCII++
		}
		e := c.Emails[0].Value
		if emails[e] || !slices.ContainsFunc(emailDomains(), func(d string) bool { return strings.HasSuffix(e, "@"+d) }) {
			t.Fatalf("bad or duplicate email %q", e)
		}
		emails[e] = true
		if c.UpdatedAt.Before(c.CreatedAt) || c.UpdatedAt.After(c.LastActivity) {
			t.Fatalf("candidate %d times: created %v updated %v activity %v", c.ID, c.CreatedAt, c.UpdatedAt, c.LastActivity)
		}
	}
	if nonASCII < 60 {
		t.Fatalf("only %d candidates have non-ASCII names", nonASCII)
	}
	if asciiFold("Łukasz Thảo Zoë Ó Briain") != "lukaszthaozoeobriain" {
		t.Fatalf("asciiFold = %q", asciiFold("Łukasz Thảo Zoë Ó Briain"))
	}
}

func TestConnectorFullRead(t *testing.T) {
	s := start(t, Options{})
	if s.Provider() != "greenhouse" || !strings.HasPrefix(s.BaseURL(), "http://127.0.0.1:") || !strings.HasSuffix(s.BaseURL(), "/v3") ||
		s.TokenURL() != strings.TrimSuffix(s.BaseURL(), "/v3")+"/token" {
		t.Fatalf("Provider %q BaseURL %q", s.Provider(), s.BaseURL())
	}
	c := connector(t, s, "", 100) // 100 per page: candidates and applications span several pages
	if err := c.Test(context.Background()); err != nil {
		t.Fatalf("Test: %v", err)
	}
	got := syncAll(t, c, ats.ListOptions{})
	s.mu.Lock()
	want := []int{len(s.st.Jobs), len(s.st.Stages), len(s.st.Candidates), len(s.st.Applications), len(s.st.Tags), len(s.st.Reasons), len(s.st.Users)}
	s.mu.Unlock()
	have := []int{len(got.jobs), len(got.stages), len(got.cands), len(got.apps), len(got.tags), len(got.reasons), len(got.users)}
	if !slices.Equal(have, want) || !slices.Equal(want, []int{6, 28, 300, 350, 7, 6, 5}) {
		t.Fatalf("read counts %v, seeded %v", have, want)
	}
	qtypes := map[ats.QuestionType]bool{}
	stagesOf := map[string][]ats.Stage{}
	for _, st := range got.stages {
		stagesOf[st.JobID] = append(stagesOf[st.JobID], st)
	}
	for _, j := range got.jobs {
		if j.Status != ats.JobOpen || j.Department == "" || j.Location == "" || !strings.Contains(j.DescriptionHTML, "<ul>") ||
			len(j.DescriptionText) < 400 {
			t.Fatalf("job %s incomplete: %+v", j.Title, j)
		}
		if n := len(j.ScreeningQuestions); n < 2 || n > 5 {
			t.Fatalf("job %s has %d screening questions", j.Title, n)
		}
		for _, q := range j.ScreeningQuestions {
			qtypes[q.Type] = true
			if q.Type == ats.QuestionUnknown || q.Label == "" {
				t.Fatalf("question %+v", q)
			}
		}
		ss := stagesOf[j.ID]
		if len(ss) < 4 || ss[0].Name != "Application Review" || !slices.ContainsFunc(ss, func(x ats.Stage) bool { return x.Name == "AI Interview" }) {
			t.Fatalf("job %s stages %v", j.Title, ss)
		}
	}
	for _, qt := range []ats.QuestionType{ats.QuestionYesNo, ats.QuestionNumber, ats.QuestionSingleChoice, ats.QuestionMultiChoice, ats.QuestionLongText} {
		if !qtypes[qt] {
			t.Errorf("no %s question seeded", qt)
		}
	}
	stageIDs := map[string]string{}
	for _, st := range got.stages {
		stageIDs[st.ID] = st.JobID
	}
	byStatus := map[ats.ApplicationStatus]int{}
	for _, a := range got.apps {
		byStatus[a.Status]++
		if stageIDs[a.StageID] != a.JobID || len(a.Answers) < 2 || a.AppliedAt.IsZero() || a.UpdatedAt.IsZero() {
			t.Fatalf("application %+v", a)
		}
		if a.Status == ats.ApplicationRejected && (a.RejectionReasonID == "" || a.RejectedAt.IsZero()) {
			t.Fatalf("rejected application without reason: %+v", a)
		}
	}
	if byStatus[ats.ApplicationRejected] == 0 || byStatus[ats.ApplicationHired] == 0 {
		t.Fatalf("status spread %v", byStatus)
	}
	var names []string
	for _, cd := range got.cands {
		names = append(names, cd.FirstName+" "+cd.LastName)
		if len(cd.Emails) != 1 {
			t.Fatalf("candidate %+v", cd)
		}
	}
	if all := strings.Join(names, ","); !strings.ContainsAny(all, "ŁłøåüéễảốĐđ") {
		t.Fatalf("no international names in %s", all[:200])
	}
	var acting bool
	for _, u := range got.users {
		acting = acting || (u.ID == s.ActingUserID() && u.Name == "hireloop Integration")
	}
	if !acting {
		t.Fatalf("users %v lack the acting service user %s", got.users, s.ActingUserID())
	}
}

func TestIncrementalReadAfterPageMove(t *testing.T) {
	s := start(t, Options{})
	hs := pageServer(t, s)
	c := connector(t, s, "", 0)
	full := syncAll(t, c, ats.ListOptions{})
	var wm, cwm time.Time
	for _, a := range full.apps {
		if a.UpdatedAt.After(wm) {
			wm = a.UpdatedAt
		}
	}
	for _, cd := range full.cands {
		if cd.UpdatedAt.After(cwm) {
			cwm = cd.UpdatedAt
		}
	}
	app, next := activeApp(t, s)
	resp := postForm(t, hs, "/move", url.Values{"app": {itoa(app.ID)}, "stage": {itoa(next)}, "return": {"job=" + itoa(app.JobID)}}, hs.URL)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), prefix+"/?") ||
		!strings.Contains(resp.Header.Get("Location"), "job="+itoa(app.JobID)) {
		t.Fatalf("move: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var changed []ats.Application
	if err := c.ListApplications(context.Background(), ats.ListOptions{UpdatedAfter: wm.Add(time.Millisecond)}, func(p []ats.Application) error {
		changed = append(changed, p...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(changed) != 1 || changed[0].ID != itoa(app.ID) || changed[0].StageID != itoa(next) || !changed[0].UpdatedAt.After(wm) {
		t.Fatalf("incremental read after a move = %+v, want only application %d in stage %d", changed, app.ID, next)
	}
	// Nothing else changed: candidates and jobs read incrementally are empty.
	inc := syncAll(t, c, ats.ListOptions{UpdatedAfter: changed[0].UpdatedAt.Add(time.Millisecond)})
	if len(inc.apps)+len(inc.cands)+len(inc.jobs)+len(inc.stages) != 0 {
		t.Fatalf("unexpected changes: %d apps %d cands %d jobs %d stages", len(inc.apps), len(inc.cands), len(inc.jobs), len(inc.stages))
	}
	// A tag write bumps the candidate's updated_at (the tag itself is an
	// applied candidate tag, a resource of its own in v3).
	res, err := c.AddTag(context.Background(), ats.TagAssignment{CandidateID: itoa(app.CandidateID), Name: "Remote OK"})
	if err != nil {
		t.Fatal(err)
	}
	var cands []ats.Candidate
	_ = c.ListCandidates(context.Background(), ats.ListOptions{UpdatedAfter: cwm.Add(time.Millisecond)}, func(p []ats.Candidate) error {
		cands = append(cands, p...)
		return nil
	})
	if len(cands) != 1 || cands[0].ID != itoa(app.CandidateID) {
		t.Fatalf("incremental candidates after a tag = %+v", cands)
	}
	var applied []map[string]any
	if status := apiGet(t, s, "/applied_candidate_tags?candidate_ids="+itoa(app.CandidateID), &applied); status != http.StatusOK ||
		!slices.ContainsFunc(applied, func(x map[string]any) bool { return fmt.Sprint(x["candidate_tag_id"]) == res.RemoteID }) {
		t.Fatalf("applied tags of the candidate: %d %v (want tag %s)", status, applied, res.RemoteID)
	}
}

func TestConnectorWrites(t *testing.T) {
	s := start(t, Options{})
	hs := pageServer(t, s)
	c := connector(t, s, "", 0)
	ctx := context.Background()
	app, next := activeApp(t, s)
	appID, candID := itoa(app.ID), itoa(app.CandidateID)

	// Note by candidate, note by application only (connector looks the candidate up).
	n1, err := c.AddNote(ctx, ats.Note{CandidateID: candID, Body: "hireloop AI interview completed.\nScore: 82%\nReport: https://hireloop.example/r/1"})
	if err != nil || n1.RemoteID == "" {
		t.Fatalf("AddNote = %+v, %v", n1, err)
	}
	if _, err := c.AddNote(ctx, ats.Note{ApplicationID: appID, Body: "Second note <b>escaped</b>", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4 fake interview report")
	if _, err := c.AddAttachment(ctx, ats.Attachment{ApplicationID: appID, Name: "interview-report.pdf", ContentType: "application/pdf", Data: pdf}); err != nil {
		t.Fatal(err)
	}
	tg, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: candID, Name: "hireloop: interviewed"})
	if err != nil || tg.RemoteID == "" {
		t.Fatalf("AddTag = %+v, %v", tg, err)
	}
	tg2, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: candID, Name: "HIRELOOP: interviewed"})
	if err != nil || tg2.RemoteID != tg.RemoteID {
		t.Fatalf("AddTag by existing name = %+v, %v (want tag %s)", tg2, err, tg.RemoteID)
	}
	if _, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: appID, ToStageID: itoa(next)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddResultLink(ctx, ats.ResultLink{ApplicationID: appID}); !errors.Is(err, ats.ErrUnsupported) {
		t.Fatalf("AddResultLink = %v", err)
	}

	s.mu.Lock()
	a := *s.st.appByID[app.ID]
	nNotes := len(s.st.Notes)
	hasTag := slices.ContainsFunc(s.st.candByID[app.CandidateID].TagIDs, func(id int64) bool { return itoa(id) == tg.RemoteID })
	s.mu.Unlock()
	if a.StageID != next || nNotes != 2 || !hasTag {
		t.Fatalf("after writes: stage %d (want %d), %d notes, tag applied %v", a.StageID, next, nNotes, hasTag)
	}
	// The page shows the write-back log for the candidate.
	_, body := getPage(t, hs, "?job="+itoa(app.JobID)+"&q="+url.QueryEscape(app2name(s, app)))
	for _, want := range []string{"hireloop wrote 5 items", "Score: 82%", "Second note &lt;b&gt;escaped&lt;/b&gt;", "interview-report.pdf",
		"hireloop: interviewed", "hireloop Integration", "Moved " + jobTitle(s, app.JobID) + " application from Application Review to"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The attachment downloads from the page and from the API's URL.
	m := regexp.MustCompile(`href="(` + prefix + `/files/\d+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no attachment link on the page")
	}
	resp, err := http.Get(hs.URL + m[1])
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(got) != string(pdf) || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("attachment download = %q (%s)", got, resp.Header.Get("Content-Type"))
	}

	// Reject with a reason, then further moves are refused like Harvest.
	if _, err := c.Reject(ctx, ats.Rejection{ApplicationID: appID, ReasonID: itoa(firstReasonID + 4), Note: "Took another job"}); err != nil {
		t.Fatal(err)
	}
	var after ats.Application
	_ = c.ListApplications(ctx, ats.ListOptions{}, func(p []ats.Application) error {
		for _, x := range p {
			if x.ID == appID {
				after = x
			}
		}
		return nil
	})
	if after.Status != ats.ApplicationRejected || after.RejectionReasonID != itoa(firstReasonID+4) || after.RejectedAt.IsZero() {
		t.Fatalf("after reject: %+v", after)
	}
	_, err = c.MoveToStage(ctx, ats.StageMove{ApplicationID: appID, FromStageID: itoa(next), ToStageID: itoa(next + 1)})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || !strings.Contains(iie.VendorMessage, "Only active applications") {
		t.Fatalf("move of a rejected application = %v", err)
	}
	if _, err := c.Reject(ctx, ats.Rejection{ApplicationID: appID}); !errors.As(err, &iie) {
		t.Fatalf("second reject = %v", err)
	}
	if _, err := c.AddNote(ctx, ats.Note{CandidateID: "999", Body: "x"}); !errors.As(err, &iie) || !strings.Contains(iie.VendorMessage, "candidate_id") {
		t.Fatalf("note on a missing candidate = %v", err)
	}
	// A stage of another job is refused.
	other, _ := activeApp(t, s)
	s.mu.Lock()
	var foreign int64
	for _, sg := range s.st.Stages {
		if sg.JobID != other.JobID {
			foreign = sg.ID
		}
	}
	s.mu.Unlock()
	_, err = c.MoveToStage(ctx, ats.StageMove{ApplicationID: itoa(other.ID), ToStageID: itoa(foreign)})
	if !errors.As(err, &iie) || !strings.Contains(iie.VendorMessage, "not a stage of this job") {
		t.Fatalf("move to another job's stage = %v", err)
	}
	// Tokens are issued for existing users only (sub).
	bad, _ := greenhouse.New(ats.Config{BaseURL: s.BaseURL(), IntegrationID: s.ClientID(), APIKey: s.APIKey(), ActingUserID: "12345"})
	if _, err := bad.AddNote(ctx, ats.Note{CandidateID: candID, Body: "x"}); !errors.Is(err, ats.ErrNotConfigured) {
		t.Fatalf("write with an unknown acting user = %v", err)
	}
}

func app2name(s *Server, a *application) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.candByID[a.CandidateID].name()
}

func jobTitle(s *Server, id int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.jobByID[id].Title
}

type delivery struct {
	h    http.Header
	body []byte
}

func receiver(t *testing.T, fail int) (*httptest.Server, chan delivery) {
	t.Helper()
	ch := make(chan delivery, 16)
	var mu sync.Mutex
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		ch <- delivery{r.Header.Clone(), b}
		mu.Lock()
		defer mu.Unlock()
		if fail > 0 {
			fail--
			w.WriteHeader(http.StatusBadGateway)
		}
	}))
	t.Cleanup(hs.Close)
	return hs, ch
}

func wait(t *testing.T, ch chan delivery) delivery {
	t.Helper()
	select {
	case d := <-ch:
		return d
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook delivery")
		return delivery{}
	}
}

func TestPageMoveSendsVerifiableWebhook(t *testing.T) {
	s := start(t, Options{})
	hs := pageServer(t, s)
	rcv, ch := receiver(t, 0)
	s.AddWebhook(rcv.URL, "old secret")
	s.AddWebhook(rcv.URL, "s3cret") // same url: secret replaced, one target
	c := connector(t, s, "s3cret", 0)
	app, next := activeApp(t, s)

	if resp := postForm(t, hs, "/move", url.Values{"app": {itoa(app.ID)}, "stage": {itoa(next)}}, hs.URL); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("move = %d", resp.StatusCode)
	}
	d := wait(t, ch)
	if err := c.VerifyWebhook(d.h, d.body, "s3cret"); err != nil {
		t.Fatalf("VerifyWebhook: %v", err)
	}
	if err := c.VerifyWebhook(d.h, d.body, "wrong"); !errors.Is(err, ats.ErrInvalidSignature) {
		t.Fatalf("VerifyWebhook with a wrong secret = %v", err)
	}
	ev, err := c.ParseWebhook(d.h, d.body)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != "candidate_stage_change" || ev.ApplicationID != itoa(app.ID) || ev.CandidateID != itoa(app.CandidateID) ||
		ev.JobID != itoa(app.JobID) || ev.StageChange == nil || ev.StageChange.ToStageID != itoa(next) || !ev.Changed(ats.ModelApplications) {
		t.Fatalf("parsed event %+v (stage change %+v)", ev, ev.StageChange)
	}
	if ev.ID == "" || strings.HasPrefix(ev.ID, "sha256:") {
		t.Fatalf("event id %q: want the Greenhouse-Event-ID header", ev.ID)
	}
	var raw map[string]any
	if err := json.Unmarshal(d.body, &raw); err != nil || raw["action"] != "candidate_stage_change" {
		t.Fatalf("body %s", d.body)
	}

	// Reject from the page: reject_candidate with a new event id.
	if resp := postForm(t, hs, "/reject", url.Values{"app": {itoa(app.ID)}, "reason": {itoa(firstReasonID + 1)}}, hs.URL); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reject = %d", resp.StatusCode)
	}
	d2 := wait(t, ch)
	ev2, _ := c.ParseWebhook(d2.h, d2.body)
	if c.VerifyWebhook(d2.h, d2.body, "s3cret") != nil || ev2.Type != "reject_candidate" || ev2.ApplicationID != itoa(app.ID) || ev2.ID == ev.ID {
		t.Fatalf("reject event %+v", ev2)
	}
	if len(ch) != 0 {
		t.Fatalf("%d extra deliveries: a re-registered url must be one target", len(ch))
	}

	// Removed targets get nothing.
	s.RemoveWebhook(rcv.URL)
	other, next2 := activeApp(t, s)
	postForm(t, hs, "/move", url.Values{"app": {itoa(other.ID)}, "stage": {itoa(next2)}}, hs.URL)
	select {
	case d := <-ch:
		t.Fatalf("delivery after RemoveWebhook: %s", d.body)
	case <-time.After(300 * time.Millisecond):
	}
}

func TestWebhookRetryAndClose(t *testing.T) {
	s, err := Start(Options{})
	if err != nil {
		t.Fatal(err)
	}
	rcv, ch := receiver(t, 1) // first attempt fails
	s.AddWebhook(rcv.URL, "k")
	hs := pageServer(t, s)
	app, _ := activeApp(t, s)
	postForm(t, hs, "/add", url.Values{"name": {"Zoë Ångström-Nguyễn"}, "email": {"zoe@example.com"}, "job": {itoa(app.JobID)}}, hs.URL)
	d1, d2 := wait(t, ch), wait(t, ch)
	id1, id2 := d1.h.Get("Greenhouse-Event-ID"), d2.h.Get("Greenhouse-Event-ID")
	if id1 == "" || id1 != id2 || string(d1.body) != string(d2.body) {
		t.Fatalf("retry must repeat the delivery: ids %q %q", id1, id2)
	}
	c := connector(t, s, "k", 0)
	ev, _ := c.ParseWebhook(d2.h, d2.body)
	if ev.Type != "new_candidate_application" || ev.CandidateID == "" || !ev.Changed(ats.ModelCandidates) {
		t.Fatalf("add candidate event %+v", ev)
	}
	// A failing receiver: Close drops the pending retry instead of waiting.
	rcv2 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer rcv2.Close()
	s.RemoveWebhook(rcv.URL)
	s.AddWebhook(rcv2.URL, "k")
	postForm(t, hs, "/move", url.Values{"app": {itoa(app.ID)}, "stage": {itoa(app.StageID + 1)}}, hs.URL)
	time.Sleep(100 * time.Millisecond)
	t0 := time.Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(t0); d > 1500*time.Millisecond {
		t.Fatalf("Close took %v", d)
	}
	// After Close the page refuses changes.
	if resp := postForm(t, hs, "/move", url.Values{"app": {itoa(app.ID)}, "stage": {itoa(app.StageID)}}, hs.URL); resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("move after Close = %d", resp.StatusCode)
	}
}

func TestStatePersists(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sandbox.json")
	s1, err := Start(Options{StatePath: path})
	if err != nil {
		t.Fatal(err)
	}
	hs := pageServer(t, s1)
	app, next := activeApp(t, s1)
	postForm(t, hs, "/move", url.Values{"app": {itoa(app.ID)}, "stage": {itoa(next)}}, hs.URL)
	c := connector(t, s1, "", 0)
	if _, err := c.AddNote(context.Background(), ats.Note{CandidateID: itoa(app.CandidateID), Body: "persisted note"}); err != nil {
		t.Fatal(err)
	}
	acting := s1.ActingUserID()
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := start(t, Options{StatePath: path, Now: func() time.Time { return time.Now().Add(72 * time.Hour) }})
	if s2.ActingUserID() != acting {
		t.Fatalf("acting user changed: %s → %s", acting, s2.ActingUserID())
	}
	s2.mu.Lock()
	a := s2.st.appByID[app.ID]
	notes := len(s2.st.Notes)
	log := len(s2.st.activityOf[app.CandidateID])
	s2.mu.Unlock()
	if a.StageID != next || notes != 1 || log != 1 {
		t.Fatalf("after restart: stage %d (want %d), %d notes, %d log entries", a.StageID, next, notes, log)
	}
	_, body := getPage(t, pageServer(t, s2), "?q="+url.QueryEscape(app2name(s2, app)))
	if !strings.Contains(body, "persisted note") {
		t.Fatal("note missing from the page after restart")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("state dir holds %d files (temp files left behind?)", len(entries))
	}

	// Corrupt and inconsistent files fail Start with the path.
	for name, content := range map[string]string{"truncated": `{"version":1,"jobs":[`, "empty": ``, "wrong version": `{"version":99}`} {
		bad := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		if err := os.WriteFile(bad, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if s, err := Start(Options{StatePath: bad}); err == nil {
			s.Close()
			t.Fatalf("%s state file accepted", name)
		} else if !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "corrupt") {
			t.Fatalf("%s: error %q does not name the file", name, err)
		}
	}
}

func TestPageRendersAndRefusesCrossOrigin(t *testing.T) {
	s := start(t, Options{})
	hs := pageServer(t, s)
	status, body := getPage(t, hs, "")
	if status != http.StatusOK || !strings.Contains(body, "<title>Sandbox ATS") || !strings.Contains(body, "emulated applicant tracking system") {
		t.Fatalf("GET page = %d", status)
	}
	for _, title := range []string{"Senior Backend Engineer", "Customer Success Manager", "Sales Development Representative",
		"Warehouse Shift Lead", "Registered Nurse (Night)", "Marketing Intern", "Add a candidate", "Application Review"} {
		if !strings.Contains(body, title) {
			t.Errorf("page lacks %q", title)
		}
	}
	// Every link and form stays under the prefix.
	for _, m := range regexp.MustCompile(`(?:href|action)="([^"]*)"`).FindAllStringSubmatch(body, -1) {
		if !strings.HasPrefix(m[1], prefix+"/") {
			t.Errorf("link %q escapes the prefix", m[1])
		}
	}
	if rows, forms := strings.Count(body, ` id="app-`), strings.Count(body, `action="/sandbox/move"`); rows != rowsPerPage || forms == 0 || forms > rows {
		t.Errorf("%d rows (want %d) with %d move forms", rows, rowsPerPage, forms)
	}

	// Mounted behind http.StripPrefix, links still carry the prefix.
	for _, strip := range []string{prefix, prefix + "/"} {
		rec := httptest.NewRecorder()
		http.StripPrefix(strip, s.PageHandler(prefix+"/")).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, prefix+"/?job="+itoa(firstJobID), nil))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `action="/sandbox/add"`) {
			t.Fatalf("behind StripPrefix(%q): %d", strip, rec.Code)
		}
	}

	// Filters: position + search (diacritics-insensitive) + stage.
	s.mu.Lock()
	var target *candidate
	for _, c := range s.st.Candidates {
		if strings.ContainsAny(c.FirstName, "ŁłøåüéễảốĐđ") {
			target = c
			break
		}
	}
	ta := s.st.appsOf[target.ID][0]
	s.mu.Unlock()
	_, body = getPage(t, hs, "?job="+itoa(ta.JobID)+"&q="+url.QueryEscape(asciiFold(target.FirstName)))
	if !strings.Contains(body, target.name()) || strings.Contains(body, "No applications match") {
		t.Fatalf("search for %q did not find %s", asciiFold(target.FirstName), target.name())
	}
	_, body = getPage(t, hs, "?stage=Credential+Check&status=active")
	if rows := strings.Count(body, ` id="app-`); rows == 0 ||
		strings.Contains(body, "<td data-label=\"Position\">Marketing Intern</td>") {
		t.Fatalf("stage filter: %d rows", rows)
	}

	// Cross-origin, origin-less and GET requests cannot change anything.
	app, next := activeApp(t, s)
	form := url.Values{"app": {itoa(app.ID)}, "stage": {itoa(next)}}
	if resp := postForm(t, hs, "/move", form, "http://evil.example"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin POST = %d", resp.StatusCode)
	}
	if resp := postForm(t, hs, "/move", form, ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("POST without Origin or Referer = %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodPost, hs.URL+prefix+"/move", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", hs.URL)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if resp, _ := noRedirect.Do(req); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("Sec-Fetch-Site cross-site POST = %d", resp.StatusCode)
	}
	if resp, _ := http.Get(hs.URL + prefix + "/move?" + form.Encode()); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET /move = %d", resp.StatusCode)
	}
	s.mu.Lock()
	unchanged := s.st.appByID[app.ID].StageID == app.StageID
	s.mu.Unlock()
	if !unchanged {
		t.Fatal("a refused request moved the application")
	}
	// Same origin via Referer works.
	req, _ = http.NewRequest(http.MethodPost, hs.URL+prefix+"/move", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", hs.URL+prefix+"/")
	if resp, _ := noRedirect.Do(req); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("same-origin POST with Referer = %d", resp.StatusCode)
	}
	_, body = getPage(t, hs, "?done=move&app="+itoa(app.ID))
	if want := "Moved " + app2name(s, app) + " (" + jobTitle(s, app.JobID) + ") to "; !strings.Contains(body, want) {
		t.Fatalf("no notice %q after a move", want)
	}

	// Add a candidate: validation error re-renders with the values, success redirects.
	resp := postForm(t, hs, "/add", url.Values{"name": {"Thảo Nguyễn"}, "email": {"not-an-email"}, "job": {itoa(app.JobID)}}, hs.URL)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("add with a bad email = %d", resp.StatusCode)
	}
	resp = postForm(t, hs, "/add", url.Values{"name": {"Thảo Nguyễn"}, "email": {"thao.nguyen@example.com"}, "job": {itoa(app.JobID)}}, hs.URL)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add = %d", resp.StatusCode)
	}
	_, body = getPage(t, hs, strings.TrimPrefix(resp.Header.Get("Location"), prefix+"/"))
	if !strings.Contains(body, "Added Thảo Nguyễn to "+jobTitle(s, app.JobID)+" in Application Review") {
		t.Fatal("no notice for the added candidate")
	}
	c := connector(t, s, "", 0)
	var found bool
	_ = c.ListCandidates(context.Background(), ats.ListOptions{}, func(p []ats.Candidate) error {
		for _, cd := range p {
			found = found || (cd.FirstName == "Thảo" && cd.LastName == "Nguyễn" && cd.Emails[0] == "thao.nguyen@example.com")
		}
		return nil
	})
	if !found {
		t.Fatal("added candidate not readable through the connector")
	}
}
