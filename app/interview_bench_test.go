package app

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// Interview performance targets (make bench):
//
//	go test -run '^$' -bench 'Publish10k|WatchdogPass' -benchtime 1x ./app/

func seedStage(b *testing.B, a *App, wid, connID int64, n int, job, stage string) {
	b.Helper()
	ctx := context.Background()
	sc := store.SyncScope{WorkspaceID: wid, ConnectionID: connID, RunID: 1, Source: "initial"}
	for start := 0; start < n; start += 1000 {
		var cands []ats.Candidate
		var apps []ats.Application
		for i := start; i < min(start+1000, n); i++ {
			id := strconv.Itoa(i)
			cands = append(cands, ats.Candidate{ID: "c" + id, FirstName: "Cand", LastName: id, Emails: []string{"cand" + id + "@example.com"}})
			apps = append(apps, ats.Application{ID: "a" + id, CandidateID: "c" + id, JobID: job, StageID: stage, Status: ats.ApplicationActive})
		}
		if err := a.store.UpsertCandidates(ctx, sc, cands); err != nil {
			b.Fatal(err)
		}
		if err := a.store.UpsertApplications(ctx, sc, apps); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPublish10k: publishing to 10,000 candidates in the stage
// creates every invitation (with its outbox email) in under 5 s.
func BenchmarkPublish10k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a, wid := benchApp(b)
		c := benchConnection(b, a, wid, "http://127.0.0.1:1/v1")
		seedStage(b, a, wid, c.ID, 10_000, "job1", "stage1")
		iv := &store.Interview{WorkspaceID: wid, Name: "Bench", Kind: "interview", Language: "en", DeadlineDays: 7, WatchInterval: 300,
			ConnectionID: &c.ID, JobExtID: "job1", StageExtID: "stage1", Questions: []store.Question{{Type: "text", Prompt: "Why?", MaxMediaS: 180}}}
		if err := a.store.SaveInterview(context.Background(), iv); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		n, err := a.watch.Publish(context.Background(), iv)
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil || n != 10_000 {
			b.Fatalf("published %d: %v", n, err)
		}
		b.ReportMetric(elapsed.Seconds(), "publish_s")
		b.StartTimer()
	}
}

// BenchmarkWatchdogPass1k: one watchdog pass over 1,000 active interviews
// (nothing new to invite) against 1,000,000 applications and 200,000
// stage events stays under 100 ms of database time.
func BenchmarkWatchdogPass1k(b *testing.B) {
	a, wid := benchApp(b)
	c := benchConnection(b, a, wid, "http://127.0.0.1:1/v1")
	db, err := sql.Open("sqlite", "file:"+a.store.Path()+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// Bulk rows straight in SQL: 1M applications over 200 jobs × 5 stages,
	// and 200k stage events.
	for _, q := range []string{
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i < 999999)
			INSERT INTO ats_applications (workspace_id, connection_id, ext_id, candidate_ext_id, job_ext_id, stage_ext_id, status, last_source, synced_at)
			SELECT %d, %d, 'a'||i, 'c'||i, 'j'||(i %% 200), 's'||(i %% 5), 'active', 'initial', 0 FROM n`, wid, c.ID),
		fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i < 199999)
			INSERT INTO ats_stage_events (workspace_id, connection_id, application_ext_id, job_ext_id, from_stage_ext_id, to_stage_ext_id, source, seen_at)
			SELECT %d, %d, 'a'||i, 'j'||(i %% 200), NULL, 's'||(i %% 5), 'sync', 0 FROM n`, wid, c.ID),
	} {
		if _, err := db.Exec(q); err != nil {
			b.Fatal(err)
		}
	}
	ctx := context.Background()
	maxEv, _ := a.store.MaxStageEventID(ctx, c.ID)
	var ivs []*store.Interview
	for i := 0; i < 1000; i++ {
		iv := &store.Interview{WorkspaceID: wid, Name: "I" + strconv.Itoa(i), Kind: "interview", Language: "en", DeadlineDays: 7, WatchInterval: 300,
			ConnectionID: &c.ID, JobExtID: "j" + strconv.Itoa(i%200), StageExtID: "s" + strconv.Itoa(i%5)}
		if err := a.store.SaveInterview(ctx, iv); err != nil {
			b.Fatal(err)
		}
		if err := a.store.StartPublish(ctx, wid, iv.ID, maxEv); err != nil {
			b.Fatal(err)
		}
		ivs = append(ivs, iv)
	}
	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		for _, iv := range ivs {
			if _, n, err := a.watch.Consume(ctx, iv); err != nil || n != 0 {
				b.Fatalf("consume: %d %v", n, err)
			}
		}
		total += time.Since(start)
	}
	b.ReportMetric(float64(total.Microseconds())/float64(b.N)/1000, "pass_ms")
}
