package greenhouse_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/greenhouse"
	"github.com/hireloop/hireloop/ats/greenhouse/fake"
)

const apiKey = "a7183e1b7e9ab09b8a5cfa87d1934c3c"

func newPair(t testing.TB, o atstest.Options, mod func(*ats.Config)) (*greenhouse.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	if o.Applications > 0 {
		seed = fake.Seed{Jobs: 50, StagesPerJob: 5, Candidates: o.Applications, Applications: o.Applications, Tags: 10, RejectionReasons: 5, Users: 10}
	}
	f := fake.New(apiKey, seed)
	t.Cleanup(f.Close)
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.APIKey, cfg.ActingUserID = f.URL(), apiKey, "4000"
	return atstest.Connect(t, greenhouse.New, cfg, mod), f
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestConformance(t *testing.T) {
	stageChange := readFile(t, "webhook-candidate-stage-change.json")
	atstest.Run(t, atstest.Harness{
		Name: greenhouse.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPair(t, o, nil)
		},
		CheckWrite: checkWrite,
		Webhooks: []atstest.WebhookCase{
			{Name: "candidate_stage_change", Body: stageChange, Header: http.Header{"Greenhouse-Event-Id": {"evt-1"}},
				Want: ats.WebhookEvent{Type: "candidate_stage_change", ApplicationID: "265277", CandidateID: "265772",
					Models: []ats.Model{ats.ModelApplications}, StageChange: &ats.StageChange{ToStageID: "71416"}}},
			{Name: "ping without event id", Body: []byte(`{"action":"ping","payload":{"web_hook_id":1}}`),
				Want: ats.WebhookEvent{Type: "ping", Ping: true}},
			{Name: "job_updated", Body: []byte(`{"action":"job_updated","payload":{"job":{"id":3485,"name":"Designer"}}}`),
				Header: http.Header{"Greenhouse-Event-Id": {"evt-2"}},
				Want:   ats.WebhookEvent{Type: "job_updated", Models: []ats.Model{ats.ModelJobs}}},
		},
	})
}

func checkWrite(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	last := reqs[len(reqs)-1]
	for _, r := range reqs {
		if r.Header.Get("On-Behalf-Of") != "4000" {
			t.Errorf("%s %s without On-Behalf-Of", r.Method, r.Path)
		}
	}
	body := last.JSON()
	switch a {
	case ats.ActionNote:
		n := in.(ats.Note)
		if last.Method != "POST" || last.Path != "/v1/candidates/"+n.CandidateID+"/activity_feed/notes" {
			t.Fatalf("note request %s %s", last.Method, last.Path)
		}
		if body["body"] != n.Body || body["visibility"] != "public" || body["user_id"] != float64(4000) {
			t.Fatalf("note body %v", body)
		}
	case ats.ActionAttachment:
		at := in.(ats.Attachment)
		if last.Path != "/v1/candidates/"+at.CandidateID+"/attachments" {
			t.Fatalf("attachment path %s", last.Path)
		}
		raw, _ := base64.StdEncoding.DecodeString(body["content"].(string))
		if string(raw) != string(at.Data) || body["filename"] != at.Name || body["type"] != "other" || body["content_type"] != "application/pdf" {
			t.Fatalf("attachment body %v", body)
		}
	case ats.ActionMoveStage:
		m := in.(ats.StageMove)
		if last.Path != "/v1/applications/"+m.ApplicationID+"/move" {
			t.Fatalf("move path %s", last.Path)
		}
		// Integers on the wire, as Harvest documents.
		if !strings.Contains(string(last.Body), `"from_stage_id":`+m.FromStageID) || !strings.Contains(string(last.Body), `"to_stage_id":`+m.ToStageID) {
			t.Fatalf("move body %s", last.Body)
		}
	case ats.ActionReject:
		r := in.(ats.Rejection)
		if last.Path != "/v1/applications/"+r.ApplicationID+"/reject" || !strings.Contains(string(last.Body), `"rejection_reason_id":`+r.ReasonID) ||
			body["notes"] != r.Note {
			t.Fatalf("reject %s %s", last.Path, last.Body)
		}
	case ats.ActionAddTag:
		tg := in.(ats.TagAssignment)
		if len(reqs) != 2 || reqs[0].Path != "/v1/tags/candidate" || reqs[0].JSON()["name"] != tg.Name {
			t.Fatalf("tag find-or-create %v", reqs)
		}
		if last.Method != "PUT" || !strings.HasPrefix(last.Path, "/v1/candidates/"+tg.CandidateID+"/tags/") || len(last.Body) != 0 {
			t.Fatalf("tag apply %s %s %s", last.Method, last.Path, last.Body)
		}
	default:
		t.Fatalf("unexpected supported action %s", a)
	}
}

