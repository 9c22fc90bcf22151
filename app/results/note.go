package results

import (
	"context"
	"fmt"
	"strings"

	"github.com/hireloop/hireloop/app/writeback"
	"github.com/hireloop/hireloop/store"
)

// noteTranscriptRunes is how much of a transcript the ATS note carries;
// the full text is in hireloop.
const noteTranscriptRunes = 600

// scorerText names what assessed a result, for people reading the ATS.
func scorerText(r *store.Result) string {
	switch r.Scorer {
	case "llm":
		return "an AI model (" + r.Model + ", prompt " + r.PromptVersion + ")"
	case "builtin":
		return "the recruiter's rules for closed questions and a person's rubric checklist for open answers (no AI)"
	}
	return "hireloop's " + r.Scorer + " scorer"
}

// noteText is the note hireloop writes into the ATS: the score, what
// needs a person's review and why (knockouts by question and answer),
// the recordings as what they are, and the results link. Hiring managers
// who never open hireloop read this, so it says everything the score
// does not.
func (w *Worker) noteText(ctx context.Context, iv *store.Interview, r *store.Result, link string) (string, error) {
	rec, err := Load(ctx, w.d.Store, r)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "hireloop interview %q: score %s, assessed with %s. A person makes every decision.",
		iv.Name, writeback.ScoreText(r.Overall), scorerText(r))
	if att := Attention(r); len(att) > 0 {
		b.WriteString("\n\nNeeds a person's review before anyone relies on this score:")
		for _, a := range att {
			b.WriteString("\n- " + a)
		}
	}
	byA := map[int64]store.Answer{}
	for _, an := range rec.Answers {
		byA[an.QuestionID] = an
	}
	first := true
	for _, q := range rec.Interview.Questions {
		an, ok := byA[q.ID]
		if !ok || an.MediaPath == "" {
			continue
		}
		if first {
			b.WriteString("\n\nRecorded answers:")
			first = false
		}
		fmt.Fprintf(&b, "\n- Question %d %q: %s", q.Position, clip(q.Prompt, 120), recordingNote(an, link))
	}
	fmt.Fprintf(&b, "\n\nResults: %s [hireloop result %d]", link, r.ID)
	return b.String(), nil
}

// RecordingText says what a recorded answer is, the same way everywhere
// (console, PDF, ATS note, results link): its length, and its transcript
// once there is one, or that it is not transcribed and where to listen.
func RecordingText(an store.Answer, link string) string {
	kind := "Recording"
	if an.MediaMS > 0 {
		kind += " (" + clock(an.MediaMS) + ")"
	}
	if t := strings.TrimSpace(an.Transcript); t != "" {
		return kind + ", transcribed: " + t
	}
	return kind + ", not transcribed, listen in hireloop: " + link
}

func recordingNote(an store.Answer, link string) string {
	if t := strings.TrimSpace(an.Transcript); t != "" {
		an.Transcript = clip(t, noteTranscriptRunes)
	}
	return RecordingText(an, link)
}

// clock renders milliseconds as m:ss.
func clock(ms int64) string {
	s := (ms + 500) / 1000
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// clip cuts s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n])) + "…"
}
