package workable_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/workable"
	"github.com/hireloop/hireloop/ats/workable/fake"
)

const token = "workable-account-token-0123456789"

var actor = fake.MemberID(0)

func newPair(t testing.TB, o atstest.Options, mod func(*ats.Config)) (*workable.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	if o.Applications > 0 {
		seed = fake.Seed{Jobs: 10, Candidates: o.Applications, RejectionReasons: 5, Members: 5}
	}
	f := fake.New(token, seed)
	t.Cleanup(f.Close)
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.APIKey, cfg.ActingUserID = f.URL(), token, actor
	return atstest.Connect(t, workable.New, cfg, mod), f
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// delivery wraps the recorded candidate details (testdata/candidate.json)
// as a webhook delivery: {event_type, id?, data:<candidate>}, after
// applying edits to the candidate.
func delivery(t testing.TB, event, id string, edit func(map[string]any)) []byte {
	t.Helper()
	var v struct {
		Candidate map[string]any `json:"candidate"`
	}
	if err := json.Unmarshal(readFile(t, "candidate.json"), &v); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(v.Candidate)
	}
	m := map[string]any{"event_type": event, "data": v.Candidate}
	if id != "" {
		m["id"] = id
	}
	b, _ := json.Marshal(m)
	return b
}

func harness(t testing.TB) atstest.Harness {
	return atstest.Harness{
		Name: workable.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPair(t, o, nil)
		},
		CheckWrite: checkWrite,
		Webhooks: []atstest.WebhookCase{
			{Name: "candidate created (recorded candidate)", Body: delivery(t, "candidate_created", "", nil),
				Want: ats.WebhookEvent{Type: "candidate_created", ApplicationID: "27273038", CandidateID: "27273038",
					Models: []ats.Model{ats.ModelCandidates, ats.ModelApplications}}},
			{Name: "candidate moved", Body: delivery(t, "candidate_moved", "ev-42", func(c map[string]any) {
				c["stage"], c["stage_kind"] = "Phone Screen", "phone-screen"
			}), Want: ats.WebhookEvent{Type: "candidate_moved", ApplicationID: "27273038", CandidateID: "27273038",
				Models: []ats.Model{ats.ModelApplications}}},
		},
	}
}

func TestConformance(t *testing.T) {
	atstest.Run(t, harness(t))
}

func checkWrite(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	if len(reqs) != 1 {
		t.Fatalf("%s: %d write requests, want 1", a, len(reqs))
	}
	r := reqs[0]
	body := r.JSON()
	if r.Header.Get("Authorization") != "Bearer "+token || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s: headers %v", a, r.Header)
	}
	comment := func(id string) map[string]any {
		t.Helper()
		if r.Method != "POST" || r.Path != "/spi/v3/candidates/"+id+"/comments" || body["member_id"] != actor {
			t.Fatalf("%s: %s %s %s", a, r.Method, r.Path, r.Body)
		}
		cm, _ := body["comment"].(map[string]any)
		return cm
	}
	switch a {
	case ats.ActionResultLink:
		l := in.(ats.ResultLink)
		cm := comment(l.ApplicationID)
		want := "hireloop interview: https://hireloop.example/r/abc\nhireloop:Score: 82%"
		if cm["body"] != want || cm["attachment"] != nil {
			t.Fatalf("result link comment %q, want %q", cm["body"], want)
		}
	case ats.ActionNote:
		n := in.(ats.Note)
		if cm := comment(n.ApplicationID); cm["body"] != n.Body || cm["attachment"] != nil {
			t.Fatalf("note comment %v", cm)
		}
	case ats.ActionAttachment:
		at := in.(ats.Attachment)
		cm := comment(at.ApplicationID)
		att, _ := cm["attachment"].(map[string]any)
		if cm["body"] != workable.AttachmentText(at.Name) || att["name"] != at.Name ||
			att["data"] != base64.StdEncoding.EncodeToString(at.Data) {
			t.Fatalf("attachment comment %s", r.Body)
		}
	case ats.ActionMoveStage:
		m := in.(ats.StageMove)
		slug := m.ToStageID[strings.LastIndex(m.ToStageID, "/")+1:]
		if r.Method != "POST" || r.Path != "/spi/v3/candidates/"+m.ApplicationID+"/move" || body["member_id"] != actor ||
			body["target_stage"] != slug || len(body) != 2 {
			t.Fatalf("move %s %s %s", r.Method, r.Path, r.Body)
		}
	case ats.ActionReject:
		rj := in.(ats.Rejection)
		if r.Method != "POST" || r.Path != "/spi/v3/candidates/"+rj.ApplicationID+"/disqualify" || body["member_id"] != actor ||
			body["disqualify_reason_id"] != rj.ReasonID || body["disqualify_note"] != rj.Note {
			t.Fatalf("disqualify %s %s %s", r.Method, r.Path, r.Body)
		}
	case ats.ActionAddTag:
		tg := in.(ats.TagAssignment)
		var tags []string
		for _, x := range body["tags"].([]any) {
			tags = append(tags, x.(string))
		}
		// The sample candidate (fake candidate 0) already has "tag-0":
		// Workable replaces the set, so the old tag must be sent back.
		if r.Method != "PUT" || r.Path != "/spi/v3/candidates/"+tg.CandidateID+"/tags" || !slices.Equal(tags, []string{"tag-0", tg.Name}) {
			t.Fatalf("tags %s %s %s", r.Method, r.Path, r.Body)
		}
	default:
		t.Fatalf("unexpected supported action %s", a)
	}
}

