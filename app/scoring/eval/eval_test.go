package eval

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app/scoring"
)

// scorerFunc scores the one answer of an evaluation input.
type scorerFunc func(ctx context.Context, in scoring.Input) (*float64, error)

func (f scorerFunc) Score(ctx context.Context, in scoring.Input) (scoring.Result, error) {
	s, err := f(ctx, in)
	if err != nil {
		return scoring.Result{}, err
	}
	kind := scoring.KindOpen
	if s == nil {
		kind = scoring.KindReview
	}
	return scoring.Result{Scorer: "fake", Model: "fake-1",
		Questions: []scoring.QuestionResult{{QuestionID: in.Questions[0].ID, Kind: kind, Score: s}}}, nil
}

func score(v float64) *float64 { return &v }

// byAnswer scores each item of items with what model returns for it.
func byAnswer(items []Item, model func(it Item) (*float64, error)) scorerFunc {
	m := map[string]Item{}
	for _, it := range items {
		m[it.Answer] = it
	}
	return func(_ context.Context, in scoring.Input) (*float64, error) {
		it, ok := m[in.Answers[0].Value]
		if !ok {
			return nil, fmt.Errorf("unknown answer %q", in.Answers[0].Value)
		}
		return model(it)
	}
}

func items(human ...int) []Item {
	out := make([]Item, len(human))
	for i, h := range human {
		out[i] = Item{ID: string(rune('a' + i)), Question: "Q", Answer: "answer " + string(rune('a'+i)), HumanScore: h, Line: i + 1}
	}
	return out
}

func TestRunAgreesWithItself(t *testing.T) {
	set, err := Load("builtin:hireloop-v1")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), byAnswer(set, func(it Item) (*float64, error) { return score(float64(it.HumanScore)), nil }), set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := Figures{N: len(set), Spearman: 1, SpearmanDefined: true, Exact: 1, WithinOne: 1}
	if r.Figures != want || r.Total != len(set) || r.Unscored != 0 || r.Disagreements != nil || r.Scorer != "fake" || r.Model != "fake-1" {
		t.Fatalf("report: %+v", r)
	}
}

// Known disagreements: the figures are the hand-computed ones, unscored
// answers stay out of them, and the disagreements come largest first.
func TestRunKnownDisagreements(t *testing.T) {
	set := items(1, 2, 3, 4, 5, 3, 2, 4)
	model := map[string]*float64{"a": score(1), "b": score(3), "c": score(3), "d": score(2), "e": score(5), "f": score(3), "g": nil}
	r, err := Run(context.Background(), byAnswer(set, func(it Item) (*float64, error) {
		// "g" and "h" are left to a person (e.g. the model's output stayed invalid).
		return model[it.ID], nil
	}), set, Options{Concurrency: 3})
	if err != nil {
		t.Fatal(err)
	}
	// Human ranks a..f [1 2 3.5 5 6 3.5], model ranks [1 4 4 2 6 4], mean
	// 3.5: cov 9.5, var 17 and 15.5.
	if r.N != 6 || !near(r.Spearman, 9.5/math.Sqrt(17*15.5)) || !near(r.Exact, 4.0/6) || !near(r.WithinOne, 5.0/6) || !near(r.MAE, 3.0/6) {
		t.Fatalf("figures: %+v", r.Figures)
	}
	if r.Total != 8 || r.Unscored != 2 || !reflect.DeepEqual(r.UnscoredIDs, []string{"g", "h"}) {
		t.Fatalf("unscored: %+v", r)
	}
	want := []Disagreement{{ID: "d", Human: 4, Model: 2}, {ID: "b", Human: 2, Model: 3}}
	if !reflect.DeepEqual(r.Disagreements, want) {
		t.Fatalf("disagreements %+v, want %+v", r.Disagreements, want)
	}
}

