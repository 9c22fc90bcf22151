package recruitee_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/recruitee"
	"github.com/hireloop/hireloop/ats/recruitee/fake"
)

const token = "recruitee-personal-token-0123"

func newPair(t testing.TB, o atstest.Options, mod func(*ats.Config)) (*recruitee.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	if o.Applications > 0 {
		seed.Candidates, seed.ExtraPlacements = o.Applications, 0
	}
	f := fake.New(token, seed)
	t.Cleanup(f.Close)
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.IntegrationID, cfg.APIKey = f.Server.URL+"/c/{company_id}", fake.CompanyID, token
	return atstest.Connect(t, recruitee.New, cfg, mod), f
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func harness(t testing.TB) atstest.Harness {
	return atstest.Harness{
		Name: recruitee.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPair(t, o, nil)
		},
		CheckWrite: checkWrite,
		Webhooks: []atstest.WebhookCase{
			{Name: "candidate moved", Body: readFile(t, "webhook-candidate-moved.json"),
				Want: ats.WebhookEvent{Type: "candidate_moved", ApplicationID: fake.PlacementID(0), CandidateID: fake.CandidateID(0),
					Models: []ats.Model{ats.ModelApplications}, StageChange: &ats.StageChange{ToStageID: "1002"}}},
			{Name: "candidate created", Body: readFile(t, "webhook-candidate-created.json"),
				Want: ats.WebhookEvent{Type: "candidate_created", CandidateID: fake.CandidateID(2),
					Models: []ats.Model{ats.ModelCandidates, ats.ModelApplications}}},
		},
	}
}

func TestConformance(t *testing.T) { atstest.Run(t, harness(t)) }

// BenchmarkSync10k syncs 10,000 placements under the assumed budget of 10
// requests per 6 s, compressed to 10 per 200 ms (HIRELOOP_BENCH_WINDOW
// overrides the window).
//
//	go test -run '^$' -bench Sync10k -benchtime 1x ./ats/recruitee/
func BenchmarkSync10k(b *testing.B) {
	atstest.BenchFloor(b, harness(b), 10_000,
		ats.RateLimit{Requests: recruitee.DefaultRateLimit.Requests, Per: atstest.BenchWindow(b, 200*time.Millisecond)},
		recruitee.MaxPageSize, 1.2)
}

func checkWrite(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	for _, r := range reqs {
		if r.Header.Get("Authorization") != "Bearer "+token {
			t.Errorf("%s %s without the bearer token", r.Method, r.Path)
		}
		if r.Query != "" {
			t.Errorf("%s %s has a query %q (Recruitee has no acting-user parameter)", r.Method, r.Path, r.Query)
		}
	}
	base := "/c/" + fake.CompanyID
	first := reqs[0]
	noteBody := func(r atstest.RecordedRequest) string {
		n, _ := r.JSON()["note"].(map[string]any)
		vis, _ := n["visibility"].(map[string]any)
		if vis["level"] != "public" {
			t.Errorf("note visibility = %v", n["visibility"])
		}
		s, _ := n["body"].(string)
		return s
	}
	switch a {
	case ats.ActionResultLink:
		l := in.(ats.ResultLink)
		if len(reqs) != 1 || first.Method != "POST" || first.Path != base+"/candidates/"+l.CandidateID+"/notes" {
			t.Fatalf("result link %s %s", first.Method, first.Path)
		}
		if got := noteBody(first); got != "hireloop interview: https://hireloop.example/r/abc\nScore: 82%" {
			t.Fatalf("result note %q", got)
		}
	case ats.ActionNote:
		n := in.(ats.Note)
		if len(reqs) != 1 || first.Method != "POST" || first.Path != base+"/candidates/"+n.CandidateID+"/notes" || noteBody(first) != n.Body {
			t.Fatalf("note %s %s %s", first.Method, first.Path, first.Body)
		}
	case ats.ActionAttachment:
		at := in.(ats.Attachment)
		if len(reqs) != 1 || first.Method != "POST" || first.Path != base+"/attachments" {
			t.Fatalf("attachment %s %s", first.Method, first.Path)
		}
		mr := atstest.Multipart(t, first)
		p, id := atstest.NextPart(t, mr)
		if p.FormName() != "attachment[candidate_id]" || string(id) != at.CandidateID {
			t.Fatalf("first part %q = %q", p.FormName(), id)
		}
		atstest.WantFilePart(t, mr, "attachment[file]", at)
	case ats.ActionMoveStage:
		m := in.(ats.StageMove)
		if len(reqs) != 1 || first.Method != "PATCH" || first.Path != base+"/placements/"+m.ApplicationID+"/change_stage" ||
			string(first.Body) != `{"stage_id":`+m.ToStageID+`}` {
			t.Fatalf("move %s %s %s", first.Method, first.Path, first.Body)
		}
	case ats.ActionReject:
		r := in.(ats.Rejection)
		if first.Method != "PATCH" || first.Path != base+"/placements/"+r.ApplicationID+"/disqualify" ||
			string(first.Body) != `{"disqualify_reason_id":`+r.ReasonID+`}` {
			t.Fatalf("disqualify %s %s %s", first.Method, first.Path, first.Body)
		}
		// The note goes to the candidate the disqualify answer names.
		if len(reqs) != 2 || reqs[1].Path != base+"/candidates/"+fake.CandidateID(0)+"/notes" || noteBody(reqs[1]) != r.Note {
			t.Fatalf("rejection note %+v", reqs)
		}
	case ats.ActionAddTag:
		tg := in.(ats.TagAssignment)
		if len(reqs) != 1 || first.Method != "PATCH" || first.Path != base+"/bulk/candidates/tags" ||
			string(first.Body) != `{"candidates":[`+tg.CandidateID+`],"tags":["`+tg.Name+`"]}` {
			t.Fatalf("tag %s %s %s", first.Method, first.Path, first.Body)
		}
	default:
		t.Fatalf("unexpected supported action %s", a)
	}
}

