package merge_test

import (
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
	"github.com/hireloop/hireloop/ats/merge"
	"github.com/hireloop/hireloop/ats/merge/fake"
)

const (
	apiKey       = "merge-test-key"
	accountToken = "merge-account-token-123"
)

// actingUser is the fake's first RemoteUser.
var actingUser string

func newPairSeed(t testing.TB, o atstest.Options, seed fake.Seed) (*merge.Client, *fake.Fake) {
	t.Helper()
	f := fake.New(apiKey, accountToken, seed)
	t.Cleanup(f.Close)
	user := userID(t, f) // before the rate limit, which starts a fresh window
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.APIKey, cfg.IntegrationID, cfg.ActingUserID = f.URL(), apiKey, accountToken, user
	return atstest.Connect(t, merge.New, cfg, nil), f
}

// userID reads the fake's first user id through a throwaway client, so
// the acting user is a real RemoteUser id of the seeded data.
func userID(t testing.TB, f *fake.Fake) string {
	t.Helper()
	if actingUser != "" {
		return actingUser
	}
	c, err := merge.New(ats.Config{BaseURL: f.URL(), APIKey: apiKey, IntegrationID: accountToken})
	if err != nil {
		t.Fatal(err)
	}
	err = c.ListUsers(context.Background(), ats.ListOptions{}, func(p []ats.User) error {
		if actingUser == "" && len(p) > 0 {
			actingUser = p[0].ID
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return actingUser
}

func newPair(t testing.TB, o atstest.Options) (*merge.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	if o.Applications > 0 {
		// ~125 applications per job, as in a mid-sized account.
		seed = fake.Seed{Jobs: max(3, o.Applications/125), StagesPerJob: 5, Candidates: o.Applications, Applications: o.Applications,
			Tags: 10, RejectionReasons: 5, Users: 10}
	}
	c, f := newPairSeed(t, o, seed)
	f.ResetWrites()
	return c, f
}

func harness(t testing.TB) atstest.Harness {
	read := func(name string) []byte {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return atstest.Harness{
		Name: merge.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPair(t, o)
		},
		CheckWrite: checkWrite,
		Webhooks: []atstest.WebhookCase{
			{Name: "application-changed", Body: read("application-changed.json"), Want: ats.WebhookEvent{Type: "Application.changed",
				ApplicationID: "92e8a369-fffe-430d-b93a-f7e8a16563f1", CandidateID: "2872ba14-4084-492b-be96-e5eee6fc33ef",
				Models:      []ats.Model{ats.ModelApplications},
				StageChange: &ats.StageChange{ToStageID: "d578dfdc-7b0a-4ab6-a2b0-4b40f20eb9ea"}}},
			{Name: "linked-account-synced", Body: read("linked-account-synced.json"), Want: ats.WebhookEvent{Type: "LinkedAccount.synced",
				Models: ats.AllModels}},
			{Name: "issue-created", Body: []byte(`{"hook":{"id":"h1","event":"Issue.created","target":"https://x"},"linked_account":{"id":"la1"},"data":{"id":"i1","status":"ONGOING","error_description":"Missing Permission"}}`),
				Want: ats.WebhookEvent{Type: "Issue.created"}},
		},
	}
}

func TestConformance(t *testing.T) { atstest.Run(t, harness(t)) }

func checkWrite(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	if len(reqs) != 1 {
		t.Fatalf("%s made %d write requests, want 1", a, len(reqs))
	}
	r := reqs[0]
	if r.Header.Get("X-Account-Token") != accountToken || r.Header.Get("Authorization") != "Bearer "+apiKey {
		t.Fatalf("auth headers missing on %s", r.Path)
	}
	b := r.JSON()
	m, _ := b["model"].(map[string]any)
	if b["remote_user_id"] != actingUser {
		t.Fatalf("%s: remote_user_id = %v, want %s (%s)", a, b["remote_user_id"], actingUser, r.Body)
	}
	switch a {
	case ats.ActionResultLink:
		x := in.(ats.ResultLink)
		if r.Method != "POST" || r.Path != fake.Prefix+"/activities" || m["activity_type"] != "NOTE" || m["candidate"] != x.CandidateID ||
			m["subject"] != x.Label || m["body"] != "hireloop interview: https://hireloop.example/r/abc\nScore: 82%" ||
			m["user"] != actingUser || m["visibility"] != "PUBLIC" {
			t.Fatalf("result link %s %s %s", r.Method, r.Path, r.Body)
		}
	case ats.ActionNote:
		x := in.(ats.Note)
		if r.Method != "POST" || r.Path != fake.Prefix+"/activities" || m["activity_type"] != "NOTE" || m["body"] != x.Body ||
			m["candidate"] != x.CandidateID || m["user"] != actingUser || m["visibility"] != "PUBLIC" {
			t.Fatalf("note %s %s %s", r.Method, r.Path, r.Body)
		}
	case ats.ActionAttachment:
		x := in.(ats.Attachment)
		if r.Method != "POST" || r.Path != fake.Prefix+"/attachments" || m["file_name"] != x.Name || m["file_url"] != x.URL ||
			m["candidate"] != x.CandidateID || m["attachment_type"] != "OTHER" {
			t.Fatalf("attachment %s %s %s", r.Method, r.Path, r.Body)
		}
		if strings.Contains(string(r.Body), "data") {
			t.Fatalf("attachment sent file bytes: %s", r.Body)
		}
	case ats.ActionMoveStage:
		x := in.(ats.StageMove)
		if r.Method != "POST" || r.Path != fake.Prefix+"/applications/"+x.ApplicationID+"/change-stage" || b["job_interview_stage"] != x.ToStageID {
			t.Fatalf("move %s %s %s", r.Method, r.Path, r.Body)
		}
	case ats.ActionAddTag:
		x := in.(ats.TagAssignment)
		tags, _ := m["tags"].([]any)
		if r.Method != "PATCH" || r.Path != fake.Prefix+"/candidates/"+x.CandidateID || len(tags) == 0 || tags[len(tags)-1] != x.Name {
			t.Fatalf("tag %s %s %s", r.Method, r.Path, r.Body)
		}
	default:
		t.Fatalf("unexpected supported write %s", a)
	}
}

func TestDeclaredCapabilities(t *testing.T) {
	cp, ok := ats.Declared(merge.Name)
	if !ok {
		t.Fatal("merge not declared")
	}
	if err := cp.Validate(); err != nil {
		t.Fatal(err)
	}
	if cp.Supports(ats.ActionReject) || !strings.Contains(cp.Writes[ats.ActionReject].Reason, "cannot reject") {
		t.Fatalf("reject = %+v", cp.Writes[ats.ActionReject])
	}
	if cp.Writes[ats.ActionAttachment].Transport != ats.TransportURLPull || cp.Writes[ats.ActionNote].Target != ats.TargetCandidate ||
		!cp.ActingUserRequired || !cp.ForceSync || cp.DefaultRateLimit != (ats.RateLimit{Requests: 100, Per: time.Minute}) {
		t.Fatalf("caps = %+v", cp)
	}
}

func TestCapabilitiesFromAvailableActions(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	f.SetOperations("Activity", "FETCH")
	f.SetOperations("Attachment")
	cp, err := c.Capabilities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := cp.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, a := range []ats.WriteAction{ats.ActionNote, ats.ActionResultLink, ats.ActionAttachment} {
		if cp.Supports(a) || !strings.Contains(cp.Writes[a].Reason, "Greenhouse") {
			t.Fatalf("%s = %+v", a, cp.Writes[a])
		}
	}
	if !cp.Supports(ats.ActionMoveStage) || !cp.Supports(ats.ActionAddTag) || cp.Supports(ats.ActionReject) {
		t.Fatalf("caps = %+v", cp.Writes)
	}
	// Cached: no second request within the TTL; the declared values are untouched.
	n := f.Requests()
	if _, err := c.Capabilities(context.Background()); err != nil || f.Requests() != n {
		t.Fatalf("capabilities not cached (%v)", err)
	}
	if d, _ := ats.Declared(merge.Name); !d.Supports(ats.ActionNote) {
		t.Fatal("refinement changed the declared capabilities")
	}
}

func TestNewRequiresAccountToken(t *testing.T) {
	if _, err := ats.New(merge.Name, ats.Config{APIKey: "k"}); !errors.Is(err, ats.ErrNotConfigured) {
		t.Fatalf("err = %v", err)
	}
	if _, err := ats.New(merge.Name, ats.Config{IntegrationID: "t"}); !errors.Is(err, ats.ErrNotConfigured) {
		t.Fatalf("err = %v", err)
	}
}

func TestWritesNeedActingUser(t *testing.T) {
	f := fake.New(apiKey, accountToken, fake.SmallSeed)
	defer f.Close()
	c, err := merge.New(ats.Config{BaseURL: f.URL(), APIKey: apiKey, IntegrationID: accountToken})
	if err != nil {
		t.Fatal(err)
	}
	s := f.Samples()
	n := f.Requests()
	_, err = c.AddNote(context.Background(), ats.Note{CandidateID: s.CandidateID, Body: "x"})
	if !errors.Is(err, ats.ErrNotConfigured) || f.Requests() != n {
		t.Fatalf("note without acting user = %v (%d requests)", err, f.Requests()-n)
	}
	_, err = c.MoveToStage(context.Background(), ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID})
	if !errors.Is(err, ats.ErrNotConfigured) || f.Requests() != n {
		t.Fatalf("move without acting user = %v", err)
	}
}

func TestJobsStagesApplicationsShape(t *testing.T) {
	c, _ := newPair(t, atstest.Options{})
	jobs := atstest.All(t, c.ListJobs)
	j := jobs[0]
	if j.Department != "Engineering" || j.Location != "Berlin" || j.Status != ats.JobOpen ||
		j.DescriptionText != "Build hireloop.\n\n- Go\n- SQLite" || len(j.ScreeningQuestions) != 1 {
		t.Fatalf("job = %+v", j)
	}
	q := j.ScreeningQuestions[0]
	if q.Type != ats.QuestionSingleChoice || !q.Required || q.Label != "Work permit?" || len(q.Options) != 2 || q.Options[0].Label != "Yes" {
		t.Fatalf("question = %+v", q)
	}
	if jobs[4].Status != ats.JobDraft { // PENDING
		t.Fatalf("PENDING job status = %s", jobs[4].Status)
	}
	stages := atstest.All(t, c.ListStages)
	if stages[1].Order != 1 || stages[1].JobID != j.ID || stages[1].Name != "AI Interview" || !stages[1].Active {
		t.Fatalf("stage = %+v", stages[1])
	}
	apps := atstest.All(t, c.ListApplications)
	a := apps[0]
	if a.StageName != "Application Review" || len(a.Answers) != 1 || a.Answers[0].Value != "Yes" || a.Answers[0].Question != "Work permit?" ||
		a.Answers[0].QuestionID != j.ScreeningQuestions[0].ID || a.AppliedAt.IsZero() || a.Status != ats.ApplicationActive {
		t.Fatalf("application = %+v", a)
	}
	rej := apps[6]
	if rej.Status != ats.ApplicationRejected || rej.RejectionReasonID == "" || rej.RejectionReasonName == "" || rej.RejectedAt.IsZero() {
		t.Fatalf("rejected application = %+v", rej)
	}
}

func TestTagsAreNames(t *testing.T) {
	c, _ := newPair(t, atstest.Options{})
	tags := atstest.All(t, c.ListTags)
	if len(tags) == 0 || tags[0].ID != tags[0].Name || tags[0].Name != "tag-0" {
		t.Fatalf("tags = %+v", tags)
	}
	cands := atstest.All(t, c.ListCandidates)
	if len(cands[1].Tags) != 1 || cands[1].Tags[0].ID != cands[1].Tags[0].Name || len(cands[1].Phones) != 1 {
		t.Fatalf("candidate = %+v", cands[1])
	}
}

func TestAddTagReadModifyWrite(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	ctx := context.Background()
	var cands []ats.Candidate
	_ = c.ListCandidates(ctx, ats.ListOptions{}, func(p []ats.Candidate) error { cands = append(cands, p...); return nil })
	id := cands[1].ID // seeded with one tag
	before := f.CandidateTags(id)
	if len(before) != 1 {
		t.Fatalf("seed tags = %v", before)
	}
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: id, Name: "hireloop-interviewed"}); err != nil {
		t.Fatal(err)
	}
	if got := f.CandidateTags(id); !slices.Equal(got, append(before, "hireloop-interviewed")) {
		t.Fatalf("tags after add = %v (existing tags must be kept)", got)
	}
	// Present already (case-insensitive): no write at all.
	f.ResetWrites()
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: id, Name: "HIRELOOP-interviewed"}); err != nil || len(f.Writes()) != 0 {
		t.Fatalf("re-adding a present tag: err=%v writes=%d", err, len(f.Writes()))
	}
	// A read that keeps failing (reads are retried) writes nothing.
	f.FailLookups(10)
	f.ResetWrites()
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: id, Name: "other"}); !errors.Is(err, ats.ErrUnavailable) {
		t.Fatalf("failed read = %v", err)
	}
	if len(f.Writes()) != 0 {
		t.Fatalf("tag written after a failed read")
	}
}

