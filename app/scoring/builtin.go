package scoring

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// BuiltinModel names the built-in scorer in Result.Model.
const BuiltinModel = "builtin-rules-v2"

// KeywordCoverageModel names the keyword-coverage heuristic in Result.Model.
const KeywordCoverageModel = "builtin-coverage-v1"

// NewBuiltin returns hireloop's built-in scorer, used when no LLM endpoint
// is configured. It scores closed questions by the recruiter's rules and
// does not score open answers: keyword matching does not track the quality
// of an answer (measured on the shipped evaluation set, see the README), so
// each open answer goes to a person as a rubric checklist (KindReview, no
// score) and the overall score waits for that person. The checklist comes
// with the sentences that mention each criterion highlighted as
// suggestions, never as a verdict.
func NewBuiltin() Scorer { return builtin{} }

type builtin struct{}

func (builtin) Score(ctx context.Context, in Input) (Result, error) {
	return run(ctx, in, "builtin", BuiltinModel, func(_ context.Context, _ *Input, _ *Question, crits []Criterion, answer string) (QuestionResult, error) {
		return review(crits, answer), nil
	})
}

// review leaves an open answer to a person: every criterion is open, and
// the sentence that shares the most words with it is suggested as evidence.
func review(crits []Criterion, answer string) QuestionResult {
	qr := QuestionResult{Kind: KindReview, Criteria: make([]CriterionResult, 0, len(crits)),
		Rationale: "Waiting for a person: without an AI endpoint hireloop does not score open answers. Tick the criteria the answer meets."}
	sug := coverage(crits, answer)
	for i, c := range crits {
		cr := CriterionResult{CriterionID: c.ID, Name: c.Name}
		if i < len(sug.Criteria) {
			cr.Suggestion = sug.Criteria[i].Evidence
		}
		qr.Criteria = append(qr.Criteria, cr)
	}
	return qr
}

// NewKeywordCoverage returns the keyword-coverage heuristic that was
// hireloop's built-in scorer until 2026-12: a criterion is met when one
// sentence of the answer shares enough significant words with the
// criterion's name and "strong" description. It is kept to measure it
// (scoring eval's benchmark) and to suggest evidence; it does not score
// candidates, because its scores do not track quality.
func NewKeywordCoverage() Scorer { return keywordCoverage{} }

type keywordCoverage struct{}

func (keywordCoverage) Score(ctx context.Context, in Input) (Result, error) {
	return run(ctx, in, "keyword-coverage", KeywordCoverageModel, func(_ context.Context, _ *Input, _ *Question, crits []Criterion, answer string) (QuestionResult, error) {
		if len(crits) == 0 {
			return substance(answer), nil
		}
		return coverage(crits, answer), nil
	})
}

const builtinIntro = "Scored by hireloop's built-in rubric-coverage scorer (keyword matching, no AI); only the content is considered."

// keyword is a significant word of a criterion: its crude stem, the word as
// written, and whether it comes from the criterion's name.
type keyword struct {
	stem, word string
	name       bool
}

func coverage(crits []Criterion, answer string) QuestionResult {
	sents := sentences(answer)
	stems := make([][]string, len(sents))
	for i, s := range sents {
		stems[i] = words(s)
	}
	qr := QuestionResult{Criteria: make([]CriterionResult, 0, len(crits))}
	var met, missed []string
	var metW, totalW float64
	for _, c := range crits {
		totalW += c.Weight
		cr := CriterionResult{CriterionID: c.ID, Name: c.Name}
		kws := criterionKeywords(c)
		best, bestPts, bestWords := -1, 0, []string(nil)
		for i := range sents {
			pts, ws := 0, []string(nil)
			for _, k := range kws {
				if containsStem(stems[i], k.stem) {
					ws = append(ws, k.word)
					if k.name {
						pts += 2
					} else {
						pts++
					}
				}
			}
			if pts > bestPts {
				best, bestPts, bestWords = i, pts, ws
			}
		}
		if best >= 0 && bestPts >= 2 {
			cr.Met = ptr(true)
			cr.Evidence = sents[best]
			metW += c.Weight
			met = append(met, fmt.Sprintf("%q (matched: %s)", c.Name, strings.Join(bestWords, ", ")))
		} else {
			missed = append(missed, fmt.Sprintf("%q", c.Name))
		}
		qr.Criteria = append(qr.Criteria, cr)
	}
	score := round(1+4*metW/totalW, 2)
	qr.Score = ptr(score)
	var b strings.Builder
	b.WriteString(builtinIntro)
	if len(met) > 0 {
		b.WriteString(" Found: " + strings.Join(met, "; ") + ".")
	}
	if len(missed) > 0 {
		b.WriteString(" Not found: " + strings.Join(missed, ", ") + ".")
	}
	fmt.Fprintf(&b, " %d of %d criteria met (weight %s of %s), so %s of 5. Keyword matching misses paraphrases and cannot judge correctness; a human should check.",
		len(met), len(crits), fmtNum(round(metW, 2)), fmtNum(round(totalW, 2)), fmtNum(score))
	qr.Rationale = b.String()
	return qr
}

