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

const (
	clientID     = "ghv3-client-1b2c"
	clientSecret = "ghv3-secret-9f8e7d"
)

func newPair(t testing.TB, o atstest.Options, mod func(*ats.Config)) (*greenhouse.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	if o.Applications > 0 {
		seed = fake.Seed{Jobs: 50, StagesPerJob: 5, Candidates: o.Applications, Applications: o.Applications, Tags: 10, RejectionReasons: 5, Users: 10}
	}
	f := fake.New(clientID, clientSecret, seed)
	t.Cleanup(f.Close)
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.IntegrationID, cfg.APIKey, cfg.ActingUserID = f.URL(), clientID, clientSecret, "4000"
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

func harness(t *testing.T) atstest.Harness {
	stageChange := readFile(t, "webhook-candidate-stage-change.json")
	return atstest.Harness{
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
	}
}

func TestConformance(t *testing.T) { atstest.Run(t, harness(t)) }

// checkWrite asserts the v3 request shapes: Bearer auth, no On-Behalf-Of
// (the acting user is the token's sub), v3 routes, integer ids and every
// field the package doc lists as required.
func checkWrite(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	last := reqs[len(reqs)-1]
	for _, r := range reqs {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") || r.Header.Get("On-Behalf-Of") != "" {
			t.Errorf("%s %s: Authorization %q, On-Behalf-Of %q", r.Method, r.Path, r.Header.Get("Authorization"), r.Header.Get("On-Behalf-Of"))
		}
		if r.Query != "" {
			t.Errorf("%s %s carries a query %q", r.Method, r.Path, r.Query)
		}
	}
	body := last.JSON()
	switch a {
	case ats.ActionNote:
		n := in.(ats.Note)
		if len(reqs) != 1 || last.Method != "POST" || last.Path != "/v3/notes" {
			t.Fatalf("note requests %v", reqs)
		}
		if !strings.Contains(string(last.Body), `"candidate_id":`+n.CandidateID) || body["body"] != n.Body ||
			body["visibility"] != "public" || body["note_type"] != "NOTE" {
			t.Fatalf("note body %s", last.Body)
		}
	case ats.ActionAttachment:
		at := in.(ats.Attachment)
		if len(reqs) != 1 || last.Method != "POST" || last.Path != "/v3/attachments" {
			t.Fatalf("attachment requests %v", reqs)
		}
		raw, _ := base64.StdEncoding.DecodeString(body["content"].(string))
		if !strings.Contains(string(last.Body), `"application_id":`+at.ApplicationID) || string(raw) != string(at.Data) ||
			body["filename"] != at.Name || body["type"] != "other" || body["content_type"] != "application/pdf" || body["url"] != nil {
			t.Fatalf("attachment body %s", last.Body)
		}
	case ats.ActionMoveStage:
		m := in.(ats.StageMove)
		if len(reqs) != 1 || last.Path != "/v3/applications/"+m.ApplicationID+"/move" {
			t.Fatalf("move requests %v", reqs)
		}
		if want := `{"from_stage_id":` + m.FromStageID + `,"to_stage_id":` + m.ToStageID + `}`; string(last.Body) != want {
			t.Fatalf("move body %s, want %s", last.Body, want)
		}
	case ats.ActionReject:
		r := in.(ats.Rejection)
		if len(reqs) != 1 || last.Path != "/v3/applications/"+r.ApplicationID+"/reject" ||
			!strings.Contains(string(last.Body), `"rejection_reason_id":`+r.ReasonID) || body["notes"] != r.Note {
			t.Fatalf("reject %v %s", reqs, last.Body)
		}
	case ats.ActionAddTag:
		tg := in.(ats.TagAssignment)
		if len(reqs) != 2 || reqs[0].Method != "POST" || reqs[0].Path != "/v3/candidate_tags" || reqs[0].JSON()["name"] != tg.Name {
			t.Fatalf("tag create %v", reqs)
		}
		if last.Method != "POST" || last.Path != "/v3/applied_candidate_tags" ||
			!strings.Contains(string(last.Body), `"candidate_id":`+tg.CandidateID) || body["candidate_tag_id"] == nil {
			t.Fatalf("tag apply %s %s %s", last.Method, last.Path, last.Body)
		}
	default:
		t.Fatalf("unexpected supported action %s", a)
	}
}