func TestRegistered(t *testing.T) {
	c, cp := atstest.Registered(t, workable.Name, ats.Config{APIKey: "k", BaseURL: "https://acme.workable.com/spi/v3"})
	if _, ok := c.(ats.WebhookRegistrar); !ok {
		t.Fatal("not a WebhookRegistrar")
	}
	if _, ok := c.(ats.WriteChecker); !ok {
		t.Fatal("not a WriteChecker")
	}
	atstest.WantNotConfigured(t, workable.Name, ats.Config{BaseURL: "https://acme.workable.com/spi/v3"}, ats.Config{APIKey: "k"},
		ats.Config{APIKey: "k", BaseURL: workable.DefaultBaseURL})
	if cp.StageScope != ats.StagesPerJob || !cp.ActingUserRequired || cp.Webhooks.Setup != "api" ||
		cp.Writes[ats.ActionAttachment].Transport != ats.TransportBase64 || cp.DefaultRateLimit != workable.DefaultRateLimit ||
		cp.DefaultRateLimit != (ats.RateLimit{Requests: 10, Per: 10 * time.Second}) || cp.Deletions[ats.ModelCandidates] {
		t.Fatalf("declared = %+v (%v)", cp, cp.Validate())
	}
	for _, a := range ats.AllActions {
		if !cp.Supports(a) {
			t.Errorf("%s not supported", a)
		}
	}
}

func TestWritesNeedActingMember(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, func(c *ats.Config) { c.ActingUserID = "" })
	s := f.Samples()
	before := f.Requests()
	ctx := context.Background()
	var errs []error
	_, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "x"})
	errs = append(errs, err)
	_, err = c.AddResultLink(ctx, ats.ResultLink{ApplicationID: s.ApplicationID, URL: "https://x"})
	errs = append(errs, err)
	_, err = c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID})
	errs = append(errs, err)
	_, err = c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID})
	errs = append(errs, err)
	_, err = c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Name: "a.pdf", Data: []byte("x")})
	errs = append(errs, err)
	atstest.WantNeedsActingUser(t, f, before, errs, "member_id")
	// The tag route takes no member_id, so tagging works without one.
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "x"}); err != nil {
		t.Fatal(err)
	}
}

