package store

import (
	"context"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Applications whose connector gives only stage and rejection reason ids
// (Greenhouse Harvest v3) show the names of the synced stages and
// reasons; a name the application carries is the fallback.
func TestApplicationsJoinStageAndReasonNames(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "names@example.com", "N", "h", false)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := s.CreateWorkspace(ctx, "Names", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	c := &Connection{WorkspaceID: ws.ID, Provider: "greenhouse", Name: "gh", WebhookToken: "tok-names", SyncInterval: time.Hour}
	if err := s.CreateConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	sc := SyncScope{WorkspaceID: ws.ID, ConnectionID: c.ID, Source: "initial"}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.UpsertJobs(ctx, sc, []ats.Job{{ID: "j1", Title: "Engineer"}, {ID: "j2", Title: "Designer"}}))
	// Stage ids repeat across jobs in some ATSs: the application's job decides.
	must(s.UpsertStages(ctx, sc, []ats.Stage{{ID: "s1", JobID: "j1", Name: "AI Interview"}, {ID: "s1", JobID: "j2", Name: "Portfolio"},
		{ID: "g1", Name: "Account-wide"}}))
	must(s.UpsertRejectionReasons(ctx, sc, []ats.RejectionReason{{ID: "r1", Name: "Lacking skills"}}))
	must(s.UpsertCandidates(ctx, sc, []ats.Candidate{{ID: "c1", FirstName: "A"}}))
	must(s.UpsertApplications(ctx, sc, []ats.Application{
		{ID: "a1", CandidateID: "c1", JobID: "j1", StageID: "s1", Status: ats.ApplicationActive},
		{ID: "a2", CandidateID: "c1", JobID: "j2", StageID: "s1", Status: ats.ApplicationRejected, RejectionReasonID: "r1"},
		{ID: "a3", CandidateID: "c1", JobID: "j1", StageID: "g1", Status: ats.ApplicationActive},
		{ID: "a4", CandidateID: "c1", JobID: "j1", StageID: "unsynced", StageName: "From the webhook", Status: ats.ApplicationRejected,
			RejectionReasonName: "Their own words"},
	}))
	rows, _, _, err := s.Applications(ctx, ws.ID, ApplicationFilter{ConnectionID: c.ID})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{"a1": {"AI Interview", ""}, "a2": {"Portfolio", "Lacking skills"}, "a3": {"Account-wide", ""},
		"a4": {"From the webhook", "Their own words"}}
	if len(rows) != len(want) {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		if got := [2]string{r.StageName, r.RejectionReasonName}; got != want[r.ExtID] {
			t.Errorf("application %s: stage %q, reason %q; want %q", r.ExtID, got[0], got[1], want[r.ExtID])
		}
	}
}