func TestRunListsFiveLargestDisagreementsInSetOrder(t *testing.T) {
	set := items(1, 1, 1, 1, 1, 1, 1)
	diffs := map[string]float64{"a": 1, "b": 4, "c": 2, "d": 4, "e": 2, "f": 2, "g": 3}
	r, err := Run(context.Background(), byAnswer(set, func(it Item) (*float64, error) { return score(1 + diffs[it.ID]), nil }), set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range r.Disagreements {
		ids = append(ids, d.ID)
	}
	if strings.Join(ids, ",") != "b,d,g,c,e" {
		t.Fatalf("disagreements %v, want b,d,g,c,e", ids)
	}
}

// The built-in scorer leaves open answers to a person: nothing is scored,
// and nothing is counted as 0.
func TestRunBuiltinScoresNothing(t *testing.T) {
	set := items(1, 5, 3)
	set[0].Rubric = []Criterion{{Criterion: "Answer", Weight: 1}}
	r, err := Run(context.Background(), scoring.NewBuiltin(), set, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.N != 0 || r.Unscored != 3 || r.Figures != (Figures{}) || r.Scorer != "builtin" {
		t.Fatalf("report: %+v", r)
	}
}

func TestRunStopsAtAnError(t *testing.T) {
	set := items(1, 2, 3, 4, 5, 1, 2, 3, 4, 5)
	var calls atomic.Int32
	_, err := Run(context.Background(), byAnswer(set, func(it Item) (*float64, error) {
		calls.Add(1)
		if it.ID == "c" {
			return nil, &scoring.APIError{StatusCode: 401, Message: "invalid api key"}
		}
		return score(3), nil
	}), set, Options{Concurrency: 1})
	var ae *scoring.APIError
	if !errors.As(err, &ae) || !strings.Contains(err.Error(), "answer c (line 3): ") {
		t.Fatalf("error %v", err)
	}
	if n := calls.Load(); n != 3 {
		t.Fatalf("%d answers scored after the error stopped the run, want 3 calls in all", n)
	}
}

func TestRunHonoursCancellation(t *testing.T) {
	set := items(1, 2, 3, 4, 5, 1, 2, 3, 4, 5)
	ctx, cancel := context.WithCancel(context.Background())
	var calls atomic.Int32
	_, err := Run(ctx, byAnswer(set, func(Item) (*float64, error) {
		if calls.Add(1) == 2 {
			cancel()
		}
		return score(3), nil
	}), set, Options{Concurrency: 1})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if n := calls.Load(); n > 3 {
		t.Fatalf("%d answers scored after cancellation", n)
	}
}

func TestRunBoundsConcurrency(t *testing.T) {
	set := items(1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5)
	for _, conc := range []int{1, 3} {
		var mu sync.Mutex
		inFlight, peak := 0, 0
		_, err := Run(context.Background(), byAnswer(set, func(it Item) (*float64, error) {
			mu.Lock()
			inFlight++
			peak = max(peak, inFlight)
			mu.Unlock()
			time.Sleep(5 * time.Millisecond)
			mu.Lock()
			inFlight--
			mu.Unlock()
			return score(float64(it.HumanScore)), nil
		}), set, Options{Concurrency: conc})
		if err != nil {
			t.Fatal(err)
		}
		if peak != conc {
			t.Errorf("concurrency %d: peak %d answers scored at once", conc, peak)
		}
	}
}

func TestInputIsOneRequiredTextQuestion(t *testing.T) {
	it := Item{ID: "x", Question: "Why?", Answer: "Because.", Language: "es",
		Rubric: []Criterion{{Criterion: "Reason", Weight: 2, Strong: "says why"}, {Criterion: "Depth", Weight: 1}}}
	in := Input(&it)
	want := scoring.Input{Language: "es",
		Questions: []scoring.Question{{ID: 1, Type: "text", Prompt: "Why?", Required: true,
			Rubric: []scoring.Criterion{{Name: "Reason", Weight: 2, Strong: "says why"}, {Name: "Depth", Weight: 1}}}},
		Answers: []scoring.Answer{{QuestionID: 1, Value: "Because."}}}
	if !reflect.DeepEqual(in, want) {
		t.Fatalf("input:\n got %+v\nwant %+v", in, want)
	}
}

// The keyword heuristic on the German and Spanish answers alone: the same
// kind of report as on the whole set, over just those answers.
func TestKeywordCoverageOnGermanAndSpanish(t *testing.T) {
	set, err := Load("builtin:hireloop-v1")
	if err != nil {
		t.Fatal(err)
	}
	var sub []Item
	for _, it := range set {
		if it.Language == "de" || it.Language == "es" {
			sub = append(sub, it)
		}
	}
	r, err := Run(context.Background(), scoring.NewKeywordCoverage(), sub, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.N != len(sub) || r.N < 25 || r.Unscored != 0 || !r.SpearmanDefined || len(r.Disagreements) != MaxDisagreements {
		t.Fatalf("report: %+v", r)
	}
	for _, d := range r.Disagreements {
		if !strings.HasPrefix(d.ID, "de-") && !strings.HasPrefix(d.ID, "es-") {
			t.Fatalf("disagreement %s is not from the subset", d.ID)
		}
	}
}
