package scoring

import (
	"context"
	"reflect"
	"strings"
	"testing"
)

func f64(v float64) *float64 { return &v }

func near(a, b float64) bool { d := a - b; return d < 1e-9 && d > -1e-9 }

func findQ(t *testing.T, res Result, id int64) QuestionResult {
	t.Helper()
	for _, q := range res.Questions {
		if q.QuestionID == id {
			return q
		}
	}
	t.Fatalf("no result for question %d", id)
	return QuestionResult{}
}

func hasFlag(flags []Flag, kind string) *Flag {
	for i := range flags {
		if flags[i].Kind == kind {
			return &flags[i]
		}
	}
	return nil
}

var backendRubric = []Criterion{
	{Name: "Testing", Weight: 2, Strong: "Writes automated unit and integration tests"},
	{Name: "Caching", Weight: 1, Strong: "Uses a cache such as Redis to cut latency"},
	{Name: "Security", Weight: 1, Strong: "Threat modelling, authentication"},
}

const backendAnswer = "I lead a team of four engineers. We wrote unit tests for every service and ran them in CI!\n" +
	"Response times dropped after we added Redis as a cache."

func builtinScore(t *testing.T, in Input) Result {
	t.Helper()
	res, err := NewKeywordCoverage().Score(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Without an AI endpoint, open answers wait for a person: no score, no
// overall, and the sentences that mention each criterion are suggested.
func TestBuiltinLeavesOpenAnswersToAPerson(t *testing.T) {
	in := Input{Questions: []Question{
		{ID: 1, Type: "text", Prompt: "Tell us about a backend you built.", Rubric: backendRubric, Required: true},
		{ID: 2, Type: "text", Prompt: "Anything else?"},
	}, Answers: []Answer{{QuestionID: 1, Value: backendAnswer}, {QuestionID: 2, Value: "No."}}}
	res, err := NewBuiltin().Score(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if res.Scorer != "builtin" || res.Model != BuiltinModel || res.Overall != nil {
		t.Fatalf("metadata / overall: %+v", res)
	}
	q := findQ(t, res, 1)
	if q.Kind != KindReview || q.Score != nil || len(q.Criteria) != 3 {
		t.Fatalf("open answer: %+v", q)
	}
	if q.Criteria[0].Met != nil || q.Criteria[0].Suggestion != "We wrote unit tests for every service and ran them in CI!" || q.Criteria[2].Suggestion != "" {
		t.Fatalf("checklist: %+v", q.Criteria)
	}
	if q2 := findQ(t, res, 2); q2.Kind != KindReview || q2.Score != nil || strings.Contains(q2.Rationale, "sentences") {
		t.Fatalf("answer without rubric: %+v", q2)
	}
}

func TestBuiltinQuotesMatchingSentences(t *testing.T) {
	in := Input{Questions: []Question{{ID: 1, Type: "text", Prompt: "Tell us about a backend you built.", Rubric: backendRubric}},
		Answers: []Answer{{QuestionID: 1, Value: backendAnswer}}}
	res := builtinScore(t, in)
	if res.Scorer != "keyword-coverage" || res.Model != "builtin-coverage-v1" || res.PromptVersion != PromptVersion || len(res.RubricVersion) != 16 {
		t.Fatalf("metadata: %+v", res)
	}
	q := findQ(t, res, 1)
	if q.Kind != KindOpen || q.Score == nil || *q.Score != 4 { // 1 + 4 × 3/4
		t.Fatalf("score = %v, want 4 (%+v)", q.Score, q)
	}
	want := []CriterionResult{
		{CriterionID: "testing", Name: "Testing", Met: ptr(true), Evidence: "We wrote unit tests for every service and ran them in CI!"},
		{CriterionID: "caching", Name: "Caching", Met: ptr(true), Evidence: "Response times dropped after we added Redis as a cache."},
		{CriterionID: "security", Name: "Security"},
	}
	if !reflect.DeepEqual(q.Criteria, want) {
		t.Fatalf("criteria:\n got %+v\nwant %+v", q.Criteria, want)
	}
	for _, c := range q.Criteria {
		if c.Evidence != "" && !strings.Contains(backendAnswer, c.Evidence) {
			t.Fatalf("evidence %q is not verbatim", c.Evidence)
		}
	}
	for _, s := range []string{"built-in", "no AI", `"Security"`, "Not found"} {
		if !strings.Contains(q.Rationale, s) {
			t.Fatalf("rationale lacks %q: %s", s, q.Rationale)
		}
	}
	if res.Overall == nil || *res.Overall != 75 {
		t.Fatalf("overall = %v, want 75", res.Overall)
	}
}

func TestBuiltinDeterministic(t *testing.T) {
	in := Input{Questions: []Question{
		{ID: 1, Type: "text", Rubric: backendRubric},
		{ID: 2, Type: "text"},
		{ID: 3, Type: "yes_no", Knockout: &Knockout{Values: []string{"no"}, Reason: "Needs a work permit"}},
	}, Answers: []Answer{{QuestionID: 1, Value: backendAnswer}, {QuestionID: 2, Value: "Some words here."}, {QuestionID: 3, Value: "no"}}}
	a, b := builtinScore(t, in), builtinScore(t, in)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("not deterministic:\n%+v\n%+v", a, b)
	}
}

func TestBuiltinNotDiscussed(t *testing.T) {
	in := Input{Questions: []Question{{ID: 1, Type: "text", Rubric: backendRubric}},
		Answers: []Answer{{QuestionID: 1, Value: "I enjoy hiking and cooking on weekends. My favourite food is pasta."}}}
	q := findQ(t, builtinScore(t, in), 1)
	if q.Score == nil || *q.Score != 1 {
		t.Fatalf("score = %v, want 1", q.Score)
	}
	for _, c := range q.Criteria {
		if c.Met != nil || c.Evidence != "" {
			t.Fatalf("criterion %s should be not discussed: %+v", c.CriterionID, c)
		}
	}
}

func TestBuiltinWithoutRubric(t *testing.T) {
	long := "Our checkout service handled payments for twelve countries. I designed the retry queue, " +
		"migrated billing from cron jobs to event streams, introduced feature flags, reduced deployment time " +
		"from hours to minutes and mentored three junior developers through design reviews."
	in := Input{Questions: []Question{{ID: 1, Type: "text"}, {ID: 2, Type: "text"}},
		Answers: []Answer{{QuestionID: 1, Value: "Yes I can."}, {QuestionID: 2, Value: long}}}
	res := builtinScore(t, in)
	short, full := findQ(t, res, 1), findQ(t, res, 2)
	if short.Score == nil || *short.Score != 1 {
		t.Fatalf("short answer score = %v, want 1", short.Score)
	}
	if full.Score == nil || *full.Score != 3 {
		t.Fatalf("long answer score = %v, want 3 (the cap)", full.Score)
	}
	if !strings.Contains(full.Rationale, "No rubric was given") || !strings.Contains(full.Rationale, "capped at 3") {
		t.Fatalf("rationale: %s", full.Rationale)
	}
	if len(full.Criteria) != 0 {
		t.Fatalf("criteria: %+v", full.Criteria)
	}
}

func TestClosedQuestionsAndKnockouts(t *testing.T) {
	yes := &Rule{Points: map[string]float64{"yes": 5, "no": 0}}
	years := &Rule{Ranges: []Range{{Min: f64(5), Points: 5}, {Min: f64(2), Max: f64(4.99), Points: 3}}}
	in := Input{Questions: []Question{
		{ID: 1, Type: "yes_no", Prompt: "Work permit for the EU?", Rule: yes, Knockout: &Knockout{Values: []string{"no"}, Reason: "Needs a work permit"}},
		{ID: 2, Type: "number", Prompt: "Years of Go?", Rule: years, Knockout: &Knockout{Min: f64(2), Reason: "At least two years of Go"}},
		{ID: 3, Type: "number", Rule: years, Knockout: &Knockout{Min: f64(2), Max: f64(10)}},
		{ID: 4, Type: "multi_choice", Options: []string{"A", "B", "C"}, Rule: &Rule{Points: map[string]float64{"A": 3, "B": 3}},
			Knockout: &Knockout{Values: []string{"C"}, Reason: "C is a red flag"}},
		{ID: 5, Type: "single_choice", Options: []string{"A", "B"}, Rule: &Rule{Points: map[string]float64{"A": 3, "B": 5}}, Knockout: &Knockout{Values: []string{"B"}}},
		{ID: 6, Type: "number", Knockout: &Knockout{Max: f64(5)}},
	}, Answers: []Answer{
		{QuestionID: 1, Value: "no"}, {QuestionID: 2, Value: "1.5"}, {QuestionID: 3, Value: "4"},
		{QuestionID: 4, Value: `["A","C"]`}, {QuestionID: 5, Value: "A"}, {QuestionID: 6, Value: "7"},
	}}
	res := builtinScore(t, in)
	wantFlag := map[int64]string{1: `Knockout: "Work permit for the EU?" answered "no" (Needs a work permit)`,
		2: `"Years of Go?" answered "1.5" (At least two years of Go)`, 4: "C is a red flag", 6: `answered "7"`}
	wantScore := map[int64]*float64{1: f64(0), 2: f64(0), 3: f64(3), 4: f64(0), 5: f64(3), 6: f64(0)}
	for _, q := range res.Questions {
		if q.Kind != KindClosed || !reflect.DeepEqual(q.Score, wantScore[q.QuestionID]) {
			t.Fatalf("question %d: kind %s score %v, want closed %v", q.QuestionID, q.Kind, q.Score, *wantScore[q.QuestionID])
		}
		f := hasFlag(q.Flags, FlagKnockout)
		if want, ok := wantFlag[q.QuestionID]; ok {
			if f == nil || !strings.Contains(f.Message, want) || f.QuestionID != q.QuestionID {
				t.Fatalf("question %d: flag %+v, want %q", q.QuestionID, f, want)
			}
		} else if f != nil {
			t.Fatalf("question %d: unexpected flag %+v", q.QuestionID, f)
		}
	}
	if n := len(res.Flags); n != 4 {
		t.Fatalf("result flags = %d, want 4: %+v", n, res.Flags)
	}
	// Knockouts count at the minimum: (0 + 0 + 0.6 + 0 + 0.6 + 0) / 6.
	if res.Overall == nil || *res.Overall != 20 {
		t.Fatalf("overall = %v, want 20", res.Overall)
	}
}

// Closed questions score what the recruiter set, not "answered = 5".
func TestClosedQuestionRules(t *testing.T) {
	stack := &Rule{Points: map[string]float64{"Go": PointsPreferred, "Rust": PointsAcceptable, "php": PointsNotAcceptable}}
	cases := []struct {
		name  string
		q     Question
		value string
		score *float64
		why   string
	}{
		{"preferred option", Question{Type: "single_choice", Options: []string{"Go", "Rust", "PHP"}, Rule: stack}, "Go", f64(5), `"Go" is worth 5`},
		{"acceptable option", Question{Type: "single_choice", Options: []string{"Go", "Rust", "PHP"}, Rule: stack}, "Rust", f64(3), "worth 3"},
		{"labels match case-insensitively", Question{Type: "single_choice", Options: []string{"Go", "Rust", "PHP"}, Rule: stack}, "PHP", f64(0), "worth 0"},
		{"option without points", Question{Type: "single_choice", Options: []string{"Go", "Java"}, Rule: stack}, "Java", f64(0), "worth 0"},
		{"several choices add up, at most 5", Question{Type: "multi_choice", Options: []string{"Go", "Rust", "PHP"}, Rule: stack}, `["Go","Rust"]`, f64(5), "at most 5"},
		{"several choices add up", Question{Type: "multi_choice", Options: []string{"A", "B", "C"}, Rule: &Rule{Points: map[string]float64{"A": 2, "B": 2}}}, `["A","B"]`, f64(4), `"A" 2 + "B" 2`},
		{"yes/no preferred answer", Question{Type: "yes_no", Rule: &Rule{Points: map[string]float64{"yes": 5}}}, "no", f64(0), "worth 0"},
		{"number in a range", Question{Type: "number", Rule: &Rule{Ranges: []Range{{Min: f64(5), Points: 5}, {Min: f64(2), Max: f64(4), Points: 3}}}}, "3", f64(3), "2–4"},
		{"number on a bound", Question{Type: "number", Rule: &Rule{Ranges: []Range{{Min: f64(5), Points: 5}}}}, "5", f64(5), "5 or more"},
		{"number in no range", Question{Type: "number", Rule: &Rule{Ranges: []Range{{Min: f64(5), Points: 5}}}}, "1", f64(0), "none of the scored ranges"},
		{"decimal comma", Question{Type: "number", Rule: &Rule{Ranges: []Range{{Max: f64(2), Points: 4}}}}, "1,5", f64(4), "2 or less"},
		{"no rule: information only", Question{Type: "single_choice", Options: []string{"A", "B"}}, "A", nil, "not part of the score"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.q.ID = 1
			res := builtinScore(t, Input{Questions: []Question{c.q}, Answers: []Answer{{QuestionID: 1, Value: c.value}}})
			q := findQ(t, res, 1)
			if !reflect.DeepEqual(q.Score, c.score) || !strings.Contains(q.Rationale, c.why) {
				t.Fatalf("score %v rationale %q, want %v and %q", q.Score, q.Rationale, c.score, c.why)
			}
			if len(q.Flags) != 0 {
				t.Fatalf("flags: %+v", q.Flags)
			}
		})
	}
}

func TestRuleCheck(t *testing.T) {
	opts := []string{"Go", "Rust"}
	cases := []struct {
		typ  string
		r    *Rule
		want string
	}{
		{"single_choice", &Rule{Points: map[string]float64{"go": 5}}, ""},
		{"single_choice", &Rule{Points: map[string]float64{"Java": 5}}, "not one of the options"},
		{"single_choice", &Rule{Points: map[string]float64{"Go": 6}}, "between 0 and 5"},
		{"single_choice", &Rule{Ranges: []Range{{Min: f64(1), Points: 5}}}, "only number questions"},
		{"number", &Rule{Ranges: []Range{{Points: 5}}}, "minimum or a maximum"},
		{"number", &Rule{Ranges: []Range{{Min: f64(3), Max: f64(1), Points: 5}}}, "must not be above"},
		{"number", &Rule{Ranges: []Range{{Min: f64(1), Points: -1}}}, "between 0 and 5"},
		{"number", &Rule{Points: map[string]float64{"Go": 5}}, "not option points"},
	}
	for _, c := range cases {
		got := c.r.Check(c.typ, opts)
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("%s %+v: %q, want %q", c.typ, c.r, got, c.want)
		}
	}
}

