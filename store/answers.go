package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// ErrClosed means the invitation no longer takes changes (submitted or expired).
var ErrClosed = errors.New("store: the invitation is closed")

// Answer is a candidate's answer to one question.
type Answer struct {
	QuestionID int64  `json:"question_id"`
	Value      string `json:"value"`
	MediaPath  string `json:"-"`
	MediaType  string `json:"media_type,omitempty"`
	MediaBytes int64  `json:"media_bytes,omitempty"`
	// MediaMS is the recording's length as the browser measured it (0
	// when unknown).
	MediaMS int64 `json:"media_ms,omitempty"`
	// MaxAttempts, when saving a recording, is how many recordings the
	// question allows (1 + retakes; 0 = no limit): one more is refused
	// with ErrNoRetakes, atomically with the count.
	MaxAttempts int `json:"-"`
	// ReplacedMedia is the file of the recording a newly saved one
	// replaced, for the caller to delete once the new one is stored.
	ReplacedMedia string `json:"-"`
	Transcript    string `json:"transcript,omitempty"`
	Attempts      int    `json:"attempts"`
	// LateS is how many seconds after a timed question's deadline (plus
	// AnswerGrace) the typed answer was last saved; 0 when on time or
	// untimed. Recordings are stopped by the browser at the deadline and
	// their upload time does not count, so they are never late.
	LateS     int64     `json:"late_seconds,omitempty"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AnswerGrace absorbs autosave and network delay after a deadline before
// an answer counts as late.
const AnswerGrace = 10 * time.Second

// OpenQuestion records the first time the candidate saw a question and
// returns it (later calls return the first time: reloading the page does
// not restart a timed question's clock).
func (s *Store) OpenQuestion(ctx context.Context, invitationID, questionID int64) (time.Time, error) {
	var opened int64
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var ok int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM invitations i JOIN interview_questions q ON q.interview_id = i.interview_id
			AND q.version = i.version WHERE i.id = ? AND q.id = ?`, invitationID, questionID).Scan(&ok); err != nil {
			return err
		}
		if ok == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO question_opens (invitation_id, question_id, opened_at) VALUES (?, ?, ?)
			ON CONFLICT (invitation_id, question_id) DO NOTHING`, invitationID, questionID, s.unix()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT opened_at FROM question_opens WHERE invitation_id = ? AND question_id = ?`,
			invitationID, questionID).Scan(&opened)
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return time.Time{}, err
		}
		return time.Time{}, fmt.Errorf("store: unable to record question opening: %w", err)
	}
	return fromUnix(opened), nil
}

// openStatuses are the states in which a candidate may still work.
const openStatuses = `('queued', 'sent', 'opened', 'started')`

// MarkOpened records the first time a candidate opened the link.
func (s *Store) MarkOpened(ctx context.Context, id int64) error {
	now := s.unix()
	_, err := s.w.ExecContext(ctx, `UPDATE invitations SET opened_at = coalesce(opened_at, ?),
		status = CASE WHEN status IN ('queued', 'sent') THEN 'opened' ELSE status END, updated_at = ? WHERE id = ? AND expires_at > ?`,
		now, now, id, now)
	return err
}

// StartInvitation records consent and the start of the interview.
func (s *Store) StartInvitation(ctx context.Context, id int64) error {
	now := s.unix()
	res, err := s.w.ExecContext(ctx, `UPDATE invitations SET consent_at = coalesce(consent_at, ?), started_at = coalesce(started_at, ?),
		opened_at = coalesce(opened_at, ?), status = 'started', updated_at = ? WHERE id = ? AND status IN `+openStatuses+` AND expires_at > ?`,
		now, now, now, now, id, now)
	if err != nil {
		return fmt.Errorf("store: unable to start: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrClosed
	}
	return nil
}

// answerable checks, inside a write transaction, that question qid belongs
// to the invitation's version of its interview (ErrNotFound) and that the
// invitation is started and open (ErrClosed): what the candidate saves
// about a question (answers, integrity signals) is accepted only then.
func answerable(ctx context.Context, tx *sql.Tx, invitationID, qid, now int64) error {
	var ok int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM invitations i JOIN interview_questions q ON q.interview_id = i.interview_id
		AND q.version = i.version WHERE i.id = ? AND q.id = ?`, invitationID, qid).Scan(&ok); err != nil {
		return err
	}
	if ok == 0 {
		return ErrNotFound
	}
	var open int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM invitations WHERE id = ? AND status = 'started' AND expires_at > ?`,
		invitationID, now).Scan(&open); err != nil {
		return err
	}
	if open == 0 {
		return ErrClosed
	}
	return nil
}

