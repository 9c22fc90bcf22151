package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
)

// liveInterview is a published interview of a fresh workspace with two
// questions (version 1), and the user who owns the workspace.
func liveInterview(t *testing.T, s *Store) (*Interview, *User) {
	t.Helper()
	ctx := context.Background()
	u, ws, err := s.SetupFirstAdmin(ctx, "ann@example.com", "Ann", "hash", "Acme")
	if err != nil {
		t.Fatal(err)
	}
	iv := &Interview{WorkspaceID: ws.ID, Name: "Backend", Kind: "interview", Language: "en", DeadlineDays: 7, WatchInterval: 300,
		Questions: []Question{
			{Type: "text", Prompt: "Tell us about a migration.", Rubric: json.RawMessage(`[{"name":"Planning","weight":1}]`), MaxMediaS: 180},
			{Type: "yes_no", Prompt: "Work permit?", Options: []string{"yes", "no"}, MaxMediaS: 180},
		}}
	if err := s.SaveInterview(ctx, iv); err != nil {
		t.Fatal(err)
	}
	if err := s.StartPublish(ctx, ws.ID, iv.ID, 0); err != nil {
		t.Fatal(err)
	}
	iv, err = s.Interview(ctx, ws.ID, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	return iv, u
}

var tokenSeq int

// invite creates one invitation to iv and returns it as stored.
func invite(t *testing.T, s *Store, iv *Interview) *Invitation {
	t.Helper()
	ctx := context.Background()
	tokenSeq++
	app := fmt.Sprintf("app-%d", tokenSeq)
	n, err := s.CreateInvitations(ctx, iv, "publish", []NewInvitation{{
		StageCandidate: StageCandidate{ApplicationExtID: app, Email: app + "@example.com", FirstName: "Cand"},
		TokenHash:      []byte("hash-" + app), SealedToken: []byte("sealed"),
	}})
	if err != nil || n != 1 {
		t.Fatalf("invite: %d %v", n, err)
	}
	invs, err := s.Invitations(ctx, iv.WorkspaceID, iv.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &invs[0] // newest first
}

// answerFirst starts the invitation and answers its version's first question.
func answerFirst(t *testing.T, s *Store, inv *Invitation) int64 {
	t.Helper()
	ctx := context.Background()
	qs, err := s.QuestionsOf(ctx, inv.InterviewID, inv.Version)
	if err != nil || len(qs) == 0 {
		t.Fatalf("questions of version %d: %v %v", inv.Version, qs, err)
	}
	if err := s.StartInvitation(ctx, inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveAnswer(ctx, inv.ID, Answer{QuestionID: qs[0].ID, Value: "We planned it in phases."}); err != nil {
		t.Fatal(err)
	}
	return qs[0].ID
}

func TestNewVersionLeavesTheOldOneAndItsAnswers(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	iv, u := liveInterview(t, s)
	v1 := append([]Question(nil), iv.Questions...)
	first := invite(t, s, iv)
	if first.Version != 1 {
		t.Fatalf("invitation before any edit has version %d", first.Version)
	}
	answered := answerFirst(t, s, first)

	// Remove the answered question, reword the other, add one.
	iv.Questions = []Question{
		{ID: v1[1].ID, Type: "yes_no", Prompt: "Do you have a work permit?", Options: []string{"yes", "no"}, MaxMediaS: 180},
		{Type: "number", Prompt: "Years of Go?", MaxMediaS: 180},
	}
	if err := s.SaveNewVersion(ctx, iv, &u.ID, "1 question edited, 1 added, 1 removed"); err != nil {
		t.Fatal(err)
	}
	if iv.Version != 2 {
		t.Fatalf("version after saving a new one: %d", iv.Version)
	}
	for _, q := range iv.Questions {
		if q.ID == v1[0].ID || q.ID == v1[1].ID {
			t.Fatalf("a row of version 1 was reused for version 2: %+v", q)
		}
	}
	old, err := s.QuestionsOf(ctx, iv.ID, 1)
	if err != nil || len(old) != 2 || old[0].ID != v1[0].ID || old[0].Prompt != v1[0].Prompt || old[1].Prompt != "Work permit?" {
		t.Fatalf("version 1 changed: %+v %v", old, err)
	}
	ans, err := s.Answers(ctx, first.ID)
	if err != nil || len(ans) != 1 || ans[0].QuestionID != answered {
		t.Fatalf("the answer to the removed question is gone: %+v %v", ans, err)
	}
	cur, err := s.Interview(ctx, iv.WorkspaceID, iv.ID)
	if err != nil || cur.Version != 2 || len(cur.Questions) != 2 || cur.Questions[1].Prompt != "Years of Go?" {
		t.Fatalf("current interview: %+v %v", cur, err)
	}

	// Invitations from now on get version 2; the first keeps version 1 and
	// can only answer version 1's questions.
	second := invite(t, s, cur)
	if second.Version != 2 {
		t.Fatalf("invitation after the edit has version %d", second.Version)
	}
	if again, _ := s.InvitationByID(ctx, first.ID); again.Version != 1 {
		t.Fatalf("the first invitation moved to version %d", again.Version)
	}
	if _, err := s.SaveAnswer(ctx, first.ID, Answer{QuestionID: cur.Questions[1].ID, Value: "3"}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("answering another version's question: %v", err)
	}
	if _, err := s.OpenQuestion(ctx, first.ID, cur.Questions[1].ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("opening another version's question: %v", err)
	}

	vs, err := s.InterviewVersions(ctx, iv.ID)
	if err != nil || len(vs) != 2 {
		t.Fatalf("versions: %+v %v", vs, err)
	}
	if vs[0].Version != 2 || vs[0].Summary != "1 question edited, 1 added, 1 removed" || vs[0].CreatedBy == nil || *vs[0].CreatedBy != u.ID ||
		vs[0].CreatedByEmail != "ann@example.com" || vs[0].Invitations != 1 || vs[0].Answered != 0 {
		t.Fatalf("version 2: %+v", vs[0])
	}
	if vs[1].Version != 1 || vs[1].Summary != "Published" || vs[1].CreatedBy != nil || vs[1].Invitations != 1 || vs[1].Answered != 1 {
		t.Fatalf("version 1: %+v", vs[1])
	}

	// Results are listed per version.
	if err := s.SubmitInvitation(ctx, first.ID); err != nil {
		t.Fatal(err)
	}
	for version, want := range map[int]int{0: 1, 1: 1, 2: 0} {
		rows, err := s.Results(ctx, iv.WorkspaceID, iv.ID, version)
		if err != nil || len(rows) != want || want == 1 && rows[0].Version != 1 {
			t.Fatalf("results of version %d: %+v %v", version, rows, err)
		}
	}
}

// The data-loss bug versions fix: removing a question of a live interview
// deleted the candidates' answers with it (ON DELETE CASCADE).
func TestEditingALiveInterviewNeverDeletesAnswers(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	iv, _ := liveInterview(t, s)
	inv := invite(t, s, iv)
	qid := answerFirst(t, s, inv)

	// A plain save of version 1 without the answered question is refused.
	edit := *iv
	edit.Questions = iv.Questions[1:]
	if err := s.SaveInterview(ctx, &edit); !errors.Is(err, ErrVersionAnswered) {
		t.Fatalf("removing an answered question of a published version: %v", err)
	}
	// Even SQL that bypasses the store cannot delete it, nor reword it.
	if _, err := s.w.ExecContext(ctx, `DELETE FROM interview_questions WHERE id = ?`, qid); err == nil {
		t.Fatal("a question of a published version was deleted")
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE interview_questions SET prompt = 'Other' WHERE id = ?`, qid); err == nil {
		t.Fatal("an answered question was reworded")
	}
	if ans, err := s.Answers(ctx, inv.ID); err != nil || len(ans) != 1 {
		t.Fatalf("answers after the refused edits: %+v %v", ans, err)
	}
	// Deleting the whole workspace still takes everything with it.
	if _, err := s.w.ExecContext(ctx, `DELETE FROM workspaces WHERE id = ?`, iv.WorkspaceID); err != nil {
		t.Fatalf("deleting the workspace: %v", err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM interview_questions`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d questions left after deleting the workspace: %v", n, err)
	}
}

func TestWordingFixOnlyBeforeAnyoneAnswered(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	iv, _ := liveInterview(t, s)
	inv := invite(t, s, iv)
	ids := []int64{iv.Questions[0].ID, iv.Questions[1].ID}

	// Invited but not started: the same rows take a new wording.
	iv.Questions[1].Prompt = "Do you have a work permit for the EU?"
	if err := s.SaveInterview(ctx, iv); err != nil {
		t.Fatalf("wording fix before anyone answered: %v", err)
	}
	got, _ := s.QuestionsOf(ctx, iv.ID, 1)
	if len(got) != 2 || got[0].ID != ids[0] || got[1].ID != ids[1] || got[1].Prompt != "Do you have a work permit for the EU?" {
		t.Fatalf("after the fix: %+v", got)
	}
	// Adding a question to a published version is not a wording fix.
	more := *iv
	more.Questions = append(append([]Question(nil), iv.Questions...), Question{Type: "number", Prompt: "Years?", MaxMediaS: 180})
	if err := s.SaveInterview(ctx, &more); !errors.Is(err, ErrVersionFrozen) {
		t.Fatalf("adding a question to a published version: %v", err)
	}
	if answered, err := s.VersionAnswered(ctx, iv.ID, 1); err != nil || answered {
		t.Fatalf("answered before anyone started: %v %v", answered, err)
	}
	// Once a candidate started, version 1 stays as they saw it.
	if err := s.StartInvitation(ctx, inv.ID); err != nil {
		t.Fatal(err)
	}
	if answered, err := s.VersionAnswered(ctx, iv.ID, 1); err != nil || !answered {
		t.Fatalf("not answered after a start: %v %v", answered, err)
	}
	iv.Questions[1].Prompt = "Work permit (EU)?"
	if err := s.SaveInterview(ctx, iv); !errors.Is(err, ErrVersionAnswered) {
		t.Fatalf("wording fix after a start: %v", err)
	}
}

func TestStaleEditsAreRefused(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	iv, _ := liveInterview(t, s)
	a, b := *iv, *iv
	a.Questions = append([]Question(nil), iv.Questions...)
	b.Questions = append([]Question(nil), iv.Questions...)
	a.Questions[0].Prompt = "Edited by A"
	b.Questions[0].Prompt = "Edited by B"
	if err := s.SaveNewVersion(ctx, &a, nil, "A"); err != nil {
		t.Fatal(err)
	}
	// B edited version 1 too: neither a second version 2 nor a fix of
	// version 1 may happen behind A's back.
	if err := s.SaveNewVersion(ctx, &b, nil, "B"); !errors.Is(err, ErrVersionChanged) {
		t.Fatalf("second new version from the same base: %v", err)
	}
	if b.Version != 1 || b.Questions[0].ID != iv.Questions[0].ID {
		t.Fatalf("a refused save changed the interview it was given: version %d, %+v", b.Version, b.Questions[0])
	}
	if err := s.SaveInterview(ctx, &b); !errors.Is(err, ErrVersionChanged) {
		t.Fatalf("fix of a version that is no longer current: %v", err)
	}
	vs, _ := s.InterviewVersions(ctx, iv.ID)
	if len(vs) != 2 || vs[0].Summary != "A" {
		t.Fatalf("versions: %+v", vs)
	}
}

// Invitations created while new versions are saved each get the version
// current at that moment: never an older one than an invitation created
// before them, and always one whose questions exist.
func TestInvitationsCreatedDuringEditsGetAConsistentVersion(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	iv, _ := liveInterview(t, s)
	const edits, invites = 20, 60
	var wg sync.WaitGroup
	errs := make(chan error, edits+invites)
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < edits; i++ {
			cur, err := s.Interview(ctx, iv.WorkspaceID, iv.ID)
			if err != nil {
				errs <- err
				return
			}
			cur.Questions[0].Prompt = fmt.Sprintf("Wording %d", i)
			if err := s.SaveNewVersion(ctx, cur, nil, "edited"); err != nil {
				errs <- err
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < invites; i++ {
			app := fmt.Sprintf("concurrent-%d", i)
			if _, err := s.CreateInvitations(ctx, iv, "watchdog", []NewInvitation{{
				StageCandidate: StageCandidate{ApplicationExtID: app, Email: app + "@example.com"},
				TokenHash:      []byte("hash-" + app), SealedToken: []byte("sealed"),
			}}); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// The interview the caller holds may be stale: the version is read
	// when the invitation is written.
	if late := invite(t, s, iv); late.Version != edits+1 {
		t.Fatalf("an invitation created after %d edits has version %d", edits, late.Version)
	}
	invs, err := s.Invitations(ctx, iv.WorkspaceID, iv.ID)
	if err != nil || len(invs) != invites+1 {
		t.Fatalf("invitations: %d %v", len(invs), err)
	}
	last := 0
	for i := len(invs) - 1; i >= 0; i-- { // oldest first
		inv := invs[i]
		if inv.Version < last || inv.Version < 1 || inv.Version > edits+1 {
			t.Fatalf("invitation %d has version %d after one with version %d", inv.ID, inv.Version, last)
		}
		last = inv.Version
		qs, err := s.QuestionsOf(ctx, iv.ID, inv.Version)
		if err != nil || len(qs) != 2 {
			t.Fatalf("questions of version %d: %+v %v", inv.Version, qs, err)
		}
	}
}
