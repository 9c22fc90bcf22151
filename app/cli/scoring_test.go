package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hireloop/hireloop/app"
	"github.com/hireloop/hireloop/app/scoring"
	"github.com/hireloop/hireloop/app/scoring/eval"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// shippedSet is the labelled set in the repository, read through its path.
const shippedSet = "../scoring/eval/sets/hireloop-v1.jsonl"

// fakeChat speaks OpenAI chat completions as app/scoring/llm.go uses
// them: it finds the question and the answer in the prompt, looks the
// labelled item up, and replies with the score modelScore gives it, in
// the JSON shape the scorer validates (every criterion listed, none met).
// A score outside 1..5 is invalid output, which the scorer retries and
// then gives up on.
type fakeChat struct {
	srv   *httptest.Server
	mu    sync.Mutex
	auths map[string]int
	calls int
}

var fenceRe = regexp.MustCompile(`(?s)<(answer-[0-9a-f]+)>\n(.*)\n</answer-[0-9a-f]+>`)

func newFakeChat(t *testing.T, items []eval.Item, modelScore func(eval.Item) int) *fakeChat {
	t.Helper()
	byPrompt := map[string]eval.Item{}
	for _, it := range items {
		byPrompt[it.Question+"\x00"+it.Answer] = it
	}
	f := &fakeChat{auths: map[string]int{}}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Model    string `json:"model"`
			Messages []struct {
				Role    string `json:"role"`
				Content string `json:"content"`
			} `json:"messages"`
		}
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.calls++
		f.auths[r.Header.Get("Authorization")]++
		f.mu.Unlock()
		if r.URL.Path != "/v1/chat/completions" || json.Unmarshal(b, &req) != nil || len(req.Messages) < 2 {
			http.Error(w, `{"error": {"message": "bad request"}}`, http.StatusBadRequest)
			return
		}
		user := req.Messages[1].Content // the question and answer; later messages are corrections
		_, q, _ := strings.Cut(user, "Question:\n\"\"\"\n")
		q, _, _ = strings.Cut(q, "\n\"\"\"\n")
		// The answer sits in a fence named by a random nonce: <answer-…>.
		var a string
		if m := fenceRe.FindStringSubmatch(user); m != nil {
			a = m[2]
		}
		it, ok := byPrompt[q+"\x00"+a]
		if !ok {
			http.Error(w, `{"error": {"message": "the fake does not know this answer"}}`, http.StatusBadRequest)
			return
		}
		crits := []map[string]any{}
		for _, c := range scoring.Criteria(eval.Input(&it).Questions[0].Rubric) {
			crits = append(crits, map[string]any{"id": c.ID, "met": nil, "evidence": ""})
		}
		out, _ := json.Marshal(map[string]any{"question_id": 1, "score": modelScore(it), "criteria": crits,
			"rationale": "Scored by the test's fake model."})
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"model": req.Model + "-fake", "choices": []any{
			map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": string(out)}}}})
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeChat) url() string { return f.srv.URL + "/v1" }

func (f *fakeChat) stats() (calls int, auths map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls, f.auths
}

func humanScore(it eval.Item) int { return it.HumanScore }

