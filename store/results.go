package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Result is a submitted interview's score and decision.
type Result struct {
	ID            int64           `json:"id"`
	WorkspaceID   int64           `json:"-"`
	InvitationID  int64           `json:"invitation_id"`
	InterviewID   int64           `json:"interview_id"`
	Status        string          `json:"status"`
	Attempts      int             `json:"attempts"`
	LastError     string          `json:"last_error"`
	Overall       *float64        `json:"overall"`
	Scorer        string          `json:"scorer"`
	Model         string          `json:"model"`
	PromptVersion string          `json:"prompt_version"`
	RubricVersion string          `json:"rubric_version"`
	Details       json.RawMessage `json:"details"`
	Flags         json.RawMessage `json:"flags"`
	Raw           json.RawMessage `json:"-"`
	ReportPath    string          `json:"-"`
	HasReport     bool            `json:"has_report"`
	// FollowupAt is when the result's ATS writes were queued (nil while
	// scoring, while an answer waits for review, and just after).
	FollowupAt *time.Time `json:"followup_at"`
	Decision   string     `json:"decision"`
	DecidedBy  *int64     `json:"decided_by"`
	DecidedAt  *time.Time `json:"decided_at"`
	CreatedAt  time.Time  `json:"created_at"`
	ScoredAt   *time.Time `json:"scored_at"`
	// ReviewPending counts open answers waiting for a person's rubric
	// checklist; the overall score and the follow-up wait for 0.
	ReviewPending int `json:"review_pending"`
}

const resultCols = `id, workspace_id, invitation_id, interview_id, status, attempts, last_error, overall, scorer, model, prompt_version,
	rubric_version, details, flags, raw, report_path, followup_at, decision, decided_by, decided_at, created_at, scored_at, review_pending`

func scanResult(row interface{ Scan(...any) error }) (*Result, error) {
	var r Result
	var overall sql.NullFloat64
	var details, flags, raw string
	var followup, decidedBy, decidedAt, scored sql.NullInt64
	var created int64
	if err := row.Scan(&r.ID, &r.WorkspaceID, &r.InvitationID, &r.InterviewID, &r.Status, &r.Attempts, &r.LastError, &overall,
		&r.Scorer, &r.Model, &r.PromptVersion, &r.RubricVersion, &details, &flags, &raw, &r.ReportPath, &followup, &r.Decision,
		&decidedBy, &decidedAt, &created, &scored, &r.ReviewPending); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("store: unable to read result: %w", err)
	}
	if overall.Valid {
		r.Overall = &overall.Float64
	}
	if decidedBy.Valid {
		r.DecidedBy = &decidedBy.Int64
	}
	r.Details, r.Flags, r.Raw = json.RawMessage(details), json.RawMessage(flags), json.RawMessage(raw)
	r.HasReport = r.ReportPath != ""
	r.FollowupAt, r.DecidedAt, r.ScoredAt = fromNullUnix(followup), fromNullUnix(decidedAt), fromNullUnix(scored)
	r.CreatedAt = fromUnix(created)
	return &r, nil
}

// ClaimScoring takes up to limit results due for scoring and pushes their
// next attempt out by lease, so a crashed scorer's work is retried.
func (s *Store) ClaimScoring(ctx context.Context, limit int, lease time.Duration) ([]Result, error) {
	var out []Result
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		rows, err := tx.QueryContext(ctx, `SELECT `+resultCols+` FROM results WHERE status = 'scoring' AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT ?`, now.Unix(), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			r, err := scanResult(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, *r)
		}
		rows.Close()
		for _, r := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE results SET attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`,
				now.Add(lease).Unix(), r.ID); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	return out, err
}

// ScoringFailed records a failed attempt; the result is retried at retryAt.
func (s *Store) ScoringFailed(ctx context.Context, id int64, msg string, retryAt time.Time) error {
	_, err := s.w.ExecContext(ctx, `UPDATE results SET last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'scoring'`,
		msg, retryAt.Unix(), s.unix(), id)
	return err
}

// ScoredResult is what the scorer produced.
type ScoredResult struct {
	Overall                              *float64
	ReviewPending                        int
	Scorer, Model, PromptVersion, Rubric string
	Details, Flags, Raw                  json.RawMessage
}

// SaveScore stores a score. It only moves a result from 'scoring' to
// 'scored' once; a late duplicate attempt changes nothing.
func (s *Store) SaveScore(ctx context.Context, id int64, sr ScoredResult) (bool, error) {
	now := s.unix()
	res, err := s.w.ExecContext(ctx, `UPDATE results SET status = 'scored', overall = ?, scorer = ?, model = ?, prompt_version = ?,
		rubric_version = ?, details = ?, flags = ?, raw = ?, review_pending = ?, last_error = '', scored_at = ?, updated_at = ?
		WHERE id = ? AND status = 'scoring'`,
		sr.Overall, sr.Scorer, sr.Model, sr.PromptVersion, sr.Rubric, string(sr.Details), string(sr.Flags), string(sr.Raw), sr.ReviewPending,
		now, now, id)
	if err != nil {
		return false, fmt.Errorf("store: unable to save score: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SetReportPath records the stored PDF.
func (s *Store) SetReportPath(ctx context.Context, id int64, path string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE results SET report_path = ?, updated_at = ? WHERE id = ?`, path, s.unix(), id)
	return err
}

