package teamtailor_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/teamtailor"
	"github.com/hireloop/hireloop/ats/teamtailor/fake"
)

const apiKey = "tt-test-key-0123456789"

var actor = fake.UserID(0)

func newPair(t testing.TB, o atstest.Options, mod func(*ats.Config)) (*teamtailor.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	if o.Applications > 0 {
		seed = fake.Seed{Jobs: 20, Candidates: o.Applications, Tags: 8, RejectReasons: 5, Users: 10}
	}
	f := fake.New(apiKey, seed)
	t.Cleanup(f.Close)
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.APIKey, cfg.ActingUserID = f.URL(), apiKey, actor
	return atstest.Connect(t, teamtailor.New, cfg, mod), f
}

func harness() atstest.Harness {
	sample, err := os.ReadFile("testdata/webhook-job-update.json")
	if err != nil {
		panic(err)
	}
	return atstest.Harness{
		Name: teamtailor.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPair(t, o, nil)
		},
		CheckWrite: checkWrite,
		Webhooks: []atstest.WebhookCase{
			{Name: "job update (docs sample)", Body: sample,
				Want: ats.WebhookEvent{Type: "job.update", Models: []ats.Model{ats.ModelJobs, ats.ModelStages}}},
			{Name: "job application update", Body: []byte(`{"payload":{"event_name":"job_application.update","data":{"id":"5000000","type":"job-applications","attributes":{"updated_at":"2026-11-28T10:00:00.000+01:00","job_id":1000,"job_title":"Engineer 0","last_moved_at":"2026-11-28T10:00:00.000+01:00","stage_name":"AI Interview","rejected_at":null,"company_uuid":"c0ffee","transparent_recruiting_visible_at":null}}},"signature":"x"}`),
				Want: ats.WebhookEvent{Type: "job_application.update", ApplicationID: "5000000", Models: []ats.Model{ats.ModelApplications}}},
			{Name: "candidate create", Body: []byte(`{"payload":{"event_name":"candidate.create","data":{"id":"1000001","type":"candidates","attributes":{"first-name":"Ada","last-name":"L","email":"ada@example.com","tags":["x"]}}},"signature":"y"}`),
				Want: ats.WebhookEvent{Type: "candidate.create", CandidateID: "1000001", Models: []ats.Model{ats.ModelCandidates, ats.ModelTags}}},
		},
	}
}

func TestConformance(t *testing.T) { atstest.Run(t, harness()) }

func rel(t *testing.T, body map[string]any, name string) map[string]any {
	t.Helper()
	data, _ := body["data"].(map[string]any)
	rels, _ := data["relationships"].(map[string]any)
	r, _ := rels[name].(map[string]any)
	d, _ := r["data"].(map[string]any)
	if d == nil {
		t.Fatalf("relationship %s missing in %v", name, body)
	}
	return d
}

func attrOf(body map[string]any, name string) any {
	data, _ := body["data"].(map[string]any)
	a, _ := data["attributes"].(map[string]any)
	return a[name]
}

