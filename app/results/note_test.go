package results

import (
	"strings"
	"testing"

	"github.com/hireloop/hireloop/store"
)

// A recording is reported as what it is, the same way in the PDF, the ATS
// note and the results link: its length, then its transcript or where to
// listen.
func TestRecordingText(t *testing.T) {
	link := "https://hireloop.example/w/1/results/7"
	cases := []struct {
		an   store.Answer
		want string
	}{
		{store.Answer{MediaPath: "q1.webm", MediaMS: 47_400}, "Recording (0:47), not transcribed, listen in hireloop: " + link},
		{store.Answer{MediaPath: "q1.webm", MediaMS: 61_500}, "Recording (1:02), not transcribed"},
		{store.Answer{MediaPath: "q1.webm"}, "Recording, not transcribed, listen in hireloop: " + link},
		{store.Answer{MediaPath: "q1.webm", MediaMS: 5_000, Transcript: " We shipped it in phases. "}, "Recording (0:05), transcribed: We shipped it in phases."},
	}
	for _, c := range cases {
		if got := RecordingText(c.an, link); !strings.HasPrefix(got, c.want) {
			t.Errorf("RecordingText(%+v) = %q, want it to start with %q", c.an, got, c.want)
		}
	}
	long := store.Answer{MediaPath: "q1.webm", Transcript: strings.Repeat("word ", 400)}
	if got := recordingNote(long, link); len([]rune(got)) > noteTranscriptRunes+40 || !strings.HasSuffix(got, "…") {
		t.Errorf("the note's transcript is not cut: %d runes", len([]rune(got)))
	}
}
