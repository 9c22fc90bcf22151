package scoring

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Rule is how the recruiter scores a closed question. Choice and yes/no
// questions give each option points (0–5: the editor's "preferred" is 5,
// "acceptable" 3, "not acceptable" 0); a number question gives ranges
// points. A question without points or ranges is not scored: it is
// information for the reviewer, and left out of the overall score.
type Rule struct {
	// Points by option label (case-insensitive). An option without points
	// scores 0 when the rule gives any points.
	Points map[string]float64 `json:"points,omitempty"`
	// Ranges score a number: the first range that holds it (bounds
	// inclusive, nil = open) gives its points; none gives 0.
	Ranges []Range `json:"ranges,omitempty"`
	// Suggested marks defaults hireloop proposed (on import from an ATS)
	// that the recruiter has not confirmed yet; an interview with one
	// cannot be published.
	Suggested bool `json:"suggested,omitempty"`
}

// Range gives a number between Min and Max its points.
type Range struct {
	Min    *float64 `json:"min"`
	Max    *float64 `json:"max"`
	Points float64  `json:"points"`
}

// Preset point values the editor offers for options.
const (
	PointsPreferred     = 5
	PointsAcceptable    = 3
	PointsNotAcceptable = 0
)

// ParseRule reads a stored rule. Empty or null is no rule (nil).
func ParseRule(raw json.RawMessage) (*Rule, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var r Rule
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Scores tells whether the rule scores anything.
func (r *Rule) Scores() bool { return r != nil && (len(r.Points) > 0 || len(r.Ranges) > 0) }

// Check returns what is wrong with r for a question of type typ with
// options, or "".
func (r *Rule) Check(typ string, options []string) string {
	if r == nil {
		return ""
	}
	for label, p := range r.Points {
		if math.IsNaN(p) || p < 0 || p > 5 {
			return "points must be between 0 and 5"
		}
		if !hasOption(options, label) {
			return fmt.Sprintf("gives points to %q, which is not one of the options", label)
		}
	}
	for _, g := range r.Ranges {
		if math.IsNaN(g.Points) || g.Points < 0 || g.Points > 5 {
			return "points must be between 0 and 5"
		}
		if g.Min == nil && g.Max == nil {
			return "every range needs a minimum or a maximum"
		}
		if g.Min != nil && g.Max != nil && *g.Min > *g.Max {
			return "a range's minimum must not be above its maximum"
		}
	}
	switch {
	case len(r.Ranges) > 0 && typ != "number":
		return "only number questions score by ranges"
	case len(r.Points) > 0 && typ == "number":
		return "number questions score by ranges, not option points"
	}
	return ""
}

func hasOption(options []string, label string) bool {
	for _, o := range options {
		if strings.EqualFold(strings.TrimSpace(o), strings.TrimSpace(label)) {
			return true
		}
	}
	return false
}

func (r *Rule) points(label string) float64 {
	for k, p := range r.Points {
		if strings.EqualFold(strings.TrimSpace(k), strings.TrimSpace(label)) {
			return p
		}
	}
	return 0
}

// apply scores answer values by the rule: the chosen option's points; for
// several choices their sum, at most 5; for a number, its range's points.
// why says how, for the rationale.
func (r *Rule) apply(typ string, values []string) (score float64, why string) {
	switch typ {
	case "number":
		n, err := parseNumber(values[0])
		if err != nil {
			return 0, fmt.Sprintf("%q is not a number, so 0 of 5", values[0])
		}
		for _, g := range r.Ranges {
			if (g.Min == nil || n >= *g.Min) && (g.Max == nil || n <= *g.Max) {
				return g.Points, fmt.Sprintf("%s is in the range %s, worth %s of 5", values[0], rangeLabel(g), fmtNum(g.Points))
			}
		}
		return 0, fmt.Sprintf("%s is in none of the scored ranges, so 0 of 5", values[0])
	case "multi_choice":
		var sum float64
		parts := make([]string, 0, len(values))
		for _, v := range values {
			p := r.points(v)
			sum += p
			parts = append(parts, fmt.Sprintf("%q %s", v, fmtNum(p)))
		}
		sum = math.Min(sum, 5)
		return sum, fmt.Sprintf("points of the chosen options add up (%s), at most 5: %s of 5", strings.Join(parts, " + "), fmtNum(sum))
	}
	p := r.points(values[0])
	return p, fmt.Sprintf("the option %q is worth %s of 5", values[0], fmtNum(p))
}

func rangeLabel(g Range) string {
	switch {
	case g.Min != nil && g.Max != nil:
		return fmtNum(*g.Min) + "–" + fmtNum(*g.Max)
	case g.Min != nil:
		return fmtNum(*g.Min) + " or more"
	}
	return fmtNum(*g.Max) + " or less"
}

func parseNumber(s string) (float64, error) {
	n, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
	if err == nil && (math.IsNaN(n) || math.IsInf(n, 0)) {
		err = strconv.ErrSyntax
	}
	return n, err
}

// scoreClosed scores a closed question by the recruiter's rule. A
// knockout answer scores the minimum (0) and is flagged, naming the
// question and the answer, for a person to decide: nothing is rejected
// automatically. Without a rule the question is not scored. An optional
// question left unanswered is left out of the score.
func scoreClosed(q *Question, a Answer, ok bool) QuestionResult {
	qr := QuestionResult{QuestionID: q.ID, Kind: KindClosed, Criteria: []CriterionResult{}}
	values := closedValues(q.Type, a.Value)
	if !ok || len(values) == 0 {
		unanswered(&qr, q, 0)
		if !q.Rule.Scores() {
			qr.Score = nil // not scored, answered or not; the flag stays
		}
		return qr
	}
	answer := strings.Join(values, ", ")
	if k := q.Knockout; k != nil {
		if why := knockoutMatch(q.Type, k, values); why != "" {
			msg := fmt.Sprintf("Knockout: %q answered %q", truncate(q.Prompt, 200), answer)
			if r := strings.TrimSpace(k.Reason); r != "" {
				msg += " (" + r + ")"
			}
			qr.Flags = append(qr.Flags, Flag{Kind: FlagKnockout, QuestionID: q.ID, Message: msg + ". A person decides; nothing is rejected automatically."})
			qr.Score = ptr(0.0)
			qr.Rationale = "Answered: " + answer + ". This matches a knockout rule (" + why + "), so the question scores the minimum, 0 of 5, and the result needs a person's review."
			return qr
		}
	}
	if !q.Rule.Scores() {
		qr.Rationale = "Answered: " + answer + ". This question has no scoring rule: it is information for the reviewer and not part of the score."
		return qr
	}
	score, why := q.Rule.apply(q.Type, values)
	qr.Score = ptr(score)
	qr.Rationale = "Answered: " + answer + ". Scored by the recruiter's rule, not by AI: " + why + "."
	return qr
}

// canonical is r without the Suggested mark, for RubricVersion: confirming
// a suggestion does not change what is scored.
func (r *Rule) canonical() *Rule {
	if !r.Scores() {
		return nil
	}
	c := *r
	c.Suggested = false
	return &c
}