func checkWrite(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	for _, r := range reqs {
		if !strings.HasPrefix(r.Header.Get("Content-Type"), teamtailor.MediaType) || r.Header.Get("X-Api-Version") != teamtailor.APIVersion ||
			r.Header.Get("Authorization") != "Token token="+apiKey {
			t.Errorf("%s %s headers %v", r.Method, r.Path, r.Header)
		}
	}
	first := reqs[0]
	body := first.JSON()
	typ := func() any { return body["data"].(map[string]any)["type"] }
	checkNote := func(r atstest.RecordedRequest, cand, text string) {
		t.Helper()
		b := r.JSON()
		if r.Method != "POST" || r.Path != "/v1/notes" || b["data"].(map[string]any)["type"] != "notes" || attrOf(b, "note") != text {
			t.Fatalf("note %s %s %s", r.Method, r.Path, r.Body)
		}
		if c := rel(t, b, "candidate"); c["id"] != cand || c["type"] != "candidates" {
			t.Fatalf("note candidate %v", c)
		}
		if u := rel(t, b, "user"); u["id"] != actor || u["type"] != "users" {
			t.Fatalf("note user %v (want acting user %s)", u, actor)
		}
	}
	switch a {
	case ats.ActionResultLink:
		l := in.(ats.ResultLink)
		if len(reqs) != 1 {
			t.Fatalf("%d requests", len(reqs))
		}
		checkNote(first, l.CandidateID, "hireloop interview: "+l.URL+"\nScore: 82%")
	case ats.ActionNote:
		n := in.(ats.Note)
		if len(reqs) != 1 {
			t.Fatalf("%d requests", len(reqs))
		}
		checkNote(first, n.CandidateID, n.Body)
	case ats.ActionAttachment:
		at := in.(ats.Attachment)
		if len(reqs) != 1 || first.Method != "POST" || first.Path != "/v1/uploads" || typ() != "uploads" ||
			attrOf(body, "url") != at.URL || attrOf(body, "file-name") != at.Name {
			t.Fatalf("upload %s %s %s", first.Method, first.Path, first.Body)
		}
		if c := rel(t, body, "candidate"); c["id"] != at.CandidateID || c["type"] != "candidates" {
			t.Fatalf("upload candidate %v", c)
		}
		if bytes.Contains(first.Body, at.Data) {
			t.Fatal("upload sent the file bytes; Teamtailor pulls the URL")
		}
	case ats.ActionMoveStage:
		m := in.(ats.StageMove)
		if len(reqs) != 1 || first.Method != "PATCH" || first.Path != "/v1/job-applications/"+m.ApplicationID || typ() != "job-applications" ||
			body["data"].(map[string]any)["id"] != m.ApplicationID {
			t.Fatalf("move %s %s %s", first.Method, first.Path, first.Body)
		}
		if s := rel(t, body, "stage"); s["id"] != m.ToStageID || s["type"] != "stages" {
			t.Fatalf("move stage %v", s)
		}
	case ats.ActionReject:
		r := in.(ats.Rejection)
		if first.Method != "PATCH" || first.Path != "/v1/job-applications/"+r.ApplicationID || typ() != "job-applications" {
			t.Fatalf("reject %s %s %s", first.Method, first.Path, first.Body)
		}
		at, _ := attrOf(body, "rejected-at").(string)
		if ts, err := time.Parse(time.RFC3339Nano, at); err != nil || time.Since(ts) > time.Minute {
			t.Fatalf("rejected-at %q", at)
		}
		if x := rel(t, body, "reject-reason"); x["id"] != r.ReasonID || x["type"] != "reject-reasons" {
			t.Fatalf("reject reason %v", x)
		}
		if len(reqs) != 2 {
			t.Fatalf("reject made %d writes, want PATCH + note", len(reqs))
		}
		checkNote(reqs[1], fake.CandidateID(0), r.Note)
	case ats.ActionAddTag:
		tg := in.(ats.TagAssignment)
		if len(reqs) != 1 || first.Method != "PATCH" || first.Path != "/v1/candidates/"+tg.CandidateID || typ() != "candidates" {
			t.Fatalf("tag %s %s %s", first.Method, first.Path, first.Body)
		}
		tags, _ := attrOf(body, "tags").([]any)
		// The sample candidate 0 is seeded with tag-0.
		if len(tags) != 2 || tags[0] != "tag-0" || tags[1] != tg.Name {
			t.Fatalf("tags written %v, want the old tags plus %q", tags, tg.Name)
		}
	default:
		t.Fatalf("unexpected supported action %s", a)
	}
}

func TestRegistered(t *testing.T) {
	c, cp := atstest.Registered(t, teamtailor.Name, ats.Config{APIKey: "k"})
	atstest.WantNotConfigured(t, teamtailor.Name, ats.Config{})
	if cp.StageScope != ats.StagesPerJob || !cp.ActingUserRequired ||
		cp.Writes[ats.ActionAttachment].Transport != ats.TransportURLPull || cp.DefaultRateLimit != teamtailor.DefaultRateLimit ||
		cp.Webhooks.SignatureHeader != "TT-Signature" || cp.Webhooks.Setup != "ui" || !cp.Incremental[ats.ModelCandidates] || cp.Incremental[ats.ModelJobs] {
		t.Fatalf("declared = %+v (%v)", cp, cp.Validate())
	}
	if _, isReg := c.(ats.WebhookRegistrar); isReg {
		t.Fatal("Teamtailor has no webhook subscription API")
	}
	if _, isChk := c.(ats.WriteChecker); !isChk {
		t.Fatal("not a WriteChecker")
	}
}

