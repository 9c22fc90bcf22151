package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// StageCandidate is an application sitting in a stage, with its candidate.
type StageCandidate struct {
	ApplicationExtID string `json:"application_ext_id"`
	CandidateExtID   string `json:"candidate_ext_id"`
	Email            string `json:"email"`
	FirstName        string `json:"first_name"`
	LastName         string `json:"last_name"`
	Invited          bool   `json:"invited"`
}

// StageCandidates lists the active applications currently in a stage of
// a job, and whether the interview already invited each.
func (s *Store) StageCandidates(ctx context.Context, workspaceID, interviewID, connectionID int64, jobExtID, stageExtID string) ([]StageCandidate, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT a.ext_id, a.candidate_ext_id, coalesce(c.email, ''), coalesce(c.first_name, ''), coalesce(c.last_name, ''),
		EXISTS (SELECT 1 FROM invitations i WHERE i.interview_id = ? AND i.application_ext_id = a.ext_id)
		FROM ats_applications a
		LEFT JOIN ats_candidates c ON c.connection_id = a.connection_id AND c.ext_id = a.candidate_ext_id AND c.deleted_at IS NULL
		WHERE a.workspace_id = ? AND a.connection_id = ? AND a.job_ext_id = ? AND a.stage_ext_id = ?
		AND a.status = 'active' AND a.deleted_at IS NULL ORDER BY c.last_name, c.first_name, a.id`,
		interviewID, workspaceID, connectionID, jobExtID, stageExtID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list stage candidates: %w", err)
	}
	defer rows.Close()
	out := []StageCandidate{}
	for rows.Next() {
		var c StageCandidate
		if err := rows.Scan(&c.ApplicationExtID, &c.CandidateExtID, &c.Email, &c.FirstName, &c.LastName, &c.Invited); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// InStage tells whether an application is (still) active in a stage.
func (s *Store) InStage(ctx context.Context, connectionID int64, appExtID, jobExtID, stageExtID string) (*StageCandidate, error) {
	var c StageCandidate
	err := s.r.QueryRowContext(ctx, `SELECT a.ext_id, a.candidate_ext_id, coalesce(c.email, ''), coalesce(c.first_name, ''), coalesce(c.last_name, '')
		FROM ats_applications a
		LEFT JOIN ats_candidates c ON c.connection_id = a.connection_id AND c.ext_id = a.candidate_ext_id AND c.deleted_at IS NULL
		WHERE a.connection_id = ? AND a.ext_id = ? AND a.job_ext_id = ? AND a.stage_ext_id = ? AND a.status = 'active' AND a.deleted_at IS NULL`,
		connectionID, appExtID, jobExtID, stageExtID).Scan(&c.ApplicationExtID, &c.CandidateExtID, &c.Email, &c.FirstName, &c.LastName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return &c, err
}

// MaxStageEventID is where a newly published interview's watchdog starts:
// changes before publishing are covered by the publish itself.
func (s *Store) MaxStageEventID(ctx context.Context, connectionID int64) (int64, error) {
	var id sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT max(id) FROM ats_stage_events WHERE connection_id = ?`, connectionID).Scan(&id)
	return id.Int64, err
}

// StartPublish marks an interview active with a publish in progress and,
// in the same transaction, freezes its current version (the first publish
// freezes version 1): from now on its questions are kept as they are.
func (s *Store) StartPublish(ctx context.Context, workspaceID, id, cursor int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		res, err := tx.ExecContext(ctx, `UPDATE interviews SET status = 'active', publish_pending = 1, event_cursor = max(event_cursor, ?),
			published_at = coalesce(published_at, ?), updated_at = ? WHERE id = ? AND workspace_id = ? AND status IN ('draft', 'paused')`,
			cursor, now, now, id, workspaceID)
		if err != nil {
			return fmt.Errorf("store: unable to publish: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO interview_versions (interview_id, version, created_at, summary)
			SELECT id, version, ?, 'Published' FROM interviews WHERE id = ? ON CONFLICT DO NOTHING`, now, id); err != nil {
			return fmt.Errorf("store: unable to freeze the version: %w", err)
		}
		return nil
	})
}

// FinishPublish records that everyone in the stage at publish time was invited.
func (s *Store) FinishPublish(ctx context.Context, id int64) error {
	_, err := s.w.ExecContext(ctx, `UPDATE interviews SET publish_pending = 0 WHERE id = ?`, id)
	return err
}

// NewInvitation is an invitation about to be created.
type NewInvitation struct {
	StageCandidate
	TokenHash   []byte
	SealedToken []byte
}

// CreateInvitations inserts invitations and, in the same transaction,
// their invitation emails in the outbox. An application the interview
// already invited is skipped by the UNIQUE constraint, so publish,
// watchdog and webhook racing each other still make one invitation and
// one email. Each invitation gets the interview's current version, read in
// the same statement: an edit saving a new version at the same time
// commits before or after it, never in between. It returns how many were
// created.
func (s *Store) CreateInvitations(ctx context.Context, iv *Interview, source string, invs []NewInvitation) (int, error) {
	created := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		expires := now.Add(time.Duration(iv.DeadlineDays) * 24 * time.Hour).Unix()
		// ?2 is the interview id.
		ins, err := tx.PrepareContext(ctx, `INSERT INTO invitations (workspace_id, interview_id, connection_id, application_ext_id, candidate_ext_id,
			email, first_name, last_name, token_hash, sealed_token, status, source, expires_at, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, (SELECT version FROM interviews WHERE id = ?2))
			ON CONFLICT (interview_id, application_ext_id) DO NOTHING RETURNING id`)
		if err != nil {
			return err
		}
		defer ins.Close()
		out, err := tx.PrepareContext(ctx, `INSERT INTO email_outbox (workspace_id, invitation_id, kind, purpose, to_address, to_name,
			next_attempt_at, created_at) VALUES (?, ?, 'invitation', 'invitation', ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
		if err != nil {
			return err
		}
		defer out.Close()
		for _, n := range invs {
			var id int64
			err := ins.QueryRowContext(ctx, iv.WorkspaceID, iv.ID, nullID(iv.ConnectionID), n.ApplicationExtID, n.CandidateExtID, n.Email,
				n.FirstName, n.LastName, n.TokenHash, n.SealedToken, source, expires, now.Unix(), now.Unix()).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				continue // already invited
			}
			if err != nil {
				return fmt.Errorf("store: unable to create invitation: %w", err)
			}
			name := n.FirstName
			if n.LastName != "" {
				name += " " + n.LastName
			}
			if _, err := out.ExecContext(ctx, iv.WorkspaceID, id, n.Email, name, now.Unix(), now.Unix()); err != nil {
				return fmt.Errorf("store: unable to queue invitation email: %w", err)
			}
			created++
		}
		return nil
	})
	return created, err
}

