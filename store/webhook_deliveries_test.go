package store

import (
	"context"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// webhookFixture is a workspace with one connection and one application
// in stage "s1", last changed at the vendor time synced.
func webhookFixture(t *testing.T, synced time.Time) (*Store, *Connection) {
	t.Helper()
	s := migrated(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "o@example.com", "Owner", "hash", false)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := s.CreateWorkspace(ctx, "W", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	c := &Connection{WorkspaceID: ws.ID, Provider: "greenhouse", Name: "GH", WebhookToken: "tok", SyncInterval: time.Hour}
	if err := s.CreateConnection(ctx, c); err != nil {
		t.Fatal(err)
	}
	sc := SyncScope{WorkspaceID: ws.ID, ConnectionID: c.ID, Source: "initial"}
	if err := s.UpsertApplications(ctx, sc, []ats.Application{{ID: "a1", JobID: "j1", StageID: "s1", UpdatedAt: synced}}); err != nil {
		t.Fatal(err)
	}
	return s, c
}

func TestWebhookDeliveriesDedupeByIDAndSignedContent(t *testing.T) {
	s, c := webhookFixture(t, time.Now())
	ctx := context.Background()
	record := func(id, digest string) bool {
		t.Helper()
		first, err := s.RecordWebhookDelivery(ctx, c.ID, id, digest, "x")
		if err != nil {
			t.Fatal(err)
		}
		return first
	}
	if !record("evt-1", "d1") {
		t.Fatal("a new delivery was taken for a duplicate")
	}
	if record("evt-1", "d1") || record("evt-2", "d1") || record("evt-1", "d2") {
		t.Fatal("a delivery seen before (same id, or same signed content under a new id) was taken as new")
	}
	if !record("evt-3", "d3") {
		t.Fatal("a delivery with a new id and new content was taken for a duplicate")
	}
	// A failed delivery is forgotten by both keys, so the retry is processed.
	if err := s.ForgetWebhookDelivery(ctx, c.ID, "evt-3", "d3"); err != nil {
		t.Fatal(err)
	}
	if !record("evt-3", "d3") {
		t.Fatal("a forgotten delivery was still a duplicate")
	}
	// The cleanup forgets what is older than the window, nothing newer.
	s.SetClock(func() time.Time { return time.Now().Add(8 * 24 * time.Hour) })
	record("evt-4", "d4")
	n, err := s.PruneWebhookDeliveries(ctx, time.Now().Add(24*time.Hour))
	if err != nil || n != 4 {
		t.Fatalf("pruned %d rows (%v), want the 4 keys of the 2 old deliveries", n, err)
	}
	if !record("evt-1", "d1") || record("evt-4", "d4") {
		t.Fatal("pruning forgot the wrong deliveries")
	}
}

func TestStageHintsApplyOnlyWhenNewer(t *testing.T) {
	synced := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	s, c := webhookFixture(t, synced)
	ctx := context.Background()
	hint := func(stage string, at time.Time) HintOutcome {
		t.Helper()
		out, err := s.ApplyStageHint(ctx, c.ID, "a1", stage, "", at)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := hint("s0", synced.Add(-time.Minute)); got != HintStale {
		t.Fatalf("a change older than the synced row: %v, want stale", got)
	}
	if got := hint("s0", synced.Add(500*time.Millisecond)); got != HintStale {
		t.Fatalf("a change in the synced second (order unknown): %v, want stale", got)
	}
	if got := hint("s2", synced.Add(time.Minute)); got != HintMoved {
		t.Fatalf("a newer change: %v, want moved", got)
	}
	if got := hint("s1", synced.Add(30*time.Second)); got != HintStale {
		t.Fatalf("a change older than the last applied hint: %v, want stale", got)
	}
	if got := hint("s2", synced.Add(2*time.Minute)); got != HintSame {
		t.Fatalf("a newer delivery naming the same stage: %v, want same", got)
	}
	if got, err := s.ApplyStageHint(ctx, c.ID, "unknown", "s2", "", synced.Add(time.Hour)); err != nil || got != HintUnknown {
		t.Fatalf("an application not synced yet: %v %v", got, err)
	}
	evs, err := s.StageEventsAfter(ctx, c.WorkspaceID, c.ID, 0, 10)
	if err != nil || len(evs) != 1 || evs[0].ToStageExtID != "s2" || evs[0].Source != "webhook" {
		t.Fatalf("stage events %+v (%v), want one webhook move to s2", evs, err)
	}
}