// captureRT records request headers and query strings.
type captureRT struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (c *captureRT) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.reqs = append(c.reqs, r.Clone(r.Context()))
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

func TestRequestShape(t *testing.T) {
	rt := &captureRT{}
	c, _ := newPair(t, atstest.Options{PageSize: 50}, func(cfg *ats.Config) { cfg.HTTP.Transport = rt })
	ctx := context.Background()
	since := time.Date(2024, 1, 1, 0, 0, 10, 0, time.UTC)
	if err := c.ListApplications(ctx, ats.ListOptions{UpdatedAfter: since}, func([]ats.Application) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := c.ListJobs(ctx, ats.ListOptions{}, func([]ats.Job) error { return nil }); err != nil {
		t.Fatal(err)
	}
	r := rt.reqs[0]
	q := r.URL.Query()
	if r.Header.Get("Authorization") != "Token token="+apiKey || r.Header.Get("X-Api-Version") != teamtailor.APIVersion {
		t.Fatalf("headers %v", r.Header)
	}
	if q.Get("page[size]") != "30" || q.Get("page[number]") != "1" || q.Get("filter[updated-at][from]") != "2024-01-01T00:00:10.000Z" ||
		q.Get("include") != "candidate,job,stage,reject-reason" {
		t.Fatalf("query %v (page size must be capped at 30)", q)
	}
	var sawJobs bool
	for _, r := range rt.reqs {
		if r.URL.Path == "/v1/jobs" {
			sawJobs = true
			if r.URL.Query().Get("filter[status]") != "all" {
				t.Fatalf("jobs query %v", r.URL.Query())
			}
		}
	}
	if !sawJobs {
		t.Fatal("no /jobs request")
	}
}

func TestReadMapping(t *testing.T) {
	c, f := newPair(t, atstest.Options{PageSize: 4}, nil)
	ctx := context.Background()
	jobs := atstest.All(t, c.ListJobs)
	if len(jobs) != 4 {
		t.Fatalf("%d jobs (filter[status]=all must return every status)", len(jobs))
	}
	want := []ats.JobStatus{ats.JobOpen, ats.JobOpen, ats.JobArchived, ats.JobDraft}
	for i, j := range jobs {
		if j.Status != want[i] {
			t.Errorf("job %d status %s, want %s", i, j.Status, want[i])
		}
	}
	j0 := jobs[0]
	if len(j0.ScreeningQuestions) != 2 || j0.ScreeningQuestions[0].Type != ats.QuestionText ||
		j0.ScreeningQuestions[1].Type != ats.QuestionMultiChoice || len(j0.ScreeningQuestions[1].Options) != 2 ||
		j0.ScreeningQuestions[1].Options[0].Label != "Go" {
		t.Fatalf("questions = %+v", j0.ScreeningQuestions)
	}
	if len(jobs[1].ScreeningQuestions) != 0 || len(jobs[2].ScreeningQuestions) != 0 {
		t.Fatal("questions on a job without them, or on an archived job")
	}
	if !strings.Contains(j0.DescriptionText, "Go engineer & more") || strings.Contains(j0.DescriptionText, "<") || j0.CreatedAt.IsZero() {
		t.Fatalf("job = %+v", j0)
	}
	stages := atstest.All(t, c.ListStages)
	if len(stages) != 16 || stages[0].Kind != ats.StageKindInbox || stages[1].Kind != ats.StageKindActive || stages[3].Kind != ats.StageKindHired ||
		stages[3].Order != 3 || stages[0].JobID != fake.JobID(0) || stages[4].JobID != fake.JobID(1) {
		t.Fatalf("stages = %+v", stages)
	}
	apps := map[string]ats.Application{}
	if err := c.ListApplications(ctx, ats.ListOptions{}, func(p []ats.Application) error {
		for _, a := range p {
			apps[a.ID] = a
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if a := apps[fake.ApplicationID(5)]; a.Status != ats.ApplicationRejected || a.RejectionReasonID == "" || a.RejectionReasonName != "Reason 0" || a.RejectedAt.IsZero() {
		t.Errorf("rejected: %+v", a)
	}
	if a := apps[fake.ApplicationID(7)]; a.Status != ats.ApplicationHired || a.StageName != "Hired" {
		t.Errorf("hired: %+v", a)
	}
	if a := apps[fake.ApplicationID(0)]; a.Status != ats.ApplicationActive || a.StageName != "Inbox" || a.JobID != fake.JobID(0) ||
		a.CandidateID != fake.CandidateID(0) || a.AppliedAt.IsZero() {
		t.Errorf("active: %+v", a)
	}
	cands := atstest.All(t, c.ListCandidates)
	if cands[0].FirstName != "First0" || len(cands[0].Emails) != 1 || len(cands[0].Phones) != 1 || len(cands[1].Phones) != 0 ||
		len(cands[0].Tags) != 1 || cands[0].Tags[0].Name != "tag-0" || cands[0].UpdatedAt.IsZero() {
		t.Fatalf("candidates[0:2] = %+v", cands[:2])
	}
	var tags []string
	if err := c.ListTags(ctx, ats.ListOptions{}, func(p []ats.Tag) error {
		for _, x := range p {
			tags = append(tags, x.Name)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	slices.Sort(tags)
	if !slices.Equal(tags, []string{"tag-0", "tag-1", "tag-2", "tag-3"}) {
		t.Fatalf("tags %v", tags)
	}
	_ = f
}

// TestDocSamples decodes the documented example responses (testdata/).
func TestDocSamples(t *testing.T) {
	files := map[string]string{"/v1/candidates": "testdata/candidates.json", "/v1/job-applications": "testdata/job-applications.json"}
	var mu sync.Mutex
	calls := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls[r.URL.Path]++
		mu.Unlock()
		w.Header().Set("Content-Type", teamtailor.MediaType)
		if r.URL.Query().Get("page[number]") != "1" {
			fmt.Fprint(w, `{"data":[],"meta":{"record-count":0,"page-count":1},"links":{}}`)
			return
		}
		b, err := os.ReadFile(files[r.URL.Path])
		if err != nil {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(b)
	}))
	defer srv.Close()
	c, err := teamtailor.New(ats.Config{BaseURL: srv.URL + "/v1", APIKey: apiKey, RateLimit: ats.RateLimit{Requests: 1000, Per: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	cands := atstest.All(t, c.ListCandidates)
	if len(cands) != 2 || cands[0].ID != "576" || cands[0].FirstName != "John" || cands[0].LastName != "Doe" ||
		!slices.Equal(cands[0].Emails, []string{"candidate@example.com"}) || !slices.Equal(cands[0].Phones, []string{"07000000000"}) ||
		len(cands[1].Phones) != 0 || cands[0].UpdatedAt.Format(time.RFC3339Nano) != "2015-04-25T19:50:02.378Z" || len(cands[0].Raw) == 0 {
		t.Fatalf("candidates %+v", cands)
	}
	apps := atstest.All(t, c.ListApplications)
	if len(apps) != 2 || apps[0].ID != "1337" || apps[0].Status != ats.ApplicationRejected || apps[0].RejectedAt.IsZero() || apps[0].UpdatedAt.IsZero() {
		t.Fatalf("applications %+v", apps)
	}
	// Without ?include linkage the sample names no candidate: documented
	// responses omit relationship data unless included.
	if apps[0].CandidateID != "" {
		t.Fatalf("candidate id from a sample without linkage: %q", apps[0].CandidateID)
	}
	if calls["/v1/candidates"] != 2 || calls["/v1/job-applications"] != 2 {
		t.Fatalf("calls %v: paging must stop at an empty page", calls)
	}
}

func TestPagingStopsAtPageCount(t *testing.T) {
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n++
		// links.next always set (as in the documented candidates example):
		// meta.page-count ends the listing.
		fmt.Fprintf(w, `{"data":[{"id":"%d","type":"users","attributes":{"name":"U","email":"u@example.com"}}],"meta":{"record-count":3,"page-count":3},"links":{"next":"https://api.teamtailor.com/v1/users"}}`, n)
	}))
	defer srv.Close()
	c, _ := teamtailor.New(ats.Config{BaseURL: srv.URL + "/v1", APIKey: apiKey, RateLimit: ats.RateLimit{Requests: 1000, Per: time.Second}})
	users := atstest.All(t, c.ListUsers)
	if n != 3 || len(users) != 3 {
		t.Fatalf("%d requests, %d users; want 3 and 3", n, len(users))
	}
}

func TestRateLimitHeaders(t *testing.T) {
	var hits int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
		w.Header().Set("X-Rate-Limit-Limit", "50")
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		w.Header().Set("X-Rate-Limit-Reset", "2")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"errors":[{"status":"429","title":"Too Many Requests"}]}`)
	}))
	defer srv.Close()
	c, _ := teamtailor.New(ats.Config{BaseURL: srv.URL + "/v1", APIKey: apiKey, ActingUserID: "1"})
	start := time.Now()
	_, err := c.MoveToStage(context.Background(), ats.StageMove{ApplicationID: "1", ToStageID: "2"})
	if d, ok := ats.RetryAfter(err); !ok || d != 2*time.Second || !ats.IsTransient(err) || hits != 1 {
		t.Fatalf("err = %v (retry after %v), hits %d; want a 2 s hint from X-Rate-Limit-Reset and no retry", err, d, hits)
	}
	// The limiter read X-Rate-Limit-Remaining: 0 and -Reset: 2 (aliased)
	// and pauses the next request.
	_, _ = c.MoveToStage(context.Background(), ats.StageMove{ApplicationID: "1", ToStageID: "2"})
	if el := time.Since(start); el < 1500*time.Millisecond {
		t.Fatalf("second request after %v; the X-Rate-Limit-Reset pause was ignored", el)
	}
}

func TestWritesNeedActingUser(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, func(c *ats.Config) { c.ActingUserID = "" })
	s := f.Samples()
	before := f.Requests()
	ctx := context.Background()
	var errs []error
	_, err := c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID, Body: "x"})
	errs = append(errs, err)
	_, err = c.AddResultLink(ctx, ats.ResultLink{CandidateID: s.CandidateID, URL: "https://x"})
	errs = append(errs, err)
	_, err = c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID, Note: "n"})
	errs = append(errs, err)
	atstest.WantNeedsActingUser(t, f, before, errs, "acting user")
	// Writes that carry no user work without one.
	if _, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID}); err != nil {
		t.Fatal(err)
	}
}

func TestWriteValidation(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	cases := map[string]error{}
	_, cases["note without candidate or application"] = c.AddNote(ctx, ats.Note{Body: "x"})
	_, cases["empty note"] = c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID})
	_, cases["attachment bytes only"] = c.AddAttachment(ctx, ats.Attachment{CandidateID: s.CandidateID, Name: "a.pdf", Data: []byte("%PDF")})
	_, cases["attachment relative URL"] = c.AddAttachment(ctx, ats.Attachment{CandidateID: s.CandidateID, Name: "a.pdf", URL: "/r/a.pdf"})
	_, cases["link without URL"] = c.AddResultLink(ctx, ats.ResultLink{CandidateID: s.CandidateID})
	_, cases["move without stage"] = c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID})
	_, cases["tag without name"] = c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID})
	atstest.WantInvalidInput(t, f, cases)
	// A vendor 422 keeps Teamtailor's message and field.
	_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: "no-such-stage"})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || !strings.Contains(ats.VendorMessage(err), "must be a stage of the job") || len(iie.Fields) != 1 || iie.Fields[0].Field != "stage" {
		t.Fatalf("bad stage: %v (%+v)", err, iie)
	}
}

func TestWriteEffects(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	// Note by application only: the candidate is looked up.
	res, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "hello"})
	if err != nil || res.RemoteID == "" {
		t.Fatalf("note: %+v %v", res, err)
	}
	if n := f.Notes(); len(n) != 1 || n[0].CandidateID != s.CandidateID || n[0].UserID != actor {
		t.Fatalf("notes %+v", n)
	}
	// Attachment name from the URL when none is given.
	if _, err := c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, URL: "https://hireloop.example/r/t0k/report.pdf?sig=1"}); err != nil {
		t.Fatal(err)
	}
	if u := f.Uploads(); len(u) != 1 || u[0].FileName != "report.pdf" || u[0].CandidateID != s.CandidateID || !strings.HasSuffix(u[0].URL, "?sig=1") {
		t.Fatalf("uploads %+v", u)
	}
	if _, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID}); err != nil {
		t.Fatal(err)
	}
	res, err = c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID})
	if err != nil || len(res.Warnings) != 0 {
		t.Fatalf("reject: %+v %v", res, err)
	}
	var got ats.Application
	if err := c.ListApplications(ctx, ats.ListOptions{}, func(p []ats.Application) error {
		for _, a := range p {
			if a.ID == s.ApplicationID {
				got = a
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got.StageID != s.OtherStageID || got.Status != ats.ApplicationRejected || got.RejectionReasonID != s.RejectionReasonID {
		t.Fatalf("after writes: %+v", got)
	}
	// Adding a tag keeps the others and is a no-op when present.
	f.SetCandidateTags(s.CandidateID, []string{"a", "Hireloop"})
	f.ResetWrites()
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "hireloop"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Writes()); n != 0 {
		t.Fatalf("present tag written again (%d writes)", n)
	}
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, TagID: "new"}); err != nil {
		t.Fatal(err)
	}
	if cd, _ := f.Candidate(s.CandidateID); !slices.Equal(cd.Tags, []string{"a", "Hireloop", "new"}) {
		t.Fatalf("tags %v", cd.Tags)
	}
}

func TestRejectWithoutReason(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	if _, err := c.Reject(context.Background(), ats.Rejection{ApplicationID: s.ApplicationID}); err != nil {
		t.Fatal(err)
	}
	w := f.Writes()
	if len(w) != 1 || w[0].Method != "PATCH" || bytes.Contains(w[0].Body, []byte("reject-reason")) || attrOf(w[0].JSON(), "rejected-at") == nil {
		t.Fatalf("writes %+v", w)
	}
	if a, _ := f.Application(s.ApplicationID); a.RejectedAt.IsZero() || a.ReasonID != "" {
		t.Fatalf("application %+v", a)
	}
}

func TestLookupFailures(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	f.FailLookups(100)
	_, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "x"})
	if !errors.Is(err, ats.ErrUnavailable) || len(f.Writes()) != 0 {
		t.Fatalf("tag: err = %v, writes = %d", err, len(f.Writes()))
	}
	_, err = c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "x"})
	if !errors.Is(err, ats.ErrUnavailable) || len(f.Writes()) != 0 {
		t.Fatalf("note: err = %v, writes = %d", err, len(f.Writes()))
	}
	// The rejection stands when only its note's look-up fails.
	res, err := c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID, Note: "n"})
	if err != nil || len(res.Warnings) != 1 || len(f.Writes()) != 1 {
		t.Fatalf("reject: %+v %v writes %d", res, err, len(f.Writes()))
	}
	f.FailLookups(0)
	// A transient look-up failure is retried (it is a read).
	f.FailLookups(1)
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "x"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AddTag(ctx, ats.TagAssignment{CandidateID: "404", Name: "x"})
	if !errors.Is(err, ats.ErrNotFound) {
		t.Fatalf("unknown candidate: %v", err)
	}
}

func TestHasWrite(t *testing.T) {
	c, f := newPair(t, atstest.Options{PageSize: 2}, nil)
	s := f.Samples()
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		if _, err := c.AddNote(ctx, ats.Note{CandidateID: fake.CandidateID(i), Body: fmt.Sprintf("note %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.AddResultLink(ctx, ats.ResultLink{CandidateID: s.CandidateID, URL: "https://hireloop.example/r/mark-123"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		a      ats.WriteAction
		cand   string
		app    string
		marker string
		want   bool
	}{
		{ats.ActionResultLink, s.CandidateID, "", "mark-123", true},
		{ats.ActionResultLink, "", s.ApplicationID, "mark-123", true},
		{ats.ActionNote, fake.CandidateID(1), "", "mark-123", false},
		{ats.ActionNote, fake.CandidateID(2), "", "note 2", true},
		{ats.ActionAddTag, s.CandidateID, "", "x", false},
	} {
		got, err := c.HasWrite(ctx, tc.a, tc.cand, tc.app, tc.marker)
		if err != nil || got != tc.want {
			t.Errorf("HasWrite(%s, %q, %q, %q) = %v, %v; want %v", tc.a, tc.cand, tc.app, tc.marker, got, err, tc.want)
		}
	}
	if _, err := c.HasWrite(ctx, ats.ActionAttachment, s.CandidateID, "", "x"); !errors.Is(err, ats.ErrUnsupported) {
		t.Fatalf("attachment check: %v", err)
	}
}

func TestTestConnection(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, func(c *ats.Config) { c.ActingUserID = "999999" })
	if err := c.Test(context.Background()); !errors.Is(err, ats.ErrNotConfigured) {
		t.Fatalf("unknown acting user: %v", err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/candidates" {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"errors":[{"status":"403","title":"Forbidden"}]}`)
			return
		}
		fmt.Fprint(w, `{"data":[],"meta":{"record-count":0,"page-count":0},"links":{}}`)
	}))
	defer srv.Close()
	c2, _ := teamtailor.New(ats.Config{BaseURL: srv.URL + "/v1", APIKey: apiKey})
	err := c2.Test(context.Background())
	if !errors.Is(err, ats.ErrForbidden) || !strings.Contains(err.Error(), "Admin") {
		t.Fatalf("public key: %v", err)
	}
}

