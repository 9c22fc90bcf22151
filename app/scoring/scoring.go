// Package scoring scores a candidate's interview answers.
//
// Closed questions (choices, yes/no, number) are scored by the recruiter's
// rules (closed.go) in Go and never by a model. Open questions (text, and audio/video once transcribed)
// are scored 1–5 against the question's rubric by a Scorer: the built-in,
// deterministic rubric-coverage scorer, or an LLM behind an OpenAI-compatible
// chat-completions endpoint. The overall score is a weighted mean computed
// in Go. A knockout answer scores its question 0 and flags the result: a
// human decides, nothing is rejected automatically.
//
// Only the content of an answer is assessed, never tone, accent, fluency,
// emotion, appearance, confidence, or the grammar of non-native speakers.
package scoring

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// PromptVersion identifies the LLM prompt and the scoring rules; store it
// beside every score.
const PromptVersion = "2026-12-08.1"

// Question kinds in QuestionResult.Kind.
const (
	KindOpen          = "open"           // scored 1–5 by the Scorer
	KindClosed        = "closed"         // scored by rule
	KindMediaUnscored = "media_unscored" // recording without transcript: a human reviews it
	// KindReview is an open answer left to a person (by the built-in
	// scorer, or when the AI's assessment stayed invalid): no score until a
	// reviewer ticks the rubric checklist, and the overall score waits for it.
	KindReview = "review"
)

// Flag kinds.
const (
	FlagKnockout            = "knockout"
	FlagUnansweredRequired  = "unanswered_required"
	FlagMediaNotTranscribed = "media_not_transcribed"
	// FlagInvalidOutput marks an answer whose model output stayed invalid
	// after every attempt; it is left to a person (KindReview).
	FlagInvalidOutput = "invalid_output"
)

// Criterion is one thing a strong answer to an open question shows.
type Criterion struct {
	ID     string  `json:"id,omitempty"` // stable slug of Name when empty
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	Strong string  `json:"strong"`
}

// Knockout flags (never rejects) an answer to a closed question that equals
// one of Values, or a number below Min / above Max.
type Knockout struct {
	Values []string `json:"values,omitempty"`
	Min    *float64 `json:"min,omitempty"`
	Max    *float64 `json:"max,omitempty"`
	Reason string   `json:"reason"`
}

// Question is one interview question.
type Question struct {
	ID       int64       `json:"id"`
	Type     string      `json:"type"` // text, single_choice, multi_choice, yes_no, number, audio, video
	Prompt   string      `json:"prompt"`
	Options  []string    `json:"options"`
	Required bool        `json:"required"`
	Weight   float64     `json:"weight"` // 0 means 1
	Rubric   []Criterion `json:"rubric"`
	Knockout *Knockout   `json:"knockout"`
	Rule     *Rule       `json:"rule"` // closed questions: the recruiter's points
}

// Answer is a candidate's answer to one question.
type Answer struct {
	QuestionID int64  `json:"question_id"`
	Value      string `json:"value"`      // multi_choice: a JSON array string
	Transcript string `json:"transcript"` // audio/video after transcription
	HasMedia   bool   `json:"has_media"`
}

// Input is everything a Scorer sees. It holds no candidate identity:
// scoring is blind.
type Input struct {
	InterviewName  string
	JobDescription string
	Language       string
	Questions      []Question
	Answers        []Answer
}

// CriterionResult says whether an answer met one rubric criterion.
type CriterionResult struct {
	CriterionID string `json:"criterion_id"`
	Name        string `json:"name"`
	Met         *bool  `json:"met"`      // nil = not discussed
	Evidence    string `json:"evidence"` // verbatim quote from the answer, or ""
	// Suggestion is a sentence of the answer that mentions the criterion,
	// highlighted for a reviewer (KindReview); never a verdict.
	Suggestion string `json:"suggestion,omitempty"`
}

// QuestionResult is the score of one question.
type QuestionResult struct {
	QuestionID int64  `json:"question_id"`
	Kind       string `json:"kind"` // KindOpen, KindClosed or KindMediaUnscored
	// Score is 1..5 for open questions and 0..5 for closed ones (by the
	// recruiter's rule; a knockout answer scores 0). A required question
	// left unanswered scores the minimum (open 1, closed 0) and is
	// flagged. nil when unscored: media without transcript, an open answer
	// waiting for a person, a closed question without a rule, or an
	// optional question left unanswered.
	Score     *float64          `json:"score"`
	Criteria  []CriterionResult `json:"criteria"`
	Rationale string            `json:"rationale"`
	Flags     []Flag            `json:"flags"`
}

