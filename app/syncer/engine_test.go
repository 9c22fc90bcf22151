package syncer

import (
	"slices"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
)

func TestModelsForKeepsSyncOrder(t *testing.T) {
	if got := modelsFor(Request{}); !slices.Equal(got, syncOrder) {
		t.Fatalf("a full request reads %v, want every model %v", got, syncOrder)
	}
	got := modelsFor(Request{Models: []ats.Model{ats.ModelApplications, ats.ModelCandidates, ats.ModelApplications}})
	if want := []ats.Model{ats.ModelCandidates, ats.ModelApplications}; !slices.Equal(got, want) {
		t.Fatalf("targeted request reads %v, want %v (reference data first, each once)", got, want)
	}
}

func TestNextWatermark(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if w, ok := nextWatermark(t0, time.Time{}); ok || !w.Equal(t0) {
		t.Fatalf("no vendor timestamps must keep the watermark: %v %v", w, ok)
	}
	if w, ok := nextWatermark(time.Time{}, t0); !ok || !w.Equal(t0.Add(time.Millisecond)) {
		t.Fatalf("first watermark: %v %v", w, ok)
	}
	if _, ok := nextWatermark(t0.Add(time.Hour), t0); ok {
		t.Fatal("the watermark must never move backwards")
	}
}
