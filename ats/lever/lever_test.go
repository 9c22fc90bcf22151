package lever_test

import (
	"bytes"
	"context"
	"errors"
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
	"github.com/hireloop/hireloop/ats/lever"
	"github.com/hireloop/hireloop/ats/lever/fake"
)

const apiKey = "lever-test-key-0123456789"

var actor = fake.UserID(0)

func newPair(t testing.TB, o atstest.Options, mod func(*ats.Config)) (*lever.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	if o.Applications > 0 {
		seed = fake.Seed{Postings: 50, Stages: 6, Contacts: o.Applications, Tags: 10, RejectionReasons: 5, Users: 10}
	}
	f := fake.New(apiKey, seed)
	t.Cleanup(f.Close)
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.APIKey, cfg.ActingUserID = f.URL(), apiKey, actor
	return atstest.Connect(t, lever.New, cfg, mod), f
}

func TestConformance(t *testing.T) {
	atstest.Run(t, atstest.Harness{
		Name: lever.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPair(t, o, nil)
		},
		CheckWrite: checkWrite,
		Webhooks: []atstest.WebhookCase{
			{Name: "stage change", Body: []byte(`{"event":"candidateStageChange","data":{"opportunityId":"opp-1","candidateId":"opp-1","contactId":"contact-1","fromStageId":"lead-new","toStageId":"stage-2"}}`),
				Want: ats.WebhookEvent{Type: "candidateStageChange", ApplicationID: "opp-1", CandidateID: "contact-1",
					Models: []ats.Model{ats.ModelApplications}, StageChange: &ats.StageChange{ToStageID: "stage-2"}}},
			{Name: "application created", Body: []byte(`{"event":"applicationCreated","data":{"opportunityId":"opp-3","contactId":"contact-3","postingId":"post-1"}}`),
				Want: ats.WebhookEvent{Type: "applicationCreated", ApplicationID: "opp-3", CandidateID: "contact-3",
					Models: []ats.Model{ats.ModelCandidates, ats.ModelApplications}}},
		},
	})
}

func checkWrite(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	for _, r := range reqs {
		q, _ := url.ParseQuery(r.Query)
		if q.Get("perform_as") != actor {
			t.Errorf("%s %s without perform_as (query %q)", r.Method, r.Path, r.Query)
		}
	}
	first := reqs[0]
	body := first.JSON()
	strs := func(v any) []string {
		var out []string
		for _, x := range v.([]any) {
			out = append(out, x.(string))
		}
		return out
	}
	switch a {
	case ats.ActionResultLink:
		l := in.(ats.ResultLink)
		if len(reqs) != 1 || first.Method != "POST" || first.Path != "/v1/opportunities/"+l.ApplicationID+"/addLinks" ||
			!slices.Equal(strs(body["links"]), []string{l.URL}) {
			t.Fatalf("addLinks %s %s %s", first.Method, first.Path, first.Body)
		}
	case ats.ActionNote:
		n := in.(ats.Note)
		if len(reqs) != 1 || first.Method != "POST" || first.Path != "/v1/opportunities/"+n.ApplicationID+"/notes" ||
			body["value"] != n.Body || body["secret"] != nil {
			t.Fatalf("note %s %s %s", first.Method, first.Path, first.Body)
		}
	case ats.ActionAttachment:
		at := in.(ats.Attachment)
		if len(reqs) != 1 || first.Method != "POST" || first.Path != "/v1/opportunities/"+at.ApplicationID+"/files" {
			t.Fatalf("file %s %s", first.Method, first.Path)
		}
		atstest.WantFilePart(t, atstest.Multipart(t, first), "file", at)
	case ats.ActionMoveStage:
		m := in.(ats.StageMove)
		if len(reqs) != 1 || first.Method != "PUT" || first.Path != "/v1/opportunities/"+m.ApplicationID+"/stage" || body["stage"] != m.ToStageID {
			t.Fatalf("move %s %s %s", first.Method, first.Path, first.Body)
		}
	case ats.ActionReject:
		r := in.(ats.Rejection)
		if first.Method != "PUT" || first.Path != "/v1/opportunities/"+r.ApplicationID+"/archived" || body["reason"] != r.ReasonID {
			t.Fatalf("archive %s %s %s", first.Method, first.Path, first.Body)
		}
		if len(reqs) != 2 || reqs[1].Path != "/v1/opportunities/"+r.ApplicationID+"/notes" || reqs[1].JSON()["value"] != r.Note {
			t.Fatalf("rejection note %v", reqs)
		}
	case ats.ActionAddTag:
		tg := in.(ats.TagAssignment)
		// The sample contact has two opportunities (fake.SmallSeed).
		want := []string{"/v1/opportunities/" + fake.OpportunityID(0) + "/addTags", "/v1/opportunities/" + fake.OpportunityID(23) + "/addTags"}
		var got []string
		for _, r := range reqs {
			if r.Method != "POST" || !slices.Equal(strs(r.JSON()["tags"]), []string{tg.Name}) {
				t.Fatalf("addTags %s %s %s", r.Method, r.Path, r.Body)
			}
			got = append(got, r.Path)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("tagged %v, want %v", got, want)
		}
	default:
		t.Fatalf("unexpected supported action %s", a)
	}
}

