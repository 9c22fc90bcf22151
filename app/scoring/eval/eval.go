// Package eval measures a scorer against answers people have scored. A
// labelled set (JSONL, see Read and sets/README.md) holds questions with
// their rubrics, candidates' answers and a human 1–5 score each; Run
// scores every answer with a scoring.Scorer and reports how closely the
// model's scores follow the human ones (rank correlation, agreement, mean
// error, the largest disagreements).
//
// It exists so that claims about a scorer are measured, not assumed: the
// keyword heuristic that used to be hireloop's built-in scorer was
// measured with it and no longer scores answers (see the README), and an
// operator can measure their own LLM endpoint before trusting it with
// candidates ("hireloop scoring eval").
package eval

import (
	"context"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/hireloop/hireloop/app/scoring"
)

// DefaultConcurrency is how many answers are scored at once unless told
// otherwise: enough to hide an LLM's latency, few enough to stay under
// common rate limits.
const DefaultConcurrency = 4

// MaxDisagreements is how many of the largest disagreements a report lists.
const MaxDisagreements = 5

// Options tune Run.
type Options struct {
	Concurrency int // answers scored at once; 0 means DefaultConcurrency
}

// Report is the outcome of an evaluation.
type Report struct {
	Figures
	// Total is the number of answers in the set; Total = N + Unscored.
	Total int
	// Unscored are the answers the scorer left without a score (the
	// built-in scorer leaves open answers to a person; an LLM's output may
	// stay invalid). They are not in N and never count as a score of 0.
	Unscored    int
	UnscoredIDs []string
	// Disagreements are the answers with the largest |model - human|, at
	// most MaxDisagreements, largest first (set order among equals).
	// Answers where both agree exactly are never listed.
	Disagreements []Disagreement
	// Scorer and Model are what the scorer reported (Result.Scorer, .Model).
	Scorer, Model string
}

// Disagreement is one answer where the model and the person differ.
type Disagreement struct {
	ID    string
	Human int
	Model float64
}

// Diff is |Model - Human|.
func (d Disagreement) Diff() float64 { return math.Abs(d.Model - float64(d.Human)) }

// outcome is what scoring one item gave.
type outcome struct {
	score         *float64
	scorer, model string
}

// Run scores every item with s, at most opt.Concurrency at a time, and
// computes the figures. An item whose model output stayed invalid
// (scoring.ErrInvalidOutput) or that came back without a score counts as
// unscored. Any other error (the endpoint down, a bad key, ctx cancelled)
// stops the run: figures over a part of the set chosen by failures would
// mislead.
func Run(ctx context.Context, s scoring.Scorer, items []Item, opt Options) (Report, error) {
	conc := opt.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	outs := make([]outcome, len(items))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(conc, len(items)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				o, err := scoreOne(ctx, s, &items[i])
				if err != nil {
					cancel(fmt.Errorf("answer %s (line %d): %w", items[i].ID, items[i].Line, err))
					continue // drain: the feeder stops at the cancellation
				}
				outs[i] = o
			}
		}()
	}
feed:
	for i := range items {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return Report{}, err
	}
	return report(items, outs), nil
}

// scoreOne scores one item as a one-question interview.
func scoreOne(ctx context.Context, s scoring.Scorer, it *Item) (outcome, error) {
	if err := ctx.Err(); err != nil {
		return outcome{}, err
	}
	// An output that stayed invalid comes back as an answer left to a
	// person (no score): it is counted as unscored below.
	res, err := s.Score(ctx, Input(it))
	if err != nil {
		return outcome{}, err
	}
	o := outcome{scorer: res.Scorer, model: res.Model}
	for _, q := range res.Questions {
		if q.QuestionID == questionID && q.Score != nil && !math.IsNaN(*q.Score) {
			o.score = q.Score
		}
	}
	return o, nil
}

// questionID is the id of the one question of an evaluation input.
const questionID = 1

// Input turns an item into what a scorer sees: a one-question interview
// with a required text question, the item's rubric and language.
func Input(it *Item) scoring.Input {
	rubric := make([]scoring.Criterion, 0, len(it.Rubric))
	for _, c := range it.Rubric {
		rubric = append(rubric, scoring.Criterion{Name: c.Criterion, Weight: c.Weight, Strong: c.Strong})
	}
	return scoring.Input{
		Language:  it.Language,
		Questions: []scoring.Question{{ID: questionID, Type: "text", Prompt: it.Question, Required: true, Rubric: rubric}},
		Answers:   []scoring.Answer{{QuestionID: questionID, Value: it.Answer}},
	}
}

func report(items []Item, outs []outcome) Report {
	r := Report{Total: len(items)}
	var human []int
	var model []float64
	var dis []Disagreement
	for i, o := range outs {
		if o.scorer != "" {
			r.Scorer, r.Model = o.scorer, o.model
		}
		if o.score == nil {
			r.Unscored++
			r.UnscoredIDs = append(r.UnscoredIDs, items[i].ID)
			continue
		}
		human = append(human, items[i].HumanScore)
		model = append(model, *o.score)
		dis = append(dis, Disagreement{ID: items[i].ID, Human: items[i].HumanScore, Model: *o.score})
	}
	r.Figures = Compute(human, model)
	sort.SliceStable(dis, func(a, b int) bool { return dis[a].Diff() > dis[b].Diff() })
	for _, d := range dis[:min(len(dis), MaxDisagreements)] {
		if d.Diff() > 0 {
			r.Disagreements = append(r.Disagreements, d)
		}
	}
	return r
}