func TestWriteValidation(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	cases := map[string]error{}
	_, cases["reject without reason"] = c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID})
	_, cases["note without target"] = c.AddNote(ctx, ats.Note{Body: "x"})
	_, cases["empty note"] = c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID})
	_, cases["attachment by URL only"] = c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Name: "a.pdf", URL: "https://x/a.pdf"})
	_, cases["link without URL"] = c.AddResultLink(ctx, ats.ResultLink{ApplicationID: s.ApplicationID})
	_, cases["move without stage"] = c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID})
	_, cases["tag too long"] = c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "a-very-long-tag-name-over-25"})
	_, cases["empty tag"] = c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "  "})
	atstest.WantInvalidInput(t, f, cases)
	// A vendor 422 keeps Workable's message.
	_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.JobID + "/no-such-stage"})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || ats.VendorMessage(err) != "target_stage is not a stage of the job" {
		t.Fatalf("bad stage: %v", err)
	}
	// Writes aimed at the candidate land on the same Workable candidate.
	if _, err := c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID, Body: "by candidate id"}); err != nil {
		t.Fatal(err)
	}
	if cs := f.Comments(); len(cs) != 1 || cs[0].CandidateID != s.CandidateID || cs[0].MemberID != actor {
		t.Fatalf("comments = %+v", cs)
	}
}

// Workable's PUT /candidates/{id}/tags replaces the set: AddTag must read
// the tags, add, write the full set, skip when present, and not write when
// the read fails.
func TestAddTagReplacesWholeSet(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	ctx := context.Background()
	id := fake.CandidateID(2) // seeded with "tag-2"
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: id, Name: "AI Screened"}); err != nil {
		t.Fatal(err)
	}
	cd, _ := f.Candidate(id)
	if !slices.Equal(cd.Tags, []string{"tag-2", "ai-screened"}) {
		t.Fatalf("tags = %v", cd.Tags)
	}
	res, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: id, Name: "ai-screened"})
	if err != nil || res.RemoteID != "ai-screened" || len(f.Writes()) != 1 {
		t.Fatalf("second add: %+v %v, %d writes", res, err, len(f.Writes()))
	}
	f.ResetWrites()
	f.FailLookups(100)
	_, err = c.AddTag(ctx, ats.TagAssignment{CandidateID: id, Name: "x"})
	if !errors.Is(err, ats.ErrUnavailable) || len(f.Writes()) != 0 {
		t.Fatalf("failed look-up: %v, %d writes", err, len(f.Writes()))
	}
	f.FailLookups(1) // a transient look-up failure is retried (it is a read)
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: id, Name: "x"}); err != nil {
		t.Fatal(err)
	}
	if cd, _ := f.Candidate(id); !slices.Equal(cd.Tags, []string{"tag-2", "ai-screened", "x"}) {
		t.Fatalf("tags = %v", cd.Tags)
	}
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: "ffffffff", Name: "x"}); !errors.Is(err, ats.ErrNotFound) {
		t.Fatalf("unknown candidate: %v", err)
	}
}

func TestRejectLongNoteBecomesComment(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	long := strings.Repeat("é", 300)
	res, err := c.Reject(context.Background(), ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID, Note: long})
	if err != nil || len(res.Warnings) != 0 {
		t.Fatalf("reject: %+v %v", res, err)
	}
	w := f.Writes()
	if len(w) != 2 || w[0].JSON()["disqualify_note"] != nil || !strings.HasSuffix(w[1].Path, "/comments") {
		t.Fatalf("writes = %+v", w)
	}
	if cs := f.Comments(); len(cs) != 1 || cs[0].Body != long {
		t.Fatalf("comments = %+v", cs)
	}
	cd, _ := f.Candidate(s.ApplicationID)
	if !cd.Disqualified || cd.ReasonID != s.RejectionReasonID {
		t.Fatalf("candidate = %+v", cd)
	}
}