// Confirming a suggested rule does not change the rubric version; changing
// its points does.
func TestRubricVersionFollowsRules(t *testing.T) {
	q := Question{ID: 1, Type: "yes_no", Rule: &Rule{Points: map[string]float64{"yes": 5}, Suggested: true}}
	v1 := RubricVersion([]Question{q})
	q.Rule = &Rule{Points: map[string]float64{"yes": 5}}
	if RubricVersion([]Question{q}) != v1 {
		t.Fatal("confirming a suggestion changed the rubric version")
	}
	q.Rule = &Rule{Points: map[string]float64{"yes": 3}}
	if RubricVersion([]Question{q}) == v1 {
		t.Fatal("new points kept the rubric version")
	}
}

func TestUnanswered(t *testing.T) {
	in := Input{Questions: []Question{
		{ID: 1, Type: "text", Required: true, Rubric: backendRubric},
		{ID: 2, Type: "text"},
		{ID: 3, Type: "single_choice", Required: true, Options: []string{"A", "B"}, Rule: &Rule{Points: map[string]float64{"A": 5}}},
		{ID: 4, Type: "multi_choice", Options: []string{"A", "B"}, Rule: &Rule{Points: map[string]float64{"A": 5}}},
		{ID: 5, Type: "number", Required: true, Knockout: &Knockout{Min: f64(1)}, Rule: &Rule{Ranges: []Range{{Min: f64(1), Points: 5}}}},
		{ID: 6, Type: "yes_no", Required: true}, // no rule: flagged, never scored
	}, Answers: []Answer{{QuestionID: 2, Value: "   "}, {QuestionID: 4, Value: "[]"}, {QuestionID: 5, Value: ""}}}
	res := builtinScore(t, in)
	cases := []struct {
		id    int64
		kind  string
		score *float64
		flag  bool
	}{{1, KindOpen, f64(1), true}, {2, KindOpen, nil, false}, {3, KindClosed, f64(0), true}, {4, KindClosed, nil, false}, {5, KindClosed, f64(0), true},
		{6, KindClosed, nil, true}}
	for _, c := range cases {
		q := findQ(t, res, c.id)
		if q.Kind != c.kind || !reflect.DeepEqual(q.Score, c.score) {
			t.Fatalf("question %d: kind %s score %v, want %s %v", c.id, q.Kind, q.Score, c.kind, c.score)
		}
		if (hasFlag(q.Flags, FlagUnansweredRequired) != nil) != c.flag {
			t.Fatalf("question %d: flags %+v", c.id, q.Flags)
		}
		if hasFlag(q.Flags, FlagKnockout) != nil {
			t.Fatalf("question %d: a missing answer must not trigger a knockout", c.id)
		}
	}
	if len(findQ(t, res, 1).Criteria) != 3 {
		t.Fatal("unanswered open question should list its criteria as not discussed")
	}
	if res.Overall == nil || *res.Overall != 0 {
		t.Fatalf("overall = %v, want 0", res.Overall)
	}
}