func TestWriteErrorsAndWarnings(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	ctx := context.Background()
	s := f.Samples()
	// A stage of another job: Merge answers errors[] with a JSON pointer.
	_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: "nope"})
	var iie *ats.InvalidInputError
	var me *ats.Error
	if !errors.As(err, &iie) || !errors.As(err, &me) || me.Code != "INVALID_FIELD" || len(iie.Fields) != 1 ||
		iie.Fields[0].Field != "/job_interview_stage" || !strings.Contains(ats.VendorMessage(err), "does not belong") {
		t.Fatalf("move to unknown stage = %#v", err)
	}
	_, err = c.MoveToStage(ctx, ats.StageMove{ApplicationID: "missing", ToStageID: s.OtherStageID})
	if !errors.Is(err, ats.ErrNotFound) {
		t.Fatalf("unknown application = %v", err)
	}
	// Attachments need a URL Merge can fetch: refused locally otherwise.
	n := f.Requests()
	_, err = c.AddAttachment(ctx, ats.Attachment{CandidateID: s.CandidateID, Name: "r.pdf", Data: []byte("%PDF")})
	if !errors.As(err, &iie) || !strings.Contains(err.Error(), "URL") || f.Requests() != n {
		t.Fatalf("attachment without URL = %v", err)
	}
	// Reject is not offered.
	if _, err := c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID}); !errors.Is(err, ats.ErrUnsupported) {
		t.Fatalf("reject = %v", err)
	}
}