// ErrNoRetakes is a recording beyond what the question allows.
var ErrNoRetakes = errors.New("store: no retakes left")

// SaveAnswer stores (or replaces) an answer. The question must belong to
// the invitation's version of its interview, and the invitation must be
// started and open. A recording beyond a.MaxAttempts is ErrNoRetakes; the
// returned answer names the recording a new one replaced.
func (s *Store) SaveAnswer(ctx context.Context, invitationID int64, a Answer) (*Answer, error) {
	var replaced string
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		if err := answerable(ctx, tx, invitationID, a.QuestionID, now); err != nil {
			return err
		}
		if a.MediaPath != "" {
			var attempts int
			err := tx.QueryRowContext(ctx, `SELECT attempts, media_path FROM answers WHERE invitation_id = ? AND question_id = ?`,
				invitationID, a.QuestionID).Scan(&attempts, &replaced)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if a.MaxAttempts > 0 && attempts >= a.MaxAttempts {
				return ErrNoRetakes
			}
		}
		// A typed answer saved after a timed question's deadline is kept
		// and flagged: seconds past opened_at + limit + grace.
		var late int64
		if a.MediaPath == "" {
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(0, ? - o.opened_at - q.time_limit_s - ?), 0)
				FROM interview_questions q JOIN question_opens o ON o.question_id = q.id AND o.invitation_id = ?
				WHERE q.id = ? AND q.time_limit_s > 0`, now, int64(AnswerGrace/time.Second), invitationID, a.QuestionID).Scan(&late); err != nil &&
				!errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		// A recording and a typed note are saved separately: an upload keeps
		// the note, and only recordings count as attempts (retakes).
		_, err := tx.ExecContext(ctx, `INSERT INTO answers (invitation_id, question_id, value, media_path, media_type, media_bytes, attempts, updated_at, late_s, media_ms)
			VALUES (?, ?, ?, ?, ?, ?, CASE WHEN ?4 != '' THEN 1 ELSE 0 END, ?, ?, ?) ON CONFLICT (invitation_id, question_id) DO UPDATE SET
			value = CASE WHEN excluded.media_path != '' THEN value ELSE excluded.value END,
			media_path = CASE WHEN excluded.media_path != '' THEN excluded.media_path ELSE media_path END,
			media_type = CASE WHEN excluded.media_path != '' THEN excluded.media_type ELSE media_type END,
			media_bytes = CASE WHEN excluded.media_path != '' THEN excluded.media_bytes ELSE media_bytes END,
			media_ms = CASE WHEN excluded.media_path != '' THEN excluded.media_ms ELSE media_ms END,
			attempts = attempts + CASE WHEN excluded.media_path != '' THEN 1 ELSE 0 END, updated_at = excluded.updated_at,
			late_s = CASE WHEN excluded.media_path != '' THEN late_s ELSE excluded.late_s END`,
			invitationID, a.QuestionID, a.Value, a.MediaPath, a.MediaType, a.MediaBytes, now, late, a.MediaMS)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrClosed) || errors.Is(err, ErrNoRetakes) {
			return nil, err
		}
		return nil, fmt.Errorf("store: unable to save answer: %w", err)
	}
	saved, err := s.answer(ctx, invitationID, a.QuestionID)
	if saved != nil && replaced != saved.MediaPath {
		saved.ReplacedMedia = replaced
	}
	return saved, err
}

// RecordingAttempts is how many recordings of a question an invitation has
// stored (0 when none).
func (s *Store) RecordingAttempts(ctx context.Context, invitationID, questionID int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT attempts FROM answers WHERE invitation_id = ? AND question_id = ?`, invitationID, questionID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}