func TestReadMapping(t *testing.T) {
	c, f := newPair(t, atstest.Options{PageSize: 4}, nil)
	jobs := atstest.All(t, c.ListJobs)
	byID := map[string]ats.Job{}
	for _, j := range jobs {
		byID[j.ID] = j
	}
	j0, j1, j2 := byID[fake.Shortcode(0)], byID[fake.Shortcode(1)], byID[fake.Shortcode(2)]
	if j0.Status != ats.JobOpen || j1.Status != ats.JobClosed || j2.Status != ats.JobOpen {
		t.Fatalf("statuses %s %s %s", j0.Status, j1.Status, j2.Status)
	}
	qs := j0.ScreeningQuestions
	if len(qs) != 3 || qs[0].Type != ats.QuestionLongText || !qs[0].Required || qs[1].Type != ats.QuestionYesNo ||
		qs[2].Type != ats.QuestionMultiChoice || len(qs[2].Options) != 2 || qs[2].Options[1] != (ats.Option{ID: "c2", Label: "English"}) {
		t.Fatalf("questions = %+v", qs)
	}
	if len(j1.ScreeningQuestions) != 0 || len(j2.ScreeningQuestions) != 0 {
		t.Fatal("closed job or job without questions has questions")
	}
	if j0.Department != "Research & Development" || j0.Location != "Athens, Greece" ||
		!strings.Contains(j0.DescriptionText, "Go engineer") || !strings.Contains(j0.DescriptionText, "Requirements") {
		t.Fatalf("job = %+v", j0)
	}
	stages := atstest.All(t, c.ListStages)
	var ai ats.Stage
	for _, s := range stages {
		if s.ID == fake.Shortcode(1)+"/ai-interview" {
			ai = s
		}
	}
	if ai.Name != "AI Interview" || ai.RemoteID != "ai-interview" || ai.JobID != fake.Shortcode(1) || ai.Order != 3 || ai.Kind != ats.StageKindActive {
		t.Fatalf("stage = %+v", ai)
	}
	apps := atstest.All(t, c.ListApplications)
	for _, a := range apps {
		if a.CandidateID != a.ID {
			t.Errorf("application %s: candidate id %s", a.ID, a.CandidateID)
		}
		switch a.ID {
		case fake.CandidateID(5):
			if a.Status != ats.ApplicationRejected || a.RejectionReasonID != fake.ReasonID(0) || a.RejectionReasonName != "Reason 0" {
				t.Errorf("disqualified: %+v", a)
			}
		case fake.CandidateID(7):
			if a.Status != ats.ApplicationHired || a.StageName != "Hired" {
				t.Errorf("hired: %+v", a)
			}
		case fake.CandidateID(0):
			if a.Status != ats.ApplicationActive || a.StageID != fake.Shortcode(0)+"/sourced" || a.StageName != "Sourced" || a.JobID != fake.Shortcode(0) {
				t.Errorf("active: %+v", a)
			}
		}
	}
	cands := atstest.All(t, c.ListCandidates)
	if len(cands) != f.Expect().Candidates || cands[0].FirstName != "First0" || cands[0].LastName != "Last0" ||
		!slices.Equal(cands[0].Emails, []string{"cand0@example.com"}) || len(cands[0].Phones) != 1 {
		t.Fatalf("candidates = %d, first %+v", len(cands), cands[0])
	}
	users := atstest.All(t, c.ListUsers)
	if len(users) != 3 || users[0].ID != actor || users[0].Email != "member0@example.com" {
		t.Fatalf("users = %+v", users)
	}
}