// A 2xx response that still carries errors[] is a failed write.
func TestErrorsInSuccessfulResponse(t *testing.T) {
	srv := newRawServer(t, http.StatusCreated, `{"model":null,"warnings":[{"title":"Unrecognized Field","detail":"x is ignored","problem_type":"UNRECOGNIZED_FIELD"}],"errors":[{"source":{"pointer":"/model/body"},"title":"Missing Required Field","detail":"body is a required field on model.","problem_type":"MISSING_REQUIRED_FIELD"}]}`)
	c, err := merge.New(ats.Config{BaseURL: srv, APIKey: apiKey, IntegrationID: accountToken, ActingUserID: "u1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.AddNote(context.Background(), ats.Note{CandidateID: "c1", Body: "x"})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || !strings.Contains(ats.VendorMessage(err), "body is a required field") || ats.IsTransient(err) {
		t.Fatalf("errors[] on 201 = %v", err)
	}
	srv = newRawServer(t, http.StatusCreated, `{"model":{"id":"act-1"},"warnings":[{"title":"Unrecognized Field","detail":"x is ignored","problem_type":"UNRECOGNIZED_FIELD"}],"errors":[]}`)
	c, _ = merge.New(ats.Config{BaseURL: srv, APIKey: apiKey, IntegrationID: accountToken, ActingUserID: "u1"})
	res, err := c.AddNote(context.Background(), ats.Note{CandidateID: "c1", Body: "x"})
	if err != nil || res.RemoteID != "act-1" || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "x is ignored") {
		t.Fatalf("warnings = %+v %v", res, err)
	}
}

