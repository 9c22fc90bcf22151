package report

import (
	"fmt"
	"strings"
	"time"
)

// Signals are the integrity signals the candidate page measured on one
// question. The report shows them as one neutral line of figures under the
// answer, apart from the flags: they are context for a person, never part
// of the score.
type Signals struct {
	PasteCount, PasteChars int64
	AwayCount              int64
	Away                   time.Duration
	// BurstChars appeared within Burst without a paste (0: no burst).
	BurstChars int64
	Burst      time.Duration
}

// SignalsNotice says what the signals line is, wherever it is shown.
const SignalsNotice = "Signals for a person, not evidence of cheating; never part of the score"

// SignalsText is the question's signals as one sentence, or "" when the
// page noticed nothing: "Pasted 1 time (412 characters); away from the
// page 2 times, 1 min 5 s in total; 412 characters appeared in 0.8 s
// without typing." The console words them the same way
// (ui/src/lib/signalFlags.js).
func SignalsText(s Signals) string {
	var parts []string
	if s.PasteCount > 0 {
		parts = append(parts, fmt.Sprintf("pasted %s (%s)", times(s.PasteCount), count(s.PasteChars, "character")))
	}
	if s.AwayCount > 0 {
		parts = append(parts, fmt.Sprintf("away from the page %s, %s in total", times(s.AwayCount), awayLabel(s.Away)))
	}
	if s.BurstChars > 0 {
		parts = append(parts, fmt.Sprintf("%s appeared %s without typing", count(s.BurstChars, "character"), burstLabel(s.Burst)))
	}
	if len(parts) == 0 {
		return ""
	}
	text := strings.Join(parts, "; ")
	return strings.ToUpper(text[:1]) + text[1:] + "."
}

func times(n int64) string {
	if n == 1 {
		return "1 time"
	}
	return fmtThousands(int(n)) + " times"
}

func count(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmtThousands(int(n)) + " " + noun + "s"
}

// awayLabel is "1 min 5 s"; the page counts only absences of a second or
// more, but a clamped figure may still be smaller.
func awayLabel(d time.Duration) string {
	if d < time.Second {
		return "under 1 s"
	}
	return fmtDuration(d)
}

// burstLabel is "in 0.8 s", or "at once" for text that arrived in one go.
func burstLabel(d time.Duration) string {
	if d < 100*time.Millisecond {
		return "at once"
	}
	return fmt.Sprintf("in %.1f s", d.Seconds())
}
