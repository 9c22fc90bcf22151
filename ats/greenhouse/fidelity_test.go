package greenhouse_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/greenhouse/fake"
	"github.com/hireloop/hireloop/ats/greenhouse/harvestv3"
)

// call sends one request to the fake with a fresh token and returns the
// status and the field a 422 names.
func call(t *testing.T, f *fake.Fake, method, path, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, f.URL()+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+bearerToken(t, f))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var e struct {
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &e)
	field := ""
	if len(e.Errors) > 0 {
		field = e.Errors[0].Field
	}
	return resp.StatusCode, field
}

// Every write with a required field missing is a 422 naming the field,
// as Greenhouse answers it; nothing is written.
func TestFakeRefusesMissingRequiredFields(t *testing.T) {
	_, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	app, cand, stage, other := s.ApplicationID, s.CandidateID, s.StageID, s.OtherStageID
	for _, tc := range []struct {
		path, body, field string
	}{
		{"/notes", `{"body":"b","note_type":"NOTE","visibility":"public"}`, "candidate_id"},
		{"/notes", `{"candidate_id":` + cand + `,"note_type":"NOTE","visibility":"public"}`, "body"},
		{"/notes", `{"candidate_id":` + cand + `,"body":"b","visibility":"public"}`, "note_type"},
		{"/notes", `{"candidate_id":` + cand + `,"body":"b","note_type":"note","visibility":"public"}`, "note_type"},
		{"/notes", `{"candidate_id":` + cand + `,"body":"b","note_type":"NOTE"}`, "visibility"},
		{"/attachments", `{"filename":"r.pdf","type":"other","content":"JVBERg==","content_type":"application/pdf"}`, "application_id"},
		{"/attachments", `{"application_id":` + app + `,"type":"other","content":"JVBERg==","content_type":"application/pdf"}`, "filename"},
		{"/attachments", `{"application_id":` + app + `,"filename":"r.pdf","content":"JVBERg==","content_type":"application/pdf"}`, "type"},
		{"/attachments", `{"application_id":` + app + `,"filename":"r.pdf","type":"other"}`, "content"},
		{"/attachments", `{"application_id":` + app + `,"filename":"r.pdf","type":"other","content":"JVBERg=="}`, "content_type"},
		{"/applications/" + app + "/move", `{"to_stage_id":` + other + `}`, "from_stage_id"},
		{"/applications/" + app + "/move", `{"from_stage_id":` + stage + `}`, "to_stage_id"},
		{"/applications/" + app + "/move", `{"from_stage_id":` + other + `,"to_stage_id":` + other + `}`, "from_stage_id"}, // not current
		{"/applications/" + app + "/reject", `{"notes":"n"}`, "rejection_reason_id"},
		{"/candidate_tags", `{}`, "name"},
		{"/applied_candidate_tags", `{"candidate_tag_id":300}`, "candidate_id"},
		{"/applied_candidate_tags", `{"candidate_id":` + cand + `}`, "candidate_tag_id"},
		{"/applied_candidate_tags", `{"candidate_id":` + cand + `,"tag_id":300}`, "tag_id"},
	} {
		status, field := call(t, f, http.MethodPost, tc.path, tc.body)
		if status != http.StatusUnprocessableEntity || field != tc.field {
			t.Errorf("POST %s %s = %d naming %q, want 422 naming %q", tc.path, tc.body, status, field, tc.field)
		}
	}
	if n := len(f.Notes()); n != 0 {
		t.Errorf("%d notes written by refused requests", n)
	}
	if a, _ := f.Application(app); a.StageID != parse(stage) || a.Status != "active" {
		t.Errorf("application changed by refused requests: %+v", a)
	}
	// The complete bodies pass.
	for _, tc := range []struct{ path, body string }{
		{"/notes", `{"candidate_id":` + cand + `,"body":"b","note_type":"NOTE","visibility":"public"}`},
		{"/applications/" + app + "/move", `{"from_stage_id":` + stage + `,"to_stage_id":` + other + `}`},
	} {
		if status, field := call(t, f, http.MethodPost, tc.path, tc.body); status/100 != 2 {
			t.Errorf("POST %s %s = %d (%s)", tc.path, tc.body, status, field)
		}
	}
}

// hireloop's copy of the stage can be stale: a move refused for its
// from_stage_id is read back; already in the target stage is done,
// anywhere else is reported with the stage Greenhouse has.
func TestMoveWithStaleFromStage(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	f.MoveApplication(s.ApplicationID, s.OtherStageID) // a person moved it in Greenhouse
	if _, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, FromStageID: s.StageID, ToStageID: s.OtherStageID}); err != nil {
		t.Fatalf("move to the stage it is already in: %v", err)
	}
	third := ""
	for _, st := range atstest.All(t, c.ListStages) {
		if st.JobID == s.JobID && st.ID != s.StageID && st.ID != s.OtherStageID {
			third = st.ID
		}
	}
	f.ResetWrites()
	_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, FromStageID: s.StageID, ToStageID: third})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || !strings.Contains(err.Error(), "in stage "+s.OtherStageID+" in Greenhouse") {
		t.Fatalf("stale move = %v", err)
	}
	if a, _ := f.Application(s.ApplicationID); a.StageID != parse(s.OtherStageID) || len(f.Writes()) != 1 {
		t.Fatalf("stale move changed the application (%d) or was repeated (%d writes)", a.StageID, len(f.Writes()))
	}
}