// The recorded responses decode: the candidate sample as a list row and
// as details (tags), the job sample as a list row.
func TestSamplesDecode(t *testing.T) {
	var cand struct {
		Candidate json.RawMessage `json:"candidate"`
	}
	if err := json.Unmarshal(readFile(t, "candidate.json"), &cand); err != nil {
		t.Fatal(err)
	}
	job := readFile(t, "job.json")
	routes := map[string]string{
		"/spi/v3/candidates":                     `{"candidates":[` + string(cand.Candidate) + `],"paging":{}}`,
		"/spi/v3/candidates/27273038":            string(readFile(t, "candidate.json")),
		"/spi/v3/jobs":                           `{"jobs":[` + string(job) + `]}`,
		"/spi/v3/jobs/9CD658E13E/stages":         `{"stages":[{"id":1,"identifier":"a1","slug":"sourced","name":"Sourced","kind":"sourced","position":0}]}`,
		"/spi/v3/candidates/27273038/tags":       `{"tags":["nango","priority","hireloop"]}`,
		"/spi/v3/disqualification_reasons":       `[]`,
		"/spi/v3/candidates/27273038/activities": `{"activities":[]}`,
	}
	var put []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := routes[r.URL.Path]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			b = `{"error":"Not found"}`
		}
		if r.Method == http.MethodPut {
			var buf bytes.Buffer
			_, _ = buf.ReadFrom(r.Body)
			put = buf.Bytes()
			w.WriteHeader(http.StatusAccepted)
		}
		_, _ = w.Write([]byte(b))
	}))
	t.Cleanup(srv.Close)
	c, err := workable.New(ats.Config{BaseURL: srv.URL + "/spi/v3", APIKey: "k", ActingUserID: "m1"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cands := atstest.All(t, c.ListCandidates)
	if len(cands) != 1 || cands[0].ID != "27273038" || cands[0].FirstName != "Nango" || cands[0].LastName != "Testone" ||
		!slices.Equal(cands[0].Emails, []string{"nango.testone@example.com"}) || len(cands[0].Phones) != 0 ||
		cands[0].UpdatedAt != time.Date(2026, 7, 23, 20, 2, 42, 0, time.UTC) {
		t.Fatalf("candidates = %+v", cands)
	}
	apps := atstest.All(t, c.ListApplications)
	if len(apps) != 1 || apps[0].JobID != "9CD658E13E" || apps[0].StageID != "9CD658E13E/sourced" || apps[0].StageName != "Sourced" ||
		apps[0].Status != ats.ApplicationActive || apps[0].CandidateID != "27273038" {
		t.Fatalf("applications = %+v", apps)
	}
	jobs := atstest.All(t, c.ListJobs)
	if len(jobs) != 1 || jobs[0].ID != "9CD658E13E" || jobs[0].Title != "Account Executive" || jobs[0].Status != ats.JobClosed ||
		jobs[0].Location != "London, United Kingdom" || jobs[0].Department != "" ||
		!strings.Contains(jobs[0].DescriptionText, "- Stock Option Plan") || strings.Contains(jobs[0].DescriptionText, "<") {
		t.Fatalf("jobs = %+v", jobs)
	}
	// AddTag reads the recorded details' tags and writes the whole set.
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: "27273038", Name: "hireloop"}); err != nil {
		t.Fatal(err)
	}
	if string(put) != `{"tags":["nango","priority","hireloop"]}` {
		t.Fatalf("PUT tags body %s", put)
	}
}

// ---- webhooks ----

