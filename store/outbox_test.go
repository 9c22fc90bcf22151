package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func queueTestEmail(t *testing.T, s *Store, ws int64, to string) int64 {
	t.Helper()
	res, err := s.w.Exec(`INSERT INTO email_outbox (workspace_id, kind, purpose, to_address, next_attempt_at, created_at)
		VALUES (?, 'invitation', ?, ?, 0, 0)`, ws, to, to)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return id
}

// A claimed email is not in flight until MarkOutboxSending; only an email
// in flight comes back from a crash as a possible duplicate.
func TestOutboxClaimSendingAndRelease(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	a := queueTestEmail(t, s, 1, "a@example.test")
	b := queueTestEmail(t, s, 1, "b@example.test")
	c := queueTestEmail(t, s, 1, "c@example.test")
	if err := s.MarkOutboxSending(ctx, a); !errors.Is(err, ErrOutboxNotClaimed) {
		t.Fatalf("an unclaimed email may not be sent: %v", err)
	}
	items, err := s.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil || len(items) != 3 {
		t.Fatalf("claimed %v, %v", items, err)
	}
	if err := s.MarkOutboxSending(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkOutboxSent(ctx, items[0]); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkOutboxSending(ctx, b); err != nil { // b is in flight when the process dies; c only claimed
		t.Fatal(err)
	}
	n, inFlight, err := s.ReleaseOutboxClaims(ctx)
	if err != nil || n != 2 || !slices.Equal(inFlight, []int64{b}) {
		t.Fatalf("released %d, in flight %v, %v", n, inFlight, err)
	}
	items, err = s.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil || len(items) != 2 || items[0].ID != b || items[1].ID != c {
		t.Fatalf("claimed again %+v, %v", items, err)
	}
	counts, _ := s.OutboxCounts(ctx, 1)
	if counts["possible_duplicates"] != 1 || counts["sent"] != 1 || counts["sending"] != 2 {
		t.Errorf("counts = %v", counts)
	}

	// Without a restart, an in-flight email comes back when its lease runs
	// out, flagged.
	if err := s.MarkOutboxSending(ctx, c); err != nil {
		t.Fatal(err)
	}
	s.SetClock(func() time.Time { return time.Now().Add(2 * time.Minute) })
	items, err = s.ClaimOutbox(ctx, 10, time.Minute)
	if err != nil || len(items) != 2 || items[0].Interrupted || !items[1].Interrupted || items[1].ID != c {
		t.Fatalf("after the lease: %+v, %v", items, err)
	}
	if counts, _ := s.OutboxCounts(ctx, 1); counts["possible_duplicates"] != 2 {
		t.Errorf("counts = %v", counts)
	}
}

// Earlier versions marked a whole claimed batch 'sending' and recorded it
// only when the batch was done: migration 0011 treats such rows as in
// flight, because any of them may have been sent.
func TestOutboxRowsLeftSendingByAnEarlierVersionAreInFlight(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	s := openTemp(t)
	ctx := context.Background()
	if _, err := s.migrate(ctx, ms, 10); err != nil {
		t.Fatal(err)
	}
	sending := queueTestEmail(t, s, 1, "a@example.test")
	queued := queueTestEmail(t, s, 1, "b@example.test")
	if _, err := s.w.Exec(`UPDATE email_outbox SET status = 'sending', next_attempt_at = 100 WHERE id = ?`, sending); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	_, inFlight, err := s.ReleaseOutboxClaims(ctx)
	if err != nil || !slices.Equal(inFlight, []int64{sending}) {
		t.Fatalf("in flight %v, %v (queued row %d)", inFlight, err, queued)
	}
}