// A copy synced before job_interview_stage_id was read holds the
// application_stages row as the stage: the refused move is sent once
// more from the stage itself, since the application has not moved.
func TestMoveFromARowIDSyncedEarlier(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	a, _ := f.Application(s.ApplicationID)
	f.ResetWrites()
	if _, err := c.MoveToStage(context.Background(), ats.StageMove{ApplicationID: s.ApplicationID,
		FromStageID: strconv.FormatInt(a.StageRow, 10), ToStageID: s.OtherStageID}); err != nil {
		t.Fatal(err)
	}
	w := f.Writes()
	if moved, _ := f.Application(s.ApplicationID); moved.StageID != parse(s.OtherStageID) || len(w) != 2 ||
		w[1].JSON()["from_stage_id"] != float64(parse(s.StageID)) {
		t.Fatalf("stage %d after %d writes %v", moved.StageID, len(w), w)
	}
}

// Both readings of application.stage_id land the application in its job
// interview stage, and a move reads the right from_stage_id.
func TestStageReadings(t *testing.T) {
	for name, r := range map[string]harvestv3.StageReading{
		"stage_id is the application_stages row": harvestv3.StageRowWithDefinition,
		"stage_id is the stage":                  harvestv3.StageIDIsDefinition,
	} {
		t.Run(name, func(t *testing.T) {
			c, f := newPair(t, atstest.Options{}, nil)
			f.SetStageReading(r)
			s := f.Samples()
			for _, a := range atstest.All(t, c.ListApplications) {
				fa, _ := f.Application(a.ID)
				if a.StageID != strconv.FormatInt(fa.StageID, 10) {
					t.Fatalf("application %s in stage %q, want %d", a.ID, a.StageID, fa.StageID)
				}
			}
			if _, err := c.MoveToStage(context.Background(), ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// v3 field names: created_at is the applied date, department_id and
// office_ids name the job's department and location, primary_email the
// user's address.
func TestV3FieldNames(t *testing.T) {
	c, f := newPair(t, atstest.Options{PageSize: 7}, nil)
	for i, a := range atstest.All(t, c.ListApplications) {
		if want := fake.Base.Add(time.Duration(i) * time.Second); !a.AppliedAt.Equal(want) {
			t.Fatalf("application %s applied %v, want %v", a.ID, a.AppliedAt, want)
		}
	}
	jobs := atstest.All(t, c.ListJobs)
	if len(jobs) != f.Expect().Jobs {
		t.Fatalf("%d jobs", len(jobs))
	}
	for _, j := range jobs {
		if j.Department != "Engineering" || j.Location != "Berlin, Germany" {
			t.Fatalf("job %s: department %q, location %q", j.ID, j.Department, j.Location)
		}
	}
	if us := atstest.All(t, c.ListUsers); us[0].Email != "user0@example.com" || us[0].Name != "User 0" {
		t.Fatalf("user %+v", us[0])
	}
}

// A server window three times the configured one costs one 429: the
// limiter takes the window from its reset, then waits instead.
func TestLongerServerWindowCostsOneWait(t *testing.T) {
	c, f := newPair(t, atstest.Options{PageSize: 1}, func(cfg *ats.Config) {
		cfg.RateLimit = ats.RateLimit{Requests: 8, Per: 250 * time.Millisecond}
	})
	f.SetRateLimit(8, time.Second)
	start := time.Now()
	if n := len(atstest.All(t, c.ListCandidates)); n != f.Expect().Candidates {
		t.Fatalf("%d candidates", n)
	}
	if f.Throttled() != 1 || f.RetryAfterViolations() != 0 {
		t.Fatalf("%d 429s, %d requests before the reset; want one 429 and none early", f.Throttled(), f.RetryAfterViolations())
	}
	if got := c.RateLimit(); got.Requests != 8 || got.Per < time.Second {
		t.Fatalf("limiter budget %v, want 8 per the server's window (>= 1s)", got)
	}
	t.Logf("23 requests through an 8/1s window in %v", time.Since(start).Round(time.Millisecond))
}

// A token answer that states only expires_at is honoured: the token is
// replaced before it expires, so no request meets a 401.
func TestTokenExpiresAtHonoured(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	f.SetTokenExpiryFields(harvestv3.ExpiresAtOnly)
	f.SetTokenTTL(2 * time.Second)
	ctx := context.Background()
	if err := c.ListJobs(ctx, ats.ListOptions{}, func([]ats.Job) error { return nil }); err != nil {
		t.Fatal(err)
	}
	// Past the token's expiry: a client that assumed an hour would send
	// the dead token and meet a 401.
	time.Sleep(2100 * time.Millisecond)
	before := f.Requests()
	if err := c.ListJobs(ctx, ats.ListOptions{}, func([]ats.Job) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if n := f.Requests() - before; n != 4 || c.TokenFetches() != 2 {
		t.Fatalf("%d requests (want 4: jobs, departments, offices, job posts; none refused), %d tokens", n, c.TokenFetches())
	}
	tr := f.TokenRequests()
	if len(tr) != 2 {
		t.Fatalf("%d token requests", len(tr))
	}
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(tr[0].Form)
	if !strings.Contains(buf.String(), `"sub":["4000"]`) {
		t.Fatalf("token form %s", buf.String())
	}
}