// ---- webhooks ----

func signAt(body []byte, secret string, t time.Time) http.Header { return fake.SignV2(body, secret, t) }

func TestWebhookSignature(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, nil)
	const secret = "tt-signature-key"
	sample, err := os.ReadFile("testdata/webhook-job-update.json")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if err := c.VerifyWebhook(signAt(sample, secret, now), sample, secret); err != nil {
		t.Fatalf("docs sample (pretty-printed payload) signed over its payload bytes: %v", err)
	}
	// Teamtailor's JavaScript example signs JSON.stringify(payload): the
	// compact form of a pretty-printed payload is accepted as well.
	var m struct {
		Payload json.RawMessage `json:"payload"`
	}
	_ = json.Unmarshal(sample, &m)
	var compact bytes.Buffer
	_ = json.Compact(&compact, m.Payload)
	mac := ats.HMACSHA256(secret, teamtailor.SignedBytes(now.Unix(), compact.Bytes()))
	h := http.Header{"Tt-Signature": {base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("t=%d,v2=%x", now.Unix(), mac)))}}
	if err := c.VerifyWebhook(h, sample, secret); err != nil {
		t.Fatalf("compact-payload signature: %v", err)
	}
	// Signature over the whole raw body (the reference's reading) too.
	mac = ats.HMACSHA256(secret, teamtailor.SignedBytes(now.Unix(), sample))
	h = http.Header{"Tt-Signature": {base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("t=%d,v2=%x", now.Unix(), mac)))}}
	if err := c.VerifyWebhook(h, sample, secret); err != nil {
		t.Fatalf("raw-body signature: %v", err)
	}
	bad := map[string]http.Header{
		"stale (6 min old)":        signAt(sample, secret, now.Add(-6*time.Minute)),
		"from the future (6 min)":  signAt(sample, secret, now.Add(6*time.Minute)),
		"v1 legacy in the header":  {"Tt-Signature": {"YzU1N2FhOTUwMjlkNTFiMGM5NjIxNTEyODc5NGY5ZjgxZWNkMmNkZTZhNmIxYmI2YmM3NmVmYmQ1ZGZiMDg0Zg=="}},
		"not base64":               {"Tt-Signature": {"t=1,v2=zz"}},
		"missing":                  {},
		"timestamp swapped":        swapTS(signAt(sample, secret, now), now.Unix()+1),
		"lower-case header, wrong": {"tt-signature": {"dD0xLHYyPWFi"}},
	}
	for name, h := range bad {
		if err := c.VerifyWebhook(h, sample, secret); !errors.Is(err, ats.ErrInvalidSignature) {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Within tolerance is fine.
	if err := c.VerifyWebhook(signAt(sample, secret, now.Add(-4*time.Minute)), sample, secret); err != nil {
		t.Fatalf("4 min old: %v", err)
	}
	// The v1 value in the sample body is the documented legacy HMAC of
	// data.id; it is not accepted in place of v2.
	v1 := fmt.Sprintf("%x", ats.HMACSHA256(secret, []byte("2")))
	if err := c.VerifyWebhook(http.Header{"Tt-Signature": {base64.StdEncoding.EncodeToString([]byte(v1))}}, sample, secret); !errors.Is(err, ats.ErrInvalidSignature) {
		t.Fatalf("v1 accepted: %v", err)
	}
}

// swapTS replaces the signed timestamp with ts, keeping the MAC.
func swapTS(h http.Header, ts int64) http.Header {
	dec, _ := base64.StdEncoding.DecodeString(h.Get("TT-Signature"))
	_, mac, _ := strings.Cut(string(dec), ",")
	return http.Header{"Tt-Signature": {base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("t=%d,%s", ts, mac)))}}
}

