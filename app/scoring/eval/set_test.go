package eval

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const goodLine = `{"id": "a", "question": "Why?", "answer": "Because.", "human_score": 3}`

func TestReadParsesLines(t *testing.T) {
	in := `{"id": "a", "question": " Why? ", "rubric": [{"criterion": "Reason", "strong": "gives one"}, {"criterion": "Depth", "weight": 2}], "answer": "Because.", "human_score": 3, "language": "de", "kind": "decent"}

{"id": "b", "question": "How?", "rubric": [], "answer": "Like this.", "human_score": 5}
{"id": "c", "question": "What?", "answer": "That.", "human_score": 1.0}
`
	items, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Item{
		{ID: "a", Question: "Why?", Rubric: []Criterion{{Criterion: "Reason", Weight: 1, Strong: "gives one"}, {Criterion: "Depth", Weight: 2}},
			Answer: "Because.", HumanScore: 3, Language: "de", Kind: "decent", Line: 1},
		{ID: "b", Question: "How?", Answer: "Like this.", HumanScore: 5, Line: 3}, // line numbers count blank lines
		{ID: "c", Question: "What?", Answer: "That.", HumanScore: 1, Line: 4},
	}
	if !reflect.DeepEqual(items, want) {
		t.Fatalf("items:\n got %+v\nwant %+v", items, want)
	}
}

// Every bad line is reported with its number and the field at fault.
func TestReadErrorsNameLineAndField(t *testing.T) {
	for _, c := range []struct {
		name, line  string
		field, text string
	}{
		{"score above 5", `{"id": "x", "question": "Q", "answer": "A", "human_score": 6}`, "human_score", "from 1 to 5, not 6"},
		{"score below 1", `{"id": "x", "question": "Q", "answer": "A", "human_score": 0}`, "human_score", "from 1 to 5, not 0"},
		{"half a point", `{"id": "x", "question": "Q", "answer": "A", "human_score": 2.5}`, "human_score", "whole number"},
		{"score missing", `{"id": "x", "question": "Q", "answer": "A"}`, "human_score", "is missing"},
		{"score as text", `{"id": "x", "question": "Q", "answer": "A", "human_score": "five"}`, "human_score", "must be a number, not a JSON string"},
		{"id missing", `{"question": "Q", "answer": "A", "human_score": 2}`, "id", "missing"},
		{"question empty", `{"id": "x", "question": "  ", "answer": "A", "human_score": 2}`, "question", "missing or empty"},
		{"answer missing", `{"id": "x", "question": "Q", "human_score": 2}`, "answer", "missing"},
		{"criterion missing", `{"id": "x", "question": "Q", "rubric": [{"criterion": "C"}, {"strong": "s"}], "answer": "A", "human_score": 2}`, "rubric[1].criterion", "missing"},
		{"negative weight", `{"id": "x", "question": "Q", "rubric": [{"criterion": "C", "weight": -1}], "answer": "A", "human_score": 2}`, "rubric[0].weight", "must be positive"},
		{"criterion not an object", `{"id": "x", "question": "Q", "rubric": ["C"], "answer": "A", "human_score": 2}`, "rubric", "must be a JSON object, not a JSON string"},
		{"rubric not a list", `{"id": "x", "question": "Q", "rubric": "C", "answer": "A", "human_score": 2}`, "rubric", "must be a list"},
		{"misspelt field", `{"id": "x", "question": "Q", "answer": "A", "human_scroe": 2}`, "human_scroe", "unknown field"},
		{"duplicate id", `{"id": "a", "question": "Q", "answer": "A", "human_score": 2}`, "id", `"a" is already used on line 1`},
		{"invalid JSON", `{"id": "x", "question": "Q",`, "", "invalid JSON"},
		{"trailing value", `{"id": "x", "question": "Q", "answer": "A", "human_score": 2} {"id": "y"}`, "", "more than one value"},
	} {
		_, err := Read(strings.NewReader(goodLine + "\n" + c.line + "\n" + goodLine))
		var le *LineError
		if !errors.As(err, &le) {
			t.Errorf("%s: error %v, want a *LineError", c.name, err)
			continue
		}
		if le.Line != 2 || le.Field != c.field || !strings.Contains(le.Msg, c.text) {
			t.Errorf("%s: got line %d field %q msg %q; want line 2 field %q msg containing %q", c.name, le.Line, le.Field, le.Msg, c.field, c.text)
		}
		if !strings.HasPrefix(err.Error(), "line 2: ") {
			t.Errorf("%s: message %q does not start with the line number", c.name, err)
		}
	}
	if _, err := Read(strings.NewReader("\n  \n")); err == nil || !strings.Contains(err.Error(), "no answers") {
		t.Fatalf("empty set: %v", err)
	}
}

