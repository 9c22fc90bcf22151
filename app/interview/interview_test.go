package interview

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "hireloop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// Each broken question is named by its position, so the editor can point
// at it; rubrics and knockout rules are read as the scorer reads them.
func TestApplyNamesTheBrokenQuestion(t *testing.T) {
	st := openStore(t)
	req := Request{Name: "Backend engineer", Questions: []store.Question{
		{Type: "text", Prompt: "Why us?", Rubric: json.RawMessage(`[{"name":"Motivation","weight":1}]`)},
		{Type: "single_choice", Prompt: "Pick one", Options: []string{"only"}},
		{Type: "text", Prompt: "Years?", Knockout: json.RawMessage(`{"min":3}`)},
		{Type: "number", Prompt: "Years?", Knockout: json.RawMessage(`{"reason":"no rule"}`)},
		{Type: "text", Prompt: "Rubric", Rubric: json.RawMessage(`[{"name":"","weight":0}]`)},
	}}
	err := Apply(context.Background(), st, 1, req, &store.Interview{})
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("%v", err)
	}
	want := map[string]string{
		"questions.1.options":  "needs at least two choices",
		"questions.2.knockout": "only closed questions (choices, yes/no, number) can have knockout rules",
		"questions.3.knockout": "must name values, or a min or max",
		"questions.4.rubric":   "every criterion needs a name and a positive weight",
	}
	for f, msg := range want {
		if e.Fields[f] != msg {
			t.Errorf("%s: %q, want %q", f, e.Fields[f], msg)
		}
	}
	if len(e.Fields) != len(want) {
		t.Errorf("fields %v, want %v", e.Fields, want)
	}
}

func TestApplyDefaults(t *testing.T) {
	iv := &store.Interview{}
	if err := Apply(context.Background(), openStore(t), 1, Request{Name: " Sales lead "}, iv); err != nil {
		t.Fatal(err)
	}
	if iv.Name != "Sales lead" || iv.Kind != "interview" || iv.Language != "en" || iv.DeadlineDays != 7 || iv.ReminderHours != 48 ||
		iv.WatchInterval != 300 || !iv.SyncResults {
		t.Fatalf("defaults: %+v", iv)
	}
	if err := Publishable(iv); err == nil || !strings.Contains(err.Error(), "Choose the ATS position") {
		t.Fatalf("an interview without a stage is publishable: %v", err)
	}
}

// Generated questions carry rubrics in the editor's shape.
func TestGenerateQuestionsRubricShape(t *testing.T) {
	qs := GenerateQuestions("Data engineer", "We need:\n- 3+ years of Python in production\n- Experience with Airflow pipelines\n", 8)
	if len(qs) != 4 {
		t.Fatalf("%d questions, want 2 general + 2 from the bullets", len(qs))
	}
	var crit []map[string]any
	if err := json.Unmarshal(qs[1].Rubric, &crit); err != nil || len(crit) != 1 {
		t.Fatalf("rubric %s: %v", qs[1].Rubric, err)
	}
	if _, hasID := crit[0]["id"]; hasID || crit[0]["name"] != "3+ years of Python in production" || crit[0]["weight"] != 1.0 {
		t.Fatalf("rubric criterion %v", crit[0])
	}
}

// Scoring rules are checked against the question they score.
func TestApplyChecksScoringRules(t *testing.T) {
	st := openStore(t)
	req := Request{Name: "Backend engineer", Questions: []store.Question{
		{Type: "single_choice", Prompt: "Language?", Options: []string{"Go", "Rust"}, Scoring: json.RawMessage(`{"points":{"Go":5,"Rust":3}}`)},
		{Type: "single_choice", Prompt: "Language?", Options: []string{"Go", "Rust"}, Scoring: json.RawMessage(`{"points":{"Java":5}}`)},
		{Type: "text", Prompt: "Why us?", Scoring: json.RawMessage(`{"points":{"a":5}}`)},
		{Type: "number", Prompt: "Years?", Scoring: json.RawMessage(`{"ranges":[{"min":5,"max":1,"points":5}]}`)},
		{Type: "yes_no", Prompt: "Permit?", Scoring: json.RawMessage(`{"points":{"yes":7}}`)},
		{Type: "yes_no", Prompt: "Permit?", Scoring: json.RawMessage(`"five"`)},
	}}
	e, ok := apperr.As(Apply(context.Background(), st, 1, req, &store.Interview{}))
	if !ok {
		t.Fatal("no field errors")
	}
	for i, want := range map[int]string{1: "not one of the options", 2: "only closed questions", 3: "must not be above", 4: "between 0 and 5", 5: "must be {points"} {
		if got := e.Fields["questions."+string(rune('0'+i))+".scoring"]; !strings.Contains(got, want) {
			t.Errorf("question %d: %q, want %q", i, got, want)
		}
	}
	if _, bad := e.Fields["questions.0.scoring"]; bad {
		t.Errorf("a valid rule was refused: %v", e.Fields)
	}
}

// Imported closed questions carry a suggested rule, and an interview with
// one cannot be published until the recruiter confirms it.
func TestImportedScoringMustBeConfirmed(t *testing.T) {
	qs := ImportQuestions([]ats.Question{
		{ID: "1", Label: "Authorized to work?", Type: ats.QuestionYesNo, Required: true},
		{ID: "2", Label: "Years?", Type: ats.QuestionNumber},
		{ID: "3", Label: "Why us?", Type: ats.QuestionText},
	})
	if string(qs[0].Scoring) != `{"points":{"no":0,"yes":5},"suggested":true}` || string(qs[1].Scoring) != `{"suggested":true}` || qs[2].Scoring != nil {
		t.Fatalf("suggested rules: %s / %s / %s", qs[0].Scoring, qs[1].Scoring, qs[2].Scoring)
	}
	conn := int64(1)
	iv := &store.Interview{ConnectionID: &conn, JobExtID: "j", StageExtID: "s", Questions: qs}
	err := Publishable(iv)
	if e, ok := apperr.As(err); !ok || !strings.Contains(e.Message, "Confirm the suggested scoring of question 1, 2") {
		t.Fatalf("publishable with unconfirmed rules: %v", err)
	}
	iv.Questions[0].Scoring = json.RawMessage(`{"points":{"no":0,"yes":5}}`)
	iv.Questions[1].Scoring = nil
	if err := Publishable(iv); err != nil {
		t.Fatalf("confirmed: %v", err)
	}
}