func TestRegistered(t *testing.T) {
	_, cp := atstest.Registered(t, recruitee.Name, ats.Config{APIKey: "k", IntegrationID: "123"})
	atstest.WantNotConfigured(t, recruitee.Name, ats.Config{IntegrationID: "123"})
	if _, err := ats.New(recruitee.Name, ats.Config{APIKey: "k"}); !errors.Is(err, ats.ErrNotConfigured) ||
		!strings.Contains(err.Error(), "company id") {
		t.Fatalf("missing company id: %v", err)
	}
	if cp.StageScope != ats.StagesPerJob || cp.ActingUserRequired ||
		cp.Writes[ats.ActionAttachment].Transport != ats.TransportMultipart || cp.DefaultRateLimit != recruitee.DefaultRateLimit ||
		cp.Webhooks.SignatureHeader != "X-Recruitee-Signature" || cp.Webhooks.Setup != "ui" {
		t.Fatalf("declared = %+v (%v)", cp, cp.Validate())
	}
	for _, a := range ats.AllActions {
		if !cp.Supports(a) {
			t.Errorf("%s not supported", a)
		}
	}
	for m, inc := range cp.Incremental {
		if inc {
			t.Errorf("model %s declared incremental; Recruitee reads are full scans", m)
		}
	}
}

