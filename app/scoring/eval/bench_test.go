package eval

import (
	"context"
	"testing"

	"github.com/hireloop/hireloop/app/scoring"
)

// BenchmarkKeywordCoverageOnShippedSet measures the keyword-coverage
// heuristic (hireloop's built-in scorer until 2026-12) against the human
// scores of the shipped set. The figures, not the time, are the point:
// they are why the built-in scorer no longer scores open answers (README,
// "Scoring evaluation"). Run it with
//
//	go test -run x -bench KeywordCoverage ./app/scoring/eval/
//
// The *_plain figures leave out the answers written to fool a scorer
// (padded keyword lists, paraphrases without the rubric's words, prompt
// injections), to show how the heuristic does on ordinary answers alone.
func BenchmarkKeywordCoverageOnShippedSet(b *testing.B) {
	set, err := Load("builtin:hireloop-v1")
	if err != nil {
		b.Fatal(err)
	}
	var plain []Item
	for _, it := range set {
		switch it.Kind {
		case "padded", "paraphrase", "injection":
		default:
			plain = append(plain, it)
		}
	}
	s := scoring.NewKeywordCoverage()
	var r, rp Report
	for b.Loop() {
		if r, err = Run(context.Background(), s, set, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	if rp, err = Run(context.Background(), s, plain, Options{}); err != nil {
		b.Fatal(err)
	}
	if r.N != len(set) {
		b.Fatalf("%d of %d answers scored", r.N, len(set))
	}
	b.ReportMetric(float64(r.N), "n")
	b.ReportMetric(r.Spearman, "spearman")
	b.ReportMetric(r.WithinOne, "within_one")
	b.ReportMetric(r.Exact, "exact")
	b.ReportMetric(r.MAE, "mae")
	b.ReportMetric(float64(rp.N), "n_plain")
	b.ReportMetric(rp.Spearman, "spearman_plain")
	b.ReportMetric(rp.MAE, "mae_plain")
}