func (s *Store) answer(ctx context.Context, invitationID, questionID int64) (*Answer, error) {
	var a Answer
	var updated int64
	err := s.r.QueryRowContext(ctx, `SELECT question_id, value, media_path, media_type, media_bytes, attempts, updated_at, late_s, media_ms FROM answers
		WHERE invitation_id = ? AND question_id = ?`, invitationID, questionID).Scan(&a.QuestionID, &a.Value, &a.MediaPath, &a.MediaType,
		&a.MediaBytes, &a.Attempts, &updated, &a.LateS, &a.MediaMS)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	a.UpdatedAt = fromUnix(updated)
	return &a, err
}

// Answers lists an invitation's answers.
func (s *Store) Answers(ctx context.Context, invitationID int64) ([]Answer, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT question_id, value, media_path, media_type, media_bytes, attempts, updated_at, transcript, late_s, media_ms FROM answers
		WHERE invitation_id = ? ORDER BY question_id`, invitationID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list answers: %w", err)
	}
	defer rows.Close()
	out := []Answer{}
	for rows.Next() {
		var a Answer
		var updated int64
		if err := rows.Scan(&a.QuestionID, &a.Value, &a.MediaPath, &a.MediaType, &a.MediaBytes, &a.Attempts, &updated, &a.Transcript, &a.LateS, &a.MediaMS); err != nil {
			return nil, err
		}
		a.UpdatedAt = fromUnix(updated)
		out = append(out, a)
	}
	return out, rows.Err()
}

// SubmitInvitation closes an invitation as submitted and, in the same
// transaction, creates its result waiting to be scored: a submission can
// never exist without the job that scores it. A second submit, or one
// after expiry, is ErrClosed: exactly one submission counts.
func (s *Store) SubmitInvitation(ctx context.Context, id int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		res, err := tx.ExecContext(ctx, `UPDATE invitations SET status = 'submitted', submitted_at = ?, updated_at = ?
			WHERE id = ? AND status = 'started' AND expires_at > ?`, now, now, id, now)
		if err != nil {
			return fmt.Errorf("store: unable to submit: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrClosed
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO results (workspace_id, invitation_id, interview_id, next_attempt_at, created_at, updated_at)
			SELECT workspace_id, id, interview_id, ?, ?, ? FROM invitations WHERE id = ?`, now, now, now, id); err != nil {
			return fmt.Errorf("store: unable to queue scoring: %w", err)
		}
		return nil
	})
}

// RequestAdjustment stores a candidate's request for an adjustment.
func (s *Store) RequestAdjustment(ctx context.Context, id int64, text string) error {
	now := s.unix()
	res, err := s.w.ExecContext(ctx, `UPDATE invitations SET adjustment_request = ?, updated_at = ? WHERE id = ? AND status IN `+openStatuses+` AND expires_at > ?`,
		text, now, id, now)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrClosed
	}
	return nil
}

// ExtendInvitation grants extra days (an adjustment); it reopens an
// expired invitation that was not submitted.
func (s *Store) ExtendInvitation(ctx context.Context, workspaceID, id int64, days int) error {
	now := s.unix()
	res, err := s.w.ExecContext(ctx, `UPDATE invitations SET expires_at = max(expires_at, ?) + ? * 86400,
		status = CASE WHEN status = 'expired' THEN CASE WHEN started_at IS NOT NULL THEN 'started' WHEN opened_at IS NOT NULL THEN 'opened'
		WHEN sent_at IS NOT NULL THEN 'sent' ELSE 'queued' END ELSE status END, updated_at = ?
		WHERE id = ? AND workspace_id = ? AND status != 'submitted'`, now, days, now, id, workspaceID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetTranscript stores the transcript of a recorded answer.
func (s *Store) SetTranscript(ctx context.Context, invitationID, questionID int64, text string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE answers SET transcript = ? WHERE invitation_id = ? AND question_id = ?`, text, invitationID, questionID)
	return err
}