func TestMediaWithoutTranscript(t *testing.T) {
	in := Input{Questions: []Question{
		{ID: 1, Type: "video", Required: true, Rubric: backendRubric, Weight: 3},
		{ID: 2, Type: "audio", Rubric: backendRubric},
		{ID: 3, Type: "yes_no", Rule: &Rule{Points: map[string]float64{"yes": 5}}},
	}, Answers: []Answer{
		{QuestionID: 1, HasMedia: true, Value: "a note"},
		{QuestionID: 2, HasMedia: true, Transcript: backendAnswer},
		{QuestionID: 3, Value: "yes"},
	}}
	res := builtinScore(t, in)
	v := findQ(t, res, 1)
	if v.Kind != KindMediaUnscored || v.Score != nil || hasFlag(v.Flags, FlagMediaNotTranscribed) == nil {
		t.Fatalf("video: %+v", v)
	}
	if hasFlag(v.Flags, FlagUnansweredRequired) != nil {
		t.Fatal("a recording is an answer")
	}
	a := findQ(t, res, 2)
	if a.Kind != KindOpen || a.Score == nil || *a.Score != 4 {
		t.Fatalf("audio with transcript: %+v", a)
	}
	// (0.75 + 1) / 2 = 87.5, rounded once; the video (weight 3) is left out.
	if res.Overall == nil || *res.Overall != 88 {
		t.Fatalf("overall = %v, want 88", res.Overall)
	}
}