func TestRegistered(t *testing.T) {
	atstest.Registered(t, greenhouse.Name, ats.Config{IntegrationID: "client", APIKey: "secret", ActingUserID: "4000"})
	atstest.WantNotConfigured(t, greenhouse.Name,
		ats.Config{},
		// Harvest v1 is gone, on Greenhouse's host and any other.
		ats.Config{BaseURL: greenhouse.V1BaseURL, APIKey: "k"},
		ats.Config{BaseURL: "http://127.0.0.1:9/v1", IntegrationID: "client", APIKey: "secret", ActingUserID: "4000"},
		// v3 needs client id, client secret and a numeric sub.
		ats.Config{APIKey: "secret", ActingUserID: "4000"},
		ats.Config{IntegrationID: "client", ActingUserID: "4000"},
		ats.Config{IntegrationID: "client", APIKey: "secret"},
		ats.Config{IntegrationID: "client", APIKey: "secret", ActingUserID: "jane@example.com"},
	)
	if greenhouse.DefaultBaseURL != "https://harvest.greenhouse.io/v3" {
		t.Fatalf("DefaultBaseURL = %s", greenhouse.DefaultBaseURL)
	}
	if cp, _ := ats.Declared(greenhouse.Name); cp.Writes[ats.ActionAttachment].Target != ats.TargetApplication ||
		cp.DefaultRateLimit != greenhouse.DefaultRateLimit {
		t.Fatalf("declared %+v", cp)
	}
}

func TestMissingClientIDExplainsMigration(t *testing.T) {
	_, err := greenhouse.New(ats.Config{APIKey: "old-v1-harvest-key"})
	if !errors.Is(err, ats.ErrNotConfigured) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"greenhouse", "2026-08-31", "Harvest V3 (OAuth)", "API Credential Management", "client id"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	// A connection saved with Greenhouse's old v1 base URL (the console's
	// default before v3) is told to clear it, not sent to a dead endpoint.
	_, err = greenhouse.New(ats.Config{BaseURL: greenhouse.V1BaseURL, IntegrationID: "c", APIKey: "s", ActingUserID: "1"})
	if !errors.Is(err, ats.ErrNotConfigured) || !strings.Contains(err.Error(), "clear it") || !strings.Contains(err.Error(), "2026-08-31") {
		t.Fatalf("err = %v, want a not-configured error saying to clear the v1 base URL", err)
	}
}

func TestLookupsBeforeWrites(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	// Move without the current stage: read it from the application first,
	// then send it as from_stage_id.
	f.ResetWrites()
	if _, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID}); err != nil {
		t.Fatal(err)
	}
	if a, _ := f.Application(s.ApplicationID); a.StageID != parse(s.OtherStageID) {
		t.Fatalf("application not moved: stage %d", a.StageID)
	}
	if w := f.Writes(); len(w) != 1 || w[0].JSON()["from_stage_id"] != float64(parse(s.StageID)) {
		t.Fatalf("move wrote %v", w)
	}
	// Note with only the application id: find the candidate first.
	if _, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "hello", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	notes := f.Notes()
	if len(notes) != 1 || notes[0].CandidateID != parse(s.CandidateID) || notes[0].Visibility != "private" || notes[0].UserID != 4000 {
		t.Fatalf("notes = %+v", notes)
	}
	// Known tag id: only the apply.
	f.ResetWrites()
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, TagID: "300"}); err != nil {
		t.Fatal(err)
	}
	if w := f.Writes(); len(w) != 1 || w[0].Path != "/v3/applied_candidate_tags" {
		t.Fatalf("tag by id wrote %v", w)
	}
	// Non-numeric ids never reach the network.
	if _, err := c.Reject(ctx, ats.Rejection{ApplicationID: "../users", ReasonID: "8"}); err == nil {
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

// TestSampleJobPostDecodes runs the official job post sample (v1's, whose
// fields v3 keeps; inferred) through the job mapper.
func TestSampleJobPostDecodes(t *testing.T) {
	sample := readFile(t, "job-post.json")
	base := newStatic(t, map[string]string{
		"/v3/job_posts":   "[" + string(sample) + "]",
		"/v3/jobs":        `[{"id":1234,"name":"Software Engineer","status":"open","department_id":7,"office_ids":[9]}]`,
		"/v3/departments": `[{"id":7,"name":"Engineering"}]`,
		"/v3/offices":     `[{"id":9,"name":"NY","location":{"name":"New York, NY"}}]`,
	})
	cl, err := greenhouse.New(ats.Config{BaseURL: base + "/v3", IntegrationID: "c", APIKey: "s", ActingUserID: "1"})
	if err != nil {
		t.Fatal(err)
	}
	jobs := atstest.All(t, cl.ListJobs)
	if len(jobs) != 1 || jobs[0].DescriptionText != "We’re looking for the next big innovator." ||
		jobs[0].Department != "Engineering" || jobs[0].Location != "New York, NY" {
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

// newStatic serves routes (an empty list elsewhere) and tokens on /token.
func newStatic(t *testing.T, routes map[string]string) string {
	t.Helper()
	srv := newServer(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/token" {
			_, _ = w.Write([]byte(`{"access_token":"t","token_type":"Bearer","expires_in":3600}`))
			return
		}
		b, ok := routes[r.URL.Path]
		if !ok {
			b = "[]"
		}
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