func TestLoadFileAndBuiltin(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mine.jsonl")
	if err := os.WriteFile(path, []byte(goodLine+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	items, err := Load(path)
	if err != nil || len(items) != 1 || items[0].ID != "a" {
		t.Fatalf("file: %v %+v", err, items)
	}
	if _, err := Load(filepath.Join(dir, "missing.jsonl")); err == nil || !strings.Contains(err.Error(), "missing.jsonl: no such file") {
		t.Fatalf("missing file: %v", err)
	}
	if err := os.WriteFile(path, []byte(goodLine+"\n"+`{"id": "b"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || err.Error() != "set "+path+": line 2: question: is missing or empty" {
		t.Fatalf("bad line in a file: %v", err)
	}
	if got := Builtin(); !reflect.DeepEqual(got, []string{"hireloop-v1"}) {
		t.Fatalf("Builtin() = %v", got)
	}
	if items, err := Load("builtin:hireloop-v1"); err != nil || len(items) < 130 {
		t.Fatalf("builtin set: %v (%d items)", err, len(items))
	}
	for _, spec := range []string{"builtin:nope", "builtin:../set"} {
		if _, err := Load(spec); err == nil || !strings.Contains(err.Error(), "no such built-in set (built in: hireloop-v1)") {
			t.Fatalf("%s: %v", spec, err)
		}
	}
}

// The shipped set is what its README promises: enough answers and
// questions, rubrics of 2–4 criteria, every score, every kind of answer,
// German and Spanish questions, and prompt injections in two languages.
func TestShippedSetComposition(t *testing.T) {
	items, err := Load("builtin:hireloop-v1")
	if err != nil {
		t.Fatal(err)
	}
	questions := map[string]bool{}
	langs := map[string]int{}
	scores := map[int]int{}
	kinds := map[string]int{}
	injections := map[string]bool{}
	for _, it := range items {
		questions[it.Question] = true
		langs[it.Language]++
		scores[it.HumanScore]++
		kinds[it.Kind]++
		if it.Kind == "injection" {
			injections[it.Language] = true
		}
		if n := len(it.Rubric); n != 0 && (n < 2 || n > 4) {
			t.Errorf("%s: rubric has %d criteria, want 2–4 (or none)", it.ID, n)
		}
		if it.Language == "" {
			t.Errorf("%s: no language", it.ID)
		}
	}
	if len(items) < 130 || len(questions) < 11 {
		t.Errorf("%d answers to %d questions, want ≥ 130 and ≥ 11", len(items), len(questions))
	}
	if langs["de"] < 15 || langs["es"] < 10 {
		t.Errorf("languages %v, want ≥ 15 German and ≥ 10 Spanish", langs)
	}
	for s := 1; s <= 5; s++ {
		if scores[s] < 10 {
			t.Errorf("only %d answers score %d", scores[s], s)
		}
	}
	for _, k := range []string{"strong", "decent", "vague", "off-topic", "one-liner", "padded", "paraphrase", "injection", "wrong"} {
		if kinds[k] == 0 {
			t.Errorf("no %q answers", k)
		}
	}
	if len(kinds) != 9 {
		t.Errorf("kinds %v: one is not documented in sets/README.md", kinds)
	}
	if !injections["en"] || !injections["de"] {
		t.Errorf("prompt injections in %v, want English and German", injections)
	}
}