// The company id goes into the base URL: the placeholder, a proxy root, or
// a base that already names the company.
func TestCompanyBaseURL(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"disqualify_reasons":[]}`))
	}))
	defer srv.Close()
	for _, base := range []string{srv.URL + "/c/{company_id}", srv.URL, srv.URL + "/c/77"} {
		c, err := recruitee.New(ats.Config{APIKey: "k", IntegrationID: "77", BaseURL: base})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.ListRejectionReasons(context.Background(), ats.ListOptions{}, func([]ats.RejectionReason) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range got {
		if p != "/c/77/disqualify_reasons" {
			t.Fatalf("paths = %v", got)
		}
	}
	if _, err := recruitee.New(ats.Config{APIKey: "k", BaseURL: srv.URL + "/c/{company_id}"}); !errors.Is(err, ats.ErrNotConfigured) {
		t.Fatalf("placeholder without company id: %v", err)
	}
}

func TestReadMapping(t *testing.T) {
	c, f := newPair(t, atstest.Options{PageSize: 4}, nil)
	jobs := atstest.All(t, c.ListJobs)
	byID := map[string]ats.Job{}
	for _, j := range jobs {
		byID[j.ID] = j
	}
	j0, j1, j2 := byID[fake.OfferID(0)], byID[fake.OfferID(1)], byID[fake.OfferID(2)]
	if j0.Status != ats.JobOpen || j1.Status != ats.JobClosed || j2.Status != ats.JobOpen {
		t.Fatalf("statuses %s %s %s", j0.Status, j1.Status, j2.Status)
	}
	// Offer 2 is listed without description or pipeline: completed from GET /offers/{id}.
	for _, j := range []ats.Job{j0, j2} {
		if !strings.Contains(j.DescriptionText, "Go engineer & more") || !strings.Contains(j.DescriptionText, "5 years of Go") ||
			strings.Contains(j.DescriptionText, "<") || len(j.Stages) != 4 || j.Department != "Research & Development" ||
			j.Location != "Amsterdam, Netherlands" || j.CreatedAt.IsZero() {
			t.Fatalf("job %s = %+v", j.ID, j)
		}
		if len(j.ScreeningQuestions) != 2 || j.ScreeningQuestions[0].Type != ats.QuestionLongText || !j.ScreeningQuestions[0].Required ||
			j.ScreeningQuestions[1].Type != ats.QuestionSingleChoice || len(j.ScreeningQuestions[1].Options) != 2 ||
			j.ScreeningQuestions[1].Options[0].Label != "Yes" {
			t.Fatalf("questions = %+v", j.ScreeningQuestions)
		}
	}
	st := j0.Stages
	if st[0].Name != "Applied" || st[0].Kind != ats.StageKindInbox || st[2].Name != "AI Interview" || st[2].Kind != ats.StageKindActive ||
		st[3].Order != 3 || st[0].JobID != j0.ID {
		t.Fatalf("stages = %+v", st)
	}

	apps := atstest.All(t, c.ListApplications)
	if len(apps) != f.Expect().Applications {
		t.Fatalf("applications = %d", len(apps))
	}
	for _, a := range apps {
		switch a.ID {
		case fake.PlacementID(5):
			if a.Status != ats.ApplicationRejected || a.RejectionReasonID != fake.ReasonID(0) || a.RejectionReasonName != "Reason 0" || a.RejectedAt.IsZero() {
				t.Errorf("disqualified: %+v", a)
			}
		case fake.PlacementID(7):
			if a.Status != ats.ApplicationHired || a.RejectionReasonID != "" {
				t.Errorf("hired: %+v", a)
			}
		case fake.PlacementID(0):
			if a.Status != ats.ApplicationActive || a.JobID != fake.OfferID(0) || a.CandidateID != fake.CandidateID(0) ||
				a.StageID != fake.StageID(0, 0) || a.AppliedAt.IsZero() {
				t.Errorf("active: %+v", a)
			}
		}
	}
	cands := atstest.All(t, c.ListCandidates)
	cd := cands[0]
	if cd.FirstName != "First0" || cd.LastName != "Last0" || !slices.Equal(cd.Emails, []string{"cand0@example.com"}) ||
		len(cd.Phones) != 1 || len(cd.Tags) != 1 || cd.Tags[0].ID != "tag-0" || cd.UpdatedAt.IsZero() {
		t.Fatalf("candidate = %+v", cd)
	}
	tags := atstest.All(t, c.ListTags)
	if tags[0].ID != "tag-0" || tags[0].Name != "tag-0" || tags[0].RemoteID != "30" {
		t.Fatalf("tags = %+v", tags)
	}
	users := atstest.All(t, c.ListUsers)
	if users[0].ID != fake.AdminID(0) || users[0].Name != "Admin0 Person" || users[0].Email != "admin0@example.com" {
		t.Fatalf("users = %+v", users)
	}
}

// Alternative shapes some Recruitee endpoints are reported to use:
// phones/emails as objects, a stage object on the placement, a bare
// disqualify_reason name, first/last names.
func TestAlternativeShapes(t *testing.T) {
	srv := staticServer(t, map[string]string{
		"/c/1/candidates": `{"candidates":[{"id":1,"first_name":"Ada","last_name":"Lovelace","emails":[{"email":"ada@x.io"}],
			"phones":[{"value":"+44 1"}],"tags":[{"id":3,"name":"vip"}],"updated_at":"2026-01-02T03:04:05Z",
			"placements":[{"id":9,"offer_id":2,"stage":{"id":5,"name":"Offer"},"disqualify_reason":"Too far","disqualified_at":"2026-01-03T00:00:00Z"}]}]}`,
	})
	c, err := recruitee.New(ats.Config{APIKey: "k", IntegrationID: "1", BaseURL: srv})
	if err != nil {
		t.Fatal(err)
	}
	var cands []ats.Candidate
	var apps []ats.Application
	ctx := context.Background()
	if err := c.ListCandidates(ctx, ats.ListOptions{}, func(p []ats.Candidate) error { cands = p; return nil }); err != nil {
		t.Fatal(err)
	}
	if err := c.ListApplications(ctx, ats.ListOptions{}, func(p []ats.Application) error { apps = p; return nil }); err != nil {
		t.Fatal(err)
	}
	cd, a := cands[0], apps[0]
	if cd.FirstName != "Ada" || cd.Emails[0] != "ada@x.io" || cd.Phones[0] != "+44 1" || cd.Tags[0].Name != "vip" {
		t.Fatalf("candidate = %+v", cd)
	}
	if a.CandidateID != "1" || a.StageID != "5" || a.StageName != "Offer" || a.Status != ats.ApplicationRejected ||
		a.RejectionReasonName != "Too far" || a.UpdatedAt.IsZero() {
		t.Fatalf("application = %+v", a)
	}
}

// staticServer answers GETs from routes (one short page each) and returns
// its base URL.
func staticServer(t *testing.T, routes map[string]string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		b, ok := routes[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			b = `{"error":"Not found"}`
		}
		_, _ = w.Write([]byte(b))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// An endpoint that ignores limit and returns everything is read once; one
// that honours limit but ignores offset is a paging loop, not an endless
// sync.
func TestPagingSafetyNets(t *testing.T) {
	var requests int
	rows := `{"admins":[{"id":1},{"id":2},{"id":3}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/c/1/disqualify_reasons" {
			_, _ = w.Write([]byte(`{"disqualify_reasons":[{"id":1,"name":"a"},{"id":2,"name":"b"}]}`))
			return
		}
		_, _ = w.Write([]byte(rows))
	}))
	defer srv.Close()
	c, err := recruitee.New(ats.Config{APIKey: "k", IntegrationID: "1", BaseURL: srv.URL, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := c.ListUsers(context.Background(), ats.ListOptions{}, func(p []ats.User) error { n += len(p); return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 3 || requests != 1 {
		t.Fatalf("limit ignored: %d users in %d requests", n, requests)
	}
	err = c.ListRejectionReasons(context.Background(), ats.ListOptions{}, func([]ats.RejectionReason) error { return nil })
	if !errors.Is(err, ats.ErrMalformedResponse) || !strings.Contains(err.Error(), "paging loop") {
		t.Fatalf("offset ignored: %v", err)
	}
}

func TestWriteValidation(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	cases := map[string]error{}
	_, cases["reject without reason"] = c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID})
	_, cases["note without candidate"] = c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "x"})
	_, cases["empty note"] = c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID, Body: " "})
	_, cases["attachment by URL only"] = c.AddAttachment(ctx, ats.Attachment{CandidateID: s.CandidateID, Name: "a.pdf", URL: "https://x/a.pdf"})
	_, cases["link without URL"] = c.AddResultLink(ctx, ats.ResultLink{CandidateID: s.CandidateID})
	_, cases["move without stage"] = c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID})
	_, cases["tag without name"] = c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID})
	atstest.WantInvalidInput(t, f, cases)
	// A vendor 422 keeps Recruitee's message.
	_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: fake.StageID(1, 0)})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || ats.VendorMessage(err) != "Stage must belong to the placement's offer" {
		t.Fatalf("stage of another offer: %v", err)
	}
	_, err = c.AddNote(ctx, ats.Note{CandidateID: "999", Body: "x"})
	if !errors.Is(err, ats.ErrNotFound) || ats.VendorMessage(err) != "Candidate not found" {
		t.Fatalf("unknown candidate: %v", err)
	}
}

