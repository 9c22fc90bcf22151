package scoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeLLM speaks the OpenAI chat-completions wire format. Each request
// takes the next reply; the last one repeats.
type fakeLLM struct {
	mu      sync.Mutex
	replies []reply
	reqs    []recorded
	srv     *httptest.Server
}

type reply struct {
	status  int
	content string        // assistant content (status 200)
	errMsg  string        // error message (other statuses)
	delay   time.Duration // wait before answering
}

type recorded struct {
	auth string
	path string
	body map[string]any
	req  chatRequest
}

func newFakeLLM(t *testing.T, replies ...reply) *fakeLLM {
	f := &fakeLLM{replies: replies}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rec := recorded{auth: r.Header.Get("Authorization"), path: r.URL.Path}
	_ = json.Unmarshal(b, &rec.body)
	_ = json.Unmarshal(b, &rec.req)
	f.mu.Lock()
	f.reqs = append(f.reqs, rec)
	rp := f.replies[min(len(f.reqs), len(f.replies))-1]
	f.mu.Unlock()
	if rp.delay > 0 {
		select {
		case <-time.After(rp.delay):
		case <-r.Context().Done():
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if rp.status != 0 && rp.status != 200 {
		w.WriteHeader(rp.status)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": rp.errMsg, "type": "server_error"}})
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"id": "chatcmpl-1", "object": "chat.completion", "model": "test-model-2026",
		"choices": []any{map[string]any{"index": 0, "finish_reason": "stop",
			"message": map[string]any{"role": "assistant", "content": rp.content}}},
	})
}

func (f *fakeLLM) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *fakeLLM) scorer(t *testing.T, mod func(*LLMConfig)) Scorer {
	t.Helper()
	c := LLMConfig{BaseURL: f.srv.URL + "/v1/", Model: "test-model"}
	if mod != nil {
		mod(&c)
	}
	s, err := NewLLM(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// llmInput: one open question with a rubric, one closed question, one
// recording without transcript. Only question 1 goes to the model.
func llmInput() Input {
	return Input{InterviewName: "Backend engineer", JobDescription: "Build Go services.", Language: "en",
		Questions: []Question{
			{ID: 1, Type: "text", Prompt: "Tell us about a backend you built.", Required: true, Rubric: backendRubric},
			{ID: 2, Type: "yes_no", Knockout: &Knockout{Values: []string{"no"}, Reason: "Needs a work permit"}},
			{ID: 3, Type: "video", Rubric: backendRubric},
		},
		Answers: []Answer{{QuestionID: 1, Value: backendAnswer}, {QuestionID: 2, Value: "no"}, {QuestionID: 3, HasMedia: true}}}
}

const validOutput = `{"question_id": 1, "score": 4, "criteria": [
 {"id": "testing", "met": true, "evidence": "We wrote unit tests for every service"},
 {"id": "caching", "met": true, "evidence": "“we added Redis as a cache.”"},
 {"id": "security", "met": null, "evidence": ""}],
 "rationale": "Covers testing and caching with specifics; security is not discussed."}`

func TestLLMValidOutput(t *testing.T) {
	f := newFakeLLM(t, reply{content: validOutput})
	res, err := f.scorer(t, nil).Score(context.Background(), llmInput())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests()); n != 1 {
		t.Fatalf("requests = %d, want 1 (closed and untranscribed questions never go to the model)", n)
	}
	if res.Scorer != "llm" || res.Model != "test-model-2026" || res.PromptVersion != PromptVersion || res.RubricVersion == "" {
		t.Fatalf("metadata: %+v", res)
	}
	q := findQ(t, res, 1)
	if q.Kind != KindOpen || q.Score == nil || *q.Score != 4 || !strings.Contains(q.Rationale, "Covers testing") {
		t.Fatalf("question 1: %+v", q)
	}
	want := []CriterionResult{
		{CriterionID: "testing", Name: "Testing", Met: ptr(true), Evidence: "We wrote unit tests for every service"},
		{CriterionID: "caching", Name: "Caching", Met: ptr(true), Evidence: "we added Redis as a cache."},
		{CriterionID: "security", Name: "Security"},
	}
	if !reflect.DeepEqual(q.Criteria, want) {
		t.Fatalf("criteria:\n got %+v\nwant %+v", q.Criteria, want)
	}
	if c := findQ(t, res, 2); c.Score == nil || *c.Score != 0 || hasFlag(c.Flags, FlagKnockout) == nil {
		t.Fatalf("closed question: %+v", c)
	}
	if v := findQ(t, res, 3); v.Kind != KindMediaUnscored || v.Score != nil {
		t.Fatalf("video: %+v", v)
	}
	if res.Overall == nil || *res.Overall != 38 { // (0.75 + 0) / 2, the knockout at its minimum
		t.Fatalf("overall = %v, want 38", res.Overall)
	}
	if len(res.Raw) != 1 || !strings.Contains(string(res.Raw[0]), `"chat.completion"`) || !json.Valid(res.Raw[0]) {
		t.Fatalf("raw: %s", res.Raw)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Fatalf("result does not marshal: %v", err)
	}
}

func TestLLMRequestBody(t *testing.T) {
	f := newFakeLLM(t, reply{content: validOutput})
	if _, err := f.scorer(t, nil).Score(context.Background(), llmInput()); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	if r.path != "/v1/chat/completions" {
		t.Fatalf("path = %s", r.path)
	}
	if r.body["model"] != "test-model" {
		t.Fatalf("model = %v", r.body["model"])
	}
	if temp, ok := r.body["temperature"]; !ok || temp != float64(0) {
		t.Fatalf("temperature = %v (present %v), want 0", temp, ok)
	}
	if rf, _ := r.body["response_format"].(map[string]any); rf["type"] != "json_object" {
		t.Fatalf("response_format = %v", r.body["response_format"])
	}
	if len(r.req.Messages) != 2 || r.req.Messages[0].Role != "system" || r.req.Messages[1].Role != "user" {
		t.Fatalf("messages: %+v", r.req.Messages)
	}
	sys, user := r.req.Messages[0].Content, r.req.Messages[1].Content
	for _, s := range []string{"Assess only the content", "Never score", "tone", "accent", "emotion", "fluency",
		"appearance", "confidence", "non-native", `"id": "testing"`, "Threat modelling", "Build Go services."} {
		if !strings.Contains(sys, s) {
			t.Fatalf("system prompt lacks %q:\n%s", s, sys)
		}
	}
	for _, s := range []string{"question_id: 1", "Tell us about a backend you built.", backendAnswer} {
		if !strings.Contains(user, s) {
			t.Fatalf("user message lacks %q:\n%s", s, user)
		}
	}
	if strings.Contains(user, "Needs a work permit") || strings.Contains(sys, "Needs a work permit") {
		t.Fatal("closed questions must not reach the model")
	}
}

func TestLLMBearerOnlyWithKey(t *testing.T) {
	f := newFakeLLM(t, reply{content: validOutput})
	if _, err := f.scorer(t, func(c *LLMConfig) { c.APIKey = "sk-test" }).Score(context.Background(), llmInput()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.scorer(t, nil).Score(context.Background(), llmInput()); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if reqs[0].auth != "Bearer sk-test" {
		t.Fatalf("auth with key = %q", reqs[0].auth)
	}
	if reqs[1].auth != "" {
		t.Fatalf("auth without key = %q, want none", reqs[1].auth)
	}
}

func TestLLMCodeFencedOutput(t *testing.T) {
	for name, content := range map[string]string{
		"fence":    "```json\n" + validOutput + "\n```",
		"prose":    "Here is the score:\n" + validOutput + "\nThanks.",
		"thinking": "<think>The candidate {mentions} tests.</think>\n```\n" + validOutput + "\n```",
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeLLM(t, reply{content: content})
			res, err := f.scorer(t, nil).Score(context.Background(), llmInput())
			if err != nil {
				t.Fatal(err)
			}
			if q := findQ(t, res, 1); q.Score == nil || *q.Score != 4 || len(f.requests()) != 1 {
				t.Fatalf("question 1: %+v after %d requests", q, len(f.requests()))
			}
		})
	}
}

