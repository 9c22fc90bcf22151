package report

import (
	"strings"
	"testing"
	"time"
)

func TestSignalsText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		s    Signals
		want string
	}{
		{Signals{}, ""},
		{Signals{PasteCount: 1, PasteChars: 412}, "Pasted 1 time (412 characters)."},
		{Signals{AwayCount: 2, Away: 65 * time.Second}, "Away from the page 2 times, 1 min 5 s in total."},
		{Signals{BurstChars: 412, Burst: 800 * time.Millisecond}, "412 characters appeared in 0.8 s without typing."},
		{Signals{BurstChars: 1500, Burst: 0}, "1,500 characters appeared at once without typing."},
		{Signals{PasteCount: 3, PasteChars: 1, AwayCount: 1, Away: 300 * time.Millisecond},
			"Pasted 3 times (1 character); away from the page 1 time, under 1 s in total."},
	} {
		if got := SignalsText(tc.s); got != tc.want {
			t.Errorf("SignalsText(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}

// The signals line sits under the answer, says what it is, and stays out
// of the flags.
func TestReportShowsSignalsAsContext(t *testing.T) {
	t.Parallel()
	r := sampleReport(t)
	r.Questions[0].Signals = Signals{PasteCount: 1, PasteChars: 412, AwayCount: 2, Away: 65 * time.Second}
	all := strings.Join(pdfPages(t, render(t, r)), "\n")
	flat := strings.Join(strings.Fields(all), " ")
	for _, want := range []string{"Integrity signals: Pasted 1 time (412 characters); away from the page 2 times, 1 min 5 s in total.",
		SignalsNotice} {
		if !strings.Contains(flat, want) {
			t.Errorf("PDF text lacks %q", want)
		}
	}
	if strings.Count(flat, "Integrity signals:") != 1 {
		t.Errorf("signals shown %d times, want once (questions without signals show none)", strings.Count(flat, "Integrity signals:"))
	}
}