func newRawServer(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/api/ats/v1"
}

func TestNoteLooksUpCandidateFromApplication(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	s := f.Samples()
	if _, err := c.AddNote(context.Background(), ats.Note{ApplicationID: s.ApplicationID, Body: "hello", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	acts := f.Activities()
	if len(acts) != 1 || acts[0].Candidate != s.CandidateID || acts[0].Visibility != "PRIVATE" || acts[0].User != actingUser {
		t.Fatalf("activities = %+v", acts)
	}
}

func TestHasWrite(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	ctx := context.Background()
	s := f.Samples()
	for _, a := range []ats.WriteAction{ats.ActionNote, ats.ActionResultLink, ats.ActionAttachment} {
		if ok, err := c.HasWrite(ctx, a, s.CandidateID, s.ApplicationID, "hl-123"); err != nil || ok {
			t.Fatalf("%s before write: %v %v", a, ok, err)
		}
	}
	if _, err := c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID, Body: "Interview done [hl-123]"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddAttachment(ctx, ats.Attachment{CandidateID: s.CandidateID, Name: "report-hl-123.pdf", URL: "https://x/r.pdf"}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []ats.WriteAction{ats.ActionNote, ats.ActionAttachment} {
		if ok, err := c.HasWrite(ctx, a, s.CandidateID, "", "hl-123"); err != nil || !ok {
			t.Fatalf("%s after write: %v %v", a, ok, err)
		}
	}
	// Another candidate's notes do not count.
	var other string
	_ = c.ListCandidates(ctx, ats.ListOptions{}, func(p []ats.Candidate) error { other = p[5].ID; return nil })
	if ok, _ := c.HasWrite(ctx, ats.ActionNote, other, "", "hl-123"); ok {
		t.Fatal("note found on the wrong candidate")
	}
	if _, err := c.HasWrite(ctx, ats.ActionMoveStage, s.CandidateID, "", "x"); !errors.Is(err, ats.ErrUnsupported) {
		t.Fatalf("move check = %v", err)
	}
}

func TestForceSyncAndSyncStatus(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	ctx := context.Background()
	st, err := c.ForceSync(ctx, false)
	if err != nil || st.Type != "FULL" || st.AlreadyQueued || f.Resyncs() != 1 {
		t.Fatalf("ForceSync = %+v %v (resyncs %d)", st, err, f.Resyncs())
	}
	ss, err := c.SyncStatuses(ctx)
	if err != nil || len(ss) == 0 || ss[0].Status != "SYNCING" {
		t.Fatalf("SyncStatuses = %+v %v", ss, err)
	}
	// A running sync is reported, not re-requested (each resync costs a credit).
	st, err = c.ForceSync(ctx, true)
	if err != nil || !st.AlreadyQueued || f.Resyncs() != 1 {
		t.Fatalf("second ForceSync = %+v %v (resyncs %d)", st, err, f.Resyncs())
	}
	if w := f.Writes(); len(w) != 1 || w[0].Method != http.MethodPost || w[0].Path != fake.Prefix+"/sync-status/resync" {
		t.Fatalf("writes = %+v", w)
	}
}

func TestTestReportsLinkedAccountState(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	ctx := context.Background()
	f.SetAccountStatus("RELINK_NEEDED")
	if err := c.Test(ctx); !errors.Is(err, ats.ErrUnauthorized) || !strings.Contains(err.Error(), "relink") {
		t.Fatalf("Test on RELINK_NEEDED = %v", err)
	}
	f.SetAccountStatus("INCOMPLETE")
	if err := c.Test(ctx); !errors.Is(err, ats.ErrNotReady) {
		t.Fatalf("Test on INCOMPLETE = %v", err)
	}
	f.SetAccountStatus("COMPLETE")
	ad, err := c.AccountDetails(ctx)
	if err != nil || ad.ID == "" || ad.IntegrationSlug != "greenhouse" || c.Test(ctx) != nil {
		t.Fatalf("AccountDetails = %+v %v", ad, err)
	}
	// A wrong account token is a 401 like a wrong key.
	bad, _ := merge.New(ats.Config{BaseURL: f.URL(), APIKey: apiKey, IntegrationID: "wrong"})
	if err := bad.Test(ctx); !errors.Is(err, ats.ErrUnauthorized) {
		t.Fatalf("wrong account token = %v", err)
	}
}

func TestIncrementalUsesMergeModifiedAt(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	ctx := context.Background()
	s := f.Samples()
	var wm time.Time
	_ = c.ListCandidates(ctx, ats.ListOptions{}, func(p []ats.Candidate) error {
		for _, x := range p {
			if x.UpdatedAt.After(wm) {
				wm = x.UpdatedAt
			}
		}
		return nil
	})
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "x"}); err != nil {
		t.Fatal(err)
	}
	var got []ats.Candidate
	_ = c.ListCandidates(ctx, ats.ListOptions{UpdatedAfter: wm.Add(time.Millisecond)}, func(p []ats.Candidate) error { got = append(got, p...); return nil })
	if len(got) != 1 || got[0].ID != s.CandidateID || !slices.ContainsFunc(got[0].Tags, func(t ats.Tag) bool { return t.Name == "x" }) {
		t.Fatalf("incremental after tag = %+v", got)
	}
	reqs := f.Writes()
	if len(reqs) != 1 || reqs[0].Method != http.MethodPatch {
		t.Fatalf("writes = %+v", reqs)
	}
}

func TestWebhookPaddingAndRef(t *testing.T) {
	c, _ := newPair(t, atstest.Options{})
	body, _ := os.ReadFile("testdata/application-changed.json")
	sig := fake.Sign(body, "key")
	if !strings.HasSuffix(sig, "=") {
		t.Fatalf("Merge signature %q should be padded base64url", sig)
	}
	for _, s := range []string{sig, strings.TrimRight(sig, "=")} {
		if err := c.VerifyWebhook(http.Header{"X-Merge-Webhook-Signature": {s}}, body, "key"); err != nil {
			t.Fatalf("signature %q: %v", s, err)
		}
	}
	ev, err := c.ParseWebhook(nil, body)
	if err != nil || ev.ConnectionRef != "a3b2c1d0-1111-4222-8333-944455556666" || ev.JobID != "52bf9b5e-0beb-4f6f-8a72-cd4dca7ca633" ||
		!strings.HasPrefix(ev.ID, "sha256:") {
		t.Fatalf("event = %+v %v", ev, err)
	}
	ev, _ = c.ParseWebhook(nil, []byte(`{"hook":{"event":"Candidate.removed"},"linked_account":{"id":"la"},"data":{"id":"c9"}}`))
	if ev.CandidateID != "c9" || !ev.Changed(ats.ModelCandidates) {
		t.Fatalf("Candidate.removed = %+v", ev)
	}
	ev, _ = c.ParseWebhook(nil, []byte(`{"hook":{"event":"Attachment.added"},"data":{"id":"a"}}`))
	if len(ev.Models) != 0 {
		t.Fatalf("Attachment.added models = %v", ev.Models)
	}
}

// BenchmarkSync10k syncs 10,000 applications and candidates (80 jobs, one
// screening-questions request each; ~288 requests) from the fake enforcing
// Merge's Launch budget (100 requests per rolling window). The real window
// is a minute; it is scaled to 10 s (override with HIRELOOP_BENCH_WINDOW).
// Shorter windows measure JSON encoding on the test machine rather than
// pacing: ~1 s of the ~2 s of encode/decode work falls after the last
// window opens, which adds ~1 s / window to the ratio.
//
//	go test -run '^$' -bench Sync10k -benchtime 1x ./ats/merge/
func BenchmarkSync10k(b *testing.B) {
	window := atstest.BenchWindow(b, 10*time.Second)
	atstest.BenchFloor(b, harness(b), 10_000, ats.RateLimit{Requests: 100, Per: window}, merge.MaxPageSize, 1.2)
}

// One Merge webhook serves every linked account: deliveries name the
// linked account by its Merge id, which AccountRef looks up.
func TestAccountRef(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	ctx := context.Background()
	ad, err := c.AccountDetails(ctx)
	if err != nil || ad.ID == "" {
		t.Fatalf("account details: %+v %v", ad, err)
	}
	before := f.Requests()
	if ref, err := c.AccountRef(ctx); err != nil || ref != ad.ID {
		t.Fatalf("AccountRef = %q, %v; want %q", ref, err, ad.ID)
	}
	if n := f.Requests() - before; n != 1 {
		t.Fatalf("%d requests for one look-up", n)
	}
}