func TestLLMInvalidJSONThenValid(t *testing.T) {
	f := newFakeLLM(t, reply{content: `{"question_id": 1, "score": 4, "criteria": [`}, reply{content: validOutput})
	res, err := f.scorer(t, nil).Score(context.Background(), llmInput())
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("requests = %d, want 2", len(reqs))
	}
	msgs := reqs[1].req.Messages
	if len(msgs) != 4 || msgs[2].Role != "assistant" || msgs[3].Role != "user" || !strings.Contains(msgs[3].Content, "not a single JSON object") {
		t.Fatalf("retry messages: %+v", msgs)
	}
	if q := findQ(t, res, 1); q.Score == nil || *q.Score != 4 {
		t.Fatalf("question 1: %+v", q)
	}
	if len(res.Raw) != 2 {
		t.Fatalf("raw responses = %d, want 2 (both kept for audit)", len(res.Raw))
	}
}

func TestLLMEvidenceNotInAnswerRetried(t *testing.T) {
	made := strings.Replace(validOutput, "We wrote unit tests for every service", "We wrote thorough tests for everything", 1)
	f := newFakeLLM(t, reply{content: made}, reply{content: validOutput})
	res, err := f.scorer(t, nil).Score(context.Background(), llmInput())
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.requests()
	if len(reqs) != 2 {
		t.Fatalf("requests = %d, want 2", len(reqs))
	}
	fix := reqs[1].req.Messages[3].Content
	if !strings.Contains(fix, `"testing"`) || !strings.Contains(fix, "not a verbatim quote") {
		t.Fatalf("correction: %s", fix)
	}
	if strings.Contains(fix, "thorough tests") {
		t.Fatalf("the correction repeats the invented quote: %s", fix)
	}
	if q := findQ(t, res, 1); q.Criteria[0].Evidence != "We wrote unit tests for every service" {
		t.Fatalf("evidence: %+v", q.Criteria)
	}
}