func TestWriteEffects(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	if _, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID}); err != nil {
		t.Fatal(err)
	}
	res, err := c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID, Note: "no"})
	if err != nil || len(res.Warnings) != 0 {
		t.Fatalf("reject: %+v %v", res, err)
	}
	if p, _ := f.Placement(s.ApplicationID); p.StageID != s.OtherStageID || p.ReasonID != s.RejectionReasonID || p.DisqualifiedAt.IsZero() {
		t.Fatalf("placement = %+v", p)
	}
	res, err = c.AddAttachment(ctx, ats.Attachment{CandidateID: s.CandidateID, Name: `re"port.pdf`, Data: []byte("%PDF")})
	if err != nil || res.RemoteID == "" {
		t.Fatalf("attachment: %+v %v", res, err)
	}
	if as := f.Attachments(); len(as) != 1 || as[0].FileName != `re"port.pdf` || as[0].ContentType != "application/octet-stream" {
		t.Fatalf("attachments = %+v", as)
	}
	res, err = c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID, Body: "hello"})
	if err != nil || res.RemoteID == "" {
		t.Fatalf("note: %+v %v", res, err)
	}
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, TagID: "hireloop"}); err != nil {
		t.Fatal(err)
	}
	if tags := f.CandidateTags(s.CandidateID); !slices.Contains(tags, "hireloop") {
		t.Fatalf("tags = %v", tags)
	}
	apps := atstest.All(t, c.ListApplications)
	for _, a := range apps {
		if a.ID == s.ApplicationID && (a.StageID != s.OtherStageID || a.Status != ats.ApplicationRejected || a.RejectionReasonID != s.RejectionReasonID) {
			t.Fatalf("after writes: %+v", a)
		}
	}
}

