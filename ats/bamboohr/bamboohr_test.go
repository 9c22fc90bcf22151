package bamboohr_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/bamboohr"
	"github.com/hireloop/hireloop/ats/bamboohr/fake"
)

const apiKey = "bamboo-test-key-0123456789"

func newPair(t testing.TB, o atstest.Options, mod func(*ats.Config)) (*bamboohr.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	seed.PageSize = o.PageSize
	if o.Applications > seed.Applicants {
		seed.Applicants = o.Applications
	}
	f := fake.New(apiKey, seed)
	t.Cleanup(f.Close)
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.APIKey = f.URL(), apiKey
	return atstest.Connect(t, bamboohr.New, cfg, mod), f
}

func harness() atstest.Harness {
	return atstest.Harness{
		Name: bamboohr.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPair(t, o, nil)
		},
		CheckWrite: checkWrite,
	}
}

func TestConformance(t *testing.T) { atstest.Run(t, harness()) }

func checkWrite(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	wantAuth := "Basic " + base64.StdEncoding.EncodeToString([]byte(apiKey+":x"))
	for _, r := range reqs {
		if r.Header.Get("Authorization") != wantAuth || r.Header.Get("Accept") != "application/json" ||
			r.Header.Get("Content-Type") != "application/json" || r.Method != http.MethodPost {
			t.Errorf("%s %s: auth %q accept %q content type %q", r.Method, r.Path,
				r.Header.Get("Authorization"), r.Header.Get("Accept"), r.Header.Get("Content-Type"))
		}
	}
	first := reqs[0]
	body := first.JSON()
	app := fake.APIPrefix + "/applicant_tracking/applications/"
	switch a {
	case ats.ActionResultLink:
		l := in.(ats.ResultLink)
		if len(reqs) != 1 || first.Path != app+l.ApplicationID+"/comments" || body["type"] != "comment" ||
			body["comment"] != "hireloop interview: https://hireloop.example/r/abc\nScore: 82%" || len(body) != 2 {
			t.Fatalf("result link %s %s", first.Path, first.Body)
		}
	case ats.ActionNote:
		n := in.(ats.Note)
		if len(reqs) != 1 || first.Path != app+n.ApplicationID+"/comments" || body["type"] != "comment" ||
			body["comment"] != n.Body || len(body) != 2 {
			t.Fatalf("note %s %s", first.Path, first.Body)
		}
	case ats.ActionMoveStage:
		m := in.(ats.StageMove)
		if len(reqs) != 1 || first.Path != app+m.ApplicationID+"/status" || string(first.Body) != `{"status":`+m.ToStageID+`}` {
			t.Fatalf("move %s %s", first.Path, first.Body)
		}
	case ats.ActionReject:
		r := in.(ats.Rejection)
		if first.Path != app+r.ApplicationID+"/status" || string(first.Body) != `{"status":`+r.ReasonID+`}` {
			t.Fatalf("reject %s %s", first.Path, first.Body)
		}
		if len(reqs) != 2 || reqs[1].Path != app+r.ApplicationID+"/comments" || reqs[1].JSON()["comment"] != r.Note {
			t.Fatalf("rejection comment %v", reqs)
		}
	default:
		t.Fatalf("unexpected supported action %s", a)
	}
}

func TestRegistered(t *testing.T) {
	_, cp := atstest.Registered(t, bamboohr.Name, ats.Config{APIKey: "k", BaseURL: "acme"})
	atstest.WantNotConfigured(t, bamboohr.Name, ats.Config{BaseURL: "acme"}, ats.Config{APIKey: "k"},
		ats.Config{APIKey: "k", BaseURL: bamboohr.DefaultBaseURL}, ats.Config{APIKey: "k", BaseURL: "not a domain"},
		ats.Config{APIKey: "k", BaseURL: "https://api.bamboohr.com/api/gateway.php/"})
	if cp.StageScope != ats.StagesAccountWide || cp.ActingUserRequired ||
		cp.Webhooks.Supported || cp.DefaultRateLimit != bamboohr.DefaultRateLimit {
		t.Fatalf("declared = %+v (%v)", cp, cp.Validate())
	}
	for m, on := range cp.Incremental {
		if on {
			t.Errorf("%s declared incremental", m)
		}
	}
	for _, a := range []ats.WriteAction{ats.ActionAttachment, ats.ActionAddTag} {
		if cp.Supports(a) || cp.Writes[a].Reason == "" {
			t.Errorf("%s: %+v", a, cp.Writes[a])
		}
	}
}

