package candidate

import (
	"context"
	"errors"
	"time"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/store"
)

// Integrity signals are what the candidate page measures on each question:
// text pasted into the answer, time away from the page while the question
// is open, and how fast text appears in the answer field. The reviewer sees
// them as figures beside the answer. They are never scored, never flags that
// hold back an automatic step, never tags, moves or ATS writes: a paste can
// be the candidate's own notes, time away a crying child, a burst of text a
// dictation tool. The AI notice says so before consent (aiDisclosure).
//
// The figures come from the candidate's browser, so they are checked and
// clamped here, and kept as signals, never as proof.

// Bounds of the figures. They are far above anything a real page reports,
// so they only cut off nonsense.
const (
	maxSignalCount = 10_000
	maxSignalChars = 1_000_000
	// A burst happens inside one answer field; the longest field takes
	// 20000 characters (normalizeAnswer).
	maxBurstChars = 20_000
	// The page reports bursts of about 2 s; a longer one is not "faster
	// than typing" any more.
	maxBurstMS = 10_000
	// Durations may not exceed the time since the interview started, plus
	// this much for the two clocks.
	durationSlack = 5 * time.Second
)

// SignalsInput is a question's running totals since the candidate first
// opened it (the page sends the whole figures every time, never deltas).
type SignalsInput struct {
	PasteCount int64 `json:"paste_count"`
	PasteChars int64 `json:"paste_chars"`
	AwayCount  int64 `json:"away_count"`
	AwayMS     int64 `json:"away_ms"`
	TypedChars int64 `json:"typed_chars"`
	TypingMS   int64 `json:"typing_ms"`
	BurstChars int64 `json:"burst_chars"`
	BurstMS    int64 `json:"burst_ms"`
}

// clampSignals refuses negative figures and cuts the others to their
// bounds; elapsed is the time since the interview started.
func clampSignals(in SignalsInput, elapsed time.Duration) (store.Signals, error) {
	fe := apperr.Fields{}
	for name, v := range map[string]int64{"paste_count": in.PasteCount, "paste_chars": in.PasteChars, "away_count": in.AwayCount,
		"away_ms": in.AwayMS, "typed_chars": in.TypedChars, "typing_ms": in.TypingMS, "burst_chars": in.BurstChars, "burst_ms": in.BurstMS} {
		if v < 0 {
			fe.Add(name, "must not be negative")
		}
	}
	if err := fe.Err(); err != nil {
		return store.Signals{}, err
	}
	maxMS := max(0, (elapsed + durationSlack).Milliseconds())
	out := store.Signals{
		PasteCount: min(in.PasteCount, maxSignalCount), PasteChars: min(in.PasteChars, maxSignalChars),
		AwayCount: min(in.AwayCount, maxSignalCount), AwayMS: min(in.AwayMS, maxMS),
		TypedChars: min(in.TypedChars, maxSignalChars), TypingMS: min(in.TypingMS, maxMS),
		BurstChars: min(in.BurstChars, maxBurstChars), BurstMS: min(in.BurstMS, maxBurstMS),
	}
	// Figures that cannot exist without each other.
	if out.PasteCount == 0 {
		out.PasteChars = 0
	}
	if out.AwayCount == 0 {
		out.AwayMS = 0
	}
	if out.BurstChars == 0 {
		out.BurstMS = 0
	}
	return out, nil
}

// SaveSignals records a question's running totals (see store.SaveSignals:
// the largest figures are kept, so a retried save counts once).
func (s *Service) SaveSignals(ctx context.Context, inv *store.Invitation, qid int64, in SignalsInput) (*store.Signals, error) {
	q, err := s.startedQuestion(ctx, inv, qid)
	if err != nil {
		return nil, err
	}
	var elapsed time.Duration
	if inv.StartedAt != nil {
		elapsed = s.Now().Sub(*inv.StartedAt)
	}
	v, err := clampSignals(in, elapsed)
	if err != nil {
		return nil, err
	}
	v.QuestionID = q.ID
	saved, err := s.Store.SaveSignals(ctx, inv.ID, v)
	if errors.Is(err, store.ErrClosed) {
		return nil, notStarted(inv)
	}
	return saved, apperr.NotFoundIs(err)
}