// When the disqualify answer names no candidate, the rejection stands and
// the note is reported as a warning (never a second disqualify).
func TestRejectNoteWarning(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.Path)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	c, err := recruitee.New(ats.Config{APIKey: "k", IntegrationID: "1", BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Reject(context.Background(), ats.Rejection{ApplicationID: "9", ReasonID: "5", Note: "bye"})
	if err != nil || len(res.Warnings) != 1 || len(paths) != 1 || paths[0] != "PATCH /c/1/placements/9/disqualify" {
		t.Fatalf("res=%+v err=%v paths=%v", res, err, paths)
	}
}

func TestHasWrite(t *testing.T) {
	c, f := newPair(t, atstest.Options{PageSize: 2}, nil)
	s := f.Samples()
	ctx := context.Background()
	const marker = "hl-7f3a"
	check := func(a ats.WriteAction, want bool) {
		t.Helper()
		got, err := c.HasWrite(ctx, a, s.CandidateID, s.ApplicationID, marker)
		if err != nil || got != want {
			t.Fatalf("HasWrite(%s) = %v, %v; want %v", a, got, err, want)
		}
	}
	check(ats.ActionNote, false)
	check(ats.ActionResultLink, false)
	check(ats.ActionAttachment, false)
	for i := 0; i < 3; i++ { // notes on more than one page
		if _, err := c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID, Body: "other note"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.AddResultLink(ctx, ats.ResultLink{CandidateID: s.CandidateID, URL: "https://hireloop.example/r/" + marker}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddAttachment(ctx, ats.Attachment{CandidateID: s.CandidateID, Name: "report-" + marker + ".pdf", Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	check(ats.ActionNote, true)
	check(ats.ActionResultLink, true)
	check(ats.ActionAttachment, true)
	check(ats.ActionAddTag, false)
	if _, err := c.HasWrite(ctx, ats.ActionMoveStage, s.CandidateID, s.ApplicationID, marker); !errors.Is(err, ats.ErrUnsupported) {
		t.Fatalf("move: %v", err)
	}
	if _, err := c.HasWrite(ctx, ats.ActionNote, "", s.ApplicationID, marker); err == nil {
		t.Fatal("note check without candidate accepted")
	}
}

// ---- webhooks ----

func sign(secret string, body []byte) http.Header {
	return (&fake.Fake{}).SignWebhook(body, secret)
}

func TestWebhookEvents(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, nil)
	const secret = "whsec-recruitee"
	cases := []struct {
		file        string
		typ         string
		app, cand   string
		job         string
		models      []ats.Model
		from, to    string
		toName      string
		wantStageCh bool
	}{
		{"webhook-candidate-moved.json", "candidate_moved", fake.PlacementID(0), fake.CandidateID(0), fake.OfferID(0),
			[]ats.Model{ats.ModelApplications}, "1001", "1002", "AI Interview", true},
		{"webhook-candidate-disqualified.json", "candidate_moved", fake.PlacementID(1), fake.CandidateID(1), fake.OfferID(1),
			[]ats.Model{ats.ModelApplications}, "", "", "", false},
		{"webhook-candidate-created.json", "candidate_created", "", fake.CandidateID(2), fake.OfferID(2),
			[]ats.Model{ats.ModelCandidates, ats.ModelApplications}, "", "", "", false},
	}
	ids := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			body := readFile(t, tc.file)
			h := sign(secret, body)
			if err := c.VerifyWebhook(h, body, secret); err != nil {
				t.Fatalf("genuine: %v", err)
			}
			upper := http.Header{"X-Recruitee-Signature": {strings.ToUpper(h.Get("X-Recruitee-Signature"))}}
			if err := c.VerifyWebhook(upper, body, secret); err != nil {
				t.Fatalf("upper-case hex: %v", err)
			}
			if err := c.VerifyWebhook(h, append(bytes.Clone(body), ' '), secret); !errors.Is(err, ats.ErrInvalidSignature) {
				t.Fatalf("body changed: %v", err)
			}
			if err := c.VerifyWebhook(http.Header{}, body, secret); !errors.Is(err, ats.ErrInvalidSignature) {
				t.Fatalf("unsigned event: %v", err)
			}
			ev, err := c.ParseWebhook(h, body)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Type != tc.typ || ev.ApplicationID != tc.app || ev.CandidateID != tc.cand || ev.JobID != tc.job || ev.Ping ||
				!strings.HasPrefix(ev.ID, "recruitee:") || ids[ev.ID] {
				t.Fatalf("event = %+v", ev)
			}
			ids[ev.ID] = true
			if !slices.Equal(ev.Models, tc.models) {
				t.Errorf("models = %v", ev.Models)
			}
			if tc.wantStageCh != (ev.StageChange != nil) {
				t.Fatalf("stage change = %+v", ev.StageChange)
			}
			if sc := ev.StageChange; sc != nil && (sc.FromStageID != tc.from || sc.ToStageID != tc.to || sc.ToStageName != tc.toName) {
				t.Fatalf("stage change = %+v", sc)
			}
		})
	}
	// A retry (attempt_count changes) keeps the delivery id.
	body := readFile(t, "webhook-candidate-moved.json")
	retry := bytes.Replace(body, []byte(`"attempt_count": 1`), []byte(`"attempt_count": 2`), 1)
	a, _ := c.ParseWebhook(nil, body)
	b, _ := c.ParseWebhook(nil, retry)
	if bytes.Equal(body, retry) || a.ID != b.ID {
		t.Fatalf("retry id %q vs %q", a.ID, b.ID)
	}
	// Job events re-read jobs and stages; unknown events change nothing.
	ev, _ := c.ParseWebhook(nil, []byte(`{"id":1,"event_type":"offer_published","payload":{"offer":{"id":100}}}`))
	if !ev.Changed(ats.ModelJobs) || !ev.Changed(ats.ModelStages) || ev.JobID != "100" {
		t.Fatalf("offer event = %+v", ev)
	}
	ev, _ = c.ParseWebhook(nil, []byte(`{"event_type":"something_new"}`))
	if len(ev.Models) != 0 || !strings.HasPrefix(ev.ID, "sha256:") {
		t.Fatalf("unknown event = %+v", ev)
	}
}

// Recruitee's Test button posts {"test":true} while the webhook is being
// created, before its secret can be stored in hireloop; it must get a 200,
// so an unsigned test ping is accepted and reported as a ping.
func TestWebhookTestPing(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, nil)
	ping := readFile(t, "webhook-test.json")
	h := http.Header{"User-Agent": {"Recruitee-Webhooks"}, "Content-Type": {"application/json"}}
	// The unsigned test ping is answered before verification, with a 200
	// and no secret change: Recruitee creates the webhook only after it.
	resp, ok := c.WebhookHandshake(h, ping)
	if !ok || resp.Status != http.StatusOK || resp.Secret != "" {
		t.Fatalf("test ping handshake = %+v, %v", resp, ok)
	}
	// Verification itself stays strict.
	if err := c.VerifyWebhook(h, ping, ""); !errors.Is(err, ats.ErrWebhookSecretMissing) {
		t.Fatalf("unsigned ping without secret: %v", err)
	}
	if err := c.VerifyWebhook(h, ping, "whsec"); !errors.Is(err, ats.ErrInvalidSignature) {
		t.Fatalf("unsigned ping with secret: %v", err)
	}
	ev, err := c.ParseWebhook(h, ping)
	if err != nil || !ev.Ping || len(ev.Models) != 0 || ev.Type != "test" || ev.ID == "" {
		t.Fatalf("ping = %+v, %v", ev, err)
	}
	// "Test payload" buttons: example data with the test flag is a ping too.
	example := []byte(`{"test":true,"id":1,"event_type":"candidate_moved","payload":{"placement":{"id":5},"details":{"to_stage":{"id":7}}}}`)
	if _, ok := c.WebhookHandshake(h, example); !ok {
		t.Fatal("unsigned test payload not answered")
	}
	if ev, _ := c.ParseWebhook(h, example); !ev.Ping || ev.StageChange != nil || len(ev.Models) != 0 {
		t.Fatalf("test payload = %+v", ev)
	}
	// A signed test ping is verified like any delivery.
	signed := sign("whsec", ping)
	if _, ok := c.WebhookHandshake(signed, ping); ok {
		t.Fatal("signed ping treated as a handshake")
	}
	bad := http.Header{"X-Recruitee-Signature": {strings.Repeat("0", 64)}}
	if err := c.VerifyWebhook(bad, ping, "whsec"); !errors.Is(err, ats.ErrInvalidSignature) {
		t.Fatalf("badly signed ping: %v", err)
	}
	if err := c.VerifyWebhook(signed, ping, "whsec"); err != nil {
		t.Fatalf("signed ping: %v", err)
	}
	// "test": false, or anything else unsigned, is neither a handshake nor genuine.
	for _, body := range [][]byte{[]byte(`{"test":false}`), []byte(`{"event_type":"candidate_moved"}`), []byte(`not json`)} {
		if _, ok := c.WebhookHandshake(h, body); ok {
			t.Errorf("%s answered as a handshake", body)
		}
		if err := c.VerifyWebhook(h, body, "whsec"); !errors.Is(err, ats.ErrInvalidSignature) {
			t.Errorf("%s: %v", body, err)
		}
	}
}

