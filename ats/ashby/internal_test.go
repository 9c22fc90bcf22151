package ashby

import (
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/hireloop/hireloop/ats"
)

// TestSamplesDecode decodes the recorded Ashby responses in testdata/
// (NangoHQ/integration-templates @ 3196dff, copied from
// shared/reference/samples).
func TestSamplesDecode(t *testing.T) {
	raw, err := os.ReadFile("testdata/ashby-application.json")
	if err != nil {
		t.Fatal(err)
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || !env.Success {
		t.Fatalf("envelope: %v", err)
	}
	var a wireApplication
	if err := json.Unmarshal(env.Results, &a); err != nil {
		t.Fatal(err)
	}
	if a.Status != "Archived" || a.Candidate.ID == "" || a.Job.ID == "" || a.CurrentInterviewStage == nil ||
		a.CurrentInterviewStage.Type != "Archived" || a.CurrentInterviewStage.InterviewPlanID == "" ||
		a.ArchiveReason == nil || a.ArchiveReason.Text == "" || a.UpdatedAt.IsZero() || a.ArchivedAt.IsZero() {
		t.Fatalf("application = %+v", a)
	}
	var cand wireCandidate
	var wrap struct {
		Candidate json.RawMessage `json:"candidate"`
	}
	_ = json.Unmarshal(env.Results, &wrap)
	if err := json.Unmarshal(wrap.Candidate, &cand); err != nil || len(contacts(cand.PrimaryEmailAddress, cand.EmailAddresses)) != 1 {
		t.Fatalf("candidate = %+v (%v)", cand, err)
	}

	raw, err = os.ReadFile("testdata/ashby-job-posting.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	var p wirePosting
	if err := json.Unmarshal(env.Results, &p); err != nil {
		t.Fatal(err)
	}
	if p.DescriptionHTML == "" || len(p.ApplicationFormDefinition.Sections) == 0 {
		t.Fatalf("posting = %+v", p)
	}
}

func TestLogicalError(t *testing.T) {
	cases := []struct {
		env  envelope
		kind error
	}{
		{envelope{Errors: []string{"application_not_found"}}, ats.ErrNotFound},
		{envelope{Errors: []string{"invalid_api_key"}}, ats.ErrUnauthorized},
		{envelope{Errors: []string{"missing permission candidatesWrite"}}, ats.ErrForbidden},
	}
	for _, c := range cases {
		err := logicalError("POST /x", 200, &c.env)
		if !errorsIs(err, c.kind) {
			t.Errorf("%v → %v, want %v", c.env.Errors, err, c.kind)
		}
	}
	err := logicalError("POST /x", 200, &envelope{Errors: []string{"Candidate name is required"}})
	var iie *ats.InvalidInputError
	if !errorsAs(err, &iie) || ats.VendorMessage(err) != "Candidate name is required" {
		t.Errorf("invalid input → %v", err)
	}
}

func errorsIs(err, target error) bool     { return errors.Is(err, target) }
func errorsAs(err error, target any) bool { return errors.As(err, target) }