// ResultByID loads a result of a workspace.
func (s *Store) ResultByID(ctx context.Context, workspaceID, id int64) (*Result, error) {
	return scanResult(s.r.QueryRowContext(ctx, `SELECT `+resultCols+` FROM results WHERE id = ? AND workspace_id = ?`, id, workspaceID))
}

// ResultForWorker loads a result without a workspace (workers).
func (s *Store) ResultForWorker(ctx context.Context, id int64) (*Result, error) {
	return scanResult(s.r.QueryRowContext(ctx, `SELECT `+resultCols+` FROM results WHERE id = ?`, id))
}

// ResultRow is a line of an interview's comparison table.
type ResultRow struct {
	Result
	FirstName       string     `json:"first_name"`
	LastName        string     `json:"last_name"`
	Email           string     `json:"email"`
	SubmittedAt     *time.Time `json:"submitted_at"`
	StartedAt       *time.Time `json:"started_at"`
	OverallOverride *float64   `json:"overall_override"`
	// Version is the version of the questions the candidate answered.
	Version int `json:"version"`
}

// Results lists an interview's results, best first: all of them, or (for
// version > 0) those answered under one version, so scores are compared
// on the same questions.
func (s *Store) Results(ctx context.Context, workspaceID, interviewID int64, version int) ([]ResultRow, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT r.id, r.workspace_id, r.invitation_id, r.interview_id, r.status, r.attempts, r.last_error, r.overall,
		r.scorer, r.model, r.prompt_version, r.rubric_version, r.details, r.flags, '[]', r.report_path, r.followup_at, r.decision, r.decided_by,
		r.decided_at, r.created_at, r.scored_at, r.review_pending, i.first_name, i.last_name, i.email, i.submitted_at, i.started_at,
		(SELECT o.score FROM score_overrides o WHERE o.result_id = r.id AND o.question_id = 0 ORDER BY o.id DESC LIMIT 1), i.version
		FROM results r JOIN invitations i ON i.id = r.invitation_id
		WHERE r.workspace_id = ? AND r.interview_id = ? AND (? = 0 OR i.version = ?)
		ORDER BY r.overall IS NULL, r.overall DESC, r.id`, workspaceID, interviewID, version, version)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list results: %w", err)
	}
	defer rows.Close()
	out := []ResultRow{}
	for rows.Next() {
		var rr ResultRow
		var overall, override sql.NullFloat64
		var details, flags, raw string
		var followup, decidedBy, decidedAt, scored, submitted, started sql.NullInt64
		var created int64
		r := &rr.Result
		if err := rows.Scan(&r.ID, &r.WorkspaceID, &r.InvitationID, &r.InterviewID, &r.Status, &r.Attempts, &r.LastError, &overall,
			&r.Scorer, &r.Model, &r.PromptVersion, &r.RubricVersion, &details, &flags, &raw, &r.ReportPath, &followup, &r.Decision,
			&decidedBy, &decidedAt, &created, &scored, &r.ReviewPending, &rr.FirstName, &rr.LastName, &rr.Email, &submitted, &started, &override,
			&rr.Version); err != nil {
			return nil, err
		}
		if overall.Valid {
			r.Overall = &overall.Float64
		}
		if override.Valid {
			rr.OverallOverride = &override.Float64
		}
		if decidedBy.Valid {
			r.DecidedBy = &decidedBy.Int64
		}
		r.Details, r.Flags, r.Raw = json.RawMessage(details), json.RawMessage(flags), nil
		r.HasReport = r.ReportPath != ""
		r.FollowupAt, r.DecidedAt, r.ScoredAt = fromNullUnix(followup), fromNullUnix(decidedAt), fromNullUnix(scored)
		r.CreatedAt = fromUnix(created)
		rr.SubmittedAt, rr.StartedAt = fromNullUnix(submitted), fromNullUnix(started)
		out = append(out, rr)
	}
	return out, rows.Err()
}

// Override is a person's correction of one score (question 0 = overall).
type Override struct {
	ID         int64     `json:"id"`
	QuestionID int64     `json:"question_id"`
	Original   *float64  `json:"original"`
	Score      float64   `json:"score"`
	Reason     string    `json:"reason"`
	UserID     int64     `json:"user_id"`
	UserEmail  string    `json:"user_email"`
	CreatedAt  time.Time `json:"created_at"`
}

// AddOverride stores an override and its audit entry together.
func (s *Store) AddOverride(ctx context.Context, workspaceID, resultID int64, o Override, audit AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		if _, err := tx.ExecContext(ctx, `INSERT INTO score_overrides (result_id, question_id, original, score, reason, user_id, created_at)
			SELECT id, ?, ?, ?, ?, ?, ? FROM results WHERE id = ? AND workspace_id = ?`, o.QuestionID, o.Original, o.Score, o.Reason, o.UserID, now,
			resultID, workspaceID); err != nil {
			return err
		}
		return insertAudit(ctx, tx, now, audit)
	})
}

// Overrides lists a result's overrides, oldest first.
func (s *Store) Overrides(ctx context.Context, resultID int64) ([]Override, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT o.id, o.question_id, o.original, o.score, o.reason, o.user_id, coalesce(u.email, ''), o.created_at
		FROM score_overrides o LEFT JOIN users u ON u.id = o.user_id WHERE o.result_id = ? ORDER BY o.id`, resultID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Override{}
	for rows.Next() {
		var o Override
		var orig sql.NullFloat64
		var created int64
		if err := rows.Scan(&o.ID, &o.QuestionID, &orig, &o.Score, &o.Reason, &o.UserID, &o.UserEmail, &created); err != nil {
			return nil, err
		}
		if orig.Valid {
			o.Original = &orig.Float64
		}
		o.CreatedAt = fromUnix(created)
		out = append(out, o)
	}
	return out, rows.Err()
}