// An assessment that stays invalid is left to a person: no error for the
// whole interview, no score for the question, and a flag saying why.
func TestLLMAlwaysInvalid(t *testing.T) {
	f := newFakeLLM(t, reply{content: `{"question_id": 1, "score": 0, "criteria": [], "rationale": ""}`})
	res, err := f.scorer(t, nil).Score(context.Background(), llmInput())
	if err != nil {
		t.Fatalf("err = %v, want the question left to a person", err)
	}
	if len(f.requests()) != 3 {
		t.Fatalf("requests = %d, want 3", len(f.requests()))
	}
	q := findQ(t, res, 1)
	want := []CriterionResult{{CriterionID: "testing", Name: "Testing"}, {CriterionID: "caching", Name: "Caching"}, {CriterionID: "security", Name: "Security"}}
	if q.Kind != KindReview || q.Score != nil || !reflect.DeepEqual(q.Criteria, want) {
		t.Fatalf("question 1: %+v", q)
	}
	fl := hasFlag(q.Flags, FlagInvalidOutput)
	if fl == nil || fl.QuestionID != 1 || len(q.Flags) != 1 ||
		!strings.HasPrefix(fl.Message, "The AI's assessment of this answer stayed invalid (") ||
		!strings.Contains(fl.Message, "score must be an integer") || !strings.HasSuffix(fl.Message, "); a person scores it.") {
		t.Fatalf("flags: %+v", q.Flags)
	}
	if hasFlag(res.Flags, FlagInvalidOutput) == nil {
		t.Fatalf("result flags lack the question's flag: %+v", res.Flags)
	}
	if res.Overall != nil {
		t.Fatalf("overall = %v, want nil while a person has to score question 1", *res.Overall)
	}
	if c := findQ(t, res, 2); c.Kind != KindClosed || c.Score == nil {
		t.Fatalf("the other questions are still scored: %+v", c)
	}
	if len(res.Raw) != 3 {
		t.Fatalf("raw responses = %d, want 3 (kept for audit)", len(res.Raw))
	}
	f2 := newFakeLLM(t, reply{content: "not json"})
	res2, err := f2.scorer(t, func(c *LLMConfig) { c.MaxAttempts = 1 }).Score(context.Background(), llmInput())
	if err != nil || len(f2.requests()) != 1 || findQ(t, res2, 1).Kind != KindReview {
		t.Fatalf("MaxAttempts 1: err %v after %d requests", err, len(f2.requests()))
	}
}