// substance scores an answer to a question without a rubric by the amount
// of distinct content words, capped at 3.
func substance(answer string) QuestionResult {
	distinct := map[string]bool{}
	for _, w := range words(answer) {
		distinct[w] = true
	}
	n, score := len(distinct), 1.0
	switch {
	case n >= 20:
		score = 3
	case n >= 6:
		score = 2
	}
	return QuestionResult{
		Score:    ptr(score),
		Criteria: []CriterionResult{},
		Rationale: fmt.Sprintf("%s No rubric was given for this question, so only the substance of the answer was measured: "+
			"%d distinct content words in %d sentences, so %s of 5 (capped at 3 without a rubric). Add a rubric, or have a human judge the content.",
			builtinIntro, n, len(sentences(answer)), fmtNum(score)),
	}
}

func criterionKeywords(c Criterion) []keyword {
	var out []keyword
	seen := map[string]bool{}
	add := func(text string, name bool) {
		for _, w := range rawWords(text) {
			s := stem(w)
			if s == "" || seen[s] {
				continue
			}
			seen[s] = true
			out = append(out, keyword{stem: s, word: w, name: name})
		}
	}
	add(c.Name, true)
	add(c.Strong, false)
	return out
}

func containsStem(stems []string, s string) bool {
	for _, t := range stems {
		if sameStem(t, s) {
			return true
		}
	}
	return false
}

// sameStem matches equal stems, or stems of at least five letters of which
// one starts the other ("communic" / "communicat").
func sameStem(a, b string) bool {
	if a == b {
		return true
	}
	if utf8.RuneCountInString(a) < 5 || utf8.RuneCountInString(b) < 5 {
		return false
	}
	return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
}

// sentences splits text at . ! ? … ; followed by a space (or the end) and at
// line breaks. Each sentence is a verbatim, trimmed substring of text.
func sentences(text string) []string {
	var out []string
	start := 0
	emit := func(end int) {
		if s := strings.TrimSpace(text[start:end]); s != "" {
			out = append(out, s)
		}
		start = end
	}
	for i, r := range text {
		switch r {
		case '\n', '\r':
			emit(i)
		case '.', '!', '?', '…', ';', '。', '！', '？':
			next := i + utf8.RuneLen(r)
			if next >= len(text) {
				continue
			}
			nr, _ := utf8.DecodeRuneInString(text[next:])
			if unicode.IsSpace(nr) {
				emit(next)
			}
		}
	}
	emit(len(text))
	return out
}

// rawWords returns the lower-cased significant words of s: letters and
// digits, at least two characters, stop words removed.
func rawWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if utf8.RuneCountInString(w) < 2 || stopWords[w] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// words returns the stems of the significant words of s.
func words(s string) []string {
	ws := rawWords(s)
	out := ws[:0]
	for _, w := range ws {
		if st := stem(w); st != "" {
			out = append(out, st)
		}
	}
	return out
}

var suffixes = []string{"ability", "ibility", "ations", "ation", "ments", "ment", "ness", "ingly", "ings", "ing",
	"ities", "ity", "ers", "er", "ied", "ies", "ed", "es", "ly", "s"}

// stem crudely strips one common English suffix (keeping at least three
// letters) and a final "e", so "tests", "testing" and "tested" meet.
func stem(w string) string {
	for _, suf := range suffixes {
		if strings.HasSuffix(w, suf) && utf8.RuneCountInString(w)-utf8.RuneCountInString(suf) >= 3 {
			w = strings.TrimSuffix(w, suf)
			if suf == "ied" || suf == "ies" {
				w += "y"
			}
			break
		}
	}
	if strings.HasSuffix(w, "e") && utf8.RuneCountInString(w) > 3 {
		w = strings.TrimSuffix(w, "e")
	}
	return w
}

// stopWords are English function words and words rubric authors use to
// describe answers rather than their content.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all also am an and any are aren as at be because been
		before being below between both but by can cannot could did didn do does doesn doing don down during each either etc
		even ever every few for from further get gets got had has have having he her here hers herself him himself his how
		however i if in into is isn it its itself just let like ll me might more most much must my myself no nor not now of
		off on once one only or other others our ours ourselves out over own per quite rather re really same she should so
		some such than that the their theirs them themselves then there these they thing things this those through thus to
		too under until up upon us ve very via was wasn we well were weren what when where whether which while who whom
		whose why will with within without won would yes yet you your yours yourself
		answer answers candidate candidates mention mentions mentioned explain explains explained describe describes
		described show shows showed give gives gave provide provides example examples e g eg i.e ie clear clearly good
		strong specific concrete least able way ways uses use used using make makes made know knows`) {
		m[w] = true
	}
	return m
}()