func TestWebhookSignatureEncodings(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, nil)
	body := delivery(t, "candidate_moved", "", nil)
	mac := ats.HMACSHA256(token, body)
	for name, sig := range map[string]string{
		"hex":            fmt.Sprintf("%x", mac),
		"upper hex":      fmt.Sprintf("%X", mac),
		"base64":         base64.StdEncoding.EncodeToString(mac),
		"base64url":      base64.RawURLEncoding.EncodeToString(mac),
		"sha256= prefix": "sha256=" + fmt.Sprintf("%x", mac),
	} {
		if err := c.VerifyWebhook(http.Header{workable.SignatureHeader: {sig}}, body, token); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, sig := range map[string]string{
		"other key": fmt.Sprintf("%x", ats.HMACSHA256("other", body)),
		"truncated": fmt.Sprintf("%x", mac)[:40],
		"garbage":   "not a signature",
	} {
		if err := c.VerifyWebhook(http.Header{workable.SignatureHeader: {sig}}, body, token); !errors.Is(err, ats.ErrInvalidSignature) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestParseWebhook(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	moved := delivery(t, "candidate_moved", "", func(c map[string]any) { c["stage"] = "Phone Screen" })
	ev, err := c.ParseWebhook(nil, moved)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Type != "candidate_moved" || ev.JobID != "9CD658E13E" || ev.ApplicationID != "27273038" ||
		ev.StageChange == nil || ev.StageChange.ToStageName != "Phone Screen" || ev.StageChange.ToStageID != "" ||
		!strings.HasPrefix(ev.ID, "sha256:") || !ev.Changed(ats.ModelApplications) {
		t.Fatalf("moved = %+v", ev)
	}
	// An envelope id is the dedupe id.
	ev, _ = c.ParseWebhook(nil, f.Delivery("candidate_created", "d-1", fake.CandidateID(3)))
	if ev.ID != "workable:d-1" || ev.CandidateID != fake.CandidateID(3) || !ev.Changed(ats.ModelCandidates) || ev.StageChange != nil {
		t.Fatalf("created = %+v", ev)
	}
	// A bare candidate without an envelope is still understood.
	var v struct {
		Candidate json.RawMessage `json:"candidate"`
	}
	_ = json.Unmarshal(readFile(t, "candidate.json"), &v)
	ev, err = c.ParseWebhook(nil, v.Candidate)
	if err != nil || ev.CandidateID != "27273038" || !ev.Changed(ats.ModelApplications) {
		t.Fatalf("bare = %+v %v", ev, err)
	}
	if _, err := c.ParseWebhook(nil, []byte(`{not json`)); !errors.Is(err, ats.ErrMalformedResponse) {
		t.Fatalf("malformed: %v", err)
	}
}

func TestRegisterWebhooks(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	ctx := context.Background()
	reg, err := c.RegisterWebhooks(ctx, "https://hireloop.example/hooks/w/1", "generated-secret")
	if err != nil {
		t.Fatal(err)
	}
	if len(reg.IDs) != 2 || !slices.Equal(reg.Events, workable.Events) || reg.Secret != token || reg.PendingHandshake {
		t.Fatalf("registration = %+v", reg)
	}
	subs := f.Subscriptions()
	if len(subs) != 2 || subs[0].Event != "candidate_created" || subs[1].Event != "candidate_moved" ||
		subs[0].Target != "https://hireloop.example/hooks/w/1" || subs[0].Args != nil {
		t.Fatalf("subscriptions = %+v", subs)
	}
	w := f.Writes()
	if w[0].Method != "POST" || w[0].Path != "/spi/v3/subscriptions" || w[0].JSON()["target"] != "https://hireloop.example/hooks/w/1" {
		t.Fatalf("subscribe request %+v", w[0])
	}
	// Registering the same target again conflicts on the first event;
	// nothing is left behind.
	if _, err := c.RegisterWebhooks(ctx, "https://hireloop.example/hooks/w/1", ""); err == nil {
		t.Fatal("duplicate registration accepted")
	}
	if err := c.UnregisterWebhooks(ctx, reg); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Subscriptions()); n != 0 {
		t.Fatalf("%d subscriptions left", n)
	}
	// Already gone counts as removed.
	if err := c.UnregisterWebhooks(ctx, reg); err != nil {
		t.Fatalf("second unregister: %v", err)
	}
	// A failure on the second event removes the first subscription (a
	// zero Fault lets one request through).
	f.ResetWrites()
	f.Inject(atstest.Fault{}, atstest.Fault{Kind: atstest.FaultServer, Message: "boom"})
	if _, err := c.RegisterWebhooks(ctx, "https://hireloop.example/hooks/w/2", ""); !errors.Is(err, ats.ErrUnavailable) {
		t.Fatalf("partial failure: %v", err)
	}
	if n := len(f.Subscriptions()); n != 0 {
		t.Fatalf("partial failure left %d subscriptions", n)
	}
	if w := f.Writes(); len(w) != 3 || w[2].Method != "DELETE" {
		t.Fatalf("rollback writes = %+v", w)
	}
}

func TestRegisterSendsSubdomain(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewDecoder(r.Body).Decode(&got)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"id":104693}`))
	}))
	t.Cleanup(srv.Close)
	// Route https://acme.workable.com to the test server.
	proxy, _ := url.Parse(srv.URL)
	tr := &http.Transport{Proxy: http.ProxyURL(proxy)}
	c, err := workable.New(ats.Config{BaseURL: "http://acme.workable.com/spi/v3", APIKey: "k", HTTP: ats.HTTPSettings{Transport: tr}})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := c.RegisterWebhooks(context.Background(), "https://h.example/x", "")
	if err != nil || reg.IDs[0] != "104693" {
		t.Fatalf("%+v %v", reg, err)
	}
	args, _ := got["args"].(map[string]any)
	if args["account_id"] != "acme" {
		t.Fatalf("body = %v", got)
	}
}

// ---- write check ----

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
	for i := 0; i < 3; i++ { // comments without the marker, over two pages
		if _, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: fmt.Sprintf("note %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	check(ats.ActionResultLink, false)
	if _, err := c.AddResultLink(ctx, ats.ResultLink{ApplicationID: s.ApplicationID, URL: "https://hireloop.example/r/" + marker}); err != nil {
		t.Fatal(err)
	}
	check(ats.ActionResultLink, true)
	check(ats.ActionNote, true)
	if _, err := c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Name: "report-" + marker + ".pdf", Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	check(ats.ActionAttachment, true)
	check(ats.ActionAddTag, false)
	if _, err := c.HasWrite(ctx, ats.ActionMoveStage, "", s.ApplicationID, marker); !errors.Is(err, ats.ErrUnsupported) {
		t.Fatalf("move: %v", err)
	}
}

// ---- rate limit ----

// Workable's X-Rate-Limit-* headers reach the shared limiter, and a 429's
// X-Rate-Limit-Reset becomes the retry hint.
func TestRateLimitHeaders(t *testing.T) {
	reset := time.Now().Add(3 * time.Second).Unix()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Rate-Limit-Limit", "50")
		w.Header().Set("X-Rate-Limit-Remaining", "49")
		w.Header().Set("X-Rate-Limit-Reset", fmt.Sprint(reset))
		if r.Method == http.MethodPost {
			w.Header().Set("X-Rate-Limit-Remaining", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"error":"Too many requests"}`))
			return
		}
		_, _ = w.Write([]byte(`{"members":[]}`))
	}))
	t.Cleanup(srv.Close)
	c, err := workable.New(ats.Config{BaseURL: srv.URL + "/spi/v3", APIKey: "k", ActingUserID: "m"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ListUsers(context.Background(), ats.ListOptions{}, func([]ats.User) error { return nil }); err != nil {
		t.Fatal(err)
	}
	_, err = c.AddNote(context.Background(), ats.Note{ApplicationID: "1", Body: "x"})
	d, ok := ats.RetryAfter(err)
	if !ok || d < time.Second || d > 4*time.Second || !ats.IsTransient(err) || ats.VendorMessage(err) != "Too many requests" {
		t.Fatalf("429: %v (retry after %v)", err, d)
	}
}

// BenchmarkSync10k syncs every model from the fake seeded with 10,000
// candidates (= applications) while it enforces Workable's 10 requests per
// window, with a scaled window (HIRELOOP_BENCH_WINDOW, default 500ms; the
// real window is 10 s, where a run takes ~4 minutes), and page size 100.
// The limiter regenerates a token one window after its response arrived,
// so each window costs one request's latency on top, which weighs more the
// shorter the window; 500 ms keeps that noise small on a busy machine.
//
//	go test -run '^$' -bench Sync10k -benchtime 1x ./ats/workable/
func BenchmarkSync10k(b *testing.B) {
	window := atstest.BenchWindow(b, 500*time.Millisecond)
	atstest.BenchFloor(b, harness(b), 10_000, ats.RateLimit{Requests: 10, Per: window}, 100, 1.2)
}

// Workable signs with the account token; after the token is rotated in
// the connection settings the stored secret (the old token) no longer
// matches, and the connection's current token is used instead.
func TestVerifyAfterTokenRotation(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	body := delivery(t, "candidate_moved", "ev-rot", nil)
	if err := c.VerifyWebhook(f.SignWebhook(body, token), body, "old-token-from-registration"); err != nil {
		t.Fatalf("delivery signed with the current token, old secret stored: %v", err)
	}
	if err := c.VerifyWebhook(f.SignWebhook(body, "someone-else"), body, "old-token-from-registration"); !errors.Is(err, ats.ErrInvalidSignature) {
		t.Fatalf("delivery signed with an unknown key: %v", err)
	}
}