// Flag draws a human's attention to something; it never decides.
type Flag struct {
	Kind       string `json:"kind"`
	QuestionID int64  `json:"question_id"`
	Message    string `json:"message"`
}

// Result is the score of a whole interview.
type Result struct {
	// Overall is 0..100, the weighted mean over scored questions (see
	// Overall); nil when nothing was scorable.
	Overall   *float64         `json:"overall"`
	Questions []QuestionResult `json:"questions"`
	// Flags lists every question's flags, in question order.
	Flags         []Flag            `json:"flags"`
	Scorer        string            `json:"scorer"` // "llm" or "builtin"
	Model         string            `json:"model"`
	PromptVersion string            `json:"prompt_version"`
	RubricVersion string            `json:"rubric_version"`
	Raw           []json.RawMessage `json:"raw,omitempty"` // raw model responses, for audit
}

// Scorer scores an interview. An error means "try again later", never a
// zero score.
type Scorer interface {
	Score(ctx context.Context, in Input) (Result, error)
}

// openFunc scores one answered open question. answer is the text assessed
// (the written answer or the transcript); crits have IDs and weights set.
type openFunc func(ctx context.Context, in *Input, q *Question, crits []Criterion, answer string) (QuestionResult, error)

// run applies the shared rules (closed questions, media, unanswered,
// knockouts, overall) and hands answered open questions to open.
func run(ctx context.Context, in Input, scorer, model string, open openFunc) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	answers := make(map[int64]Answer, len(in.Answers))
	for _, a := range in.Answers {
		answers[a.QuestionID] = a
	}
	res := Result{
		Questions:     make([]QuestionResult, 0, len(in.Questions)),
		Flags:         []Flag{},
		Scorer:        scorer,
		Model:         model,
		PromptVersion: PromptVersion,
		RubricVersion: RubricVersion(in.Questions),
	}
	for i := range in.Questions {
		q := &in.Questions[i]
		a, ok := answers[q.ID]
		var qr QuestionResult
		if isClosed(q.Type) {
			qr = scoreClosed(q, a, ok)
		} else {
			crits := Criteria(q.Rubric)
			text := strings.TrimSpace(a.Value)
			if q.Type == "audio" || q.Type == "video" {
				text = strings.TrimSpace(a.Transcript)
			}
			switch {
			case text != "":
				var err error
				if qr, err = open(ctx, &in, q, crits, text); err != nil {
					return Result{}, err
				}
				qr.QuestionID = q.ID
				if qr.Kind == "" {
					qr.Kind = KindOpen
				}
				flagInjection(&qr, text) // whatever the scorer made of it
			case (q.Type == "audio" || q.Type == "video") && a.HasMedia:
				qr = QuestionResult{QuestionID: q.ID, Kind: KindMediaUnscored,
					Criteria:  notDiscussed(crits),
					Rationale: "The recording has no transcript yet, so it was not scored; a human should review it.",
					Flags: []Flag{{Kind: FlagMediaNotTranscribed, QuestionID: q.ID,
						Message: "Recording not transcribed: review it yourself. It is left out of the overall score."}}}
			default:
				qr = QuestionResult{QuestionID: q.ID, Kind: KindOpen, Criteria: notDiscussed(crits)}
				unanswered(&qr, q, 1)
			}
		}
		if qr.Criteria == nil {
			qr.Criteria = []CriterionResult{}
		}
		if qr.Flags == nil {
			qr.Flags = []Flag{}
		}
		res.Questions = append(res.Questions, qr)
		res.Flags = append(res.Flags, qr.Flags...)
	}
	res.Overall = Overall(in.Questions, res.Questions)
	return res, nil
}

func isClosed(t string) bool {
	switch t {
	case "single_choice", "multi_choice", "yes_no", "number":
		return true
	}
	return false
}

// unanswered fills in a question without an answer: the minimum score and a
// flag when required, no score otherwise.
func unanswered(qr *QuestionResult, q *Question, min float64) {
	if !q.Required {
		qr.Rationale = "Not answered (optional question)."
		return
	}
	qr.Score = ptr(min)
	qr.Rationale = "Required question not answered."
	qr.Flags = append(qr.Flags, Flag{Kind: FlagUnansweredRequired, QuestionID: q.ID,
		Message: "A required question was not answered."})
}

