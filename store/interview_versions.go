package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Versions of an interview's questionnaire. Publishing freezes version 1;
// a change of the questions of a published interview is saved as a new
// version (SaveNewVersion) that invitations created from then on get,
// while everyone invited before keeps answering theirs, and is scored and
// reported on it. The rows of a frozen version are never deleted by an
// edit (a trigger of migration 0009 enforces it), so answers cannot be
// lost; they only take a wording fix while nobody has answered.

// Version errors: see SaveInterview.
var (
	ErrVersionAnswered = errors.New("store: candidates already answered this version")
	ErrVersionFrozen   = errors.New("store: a published version keeps its questions")
	ErrVersionChanged  = errors.New("store: another version was saved meanwhile")
)

// startVersion makes iv.Version+1 the current version, provided iv.Version
// still is, and records it as frozen. The questions are then saved as new
// rows of it: their ids are cleared, so no row of an older version can be
// updated or deleted.
func startVersion(ctx context.Context, tx *sql.Tx, iv *Interview, now int64, userID *int64, summary string) error {
	res, err := tx.ExecContext(ctx, `UPDATE interviews SET version = version + 1 WHERE id = ? AND version = ?`, iv.ID, iv.Version)
	if err != nil {
		return fmt.Errorf("store: unable to start a version: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrVersionChanged
	}
	iv.Version++
	if _, err := tx.ExecContext(ctx, `INSERT INTO interview_versions (interview_id, version, created_at, created_by, summary) VALUES (?, ?, ?, ?, ?)`,
		iv.ID, iv.Version, now, nullID(userID), summary); err != nil {
		return fmt.Errorf("store: unable to record the version: %w", err)
	}
	for i := range iv.Questions {
		iv.Questions[i].ID = 0
	}
	return nil
}

// checkWritable refuses to write the questions of a version that is no
// longer the current one, or of a published one other than as a wording
// fix of the same rows before anyone answered (see SaveInterview).
func checkWritable(ctx context.Context, tx *sql.Tx, iv *Interview) error {
	var current int
	var frozen bool
	if err := tx.QueryRowContext(ctx, `SELECT version, EXISTS (SELECT 1 FROM interview_versions v WHERE v.interview_id = i.id AND v.version = i.version)
		FROM interviews i WHERE i.id = ?`, iv.ID).Scan(&current, &frozen); err != nil {
		return fmt.Errorf("store: unable to read the interview's version: %w", err)
	}
	if current != iv.Version {
		return ErrVersionChanged
	}
	if !frozen {
		return nil
	}
	answered, err := versionAnswered(ctx, tx, iv.ID, iv.Version)
	if err != nil {
		return err
	}
	if answered {
		return ErrVersionAnswered
	}
	var ids string
	if err := tx.QueryRowContext(ctx, `SELECT json_group_array(id) FROM (SELECT id FROM interview_questions WHERE interview_id = ? AND version = ? ORDER BY id)`,
		iv.ID, iv.Version).Scan(&ids); err != nil {
		return fmt.Errorf("store: unable to read the version's questions: %w", err)
	}
	var have []int64
	_ = json.Unmarshal([]byte(ids), &have)
	want := map[int64]bool{}
	for _, q := range iv.Questions {
		want[q.ID] = true
	}
	if len(have) != len(iv.Questions) || len(want) != len(have) {
		return ErrVersionFrozen
	}
	for _, id := range have {
		if !want[id] {
			return ErrVersionFrozen
		}
	}
	return nil
}

// rowQueryer is a transaction or a connection pool.
type rowQueryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// versionAnswered tells whether a candidate of the version has started
// (seen its questions), saved an answer or submitted.
func versionAnswered(ctx context.Context, q rowQueryer, interviewID int64, version int) (bool, error) {
	var answered bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM invitations i WHERE i.interview_id = ? AND i.version = ?
		AND (i.started_at IS NOT NULL OR i.submitted_at IS NOT NULL OR EXISTS (SELECT 1 FROM answers a WHERE a.invitation_id = i.id)))`,
		interviewID, version).Scan(&answered)
	if err != nil {
		return false, fmt.Errorf("store: unable to check the version's answers: %w", err)
	}
	return answered, nil
}

// VersionAnswered tells whether a candidate invited to the version has
// started it, answered a question or submitted: from then on the version
// takes no wording fix.
func (s *Store) VersionAnswered(ctx context.Context, interviewID int64, version int) (bool, error) {
	return versionAnswered(ctx, s.r, interviewID, version)
}

// InterviewVersion is one frozen version of an interview's questions, with
// how many candidates were invited to it and how far they got.
type InterviewVersion struct {
	Version        int       `json:"version"`
	CreatedAt      time.Time `json:"created_at"`
	CreatedBy      *int64    `json:"created_by"`
	CreatedByEmail string    `json:"created_by_email"`
	Summary        string    `json:"summary"`
	Invitations    int64     `json:"invitations"`
	// Answered counts candidates who started, answered or submitted: while
	// it is 0 the version can take a wording fix.
	Answered  int64 `json:"answered"`
	Submitted int64 `json:"submitted"`
}

// InterviewVersions lists an interview's frozen versions, newest first (a
// draft has none yet).
func (s *Store) InterviewVersions(ctx context.Context, interviewID int64) ([]InterviewVersion, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT v.version, v.created_at, v.created_by, coalesce(u.email, ''), v.summary,
		(SELECT count(*) FROM invitations i WHERE i.interview_id = v.interview_id AND i.version = v.version),
		(SELECT count(*) FROM invitations i WHERE i.interview_id = v.interview_id AND i.version = v.version
			AND (i.started_at IS NOT NULL OR i.submitted_at IS NOT NULL OR EXISTS (SELECT 1 FROM answers a WHERE a.invitation_id = i.id))),
		(SELECT count(*) FROM invitations i WHERE i.interview_id = v.interview_id AND i.version = v.version AND i.submitted_at IS NOT NULL)
		FROM interview_versions v LEFT JOIN users u ON u.id = v.created_by WHERE v.interview_id = ? ORDER BY v.version DESC`, interviewID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list versions: %w", err)
	}
	defer rows.Close()
	out := []InterviewVersion{}
	for rows.Next() {
		var v InterviewVersion
		var created int64
		var by sql.NullInt64
		if err := rows.Scan(&v.Version, &created, &by, &v.CreatedByEmail, &v.Summary, &v.Invitations, &v.Answered, &v.Submitted); err != nil {
			return nil, err
		}
		v.CreatedAt = fromUnix(created)
		if by.Valid {
			v.CreatedBy = &by.Int64
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