func TestRegistered(t *testing.T) {
	atstest.Registered(t, greenhouse.Name, ats.Config{BaseURL: "http://127.0.0.1:9/v1", APIKey: "k"})
	atstest.Registered(t, greenhouse.Name, ats.Config{IntegrationID: "client", APIKey: "secret", ActingUserID: "4000"})
	atstest.WantNotConfigured(t, greenhouse.Name,
		ats.Config{},
		ats.Config{BaseURL: "http://127.0.0.1:9/v1"},
		ats.Config{BaseURL: greenhouse.V1BaseURL, APIKey: "k"},
		// v3 (the default) needs client id, client secret and a numeric sub.
		ats.Config{APIKey: "secret", ActingUserID: "4000"},
		ats.Config{IntegrationID: "client", ActingUserID: "4000"},
		ats.Config{IntegrationID: "client", APIKey: "secret"},
		ats.Config{IntegrationID: "client", APIKey: "secret", ActingUserID: "jane@example.com"},
	)
}

func TestWritesNeedActingUser(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, func(c *ats.Config) { c.ActingUserID = "" })
	s := f.Samples()
	before := f.Requests()
	ctx := context.Background()
	errs := []error{}
	_, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "x"})
	errs = append(errs, err)
	_, err = c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID})
	errs = append(errs, err)
	_, err = c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID})
	errs = append(errs, err)
	_, err = c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "x"})
	errs = append(errs, err)
	_, err = c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Name: "a.pdf", Data: []byte("x")})
	errs = append(errs, err)
	atstest.WantNeedsActingUser(t, f, before, errs, "On-Behalf-Of")
}

func TestLookupsBeforeWrites(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	// Move without the current stage: read it from the application first.
	if _, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID}); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.Application(s.ApplicationID); a.CurrentStage == nil || a.CurrentStage.ID != parse(s.OtherStageID) {
		t.Fatalf("application not moved: %+v", a.CurrentStage)
	}
	// Note with only the application id: find the candidate first.
	if _, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "hello", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	notes := f.Notes()
	if len(notes) != 1 || notes[0].CandidateID != parse(s.CandidateID) || notes[0].Visibility != "private" || notes[0].UserID != 4000 {
		t.Fatalf("notes = %+v", notes)
	}
	// A stale from-stage is the vendor's 422, surfaced with its message.
	_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, FromStageID: s.StageID, ToStageID: s.StageID})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || !strings.Contains(ats.VendorMessage(err), "from_stage_id") {
		t.Fatalf("stale move = %v", err)
	}
	// Known tag id: only the PUT.
	f.ResetWrites()
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, TagID: "300"}); err != nil {
		t.Fatal(err)
	}
	if w := f.Writes(); len(w) != 1 || w[0].Method != http.MethodPut {
		t.Fatalf("tag by id wrote %v", w)
	}
	// Non-numeric ids never reach the network.
	if _, err := c.Reject(ctx, ats.Rejection{ApplicationID: "../users"}); err == nil {
		t.Fatal("non-numeric id accepted")
	}
}

func parse(s string) int64 {
	var n int64
	for _, r := range s {
		n = n*10 + int64(r-'0')
	}
	return n
}

func TestTestReportsMissingActingUser(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, func(c *ats.Config) { c.ActingUserID = "999" })
	if err := c.Test(context.Background()); !errors.Is(err, ats.ErrNotConfigured) {
		t.Fatalf("Test = %v", err)
	}
}