// closedValues returns the non-empty values of a closed answer.
func closedValues(typ, v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	if typ == "multi_choice" {
		var vs []string
		if err := json.Unmarshal([]byte(v), &vs); err != nil {
			vs = []string{v} // not JSON: a single choice
		}
		out := vs[:0]
		for _, s := range vs {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{v}
}

// knockoutMatch describes why values match k, or returns "".
func knockoutMatch(typ string, k *Knockout, values []string) string {
	for _, v := range values {
		for _, kv := range k.Values {
			if strings.EqualFold(strings.TrimSpace(kv), v) {
				return fmt.Sprintf("answered %q", v)
			}
		}
	}
	if typ == "number" && (k.Min != nil || k.Max != nil) {
		n, err := parseNumber(values[0])
		if err != nil {
			return ""
		}
		if k.Min != nil && n < *k.Min {
			return fmt.Sprintf("answered %s, below the minimum %s", values[0], fmtNum(*k.Min))
		}
		if k.Max != nil && n > *k.Max {
			return fmt.Sprintf("answered %s, above the maximum %s", values[0], fmtNum(*k.Max))
		}
	}
	return ""
}

// Overall is the weighted mean (0..100) of the scored questions: open
// scores normalised as (s-1)/4, closed ones as s/5; question weight 0 means
// 1. Questions without a score, or of kind media_unscored, are left out.
// nil when nothing is scored. Exported so the app recomputes it after a
// human overrides a question's score.
func Overall(questions []Question, results []QuestionResult) *float64 {
	weights := make(map[int64]float64, len(questions))
	for _, q := range questions {
		weights[q.ID] = weightOr1(q.Weight)
	}
	var sum, total float64
	for _, r := range results {
		if r.Kind == KindReview && r.Score == nil {
			return nil // waits for the person reviewing this answer
		}
		if r.Score == nil || math.IsNaN(*r.Score) {
			continue
		}
		w, ok := weights[r.QuestionID]
		if !ok {
			continue
		}
		var n float64
		switch r.Kind {
		case KindOpen, KindReview:
			n = (*r.Score - 1) / 4
		case KindClosed:
			n = *r.Score / 5
		default:
			continue
		}
		n = math.Max(0, math.Min(1, n))
		sum += w * n
		total += w
	}
	if total == 0 {
		return nil
	}
	return ptr(Round(sum / total * 100))
}

// Round is the one rounding of an overall score: to a whole number, halves
// away from zero. The console, the PDF, the ATS note and the tag rule all
// see the same number because Overall stores it rounded.
func Round(v float64) float64 { return math.Round(v) }

// Criteria returns the rubric with IDs (a slug of the name when empty,
// made unique) and weights (1 when not positive) filled in.
func Criteria(rubric []Criterion) []Criterion {
	out := make([]Criterion, 0, len(rubric))
	seen := map[string]bool{}
	for i, c := range rubric {
		id := strings.TrimSpace(c.ID)
		if id == "" {
			id = Slug(c.Name)
		}
		if id == "" {
			id = "criterion-" + strconv.Itoa(i+1)
		}
		base := id
		for n := 2; seen[id]; n++ {
			id = base + "-" + strconv.Itoa(n)
		}
		seen[id] = true
		c.ID = id
		c.Weight = weightOr1(c.Weight)
		out = append(out, c)
	}
	return out
}

// Slug turns a name into a stable identifier: lower case letters and digits
// joined by single dashes.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	out := b.String()
	if len(out) > 64 {
		out = strings.TrimRight(truncate(out, 64), "-")
	}
	return out
}

// RubricVersion is a sha256 prefix of the canonical JSON of the questions
// and their rubrics and knockout rules: it changes whenever what is scored
// changes.
func RubricVersion(questions []Question) string {
	type canon struct {
		ID       int64       `json:"id"`
		Type     string      `json:"type"`
		Prompt   string      `json:"prompt"`
		Options  []string    `json:"options"`
		Required bool        `json:"required"`
		Weight   float64     `json:"weight"`
		Rubric   []Criterion `json:"rubric"`
		Knockout *Knockout   `json:"knockout"`
		Rule     *Rule       `json:"rule,omitempty"`
	}
	cs := make([]canon, 0, len(questions))
	for _, q := range questions {
		opts := q.Options
		if opts == nil {
			opts = []string{}
		}
		cs = append(cs, canon{q.ID, q.Type, q.Prompt, opts, q.Required, weightOr1(q.Weight), Criteria(q.Rubric), q.Knockout, q.Rule.canonical()})
	}
	b, _ := json.Marshal(cs)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:16]
}

func notDiscussed(crits []Criterion) []CriterionResult {
	out := make([]CriterionResult, 0, len(crits))
	for _, c := range crits {
		out = append(out, CriterionResult{CriterionID: c.ID, Name: c.Name})
	}
	return out
}

func weightOr1(w float64) float64 {
	if w <= 0 || math.IsNaN(w) || math.IsInf(w, 0) {
		return 1
	}
	return w
}

func ptr[T any](v T) *T { return &v }

func round(v float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(v*p) / p
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// truncate cuts s to at most n bytes without splitting a rune.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