// Invitation is one candidate's invitation to one interview.
type Invitation struct {
	ID                int64      `json:"id"`
	WorkspaceID       int64      `json:"-"`
	InterviewID       int64      `json:"interview_id"`
	ConnectionID      *int64     `json:"connection_id"`
	ApplicationExtID  string     `json:"application_ext_id"`
	CandidateExtID    string     `json:"candidate_ext_id"`
	Email             string     `json:"email"`
	FirstName         string     `json:"first_name"`
	LastName          string     `json:"last_name"`
	SealedToken       []byte     `json:"-"`
	Status            string     `json:"status"`
	Version           int        `json:"version"` // the version of the questions the candidate answers
	Source            string     `json:"source"`
	ExpiresAt         time.Time  `json:"expires_at"`
	SentAt            *time.Time `json:"sent_at"`
	OpenedAt          *time.Time `json:"opened_at"`
	ConsentAt         *time.Time `json:"consent_at"`
	StartedAt         *time.Time `json:"started_at"`
	SubmittedAt       *time.Time `json:"submitted_at"`
	RemindedAt        *time.Time `json:"reminded_at"`
	AdjustmentRequest string     `json:"adjustment_request"`
	Failure           string     `json:"failure"`
	CreatedAt         time.Time  `json:"created_at"`
}

const invitationCols = `id, workspace_id, interview_id, connection_id, application_ext_id, candidate_ext_id, email, first_name, last_name,
	sealed_token, status, source, expires_at, sent_at, opened_at, consent_at, started_at, submitted_at, reminded_at, adjustment_request,
	failure, created_at, version`

func scanInvitation(row interface{ Scan(...any) error }) (*Invitation, error) {
	var v Invitation
	var conn, sent, opened, consent, started, submitted, reminded sql.NullInt64
	var expires, created int64
	if err := row.Scan(&v.ID, &v.WorkspaceID, &v.InterviewID, &conn, &v.ApplicationExtID, &v.CandidateExtID, &v.Email, &v.FirstName,
		&v.LastName, &v.SealedToken, &v.Status, &v.Source, &expires, &sent, &opened, &consent, &started, &submitted, &reminded,
		&v.AdjustmentRequest, &v.Failure, &created, &v.Version); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("store: unable to read invitation: %w", err)
	}
	if conn.Valid {
		v.ConnectionID = &conn.Int64
	}
	v.ExpiresAt, v.CreatedAt = fromUnix(expires), fromUnix(created)
	v.SentAt, v.OpenedAt, v.ConsentAt = fromNullUnix(sent), fromNullUnix(opened), fromNullUnix(consent)
	v.StartedAt, v.SubmittedAt, v.RemindedAt = fromNullUnix(started), fromNullUnix(submitted), fromNullUnix(reminded)
	return &v, nil
}

// Invitations lists an interview's invitations, newest first.
func (s *Store) Invitations(ctx context.Context, workspaceID, interviewID int64) ([]Invitation, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+invitationCols+` FROM invitations WHERE workspace_id = ? AND interview_id = ? ORDER BY id DESC`,
		workspaceID, interviewID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list invitations: %w", err)
	}
	defer rows.Close()
	out := []Invitation{}
	for rows.Next() {
		v, err := scanInvitation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// InvitationByID loads an invitation (no workspace scope: the outbox worker).
func (s *Store) InvitationByID(ctx context.Context, id int64) (*Invitation, error) {
	return scanInvitation(s.r.QueryRowContext(ctx, `SELECT `+invitationCols+` FROM invitations WHERE id = ?`, id))
}

// InvitationByTokenHash finds the invitation a candidate link points to.
func (s *Store) InvitationByTokenHash(ctx context.Context, hash []byte) (*Invitation, error) {
	return scanInvitation(s.r.QueryRowContext(ctx, `SELECT `+invitationCols+` FROM invitations WHERE token_hash = ?`, hash))
}

// ExpireInvitations closes links past their deadline.
func (s *Store) ExpireInvitations(ctx context.Context) (int64, error) {
	now := s.unix()
	res, err := s.w.ExecContext(ctx, `UPDATE invitations SET status = 'expired', updated_at = ?
		WHERE status IN ('queued', 'sent', 'opened', 'started') AND expires_at <= ?`, now, now)
	if err != nil {
		return 0, fmt.Errorf("store: unable to expire invitations: %w", err)
	}
	return res.RowsAffected()
}