func TestRegistered(t *testing.T) {
	_, cp := atstest.Registered(t, lever.Name, ats.Config{APIKey: "k"})
	atstest.WantNotConfigured(t, lever.Name, ats.Config{})
	if cp.StageScope != ats.StagesAccountWide || !cp.ActingUserRequired ||
		cp.Writes[ats.ActionAttachment].Transport != ats.TransportMultipart || cp.DefaultRateLimit != lever.DefaultRateLimit {
		t.Fatalf("declared = %+v (%v)", cp, cp.Validate())
	}
	for _, a := range ats.AllActions {
		if !cp.Supports(a) {
			t.Errorf("%s not supported", a)
		}
	}
}

func TestWritesNeedActingUser(t *testing.T) {
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
	_, err = c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "x"})
	errs = append(errs, err)
	_, err = c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Name: "a.pdf", Data: []byte("x")})
	errs = append(errs, err)
	atstest.WantNeedsActingUser(t, f, before, errs, "perform_as")
}

func TestWriteValidation(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	cases := map[string]error{}
	_, cases["reject without reason"] = c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID})
	_, cases["note without application"] = c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID, Body: "x"})
	_, cases["attachment by URL only"] = c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Name: "a.pdf", URL: "https://x/a.pdf"})
	_, cases["attachment over 30 MB"] = c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Name: "a.pdf",
		Data: make([]byte, lever.MaxFileBytes+1)})
	_, cases["link without URL"] = c.AddResultLink(ctx, ats.ResultLink{ApplicationID: s.ApplicationID})
	atstest.WantInvalidInput(t, f, cases)
	// A vendor 400 keeps Lever's message.
	_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: "no-such-stage"})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || ats.VendorMessage(err) != "stage does not exist" {
		t.Fatalf("bad stage: %v", err)
	}
	// Secret notes for private visibility.
	if _, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "p", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	if n := f.Notes(); len(n) != 1 || !n[0].Secret || n[0].PerformAs != actor {
		t.Fatalf("notes = %+v", n)
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
		t.Fatalf("reject: %v %v", res, err)
	}
	res, err = c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Name: `re"port.pdf`, Data: []byte("%PDF")})
	if err != nil || res.RemoteID == "" {
		t.Fatalf("attachment: %+v %v", res, err)
	}
	if fs := f.Files(); len(fs) != 1 || fs[0].Name != `re"port.pdf` || fs[0].ContentType != "application/octet-stream" {
		t.Fatalf("files = %+v", fs)
	}
	apps := atstest.All(t, c.ListApplications)
	for _, a := range apps {
		if a.ID == s.ApplicationID && (a.StageID != s.OtherStageID || a.Status != ats.ApplicationRejected || a.RejectionReasonID != s.RejectionReasonID) {
			t.Fatalf("after writes: %+v", a)
		}
	}
}