func TestOverallWeightedMean(t *testing.T) {
	qs := []Question{{ID: 1, Type: "text", Weight: 2}, {ID: 2, Type: "yes_no"}, {ID: 3, Type: "audio", Weight: 5},
		{ID: 4, Type: "text"}, {ID: 5, Type: "number", Weight: 3}}
	rs := []QuestionResult{
		{QuestionID: 1, Kind: KindOpen, Score: f64(4)},          // 0.75 × 2
		{QuestionID: 2, Kind: KindClosed, Score: f64(5)},        // 1 × 1
		{QuestionID: 3, Kind: KindMediaUnscored},                // left out
		{QuestionID: 4, Kind: KindOpen},                         // unanswered optional, left out
		{QuestionID: 5, Kind: KindClosed, Score: f64(0)},        // 0 × 3
		{QuestionID: 99, Kind: KindOpen, Score: f64(5)},         // unknown question, left out
		{QuestionID: 3, Kind: KindMediaUnscored, Score: f64(5)}, // never counted
	}
	got := Overall(qs, rs)
	if got == nil || *got != 42 { // (1.5 + 1 + 0) / 6 = 41.67
		t.Fatalf("overall = %v, want 42", got)
	}
	rs[0].Score = f64(3) // a human override
	if got := Overall(qs, rs); got == nil || *got != 33 {
		t.Fatalf("overall after override = %v, want 33", got)
	}
	rs[4].Score = f64(3)                                  // a closed question overridden to 3 of 5 counts 0.6
	if got := Overall(qs, rs); got == nil || *got != 63 { // (2×0.5 + 1 + 3×0.6) / 6 = 63.33
		t.Fatalf("overall after closed override = %v, want 63", got)
	}
	// An open answer waiting for a person holds the overall back.
	if got := Overall(qs, append(rs, QuestionResult{QuestionID: 4, Kind: KindReview})); got != nil {
		t.Fatalf("overall with a review pending = %v, want nil", *got)
	}
	// Once reviewed, it counts like an open answer.
	if got := Overall(qs, append(rs[:5:5], QuestionResult{QuestionID: 4, Kind: KindReview, Score: f64(5)})); got == nil || *got != 69 { // (1 + 1 + 1.8 + 1) / 7 = 68.57
		t.Fatalf("overall with a reviewed answer = %v, want 69", got)
	}
	if Round(87.5) != 88 || Round(12.49) != 12 {
		t.Fatal("Round must round halves away from zero")
	}
	if got := Overall(qs, []QuestionResult{{QuestionID: 3, Kind: KindMediaUnscored}}); got != nil {
		t.Fatalf("overall with nothing scored = %v, want nil", *got)
	}
	if got := Overall(nil, nil); got != nil {
		t.Fatal("empty overall should be nil")
	}
}

