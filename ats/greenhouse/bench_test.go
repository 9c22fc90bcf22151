package greenhouse_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/greenhouse"
	"github.com/hireloop/hireloop/ats/greenhouse/fake"
)

// BenchmarkFullSync100k syncs 100,000 candidates and 100,000 applications
// (per_page=500, so ~400 requests) from the fake enforcing 50 requests per
// rolling window. At Greenhouse's real 10 s window that is ~80 s, so the
// window defaults to 500 ms (override with HIRELOOP_BENCH_WINDOW=10s);
// time is compared with the floor "requests needed ÷ allowed rate" and
// reported as ratio_to_floor, with the 429s the fake had to send.
//
//	go test -run '^$' -bench FullSync100k -benchtime 1x ./ats/greenhouse/
func BenchmarkFullSync100k(b *testing.B) {
	const limit = 50
	window := 500 * time.Millisecond
	if v := os.Getenv("HIRELOOP_BENCH_WINDOW"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			b.Fatal(err)
		}
		window = d
	}
	f := fake.New(clientID, clientSecret, fake.Seed{Jobs: 50, StagesPerJob: 5, Candidates: 100_000, Applications: 100_000, Tags: 10, RejectionReasons: 5, Users: 10})
	defer f.Close()
	f.SetRateLimit(limit, window)
	c, err := greenhouse.New(ats.Config{BaseURL: f.URL(), IntegrationID: clientID, APIKey: clientSecret, ActingUserID: "4000", PageSize: 500,
		RateLimit: ats.RateLimit{Requests: limit, Per: window}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var ratio, throttled, reqs float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r0, t0 := f.Requests(), f.Throttled()
		start := time.Now()
		nc, na := 0, 0
		if err := c.ListCandidates(ctx, ats.ListOptions{}, func(p []ats.Candidate) error { nc += len(p); return nil }); err != nil {
			b.Fatal(err)
		}
		if err := c.ListApplications(ctx, ats.ListOptions{}, func(p []ats.Application) error { na += len(p); return nil }); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		if nc != 100_000 || na != 100_000 {
			b.Fatalf("synced %d candidates, %d applications", nc, na)
		}
		n := f.Requests() - r0
		floor := time.Duration(float64(n) / limit * float64(window))
		ratio += elapsed.Seconds() / floor.Seconds()
		throttled += float64(f.Throttled() - t0)
		reqs += float64(n)
	}
	b.ReportMetric(ratio/float64(b.N), "ratio_to_floor")
	b.ReportMetric(throttled/float64(b.N), "429s")
	b.ReportMetric(reqs/float64(b.N), "requests")
	b.ReportMetric(float64(c.Stats().Retries)/float64(b.N), "retries")
}

// BenchmarkSync10k syncs every model of a Greenhouse account with 10,000
// applications at the Harvest starting budget of 50 requests per 10 s
// (window scaled to 500 ms; HIRELOOP_BENCH_WINDOW=10s for the real one)
// and fails above 1.2x the rate-limit floor: OAuth token, cursor paging
// and updated_at filters. Token requests go to the auth endpoint and are
// not part of the Harvest budget. Pages hold 100 rows, not the maximum
// 500: at 500 the whole sync is 46 requests, inside one budget, and
// measures no pacing at all.
//
//	go test -run '^$' -bench Sync10k -benchtime 1x ./ats/greenhouse/
func BenchmarkSync10k(b *testing.B) {
	atstest.BenchFloor(b, atstest.Harness{Name: greenhouse.Name, New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
		return newPair(t, o, nil)
	}}, 10_000, ats.RateLimit{Requests: greenhouse.DefaultRateLimit.Requests, Per: atstest.BenchWindow(b, 500*time.Millisecond)}, 100, 1.2)
}