func TestTagLookupFailure(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	f.FailLookups(100)
	_, err := c.AddTag(context.Background(), ats.TagAssignment{CandidateID: f.Samples().CandidateID, Name: "x"})
	if !errors.Is(err, ats.ErrUnavailable) || len(f.Writes()) != 0 {
		t.Fatalf("err = %v, writes = %d", err, len(f.Writes()))
	}
	// A transient look-up failure is retried (it is a read).
	f.FailLookups(1)
	if _, err := c.AddTag(context.Background(), ats.TagAssignment{CandidateID: f.Samples().CandidateID, Name: "x"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.AddTag(context.Background(), ats.TagAssignment{CandidateID: "no-such-contact", Name: "x"})
	if !errors.Is(err, ats.ErrNotFound) {
		t.Fatalf("unknown contact: %v", err)
	}
}

func TestReadMapping(t *testing.T) {
	c, f := newPair(t, atstest.Options{PageSize: 4}, nil)
	jobs := atstest.All(t, c.ListJobs)
	byID := map[string]ats.Job{}
	for _, j := range jobs {
		byID[j.ID] = j
	}
	j0, j1, j2 := byID[fake.PostingID(0)], byID[fake.PostingID(1)], byID[fake.PostingID(2)]
	if j0.Status != ats.JobOpen || j1.Status != ats.JobClosed || j2.Status != ats.JobOpen {
		t.Fatalf("statuses %s %s %s", j0.Status, j1.Status, j2.Status)
	}
	if len(j0.ScreeningQuestions) != 2 || j0.ScreeningQuestions[0].Type != ats.QuestionLongText || !j0.ScreeningQuestions[0].Required ||
		j0.ScreeningQuestions[1].Type != ats.QuestionSingleChoice || len(j0.ScreeningQuestions[1].Options) != 2 {
		t.Fatalf("questions = %+v", j0.ScreeningQuestions)
	}
	if len(j1.ScreeningQuestions) != 0 || len(j2.ScreeningQuestions) != 0 {
		t.Fatal("closed posting or posting without a readable form has questions")
	}
	if j0.Department != "Research & Development" || j0.Location != "San Francisco, CA" || !strings.Contains(j0.DescriptionText, "Go engineer") {
		t.Fatalf("job = %+v", j0)
	}
	apps := atstest.All(t, c.ListApplications)
	for _, a := range apps {
		switch a.ID {
		case fake.OpportunityID(5):
			if a.Status != ats.ApplicationRejected || a.RejectionReasonID == "" || a.RejectedAt.IsZero() {
				t.Errorf("archived: %+v", a)
			}
		case fake.OpportunityID(7):
			if a.Status != ats.ApplicationHired || a.RejectionReasonID != "" {
				t.Errorf("hired: %+v", a)
			}
		case fake.OpportunityID(0):
			if a.Status != ats.ApplicationActive || a.StageName == "" || a.JobID != fake.PostingID(0) {
				t.Errorf("active: %+v", a)
			}
		}
	}
	cands := atstest.All(t, c.ListCandidates)
	if len(cands) != f.Expect().Candidates || cands[0].FirstName != "First0" || cands[0].LastName != "Last0" ||
		len(cands[0].Phones) != 1 || len(cands[0].Tags) != 1 || cands[0].Tags[0].Name != "tag-0" {
		t.Fatalf("candidates = %d, first %+v", len(cands), cands[0])
	}
}

func TestIncludeDeleted(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	ctx := context.Background()
	s := f.Samples()
	f.DeleteCandidate(s.CandidateID)
	collect := func(o ats.ListOptions) map[string]ats.Application {
		m := map[string]ats.Application{}
		if err := c.ListApplications(ctx, o, func(p []ats.Application) error {
			for _, a := range p {
				m[a.ID] = a
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if _, ok := collect(ats.ListOptions{})[s.ApplicationID]; ok {
		t.Fatal("deleted opportunity returned without IncludeDeleted")
	}
	got := collect(ats.ListOptions{IncludeDeleted: true})
	for _, id := range []string{fake.OpportunityID(0), fake.OpportunityID(23)} {
		if a, ok := got[id]; !ok || !a.Deleted || a.DeletedAt.IsZero() || len(a.Raw) == 0 {
			t.Fatalf("deleted %s: %+v", id, a)
		}
	}
}

// ---- webhooks ----

func TestWebhooks(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, nil)
	const secret = "whsec-test-123"
	stage := fake.SignedDelivery("candidateStageChange", "tok-1", 1782975358767, map[string]any{
		"opportunityId": "opp-1", "candidateId": "opp-1", "contactId": "contact-1", "fromStageId": "lead-new", "toStageId": "stage-2",
	}, secret)
	archived := fake.SignedDelivery("candidateArchiveChange", "tok-2", 1782975358999, map[string]any{
		"opportunityId": "opp-2", "contactId": "contact-2", "toArchived": map[string]any{"reason": "r1"},
	}, secret)
	created := fake.SignedDelivery("applicationCreated", "tok-3", 1782975359000, map[string]any{
		"candidateId": "opp-3", "contactId": "contact-3", "postingId": "post-1",
	}, secret)
	cases := []struct {
		name   string
		body   []byte
		typ    string
		app    string
		cand   string
		models []ats.Model
		to     string
	}{
		{"stage change", stage, "candidateStageChange", "opp-1", "contact-1", []ats.Model{ats.ModelApplications}, "stage-2"},
		{"archive change", archived, "candidateArchiveChange", "opp-2", "contact-2", []ats.Model{ats.ModelApplications}, ""},
		{"application created (legacy candidateId)", created, "applicationCreated", "opp-3", "contact-3",
			[]ats.Model{ats.ModelCandidates, ats.ModelApplications}, ""},
	}
	ids := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{"Content-Type": {"application/json"}}
			if err := c.VerifyWebhook(h, tc.body, secret); err != nil {
				t.Fatalf("genuine delivery rejected: %v", err)
			}
			for what, bad := range map[string][]byte{
				"tampered token":       bytes.Replace(tc.body, []byte(`"tok-`), []byte(`"tak-`), 1),
				"tampered triggeredAt": bytes.Replace(tc.body, []byte(`"triggeredAt":17`), []byte(`"triggeredAt":18`), 1),
				"not JSON":             bytes.Replace(tc.body, []byte(`"`), []byte(`'`), 1),
				"no signature":         bytes.Replace(tc.body, []byte(`"signature"`), []byte(`"signaturX"`), 1),
			} {
				if bytes.Equal(bad, tc.body) {
					t.Fatalf("%s: test premise broken", what)
				}
				if err := c.VerifyWebhook(h, bad, secret); !errors.Is(err, ats.ErrInvalidSignature) {
					t.Errorf("%s: %v", what, err)
				}
			}
			if err := c.VerifyWebhook(h, tc.body, "wrong-secret"); !errors.Is(err, ats.ErrInvalidSignature) {
				t.Errorf("wrong secret: %v", err)
			}
			if err := c.VerifyWebhook(h, tc.body, ""); !errors.Is(err, ats.ErrWebhookSecretMissing) {
				t.Errorf("empty secret: %v", err)
			}
			ev, err := c.ParseWebhook(h, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			ev2, _ := c.ParseWebhook(h, tc.body)
			if ev.ID == "" || ev.ID != ev2.ID || ids[ev.ID] {
				t.Fatalf("dedupe id %q / %q (seen %v)", ev.ID, ev2.ID, ids[ev.ID])
			}
			ids[ev.ID] = true
			if ev.Type != tc.typ || ev.ApplicationID != tc.app || ev.CandidateID != tc.cand || len(ev.Raw) == 0 || ev.Ping {
				t.Errorf("event = %+v", ev)
			}
			for _, m := range tc.models {
				if !ev.Changed(m) {
					t.Errorf("model %s not reported (%v)", m, ev.Models)
				}
			}
			if tc.to != "" && (ev.StageChange == nil || ev.StageChange.ToStageID != tc.to || ev.StageChange.FromStageID != "lead-new") {
				t.Errorf("stage change = %+v", ev.StageChange)
			}
			if tc.to == "" && ev.StageChange != nil {
				t.Errorf("unexpected stage change %+v", ev.StageChange)
			}
		})
	}
	// triggeredAt is signed exactly as sent: a 13-digit number must not go
	// through float formatting (1.782975358767e+12).
	body := []byte(`{"event":"candidateHired","triggeredAt":1782975358767,"token":"t","signature":"` +
		hexHMAC(secret, "t1782975358767") + `","data":{"opportunityId":"o"}}`)
	if err := c.VerifyWebhook(nil, body, secret); err != nil {
		t.Fatalf("exact triggeredAt: %v", err)
	}
	if _, err := c.ParseWebhook(nil, []byte(`{not json`)); !errors.Is(err, ats.ErrMalformedResponse) {
		t.Fatalf("malformed: %v", err)
	}
}

func hexHMAC(secret, msg string) string {
	const hexd = "0123456789abcdef"
	sum := ats.HMACSHA256(secret, []byte(msg))
	out := make([]byte, 0, len(sum)*2)
	for _, b := range sum {
		out = append(out, hexd[b>>4], hexd[b&15])
	}
	return string(out)
}

// ---- recorded samples ----

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// staticLever serves routes for the first page and an empty last page when
// an offset is given (the recorded envelope says hasNext: true).
func staticLever(t *testing.T, routes map[string]string) *lever.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		b, ok := routes[r.URL.Path]
		if r.URL.Query().Get("offset") != "" {
			if r.URL.Query().Get("offset") != `[3,1491435120000,"5599cc20-349f-4b60-b531-6fe31e329717"]` {
				t.Errorf("offset token mangled: %q", r.URL.RawQuery)
			}
			b, ok = `{"data":[],"hasNext":false}`, true
		}
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			b = `{"code":"ResourceNotFound","message":"Not found"}`
		}
		_, _ = w.Write([]byte(b))
	}))
	t.Cleanup(srv.Close)
	c, err := lever.New(ats.Config{BaseURL: srv.URL + "/v1", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSamplesDecode(t *testing.T) {
	opp := string(readFile(t, "opportunity.json"))
	post := string(readFile(t, "posting.json"))
	// The posting sample is a single-object GET; wrap its data as a list.
	postList := `{"data":[` + strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(post), `{
  "data":`)), "}") + `],"hasNext":false}`
	c := staticLever(t, map[string]string{"/v1/opportunities": opp, "/v1/postings": postList})
	ctx := context.Background()

	cands := atstest.All(t, c.ListCandidates)
	if len(cands) != 1 {
		t.Fatalf("candidates = %d", len(cands))
	}
	cd := cands[0]
	if cd.ID != "1419004b-c860-4c8f-a46a-4a5a9cccdee6" || cd.FirstName != "Nango" || cd.LastName != "Test Candidate" ||
		!slices.Equal(cd.Emails, []string{"test@nango.dev"}) || !slices.Equal(cd.Phones, []string{"(555) 123-4567"}) ||
		len(cd.Tags) != 6 || cd.UpdatedAt.UnixMilli() != 1782975358805 {
		t.Fatalf("candidate = %+v", cd)
	}
	// The recorded call was made without expand=applications, so there is
	// no posting id and the opportunity is skipped as an application.
	n := 0
	if err := c.ListApplications(ctx, ats.ListOptions{}, func(p []ats.Application) error { n += len(p); return nil }); err != nil || n != 0 {
		t.Fatalf("applications without a posting: %d, %v", n, err)
	}

	jobs := atstest.All(t, c.ListJobs)
	if len(jobs) != 1 {
		t.Fatalf("jobs = %d", len(jobs))
	}
	j := jobs[0]
	if j.ID != "75ff237f-c221-4c26-8b23-faf395f5ea1c" || j.Title != "Nango Seed Posting 1" || j.Status != ats.JobOpen ||
		j.DescriptionText != "Seed posting for Nango integration testing." || j.Department != "Research & Development" ||
		j.Location != "San Francisco, CA" || j.CreatedAt.UnixMilli() != 1782972961725 || len(j.ScreeningQuestions) != 0 {
		t.Fatalf("job = %+v", j)
	}

	// The same opportunity with applications expanded (shape inferred).
	expanded := strings.Replace(opp, `"applications": [
        "75b839b7-4173-4473-89ec-abdd4c6f7194"
      ]`, `"applications": [{"id":"75b839b7-4173-4473-89ec-abdd4c6f7194","type":"posting","posting":"75ff237f-c221-4c26-8b23-faf395f5ea1c"}]`, 1)
	if expanded == opp {
		t.Fatal("test premise broken: applications not replaced")
	}
	c = staticLever(t, map[string]string{"/v1/opportunities": expanded})
	apps := atstest.All(t, c.ListApplications)
	if len(apps) != 1 || apps[0].ID != "90bb80d6-db1b-4ba8-9d4f-8bcb25b6c017" || apps[0].JobID != "75ff237f-c221-4c26-8b23-faf395f5ea1c" ||
		apps[0].CandidateID != cd.ID || apps[0].StageID != "lead-new" || apps[0].Status != ats.ApplicationActive {
		t.Fatalf("applications = %+v", apps)
	}
}