// DecisionEmail is the email a decision sends to the candidate.
type DecisionEmail struct {
	InvitationID   int64
	Kind, To, Name string
}

// Decide records accept or reject once, and in the same transaction
// queues its ATS writes, its email and its audit entry: a decision cannot
// be recorded without what it triggers, nor trigger anything twice. A
// second decision is ErrConflict.
func (s *Store) Decide(ctx context.Context, workspaceID, resultID int64, decision string, userID int64, audit AuditEntry,
	writes []NewATSWrite, email *DecisionEmail) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		res, err := tx.ExecContext(ctx, `UPDATE results SET decision = ?, decided_by = ?, decided_at = ?, updated_at = ?
			WHERE id = ? AND workspace_id = ? AND decision = ''`, decision, userID, now, now, resultID, workspaceID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
		for _, w := range writes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ats_writes (workspace_id, connection_id, result_id, action, idempotency_key, payload,
				next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
				workspaceID, w.ConnectionID, resultID, w.Action, w.IdempotencyKey, w.Payload, now, now); err != nil {
				return err
			}
		}
		if email != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO email_outbox (workspace_id, invitation_id, kind, purpose, to_address, to_name,
				next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, workspaceID, email.InvitationID,
				email.Kind, email.Kind, email.To, email.Name, now, now); err != nil {
				return err
			}
		}
		return insertAudit(ctx, tx, now, audit)
	})
}

// SaveReview stores a person's rubric checklist of one open answer: the
// result's new details, overall score and pending count, with its audit
// entry, only if the details are still those the review was made on
// (ErrConflict otherwise: someone else reviewed meanwhile).
func (s *Store) SaveReview(ctx context.Context, workspaceID, resultID int64, before, details json.RawMessage, overall *float64, pending int,
	audit AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		res, err := tx.ExecContext(ctx, `UPDATE results SET details = ?, overall = ?, review_pending = ?, updated_at = ?
			WHERE id = ? AND workspace_id = ? AND status = 'scored' AND details = ?`, string(details), overall, pending, now,
			resultID, workspaceID, string(before))
		if err != nil {
			return fmt.Errorf("store: unable to save review: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
		return insertAudit(ctx, tx, now, audit)
	})
}

// ScoredWithoutFollowup lists scored results whose write-back and tagging
// have not been queued yet (the worker resumes after a crash). A result
// with answers waiting for a person is not listed until they are reviewed.
func (s *Store) ScoredWithoutFollowup(ctx context.Context, limit int) ([]Result, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+resultCols+` FROM results WHERE status = 'scored' AND followup_at IS NULL AND review_pending = 0
		ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		r, err := scanResult(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}