func TestBuiltinNothingScorable(t *testing.T) {
	res := builtinScore(t, Input{Questions: []Question{{ID: 1, Type: "audio"}}, Answers: []Answer{{QuestionID: 1, HasMedia: true}}})
	if res.Overall != nil {
		t.Fatalf("overall = %v, want nil", *res.Overall)
	}
	if len(res.Flags) != 1 || res.Flags[0].Kind != FlagMediaNotTranscribed {
		t.Fatalf("flags: %+v", res.Flags)
	}
}

func TestCriteriaIDsAndRubricVersion(t *testing.T) {
	cs := Criteria([]Criterion{{Name: "System design & trade-offs"}, {Name: "System design: trade-offs!"}, {Name: "???"},
		{ID: "custom", Name: "X", Weight: 2}, {Name: "Über Qualität"}})
	ids := []string{cs[0].ID, cs[1].ID, cs[2].ID, cs[3].ID, cs[4].ID}
	want := []string{"system-design-trade-offs", "system-design-trade-offs-2", "criterion-3", "custom", "über-qualität"}
	if !reflect.DeepEqual(ids, want) {
		t.Fatalf("ids = %v, want %v", ids, want)
	}
	if cs[0].Weight != 1 || cs[3].Weight != 2 {
		t.Fatalf("weights: %+v", cs)
	}
	qs := []Question{{ID: 1, Type: "text", Prompt: "Why?", Rubric: backendRubric}}
	v1 := RubricVersion(qs)
	if v1 != RubricVersion([]Question{{ID: 1, Type: "text", Prompt: "Why?", Rubric: backendRubric}}) {
		t.Fatal("rubric version is not stable")
	}
	changed := append([]Criterion(nil), backendRubric...)
	changed[0].Strong = "something else"
	if v1 == RubricVersion([]Question{{ID: 1, Type: "text", Prompt: "Why?", Rubric: changed}}) {
		t.Fatal("rubric version did not change with the rubric")
	}
}

func TestSentences(t *testing.T) {
	got := sentences("We use Go 1.26. It costs $3.50 per run! Really?\n- bullet one; and two")
	want := []string{"We use Go 1.26.", "It costs $3.50 per run!", "Really?", "- bullet one;", "and two"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sentences = %q, want %q", got, want)
	}
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewBuiltin().Score(ctx, Input{}); err == nil {
		t.Fatal("want an error for a canceled context")
	}
}