func TestTestReportsMissingActingUser(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, func(c *ats.Config) { c.ActingUserID = "no-such-user" })
	if err := c.Test(context.Background()); !errors.Is(err, ats.ErrNotConfigured) {
		t.Fatalf("Test = %v", err)
	}
}

func TestHasWrite(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
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
	check(ats.ActionResultLink, false)
	check(ats.ActionNote, false)
	check(ats.ActionAttachment, false)
	if _, err := c.AddResultLink(ctx, ats.ResultLink{ApplicationID: s.ApplicationID, URL: "https://hireloop.example/r/" + marker}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "Interview done [" + marker + "]"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Name: "report-" + marker + ".pdf", Data: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	check(ats.ActionResultLink, true)
	check(ats.ActionNote, true)
	check(ats.ActionAttachment, true)
	check(ats.ActionAddTag, false)
	if _, err := c.HasWrite(ctx, ats.ActionMoveStage, "", s.ApplicationID, marker); !errors.Is(err, ats.ErrUnsupported) {
		t.Fatalf("move: %v", err)
	}
}

func TestRegisterWebhooks(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	ctx := context.Background()
	const hook = "https://hireloop.example/webhooks/ats/tok"
	reg, err := c.RegisterWebhooks(ctx, hook, "ignored")
	if err != nil {
		t.Fatal(err)
	}
	hooks := f.Webhooks()
	if len(hooks) != 5 || len(reg.IDs) != 5 || len(reg.Events) != 5 {
		t.Fatalf("registered %d webhooks (ids %v, events %v), want one per event", len(hooks), reg.IDs, reg.Events)
	}
	for i, h := range hooks {
		if h.URL != hook || h.ID != reg.IDs[i] || h.Event != reg.Events[i] {
			t.Errorf("webhook %d = %+v, registration says %s/%s", i, h, reg.IDs[i], reg.Events[i])
		}
	}
	// Lever signs each webhook's deliveries with its own token; the
	// returned secret must verify a delivery from any of them.
	for _, h := range hooks {
		body := fake.SignedDelivery(h.Event, "tok-"+h.ID, 1782975358767, map[string]any{"opportunityId": "opp-1"}, h.SignatureToken)
		if err := c.VerifyWebhook(nil, body, reg.Secret); err != nil {
			t.Errorf("delivery of %s signed with its token rejected: %v", h.Event, err)
		}
	}
	forged := fake.SignedDelivery("candidateStageChange", "tok-x", 1782975358767, map[string]any{}, "not-a-lever-token")
	if err := c.VerifyWebhook(nil, forged, reg.Secret); !errors.Is(err, ats.ErrInvalidSignature) {
		t.Fatalf("forged delivery: %v", err)
	}
	// A token pasted by hand, space separated, works the same.
	spaced := strings.ReplaceAll(reg.Secret, "\n", " ")
	body := fake.SignedDelivery("candidateHired", "tok-y", 1782975358767, map[string]any{}, hooks[3].SignatureToken)
	if err := c.VerifyWebhook(nil, body, spaced); err != nil {
		t.Fatalf("space-separated tokens: %v", err)
	}

	if err := c.UnregisterWebhooks(ctx, reg); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Webhooks()); n != 0 {
		t.Fatalf("%d webhooks left after unregistering", n)
	}
	// Already gone counts as removed.
	if err := c.UnregisterWebhooks(ctx, reg); err != nil {
		t.Fatalf("unregistering twice: %v", err)
	}
}

func TestRegisterWebhooksRollsBack(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	f.FailWebhookCreateAfter(2)
	_, err := c.RegisterWebhooks(context.Background(), "https://hireloop.example/webhooks/ats/tok", "")
	if !errors.Is(err, ats.ErrUnavailable) {
		t.Fatalf("err = %v, want the vendor's 500", err)
	}
	if n := len(f.Webhooks()); n != 0 {
		t.Fatalf("%d webhooks left after a failed registration, want the first two removed", n)
	}
}

// BenchmarkSync10k syncs every model of a Lever account with 10,000
// opportunities at Lever's 10 requests per second (window scaled to 200 ms;
// HIRELOOP_BENCH_WINDOW=1s for the real one) and fails above 1.2x the
// rate-limit floor.
//
//	go test -run '^$' -bench Sync10k -benchtime 1x ./ats/lever/
func BenchmarkSync10k(b *testing.B) {
	atstest.BenchFloor(b, atstest.Harness{Name: lever.Name, New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
		return newPair(t, o, nil)
	}}, 10_000, ats.RateLimit{Requests: lever.DefaultRateLimit.Requests, Per: atstest.BenchWindow(b, 200*time.Millisecond)}, 100, 1.2)
}