func TestParseWebhook(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, nil)
	sample, _ := os.ReadFile("testdata/webhook-job-update.json")
	ev, err := c.ParseWebhook(nil, sample)
	if err != nil || ev.JobID != "2" || ev.Type != "job.update" || !ev.Changed(ats.ModelJobs) || ev.Ping || !strings.HasPrefix(ev.ID, "sha256:") {
		t.Fatalf("job.update: %+v %v", ev, err)
	}
	app := []byte(`{"payload":{"event_name":"job_application.update","data":{"id":"77","type":"job-applications","attributes":{"job_id":12,"candidate_id":"34","stage_name":"AI Interview"}}},"signature":"s"}`)
	ev, err = c.ParseWebhook(nil, app)
	if err != nil || ev.ApplicationID != "77" || ev.JobID != "12" || ev.CandidateID != "34" || ev.StageChange == nil ||
		ev.StageChange.ToStageName != "AI Interview" || ev.StageChange.ToStageID != "" {
		t.Fatalf("job_application.update: %+v %v", ev, err)
	}
	kebab := []byte(`{"payload":{"event_name":"job_application.update","data":{"id":"78","type":"job-applications","attributes":{"job-id":"12","stage-id":"501","stage-name":"Hired"}}}}`)
	if ev, err = c.ParseWebhook(nil, kebab); err != nil || ev.StageChange == nil || ev.StageChange.ToStageID != "501" {
		t.Fatalf("kebab attributes: %+v %v", ev, err)
	}
	destroy := []byte(`{"payload":{"event_name":"candidate.destroy","data":{"id":"9","type":"candidates"}}}`)
	if ev, err = c.ParseWebhook(nil, destroy); err != nil || ev.CandidateID != "9" || !ev.Changed(ats.ModelApplications) {
		t.Fatalf("candidate.destroy: %+v %v", ev, err)
	}
	unknown := []byte(`{"payload":{"event_name":"department.update","data":{"id":"1","type":"departments"}}}`)
	if ev, err = c.ParseWebhook(nil, unknown); err != nil || len(ev.Models) != 0 {
		t.Fatalf("unknown event: %+v %v", ev, err)
	}
	if _, err := c.ParseWebhook(nil, []byte(`{"signature":"x"}`)); !errors.Is(err, ats.ErrMalformedResponse) {
		t.Fatalf("no payload: %v", err)
	}
}

func BenchmarkSync10k(b *testing.B) {
	window := atstest.BenchWindow(b, 200*time.Millisecond)
	atstest.BenchFloor(b, harness(), 10_000, ats.RateLimit{Requests: teamtailor.DefaultRateLimit.Requests, Per: window}, teamtailor.MaxPageSize, 1.2)
}