func TestErrorBodies(t *testing.T) {
	bodies := map[string]struct {
		status int
		body   string
		want   string
		kind   error
	}{
		"errors list":   {422, `{"errors":[{"code":"invalid","message":"Stage id is invalid"}]}`, "Stage id is invalid", nil},
		"errors fields": {422, `{"errors":{"stage_id":["can't be blank"]}}`, "stage_id can't be blank", nil},
		"error string":  {403, `{"error":"Company id is invalid"}`, "Company id is invalid", ats.ErrForbidden},
		"message":       {404, `{"message":"Not found"}`, "Not found", ats.ErrNotFound},
	}
	for name, tc := range bodies {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			c, err := recruitee.New(ats.Config{APIKey: "k", IntegrationID: "1", BaseURL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.MoveToStage(context.Background(), ats.StageMove{ApplicationID: "1", ToStageID: "2"})
			if ats.VendorMessage(err) != tc.want {
				t.Fatalf("message %q from %v", ats.VendorMessage(err), err)
			}
			if tc.kind != nil && !errors.Is(err, tc.kind) {
				t.Fatalf("kind: %v", err)
			}
			var iie *ats.InvalidInputError
			if tc.status == 422 && !errors.As(err, &iie) {
				t.Fatalf("422 not invalid input: %v", err)
			}
		})
	}
}

func TestTestReportsBadCompany(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, func(cfg *ats.Config) { cfg.IntegrationID = "999" })
	if err := c.Test(context.Background()); !errors.Is(err, ats.ErrForbidden) || ats.VendorMessage(err) != "Company id is invalid" {
		t.Fatalf("Test with another company = %v", err)
	}
}