// TestBaseURL: the company domain alone expands to the gateway URL, and
// the careers site is read from https://{domain}.bamboohr.com.
func TestBaseURL(t *testing.T) {
	var hosts []string
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		hosts = append(hosts, r.URL.Scheme+"://"+r.URL.Host+r.URL.Path)
		body := `[]`
		if strings.HasSuffix(r.URL.Path, "/jobs") {
			body = `[{"id":15,"title":{"id":null,"label":"IT Security Engineer"},"status":{"id":1,"label":"Open"}}]`
		}
		if strings.HasPrefix(r.URL.Path, "/careers/") && r.Header.Get("Authorization") != "" {
			t.Errorf("careers request carries credentials")
		}
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
	})
	c, err := bamboohr.New(ats.Config{APIKey: "k", BaseURL: "Acme", HTTP: ats.HTTPSettings{Transport: rt}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ListJobs(context.Background(), ats.ListOptions{}, func([]ats.Job) error { return nil }); err != nil {
		t.Fatal(err)
	}
	want := []string{"https://api.bamboohr.com/api/gateway.php/Acme/v1/applicant_tracking/jobs", "https://acme.bamboohr.com/careers/15/detail"}
	if !slices.Equal(hosts, want) {
		t.Fatalf("requests %v, want %v", hosts, want)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestRecordedSamples serves the recorded responses verbatim.
func TestRecordedSamples(t *testing.T) {
	apps, err := os.ReadFile("testdata/applications.json")
	if err != nil {
		t.Fatal(err)
	}
	statuses, err := os.ReadFile("testdata/statuses.json")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/applicant_tracking/applications"):
			if q := r.URL.Query(); q.Get("applicationStatus") != "ALL" || q.Get("jobStatusGroups") != "ALL" ||
				q.Get("sortBy") != "created_date" || q.Get("sortOrder") != "ASC" {
				t.Errorf("application query %q", r.URL.RawQuery)
			}
			_, _ = w.Write(apps)
		case strings.HasSuffix(r.URL.Path, "/applicant_tracking/statuses"):
			_, _ = w.Write(statuses)
		default:
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	c, err := bamboohr.New(ats.Config{APIKey: "k", BaseURL: srv.URL + "/api/gateway.php/efficientoffice/v1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	got := atstest.All(t, c.ListApplications)
	if len(got) != 13 {
		t.Fatalf("%d applications", len(got))
	}
	a := got[0]
	if a.ID != "33" || a.CandidateID != "95" || a.JobID != "15" || a.StageID != "5" || a.StageName != "Schedule Interview" ||
		a.Status != ats.ApplicationActive || a.AppliedAt != time.Date(2019, 2, 5, 21, 3, 16, 0, time.UTC) || a.UpdatedAt != a.AppliedAt {
		t.Fatalf("first application %+v", a)
	}
	cands := atstest.All(t, c.ListCandidates)
	if len(cands) != 13 || cands[11].FirstName != "Janice" || cands[11].Emails[0] != "Janice@efficientoffice.com" ||
		!strings.Contains(string(cands[0].Raw), `"avatar"`) || strings.Contains(string(cands[0].Raw), `"job"`) {
		t.Fatalf("candidates %d, %+v", len(cands), cands[11])
	}
	stages := atstest.All(t, c.ListStages)
	kinds := map[string]ats.StageKind{}
	for _, s := range stages {
		kinds[s.Name] = s.Kind
		if s.JobID != "" {
			t.Errorf("stage %s has job %s", s.ID, s.JobID)
		}
		if s.Name == "Made an Offer" && s.Active {
			t.Error("disabled status reported active")
		}
	}
	if len(stages) != 19 || kinds["New"] != ats.StageKindInbox || kinds["Hired"] != ats.StageKindHired ||
		kinds["Not a Fit"] != ats.StageKindRejected || kinds["Moved"] != ats.StageKindRejected || kinds["Reviewed"] != ats.StageKindActive {
		t.Fatalf("stages %d %v", len(stages), kinds)
	}
	var reasons []string
	if err := c.ListRejectionReasons(ctx, ats.ListOptions{}, func(p []ats.RejectionReason) error {
		for _, r := range p {
			reasons = append(reasons, r.ID+" "+r.Name)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	want := []string{"10 Not a Fit", "11 Declined Offer", "12 Not Qualified", "13 Over Qualified", "14 Hired Elsewhere"}
	if !slices.Equal(reasons, want) {
		t.Fatalf("reasons %v", reasons)
	}
}

// keyShape lists every key path of a JSON document (array elements merged).
func keyShape(t *testing.T, b []byte) []string {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	set := map[string]bool{}
	var walk func(string, any)
	walk = func(p string, x any) {
		switch y := x.(type) {
		case map[string]any:
			for k, v := range y {
				set[p+"."+k] = true
				walk(p+"."+k, v)
			}
		case []any:
			for _, e := range y {
				walk(p+"[]", e)
			}
		}
	}
	walk("", v)
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestFakeMatchesSamples: the fake emits exactly the recorded shapes.
func TestFakeMatchesSamples(t *testing.T) {
	_, f := newPair(t, atstest.Options{PageSize: 5}, nil)
	get := func(path string) []byte {
		req, _ := http.NewRequest(http.MethodGet, f.URL()+path, nil)
		req.SetBasicAuth(apiKey, "x")
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	for _, tc := range []struct{ path, sample string }{
		{"/applicant_tracking/statuses", "testdata/statuses.json"},
		{"/applicant_tracking/applications?applicationStatus=ALL&jobStatusGroups=ALL", "testdata/applications.json"},
	} {
		want, err := os.ReadFile(tc.sample)
		if err != nil {
			t.Fatal(err)
		}
		if got, w := keyShape(t, get(tc.path)), keyShape(t, want); !slices.Equal(got, w) {
			t.Errorf("%s shape\n got %v\nwant %v", tc.path, got, w)
		}
	}
	var st []fake.Status
	if err := json.Unmarshal(mustRead(t, "testdata/statuses.json"), &st); err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(st, fake.DefaultStatuses(), func(a, b fake.Status) bool {
		return a.Code == b.Code && a.ID == b.ID && a.Name == b.Name && a.Enabled == b.Enabled
	}) {
		t.Fatal("fake statuses differ from the recorded sample")
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReadMapping(t *testing.T) {
	c, f := newPair(t, atstest.Options{PageSize: 4}, nil)
	ctx := context.Background()
	jobs := atstest.All(t, c.ListJobs)
	if len(jobs) != 4 {
		t.Fatalf("%d jobs (statusGroups=ALL should list every state)", len(jobs))
	}
	j0, j1, j3 := jobs[0], jobs[1], jobs[3]
	if j0.Status != ats.JobOpen || j1.Status != ats.JobClosed || j3.Status != ats.JobDraft {
		t.Fatalf("statuses %s %s %s", j0.Status, j1.Status, j3.Status)
	}
	if j0.Title != "IT Security Engineer 0" || j0.Department != "IT" || j0.Location != "Lindon, Utah" ||
		!strings.Contains(j0.DescriptionHTML, "<strong>") || !strings.Contains(j0.DescriptionText, "We’re hiring an IT Security Engineer.") ||
		!strings.Contains(j0.DescriptionText, "- Remote") || j0.CreatedAt.IsZero() {
		t.Fatalf("open job %+v", j0)
	}
	if j1.DescriptionHTML != "" {
		t.Fatal("a job the careers site does not publish has a description")
	}
	apps := atstest.All(t, c.ListApplications)
	byID := map[string]ats.Application{}
	for _, a := range apps {
		byID[a.ID] = a
	}
	id := func(i int) string { return fmt.Sprint(fake.ApplicationID(i)) }
	if a := byID[id(5)]; a.Status != ats.ApplicationRejected || a.RejectionReasonID != "10" || a.RejectionReasonName != "Not a Fit" {
		t.Errorf("rejected: %+v", a)
	}
	if a := byID[id(7)]; a.Status != ats.ApplicationHired || a.RejectionReasonID != "" {
		t.Errorf("hired: %+v", a)
	}
	if a := byID[id(9)]; a.Status != ats.ApplicationRejected || a.RejectionReasonID != "" || a.RejectionReasonName != "Moved" {
		t.Errorf("moved: %+v", a)
	}
	if a := byID[id(0)]; a.Status != ats.ApplicationActive || a.StageName != "New" || a.JobID != fmt.Sprint(fake.JobID(0)) {
		t.Errorf("active: %+v", a)
	}
	if apps[0].ID != id(0) || apps[len(apps)-1].ID != id(len(apps)-1) {
		t.Errorf("applications not in creation order: first %s last %s", apps[0].ID, apps[len(apps)-1].ID)
	}
	users := atstest.All(t, c.ListUsers)
	if len(users) != 3 || users[0].ID != "100" || users[0].Name != "Lead 0" {
		t.Fatalf("users %+v", users)
	}
	var tags int
	_ = c.ListTags(ctx, ats.ListOptions{}, func(p []ats.Tag) error { tags += len(p); return nil })
	if tags != 0 || f.Expect().Tags != 0 {
		t.Fatal("tags reported")
	}
}

// TestHiringLeadShapes: lead rows with or without the hiringLead wrapper.
func TestHiringLeadShapes(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `[{"hiringLead":{"employeeId":7,"preferredFullName":"Ann Lee"}},{"employeeId":8,"firstName":"Bo","lastName":"Chen"},{"x":1}]`)
	}))
	defer srv.Close()
	c, err := bamboohr.New(ats.Config{APIKey: "k", BaseURL: srv.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	users := atstest.All(t, c.ListUsers)
	if len(users) != 2 || users[0].ID != "7" || users[0].Name != "Ann Lee" || users[1].ID != "8" || users[1].Name != "Bo Chen" {
		t.Fatalf("users %+v", users)
	}
}

// TestPageNumberFallback: without nextPageUrl the connector asks for
// page=N+1 until paginationComplete; a repeating next link is an error.
func TestPageNumberFallback(t *testing.T) {
	var pages []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Query().Get("page")
		pages = append(pages, p)
		switch p {
		case "":
			_, _ = io.WriteString(w, `{"paginationComplete":false,"applications":[{"id":1,"applicant":{"id":9,"firstName":"A","email":"a@x"}}]}`)
		case "2":
			_, _ = io.WriteString(w, `{"paginationComplete":true,"applications":[{"id":2,"applicant":{"id":8,"firstName":"B","email":"b@x"}}],"nextPageUrl":null}`)
		}
	}))
	defer srv.Close()
	c, err := bamboohr.New(ats.Config{APIKey: "k", BaseURL: srv.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := c.ListCandidates(context.Background(), ats.ListOptions{}, func(p []ats.Candidate) error { n += len(p); return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 2 || !slices.Equal(pages, []string{"", "2"}) {
		t.Fatalf("candidates %d pages %v", n, pages)
	}

	loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, `{"paginationComplete":false,"applications":[{"id":1,"applicant":{"id":9}}],"nextPageUrl":"/v1/applicant_tracking/applications?page=2"}`)
	}))
	defer loop.Close()
	c, _ = bamboohr.New(ats.Config{APIKey: "k", BaseURL: loop.URL + "/v1"})
	err = c.ListCandidates(context.Background(), ats.ListOptions{}, func([]ats.Candidate) error { return nil })
	if !errors.Is(err, ats.ErrMalformedResponse) || !strings.Contains(err.Error(), "paging loop") {
		t.Fatalf("loop: %v", err)
	}
}

// TestLegacy503Throttling: a 503 with Retry-After is a rate limit, honoured.
func TestLegacy503Throttling(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	f.Legacy503 = true
	f.SetRateLimit(1, 300*time.Millisecond)
	start := time.Now()
	for range 2 {
		if err := c.ListUsers(context.Background(), ats.ListOptions{}, func([]ats.User) error { return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if f.Throttled() != 1 || f.RetryAfterViolations() != 0 || time.Since(start) < 900*time.Millisecond {
		t.Fatalf("throttled %d violations %d after %v", f.Throttled(), f.RetryAfterViolations(), time.Since(start))
	}
	// A 503 without Retry-After is an outage, not a rate limit.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-BambooHR-Error-Message", "Service temporarily unavailable")
		w.WriteHeader(503)
	}))
	defer srv.Close()
	c2, _ := bamboohr.New(ats.Config{APIKey: "k", BaseURL: srv.URL + "/v1", HTTP: ats.HTTPSettings{MaxRetries: -1}})
	err := c2.Test(context.Background())
	if _, rl := ats.RetryAfter(err); rl || !errors.Is(err, ats.ErrUnavailable) || ats.VendorMessage(err) != "Service temporarily unavailable" {
		t.Fatalf("503: %v", err)
	}
}

func TestCareersFailures(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	ctx := context.Background()
	f.FailCareers(100)
	err := c.ListJobs(ctx, ats.ListOptions{}, func([]ats.Job) error { return nil })
	if !errors.Is(err, ats.ErrUnavailable) {
		t.Fatalf("careers outage: %v", err)
	}
	f.FailCareers(1) // a careers-site read is retried like any read
	if err := c.ListJobs(ctx, ats.ListOptions{}, func([]ats.Job) error { return nil }); err != nil {
		t.Fatal(err)
	}
}

func TestWriteValidation(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	cases := map[string]error{}
	_, cases["reject without reason"] = c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID})
	_, cases["reject with a non-numeric reason"] = c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: "NOFIT"})
	_, cases["move to a non-numeric stage"] = c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: "x"})
	_, cases["note without application"] = c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID, Body: "x"})
	_, cases["empty note"] = c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: " "})
	_, cases["link without URL"] = c.AddResultLink(ctx, ats.ResultLink{ApplicationID: s.ApplicationID})
	atstest.WantInvalidInput(t, f, cases)
	// A vendor 400 keeps BambooHR's header message.
	_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: "999"})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || ats.VendorMessage(err) != "Invalid status id" {
		t.Fatalf("bad status: %v", err)
	}
	for _, err := range []error{
		func() error {
			_, e := c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Data: []byte("x")})
			return e
		}(),
		func() error {
			_, e := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "x"})
			return e
		}(),
		c.VerifyWebhook(http.Header{}, []byte("{}"), "s"),
		func() error { _, e := c.ParseWebhook(http.Header{}, []byte("{}")); return e }(),
	} {
		if !errors.Is(err, ats.ErrUnsupported) || ats.VendorMessage(err) == "" {
			t.Errorf("unsupported: %v", err)
		}
	}
}

