package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Signals are the integrity signals the candidate page measured on one
// question: text pasted into the answer, time away from the page while the
// question was open, and how fast text appeared in the answer field. They
// are context for the reviewer and nothing else: no scorer, flag, tag,
// stage move or ATS write reads them.
//
// The browser sends running totals for the question, so saving keeps the
// largest value of each figure: a retried or reordered save never counts
// twice, and an older save never lowers a figure.
type Signals struct {
	QuestionID int64 `json:"question_id"`
	PasteCount int64 `json:"paste_count"`
	PasteChars int64 `json:"paste_chars"`
	AwayCount  int64 `json:"away_count"`
	AwayMS     int64 `json:"away_ms"`
	// TypedChars is how many characters appeared in the field without a
	// paste, over TypingMS of active typing (pauses left out).
	TypedChars int64 `json:"typed_chars"`
	TypingMS   int64 `json:"typing_ms"`
	// BurstChars appeared within BurstMS without a paste: the largest such
	// burst, faster than anyone types (0 when there was none).
	BurstChars int64     `json:"burst_chars"`
	BurstMS    int64     `json:"burst_ms"`
	UpdatedAt  time.Time `json:"updated_at"`
}

const signalCols = `question_id, paste_count, paste_chars, away_count, away_ms, typed_chars, typing_ms, burst_chars, burst_ms, updated_at`

func scanSignals(row interface{ Scan(...any) error }) (*Signals, error) {
	var v Signals
	var updated int64
	if err := row.Scan(&v.QuestionID, &v.PasteCount, &v.PasteChars, &v.AwayCount, &v.AwayMS, &v.TypedChars, &v.TypingMS,
		&v.BurstChars, &v.BurstMS, &updated); err != nil {
		return nil, err
	}
	v.UpdatedAt = fromUnix(updated)
	return &v, nil
}

// SaveSignals merges a question's running totals into what is stored,
// keeping the maximum of each figure; the burst is kept as a pair (the
// larger burst with its own duration). As with answers, the question must
// belong to the invitation's version of its interview (ErrNotFound) and the
// invitation must be started and open (ErrClosed). It returns the stored figures.
func (s *Store) SaveSignals(ctx context.Context, invitationID int64, v Signals) (*Signals, error) {
	var out *Signals
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		if err := answerable(ctx, tx, invitationID, v.QuestionID, now); err != nil {
			return err
		}
		// Every expression of an UPDATE SET reads the row as it was, so the
		// burst's duration is compared against the old burst_chars.
		row := tx.QueryRowContext(ctx, `INSERT INTO answer_signals (invitation_id, question_id, paste_count, paste_chars, away_count, away_ms,
			typed_chars, typing_ms, burst_chars, burst_ms, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (invitation_id, question_id) DO UPDATE SET
			paste_count = max(paste_count, excluded.paste_count), paste_chars = max(paste_chars, excluded.paste_chars),
			away_count = max(away_count, excluded.away_count), away_ms = max(away_ms, excluded.away_ms),
			typed_chars = max(typed_chars, excluded.typed_chars), typing_ms = max(typing_ms, excluded.typing_ms),
			burst_ms = CASE WHEN excluded.burst_chars > burst_chars THEN excluded.burst_ms ELSE burst_ms END,
			burst_chars = max(burst_chars, excluded.burst_chars), updated_at = excluded.updated_at
			RETURNING `+signalCols,
			invitationID, v.QuestionID, v.PasteCount, v.PasteChars, v.AwayCount, v.AwayMS, v.TypedChars, v.TypingMS, v.BurstChars, v.BurstMS, now)
		var err error
		out, err = scanSignals(row)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrClosed) {
			return nil, err
		}
		return nil, fmt.Errorf("store: unable to save signals: %w", err)
	}
	return out, nil
}

// Signals lists an invitation's signals, one entry per question that has
// any, by question id (as Answers).
func (s *Store) Signals(ctx context.Context, invitationID int64) ([]Signals, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+signalCols+` FROM answer_signals WHERE invitation_id = ? ORDER BY question_id`, invitationID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list signals: %w", err)
	}
	defer rows.Close()
	out := []Signals{}
	for rows.Next() {
		v, err := scanSignals(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}