func TestLLMServerErrors(t *testing.T) {
	for _, status := range []int{500, 429, 503} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			f := newFakeLLM(t, reply{status: status, errMsg: "The server is overloaded"})
			res, err := f.scorer(t, func(c *LLMConfig) { c.APIKey = "sk-secret" }).Score(context.Background(), llmInput())
			var ae *APIError
			if !errors.As(err, &ae) || ae.StatusCode != status || !ae.Retryable() {
				t.Fatalf("err = %#v", err)
			}
			if !strings.Contains(err.Error(), "The server is overloaded") || strings.Contains(err.Error(), "sk-secret") {
				t.Fatalf("err = %v", err)
			}
			if len(f.requests()) != 1 {
				t.Fatalf("requests = %d, want 1 (the job retries later)", len(f.requests()))
			}
			if res.Overall != nil || len(res.Questions) != 0 {
				t.Fatalf("no score on error: %+v", res)
			}
		})
	}
	f := newFakeLLM(t, reply{status: 401, errMsg: "Incorrect API key"})
	_, err := f.scorer(t, nil).Score(context.Background(), llmInput())
	var ae *APIError
	if !errors.As(err, &ae) || ae.Retryable() || !strings.Contains(err.Error(), "Incorrect API key") {
		t.Fatalf("401: %v", err)
	}
}

func TestLLMTimeout(t *testing.T) {
	f := newFakeLLM(t, reply{content: validOutput, delay: 5 * time.Second})
	start := time.Now()
	res, err := f.scorer(t, func(c *LLMConfig) { c.Timeout = 100 * time.Millisecond }).Score(context.Background(), llmInput())
	if err == nil || !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v, want a timeout", err)
	}
	if time.Since(start) > 3*time.Second {
		t.Fatal("the timeout was not applied")
	}
	if res.Overall != nil || len(res.Questions) != 0 {
		t.Fatalf("no score on timeout: %+v", res)
	}
}