func loadSet(t *testing.T, spec string) []eval.Item {
	t.Helper()
	items, err := eval.Load(spec)
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// writeSet writes JSONL lines to a file and returns its path.
func writeSet(t *testing.T, lines ...string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "set.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// figure finds "name   value" in the human-readable report.
func figure(t *testing.T, out, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + name + `\s+(\S+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no %s line in:\n%s", name, out)
	}
	return m[1]
}

// A model that gives every answer its human score agrees perfectly, on
// the shipped set read from its file path and from the binary.
func TestScoringEvalAgreesWithHumanScores(t *testing.T) {
	items := loadSet(t, shippedSet)
	f := newFakeChat(t, items, humanScore)
	env := map[string]string{"HIRELOOP_LLM_KEY": "sk-from-env"}

	r := runCLI(t, env, "", "scoring", "eval", "--set", shippedSet, "--llm-url", f.url(), "--llm-model", "m", "--concurrency", "8")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("run: %+v", r)
	}
	for name, want := range map[string]string{"n": "141", "spearman": "1.000", "exact": "1.000", "within_one": "1.000", "mae": "0.000", "unscored": "0"} {
		if got := figure(t, r.stdout, name); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	if !strings.Contains(r.stdout, "scorer      llm, model m-fake") || !strings.Contains(r.stdout, "no disagreements") {
		t.Errorf("report:\n%s", r.stdout)
	}
	calls, auths := f.stats()
	if calls != len(items) || auths["Bearer sk-from-env"] != len(items) {
		t.Fatalf("%d calls, authorization %v: want one per answer with the key from %s", calls, auths, llmKeyEnv)
	}

	r = runCLI(t, env, "", "scoring", "eval", "--set", "builtin:hireloop-v1", "--json", "--llm-url", f.url(), "--llm-model", "m")
	if r.code != 0 || r.stderr != "" || r.stdout != `{"n":141,"spearman":1,"exact":1,"within_one":1,"mae":0}`+"\n" {
		t.Fatalf("--json: %+v", r)
	}
}

// knownSet: human scores a..f 1 2 3 4 5 3, the fake model says 1 3 3 2 5
// 3, and its output for g stays invalid.
func knownSet(t *testing.T) (path string, f *fakeChat) {
	t.Helper()
	model := map[string]int{"a": 1, "b": 3, "c": 3, "d": 2, "e": 5, "f": 3, "g": 9}
	var lines []string
	for i, h := range []int{1, 2, 3, 4, 5, 3, 2} {
		id := string(rune('a' + i))
		lines = append(lines, fmt.Sprintf(`{"id": %q, "question": "Why?", "rubric": [{"criterion": "Reason"}, {"criterion": "Depth", "weight": 2}], "answer": "answer %s", "human_score": %d}`, id, id, h))
	}
	path = writeSet(t, lines...)
	return path, newFakeChat(t, loadSet(t, path), func(it eval.Item) int { return model[it.ID] })
}

func TestScoringEvalReportsDisagreements(t *testing.T) {
	path, f := knownSet(t)
	r := runCLI(t, nil, "", "scoring", "eval", "--set", path, "--llm-url", f.url(), "--llm-model", "m")
	if r.code != 0 {
		t.Fatalf("run: %+v", r)
	}
	// Ranks: human [1 2 3.5 5 6 3.5], model [1 4 4 2 6 4]: 9.5/sqrt(17*15.5).
	// Rounded differences 0 1 0 2 0 0; |model - human| sums to 3.
	for name, want := range map[string]string{"n": "6", "spearman": "0.585", "exact": "0.667", "within_one": "0.833", "mae": "0.500", "unscored": "1"} {
		if got := figure(t, r.stdout, name); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	table := regexp.MustCompile(`(?s)largest disagreements\nID\s+HUMAN\s+MODEL\s+DIFF\nd\s+4\s+2\.00\s+2\.00\nb\s+2\s+3\.00\s+1\.00\n$`)
	if !table.MatchString(r.stdout) || !strings.Contains(r.stdout, "g (not counted in n)") {
		t.Fatalf("report:\n%s", r.stdout)
	}
	if calls, _ := f.stats(); calls != 6+3 {
		t.Fatalf("%d model calls, want one per answer and 3 attempts for the invalid one", calls)
	}

	r = runCLI(t, nil, "", "scoring", "eval", "--set", path, "--json", "--llm-url", f.url(), "--llm-model", "m")
	if r.code != 0 || r.stdout != `{"n":6,"spearman":0.585,"exact":0.667,"within_one":0.833,"mae":0.5}`+"\n" {
		t.Fatalf("--json: %+v", r)
	}
	var keys map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &keys); err != nil || len(keys) != 5 {
		t.Fatalf("--json is not one object with five keys: %v %v", keys, err)
	}
	if r.stderr != "scoring eval: 1 answer(s) left unscored, not counted in n: g\n" {
		t.Fatalf("--json stderr %q", r.stderr)
	}
}

// A set in German and Spanish goes through the same pipeline and gives
// the same figures as Compute over the same scores.
func TestScoringEvalGermanAndSpanish(t *testing.T) {
	raw, err := os.ReadFile(shippedSet)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.Contains(l, `"language": "de"`) || strings.Contains(l, `"language": "es"`) {
			lines = append(lines, l)
		}
	}
	path := writeSet(t, lines...)
	items := loadSet(t, path)
	oneHigher := func(it eval.Item) int { return min(5, it.HumanScore+1) }
	f := newFakeChat(t, items, oneHigher)
	var human []int
	var model []float64
	for _, it := range items {
		if it.Language != "de" && it.Language != "es" {
			t.Fatalf("%s is not German or Spanish", it.ID)
		}
		human = append(human, it.HumanScore)
		model = append(model, float64(oneHigher(it)))
	}
	want := eval.Compute(human, model)
	r := runCLI(t, nil, "", "scoring", "eval", "--set", path, "--json", "--llm-url", f.url(), "--llm-model", "m")
	wantJSON := fmt.Sprintf(`{"n":%d,"spearman":%v,"exact":%v,"within_one":1,"mae":%v}`+"\n",
		len(items), round3(want.Spearman), round3(want.Exact), round3(want.MAE))
	if r.code != 0 || r.stdout != wantJSON || len(items) != 35 || !want.SpearmanDefined || want.Spearman <= 0.5 || want.Spearman >= 1 {
		t.Fatalf("got %+v, want %s (n %d, %+v)", r, wantJSON, len(items), want)
	}
}

const noLLMLine = "scoring eval: the built-in scorer does not score open answers (without an LLM endpoint they go to a person); " +
	"give --llm-url and --llm-model, or --workspace with AI settings\n"

func TestScoringEvalWithoutLLMExits3(t *testing.T) {
	for _, args := range [][]string{
		{"scoring", "eval", "--set", shippedSet},
		{"scoring", "eval", "--set", "builtin:hireloop-v1", "--json"},
	} {
		r := runCLI(t, map[string]string{"HIRELOOP_LLM_KEY": "sk-unused"}, "", args...)
		if r.code != 3 || r.stdout != "" || r.stderr != noLLMLine {
			t.Fatalf("%v: %+v", args, r)
		}
	}
}

// --workspace scores with the workspace's stored endpoint and key, the
// same the results worker uses.
func TestScoringEvalWorkspaceSettings(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HIRELOOP_DATA_DIR": dir, "HIRELOOP_SECRET_KEY": strings.Repeat("s", 40), "HIRELOOP_LLM_KEY": "sk-not-this-one"}
	if r := runCLI(t, env, "", "user", "create", "--email", "o@example.com", "--password", "a long enough password"); r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	var ids []string
	for _, name := range []string{"With AI", "Without AI"} {
		r := runCLI(t, env, "", "workspace", "create", "--name", name, "--owner", "o@example.com")
		if r.code != 0 {
			t.Fatalf("workspace create: %+v", r)
		}
		ids = append(ids, strings.TrimSpace(r.stdout))
	}
	path, f := knownSet(t)
	key, err := secret.LoadKey(env["HIRELOOP_SECRET_KEY"], dir)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := secret.NewBox(key).Seal(secret.PurposeLLMKey, []byte("sk-workspace"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(app.Config{DataDir: dir}.DBPath())
	if err != nil {
		t.Fatal(err)
	}
	var wsID int64
	fmt.Sscan(ids[0], &wsID)
	err = st.SaveAISettings(context.Background(), wsID, store.AISettings{LLMBaseURL: f.url(), LLMModel: "ws-model", LLMKey: sealed})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	r := runCLI(t, env, "", "scoring", "eval", "--set", path, "--workspace", ids[0], "--json")
	if r.code != 0 || !strings.HasPrefix(r.stdout, `{"n":6,"spearman":0.585,`) {
		t.Fatalf("workspace with AI settings: %+v", r)
	}
	if _, auths := f.stats(); len(auths) != 1 || auths["Bearer sk-workspace"] == 0 {
		t.Fatalf("authorization %v, want the workspace's key only", auths)
	}
	if r = runCLI(t, env, "", "scoring", "eval", "--set", path, "--workspace", ids[1]); r.code != 3 || r.stderr != noLLMLine {
		t.Fatalf("workspace without AI settings: %+v", r)
	}
	if r = runCLI(t, env, "", "scoring", "eval", "--set", path, "--workspace", "99"); r.code != 1 || !strings.Contains(r.stderr, "workspace 99: store: not found") {
		t.Fatalf("unknown workspace: %+v", r)
	}
}

func TestScoringEvalUsageAndSetErrors(t *testing.T) {
	bad := writeSet(t, `{"id": "a", "question": "Q", "answer": "A", "human_score": 3}`, `{"id": "b", "question": "Q", "answer": "A", "human_score": 7}`)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--llm-url", "http://x/v1", "--llm-model", "m"}, 2, "needs --set"},
		{[]string{"--set", shippedSet, "--concurrency", "0"}, 2, "--concurrency must be at least 1"},
		{[]string{"--set", shippedSet, "--llm-url", "http://x/v1"}, 2, "--llm-url and --llm-model go together"},
		{[]string{"--set", shippedSet, "--llm-model", "m"}, 2, "--llm-url and --llm-model go together"},
		{[]string{"--set", shippedSet, "--workspace", "1", "--llm-url", "http://x/v1", "--llm-model", "m"}, 2, "either --workspace or --llm-url"},
		{[]string{"--set", shippedSet, "--llm-url", "ftp://x", "--llm-model", "m"}, 2, "must be an http(s) URL"},
		{[]string{"--set", shippedSet, "--llm-key", "sk"}, 2, "flag provided but not defined: -llm-key"},
		{[]string{"--set", shippedSet, "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"--set", bad, "--llm-url", "http://x/v1", "--llm-model", "m"}, 1, "set " + bad + ": line 2: human_score: must be a whole number from 1 to 5, not 7"},
		{[]string{"--set", "builtin:nope"}, 1, "no such built-in set"},
	} {
		r := runCLI(t, nil, "", append([]string{"scoring", "eval"}, c.args...)...)
		if r.code != c.code || !strings.Contains(r.stderr, c.msg) || r.stdout != "" {
			t.Errorf("%v: %+v, want status %d and %q", c.args, r, c.code, c.msg)
		}
	}
}

// An endpoint that refuses every request stops the run with its message
// (status 1): figures over whatever happened to succeed would mislead.
func TestScoringEvalStopsWhenTheEndpointFails(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error": {"message": "Incorrect API key provided", "type": "invalid_request_error"}}`))
	}))
	defer srv.Close()
	r := runCLI(t, nil, "", "scoring", "eval", "--set", shippedSet, "--json", "--llm-url", srv.URL, "--llm-model", "m")
	if r.code != 1 || r.stdout != "" || !strings.Contains(r.stderr, "HTTP 401") || !strings.Contains(r.stderr, "Incorrect API key provided") {
		t.Fatalf("%+v", r)
	}
}
