package store

import (
	"context"
	"errors"
	"testing"
)

// startedInvitation makes a workspace with a one-question interview and a
// started invitation to it.
func startedInvitation(t *testing.T, s *Store) (ws, invitationID, questionID int64) {
	t.Helper()
	ctx := context.Background()
	_, w, err := s.SetupFirstAdmin(ctx, "ann@example.com", "Ann", "hash", "Acme")
	if err != nil {
		t.Fatal(err)
	}
	iv := &Interview{WorkspaceID: w.ID, Name: "Backend", Kind: "interview", Language: "en", DeadlineDays: 7, WatchInterval: 300,
		Questions: []Question{{Type: "text", Prompt: "Tell us about a migration.", Required: true}}}
	if err := s.SaveInterview(ctx, iv); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateInvitations(ctx, iv, "publish", []NewInvitation{{
		StageCandidate: StageCandidate{ApplicationExtID: "app-1", Email: "cand@example.com", FirstName: "Cat"},
		TokenHash:      []byte("hash-1"), SealedToken: []byte("sealed"),
	}}); err != nil {
		t.Fatal(err)
	}
	invs, err := s.Invitations(ctx, w.ID, iv.ID)
	if err != nil || len(invs) != 1 {
		t.Fatalf("invitations: %v %v", invs, err)
	}
	if err := s.StartInvitation(ctx, invs[0].ID); err != nil {
		t.Fatal(err)
	}
	return w.ID, invs[0].ID, iv.Questions[0].ID
}

func TestSaveSignalsKeepsTheLargestFigures(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	_, inv, q := startedInvitation(t, s)

	first := Signals{QuestionID: q, PasteCount: 2, PasteChars: 400, AwayCount: 1, AwayMS: 65000, TypedChars: 300, TypingMS: 90000,
		BurstChars: 412, BurstMS: 800}
	if _, err := s.SaveSignals(ctx, inv, first); err != nil {
		t.Fatal(err)
	}
	// The same running totals again (a retried autosave) change nothing.
	got, err := s.SaveSignals(ctx, inv, first)
	if err != nil {
		t.Fatal(err)
	}
	if got.PasteCount != 2 || got.PasteChars != 400 || got.AwayCount != 1 || got.AwayMS != 65000 || got.BurstChars != 412 {
		t.Fatalf("after a retry: %+v", got)
	}
	// An older save arriving late lowers nothing; a later one raises what grew.
	// The smaller burst does not replace the larger one's duration.
	got, err = s.SaveSignals(ctx, inv, Signals{QuestionID: q, PasteCount: 1, PasteChars: 100, AwayCount: 3, AwayMS: 70000, TypedChars: 500,
		TypingMS: 95000, BurstChars: 250, BurstMS: 100})
	if err != nil {
		t.Fatal(err)
	}
	want := Signals{QuestionID: q, PasteCount: 2, PasteChars: 400, AwayCount: 3, AwayMS: 70000, TypedChars: 500, TypingMS: 95000,
		BurstChars: 412, BurstMS: 800}
	got.UpdatedAt = want.UpdatedAt
	if *got != want {
		t.Fatalf("merged:\n got %+v\nwant %+v", *got, want)
	}
	// A larger burst replaces the pair.
	if got, err = s.SaveSignals(ctx, inv, Signals{QuestionID: q, BurstChars: 900, BurstMS: 1500}); err != nil || got.BurstChars != 900 || got.BurstMS != 1500 {
		t.Fatalf("larger burst: %+v %v", got, err)
	}
	list, err := s.Signals(ctx, inv)
	if err != nil || len(list) != 1 || list[0].PasteChars != 400 || list[0].BurstMS != 1500 {
		t.Fatalf("list: %+v %v", list, err)
	}
}

func TestSaveSignalsNeedsTheInterviewsQuestionAndAnOpenInvitation(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	_, inv, q := startedInvitation(t, s)
	if _, err := s.SaveSignals(ctx, inv, Signals{QuestionID: q + 1000, PasteCount: 1}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("foreign question: %v", err)
	}
	if err := s.SubmitInvitation(ctx, inv); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveSignals(ctx, inv, Signals{QuestionID: q, PasteCount: 1}); !errors.Is(err, ErrClosed) {
		t.Fatalf("after submit: %v", err)
	}
}

// Signals are personal data: they go with the invitation, like answers.
func TestSignalsAreDeletedWithTheInvitation(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	_, inv, q := startedInvitation(t, s)
	if _, err := s.SaveSignals(ctx, inv, Signals{QuestionID: q, PasteCount: 1, PasteChars: 12}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `DELETE FROM invitations WHERE id = ?`, inv); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM answer_signals`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d signal rows left after the invitation was deleted (%v)", n, err)
	}
	if list, err := s.Signals(ctx, inv); err != nil || len(list) != 0 {
		t.Fatalf("list: %v %v", list, err)
	}
}

// Removing a question from the interview removes its signals too.
func TestSignalsAreDeletedWithTheQuestion(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	ws, inv, q := startedInvitation(t, s)
	if _, err := s.SaveSignals(ctx, inv, Signals{QuestionID: q, AwayCount: 1, AwayMS: 5000}); err != nil {
		t.Fatal(err)
	}
	invRow, err := s.InvitationByID(ctx, inv)
	if err != nil {
		t.Fatal(err)
	}
	iv, err := s.Interview(ctx, ws, invRow.InterviewID)
	if err != nil {
		t.Fatal(err)
	}
	iv.Questions = []Question{{Type: "text", Prompt: "Another question."}}
	if err := s.SaveInterview(ctx, iv); err != nil {
		t.Fatal(err)
	}
	if list, err := s.Signals(ctx, inv); err != nil || len(list) != 0 {
		t.Fatalf("signals of a removed question: %v %v", list, err)
	}
}