func TestLLMNoRubricAndTranscript(t *testing.T) {
	f := newFakeLLM(t, reply{content: `{"question_id": "7", "score": 3, "criteria": [], "rationale": "Addresses the question."}`})
	in := Input{Questions: []Question{{ID: 7, Type: "audio", Prompt: "Why us?"}},
		Answers: []Answer{{QuestionID: 7, HasMedia: true, Transcript: "Because of the product."}}}
	res, err := f.scorer(t, nil).Score(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if q := findQ(t, res, 7); q.Kind != KindOpen || q.Score == nil || *q.Score != 3 {
		t.Fatalf("question 7: %+v", q)
	}
	r := f.requests()[0].req.Messages
	if !strings.Contains(r[0].Content, "no rubric") || !strings.Contains(r[1].Content, "transcript") {
		t.Fatalf("messages: %+v", r)
	}
	if res.Overall == nil || *res.Overall != 50 {
		t.Fatalf("overall = %v, want 50", res.Overall)
	}
}

func TestParseOutputValidation(t *testing.T) {
	q := &Question{ID: 1, Type: "text", Rubric: backendRubric}
	crits := Criteria(q.Rubric)
	answer := "We wrote unit tests\n  for every service.  Redis is our cache."
	base := func(score, criteria, rationale string) string {
		return fmt.Sprintf(`{"question_id":1,"score":%s,"criteria":%s,"rationale":%s}`, score, criteria, rationale)
	}
	all := `[{"id":"testing","met":true,"evidence":"unit tests for every service"},{"id":"caching","met":false,"evidence":""},{"id":"security","met":null,"evidence":null}]`
	ok, probs := parseOutput(base("4", all, `"Fine."`), q, crits, answer)
	if len(probs) != 0 {
		t.Fatalf("valid output rejected: %v", probs)
	}
	if ok.Criteria[0].Evidence != "unit tests\n  for every service" || ok.Criteria[1].Met == nil || *ok.Criteria[1].Met {
		t.Fatalf("parsed: %+v", ok.Criteria)
	}
	cases := map[string]struct{ content, want string }{
		"fractional score": {base("3.5", all, `"x"`), "integer from 1 to 5"},
		"score too high":   {base("6", all, `"x"`), "integer from 1 to 5"},
		"score string":     {base(`"4"`, all, `"x"`), "integer from 1 to 5"},
		"wrong question":   {strings.Replace(base("4", all, `"x"`), `"question_id":1`, `"question_id":2`, 1), "question_id must be 1"},
		"empty rationale":  {base("4", all, `"  "`), "rationale must be a non-empty"},
		"long rationale":   {base("4", all, `"`+strings.Repeat("a", 1001)+`"`), "at most 1000"},
		"missing":          {base("4", `[{"id":"testing","met":null,"evidence":""}]`, `"x"`), `"caching" is missing`},
		"duplicate":        {base("4", strings.Replace(all, `"id":"caching"`, `"id":"testing"`, 1), `"x"`), "more than once"},
		"unknown id":       {base("4", strings.Replace(all, `"id":"security"`, `"id":"leadership"`, 1), `"x"`), "not a rubric criterion"},
		"met no evidence":  {base("4", strings.Replace(all, `"unit tests for every service"`, `""`, 1), `"x"`), "evidence must quote"},
		"evidence unmet":   {base("4", strings.Replace(all, `"met":false,"evidence":""`, `"met":false,"evidence":"Redis"`, 1), `"x"`), "evidence must be empty unless"},
		"met not bool":     {base("4", strings.Replace(all, `"met":false`, `"met":"no"`, 1), `"x"`), "true, false or null"},
		"no criteria":      {`{"question_id":1,"score":4,"rationale":"x"}`, "every rubric criterion"},
		"not an object":    {`[1,2]`, "not a single JSON object"},
		"injection string": {base("4", all, `"x", "injection": "yes"`), "injection must be true or false"},
		"case differs":     {base("4", strings.Replace(all, "unit tests for every service", "Unit Tests for every service", 1), `"x"`), `"testing": the evidence is not a verbatim quote`},
		"inner ellipsis":   {base("4", strings.Replace(all, "unit tests for every service", "unit tests ... every service", 1), `"x"`), `"testing": the evidence is not a verbatim quote`},
	}
	// Only whitespace, surrounding quote marks and ellipses may differ.
	for _, ev := range []string{`…unit tests for every service...`, `\"... unit  tests for every service\"`, `“unit tests\nfor every service”`} {
		got, probs := parseOutput(base("4", strings.Replace(all, "unit tests for every service", ev, 1), `"x", "injection": false`), q, crits, answer)
		if len(probs) != 0 || got.Criteria[0].Evidence != "unit tests\n  for every service" {
			t.Errorf("evidence %s: problems %q, criteria %+v", ev, probs, got.Criteria)
		}
	}
	for name, c := range cases {
		if _, probs := parseOutput(c.content, q, crits, answer); !strings.Contains(strings.Join(probs, "|"), c.want) {
			t.Errorf("%s: problems %q, want %q", name, probs, c.want)
		}
	}
}

func TestNewLLMConfig(t *testing.T) {
	for _, c := range []LLMConfig{{BaseURL: "", Model: "m"}, {BaseURL: "ftp://x", Model: "m"}, {BaseURL: "http://localhost:11434/v1"}} {
		if _, err := NewLLM(c); err == nil {
			t.Fatalf("NewLLM(%+v) should fail", c)
		}
	}
}