// TestSamplesDecode runs the official doc samples through the mappers.
func TestSamplesDecode(t *testing.T) {
	var apps []ats.Application
	if err := decodeVia(t, "application.json", "/v1/applications", func(cl *greenhouse.Client) error {
		return cl.ListApplications(context.Background(), ats.ListOptions{}, func(p []ats.Application) error { apps = append(apps, p...); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	if len(apps) != 1 {
		t.Fatalf("apps = %d", len(apps))
	}
	a := apps[0]
	if a.ID != "985314" || a.CandidateID != "978031" || a.JobID != "123" || a.StageID != "62828" || a.StageName != "Recruiter Phone Screen" ||
		a.Status != ats.ApplicationRejected || a.RejectionReasonID != "8" || a.UpdatedAt.IsZero() || len(a.Answers) != 2 {
		t.Fatalf("application = %+v", a)
	}

	var jobs []ats.Job
	if err := decodeVia(t, "job-post.json", "/v1/job_posts", func(cl *greenhouse.Client) error {
		return cl.ListJobs(context.Background(), ats.ListOptions{}, func(p []ats.Job) error { jobs = append(jobs, p...); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].DescriptionText != "We’re looking for the next big innovator." {
		t.Fatalf("jobs = %+v", jobs)
	}
	qs := map[string]ats.Question{}
	for _, q := range jobs[0].ScreeningQuestions {
		qs[q.ID] = q
	}
	if qs["resume"].Type != ats.QuestionFile || qs["question_234567"].Type != ats.QuestionYesNo ||
		qs["question_345678[]"].Type != ats.QuestionMultiChoice || len(qs["question_345678[]"].Options) != 3 ||
		qs["question_345678[]"].Options[0].ID != "862" || !qs["first_name"].Required {
		t.Fatalf("questions = %+v", qs)
	}
}

// decodeVia serves one sample file (as a one-element array) at path and an
// empty list elsewhere (jobs: one job matching the sample post).
func decodeVia(t *testing.T, file, path string, call func(*greenhouse.Client) error) error {
	t.Helper()
	sample := readFile(t, file)
	srv := newStatic(t, map[string]string{
		path:       "[" + string(sample) + "]",
		"/v1/jobs": `[{"id":1234,"name":"Software Engineer","status":"open","departments":[],"offices":[{"name":"NY","location":{"name":"New York, NY"}}]}]`,
	})
	cl, err := greenhouse.New(ats.Config{BaseURL: srv + "/v1", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	return call(cl)
}

func newStatic(t *testing.T, routes map[string]string) string {
	t.Helper()
	srv := newServer(func(w http.ResponseWriter, r *http.Request) {
		b, ok := routes[r.URL.Path]
		if !ok {
			b = "[]"
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(b))
	})
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestWebhookUnicodeEscapesSignedAsSent(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	// Greenhouse escapes "<" as \u003c before signing; re-encoding the JSON
	// would change the bytes, so verification must use the body as sent.
	body := []byte(`{"action":"job_post_updated","payload":{"job_post":{"content":"\u003cp\u003ehello\u003c/p\u003e"}}}`)
	h := f.SignWebhook(body, "s")
	if err := c.VerifyWebhook(h, body, "s"); err != nil {
		t.Fatal(err)
	}
	var v any
	_ = json.Unmarshal(body, &v)
	reenc, _ := json.Marshal(v)
	if string(reenc) != string(body) {
		if err := c.VerifyWebhook(h, reenc, "s"); !errors.Is(err, ats.ErrInvalidSignature) {
			t.Fatal("re-encoded body verified; test premise broken")
		}
	}
	h.Set("Signature", "sha1 "+strings.TrimPrefix(h.Get("Signature"), "sha256 "))
	if err := c.VerifyWebhook(h, body, "s"); !errors.Is(err, ats.ErrInvalidSignature) {
		t.Fatalf("wrong algorithm accepted: %v", err)
	}
}