func TestWriteEffects(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	if _, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID}); err != nil {
		t.Fatal(err)
	}
	res, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "hello"})
	if err != nil || res.RemoteID == "" {
		t.Fatalf("note: %+v %v", res, err)
	}
	if _, err := c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID}); err != nil {
		t.Fatal(err)
	}
	if cs := f.Comments(); len(cs) != 1 || cs[0].Text != "hello" {
		t.Fatalf("comments %+v (a rejection without a note must not comment)", cs)
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
	if got.Status != ats.ApplicationRejected || got.RejectionReasonID != s.RejectionReasonID {
		t.Fatalf("after reject: %+v", got)
	}
}

// TestRejectCommentFailure: the status change stands and the failed
// comment becomes a warning, so a retry does not reject twice.
func TestRejectCommentFailure(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, func(cfg *ats.Config) {
		cfg.HTTP.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
			if strings.HasSuffix(r.URL.Path, "/comments") {
				return &http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
			}
			return http.DefaultTransport.RoundTrip(r)
		})
	})
	s := f.Samples()
	res, err := c.Reject(context.Background(), ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: "12", Note: "n"})
	if err != nil || len(res.Warnings) != 1 {
		t.Fatalf("reject: %+v %v", res, err)
	}
	var id int
	fmt.Sscan(s.ApplicationID, &id)
	if a, _ := f.Application(id); a.StatusID != 12 {
		t.Fatalf("status %d", a.StatusID)
	}
}

func BenchmarkSync10k(b *testing.B) {
	window := atstest.BenchWindow(b, 200*time.Millisecond)
	atstest.BenchFloor(b, harness(), 10_000, ats.RateLimit{Requests: bamboohr.DefaultRateLimit.Requests, Per: window}, 100, 1.2)
}
