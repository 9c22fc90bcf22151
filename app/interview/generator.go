package interview

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/hireloop/hireloop/app/scoring"
	"github.com/hireloop/hireloop/store"
)

// The built-in question generator turns a job description into a first
// draft of open questions without any AI: it picks the description's
// requirement and responsibility lines and asks the candidate to describe
// their experience with each, adding a rubric taken from the same line.
// It says so wherever its questions appear (generator = "built-in").

// GeneratorNote says where generated questions come from.
const GeneratorNote = "Drafted by hireloop's built-in generator from the lines of the job description (no AI): one question per requirement it found, plus two general ones. Review and edit them before publishing."

var bulletRe = regexp.MustCompile(`^\s*(?:[-*•·‣▪]|\d+[.)])\s+(.+)$`)

// candidateLines picks requirement-like lines from a description.
func candidateLines(desc string) []string {
	var out []string
	seen := map[string]bool{}
	for _, line := range strings.Split(desc, "\n") {
		m := bulletRe.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		t := strings.TrimRight(strings.TrimSpace(m[1]), ".;:")
		if len(t) < 12 || len(t) > 200 || seen[strings.ToLower(t)] {
			continue
		}
		seen[strings.ToLower(t)] = true
		out = append(out, t)
	}
	return out
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if len(r) > 1 && r[1] >= 'A' && r[1] <= 'Z' { // an acronym such as "SQL"
		return s
	}
	return strings.ToLower(string(r[0])) + string(r[1:])
}

// GenerateQuestions drafts up to max open questions from a description.
func GenerateQuestions(title, desc string, max int) []store.Question {
	lines := candidateLines(desc)
	if len(lines) > max-2 {
		lines = lines[:max-2]
	}
	var qs []store.Question
	rubric := func(crit ...string) json.RawMessage {
		var rs []scoring.Criterion
		for _, c := range crit {
			rs = append(rs, scoring.Criterion{Name: c, Weight: 1, Strong: "Gives a concrete example: the situation, what they did, and the result."})
		}
		b, _ := json.Marshal(rs)
		return b
	}
	role := strings.TrimSpace(title)
	if role == "" {
		role = "this role"
	}
	qs = append(qs, store.Question{Type: "text", Required: true, MaxMediaS: 180,
		Prompt: fmt.Sprintf("What draws you to the %s position, and what would you bring to it?", role),
		Rubric: rubric("Motivation for this role", "Relevant strengths")})
	for _, l := range lines {
		qs = append(qs, store.Question{Type: "text", Required: true, MaxMediaS: 180,
			Prompt: fmt.Sprintf("The role asks for: %s. Describe a time your experience matched this.", lowerFirst(l)),
			Rubric: rubric(l)})
	}
	qs = append(qs, store.Question{Type: "text", Required: true, MaxMediaS: 180,
		Prompt: "Tell us about a challenge at work you solved. What did you do, and what was the outcome?",
		Rubric: rubric("Problem solving", "Ownership of the outcome")})
	return qs
}
