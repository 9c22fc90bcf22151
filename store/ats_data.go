package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Sync writes: every page from a connector is upserted in one transaction
// with one prepared statement, so ingest runs at batch speed and a failure
// midway leaves every earlier page committed and nothing half-written.

// SyncScope says where upserted rows belong and how they were seen.
type SyncScope struct {
	WorkspaceID  int64
	ConnectionID int64
	// RunID is set by full syncs: rows get seen_run = RunID, and rows a
	// successful full sync did not see are then marked deleted. Zero leaves
	// seen_run as it was (incremental and targeted syncs see only changes).
	RunID int64
	// Source ends up in stage-change events: "initial", "sync" or "webhook".
	Source string
}

func (sc SyncScope) seenRun() any {
	if sc.RunID == 0 {
		return nil
	}
	return sc.RunID
}

func unixOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

func deletedAt(deleted bool, at time.Time, now int64) any {
	if !deleted {
		return nil
	}
	if at.IsZero() {
		return now
	}
	return at.Unix()
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return "[]"
	}
	return string(b)
}

func rawText(r json.RawMessage) string { return string(r) }

// batch runs fn for each item inside one transaction with stmt prepared.
func batch[T any](ctx context.Context, s *Store, query string, items []T, fn func(*sql.Stmt, T) error) error {
	if len(items) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, query)
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, it := range items {
			if err := fn(stmt, it); err != nil {
				return err
			}
		}
		return nil
	})
}

const upsertJob = `INSERT INTO ats_jobs (workspace_id, connection_id, ext_id, title, status, department, location,
	description_html, description_text, questions, remote_created_at, remote_updated_at, deleted_at, seen_run, synced_at, raw)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (connection_id, ext_id) DO UPDATE SET title = excluded.title, status = excluded.status,
	department = excluded.department, location = excluded.location, description_html = excluded.description_html,
	description_text = excluded.description_text, questions = excluded.questions,
	remote_created_at = excluded.remote_created_at, remote_updated_at = excluded.remote_updated_at,
	deleted_at = excluded.deleted_at, seen_run = COALESCE(excluded.seen_run, seen_run),
	synced_at = excluded.synced_at, raw = excluded.raw`

const upsertStage = `INSERT INTO ats_stages (workspace_id, connection_id, job_ext_id, ext_id, name, position, kind, active, deleted_at, seen_run, synced_at, raw)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?)
	ON CONFLICT (connection_id, job_ext_id, ext_id) DO UPDATE SET name = excluded.name, position = excluded.position,
	kind = excluded.kind, active = excluded.active, deleted_at = NULL, seen_run = COALESCE(excluded.seen_run, seen_run),
	synced_at = excluded.synced_at, raw = excluded.raw`

// UpsertJobs stores a page of jobs and the stages they carry.
func (s *Store) UpsertJobs(ctx context.Context, sc SyncScope, jobs []ats.Job) error {
	now := s.unix()
	return s.tx(ctx, func(tx *sql.Tx) error {
		js, err := tx.PrepareContext(ctx, upsertJob)
		if err != nil {
			return err
		}
		defer js.Close()
		ss, err := tx.PrepareContext(ctx, upsertStage)
		if err != nil {
			return err
		}
		defer ss.Close()
		for _, j := range jobs {
			if _, err := js.ExecContext(ctx, sc.WorkspaceID, sc.ConnectionID, j.ID, j.Title, string(j.Status), j.Department, j.Location,
				j.DescriptionHTML, j.DescriptionText, jsonText(j.ScreeningQuestions), unixOrNil(j.CreatedAt), unixOrNil(j.UpdatedAt),
				deletedAt(j.Deleted, j.DeletedAt, now), sc.seenRun(), now, rawText(j.Raw)); err != nil {
				return fmt.Errorf("store: unable to upsert job %s: %w", j.ID, err)
			}
			for _, st := range j.Stages {
				jobID := st.JobID
				if jobID == "" {
					jobID = j.ID
				}
				if err := execStage(ctx, ss, sc, now, jobID, st); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func execStage(ctx context.Context, stmt *sql.Stmt, sc SyncScope, now int64, jobID string, st ats.Stage) error {
	if _, err := stmt.ExecContext(ctx, sc.WorkspaceID, sc.ConnectionID, jobID, st.ID, st.Name, st.Order, string(st.Kind), st.Active,
		sc.seenRun(), now, rawText(st.Raw)); err != nil {
		return fmt.Errorf("store: unable to upsert stage %s: %w", st.ID, err)
	}
	return nil
}

// UpsertStages stores stages listed on their own (account-wide, fixed, or
// per job when the vendor lists them separately).
func (s *Store) UpsertStages(ctx context.Context, sc SyncScope, stages []ats.Stage) error {
	now := s.unix()
	return batch(ctx, s, upsertStage, stages, func(stmt *sql.Stmt, st ats.Stage) error {
		return execStage(ctx, stmt, sc, now, st.JobID, st)
	})
}

const upsertCandidate = `INSERT INTO ats_candidates (workspace_id, connection_id, ext_id, first_name, last_name, email, emails, phones, tags,
	remote_created_at, remote_updated_at, deleted_at, seen_run, synced_at, raw)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (connection_id, ext_id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name,
	email = excluded.email, emails = excluded.emails, phones = excluded.phones, tags = excluded.tags,
	remote_created_at = excluded.remote_created_at, remote_updated_at = excluded.remote_updated_at,
	deleted_at = excluded.deleted_at, seen_run = COALESCE(excluded.seen_run, seen_run),
	synced_at = excluded.synced_at, raw = excluded.raw`

// UpsertCandidates stores a page of candidates.
func (s *Store) UpsertCandidates(ctx context.Context, sc SyncScope, cs []ats.Candidate) error {
	now := s.unix()
	return batch(ctx, s, upsertCandidate, cs, func(stmt *sql.Stmt, c ats.Candidate) error {
		email := ""
		if len(c.Emails) > 0 {
			email = c.Emails[0]
		}
		tags := make([]string, 0, len(c.Tags))
		for _, t := range c.Tags {
			tags = append(tags, t.Name)
		}
		if _, err := stmt.ExecContext(ctx, sc.WorkspaceID, sc.ConnectionID, c.ID, c.FirstName, c.LastName, email,
			jsonText(c.Emails), jsonText(c.Phones), jsonText(tags), unixOrNil(c.CreatedAt), unixOrNil(c.UpdatedAt),
			deletedAt(c.Deleted, c.DeletedAt, now), sc.seenRun(), now, rawText(c.Raw)); err != nil {
			return fmt.Errorf("store: unable to upsert candidate %s: %w", c.ID, err)
		}
		return nil
	})
}

// UpsertApplicationSQL is exported for the ingest benchmark, which
// compares our ingest path with this statement driven directly.
const UpsertApplicationSQL = upsertApplication

const upsertApplication = `INSERT INTO ats_applications (workspace_id, connection_id, ext_id, candidate_ext_id, job_ext_id, stage_ext_id,
	stage_name, status, rejection_reason_ext_id, rejection_reason_name, answers, applied_at, remote_updated_at, deleted_at,
	seen_run, last_source, synced_at, raw)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (connection_id, ext_id) DO UPDATE SET candidate_ext_id = excluded.candidate_ext_id,
	job_ext_id = excluded.job_ext_id, stage_ext_id = excluded.stage_ext_id, stage_name = excluded.stage_name,
	status = excluded.status, rejection_reason_ext_id = excluded.rejection_reason_ext_id,
	rejection_reason_name = excluded.rejection_reason_name, answers = excluded.answers, applied_at = excluded.applied_at,
	remote_updated_at = excluded.remote_updated_at, deleted_at = excluded.deleted_at,
	seen_run = COALESCE(excluded.seen_run, seen_run), last_source = excluded.last_source,
	synced_at = excluded.synced_at, raw = excluded.raw`

// UpsertApplications stores a page of applications. A changed stage leaves
// an ats_stage_events row (written by trigger, in the same transaction).
func (s *Store) UpsertApplications(ctx context.Context, sc SyncScope, apps []ats.Application) error {
	now := s.unix()
	src := sc.Source
	if src == "" {
		src = "sync"
	}
	return batch(ctx, s, upsertApplication, apps, func(stmt *sql.Stmt, a ats.Application) error {
		status := string(a.Status)
		if status == "" {
			status = string(ats.ApplicationActive)
		}
		if _, err := stmt.ExecContext(ctx, sc.WorkspaceID, sc.ConnectionID, a.ID, a.CandidateID, a.JobID, a.StageID, a.StageName,
			status, a.RejectionReasonID, a.RejectionReasonName, jsonText(a.Answers), unixOrNil(a.AppliedAt), unixOrNil(a.UpdatedAt),
			deletedAt(a.Deleted, a.DeletedAt, now), sc.seenRun(), src, now, rawText(a.Raw)); err != nil {
			return fmt.Errorf("store: unable to upsert application %s: %w", a.ID, err)
		}
		return nil
	})
}

// UpsertTags stores a page of tags.
func (s *Store) UpsertTags(ctx context.Context, sc SyncScope, tags []ats.Tag) error {
	rows := make([]named, len(tags))
	for i, t := range tags {
		rows[i] = named{t.ID, t.Name, t.Raw}
	}
	return s.upsertNamed(ctx, sc, "ats_tags", rows)
}

// UpsertRejectionReasons stores a page of rejection reasons.
func (s *Store) UpsertRejectionReasons(ctx context.Context, sc SyncScope, rs []ats.RejectionReason) error {
	rows := make([]named, len(rs))
	for i, r := range rs {
		rows[i] = named{r.ID, r.Name, r.Raw}
	}
	return s.upsertNamed(ctx, sc, "ats_rejection_reasons", rows)
}

// named is a row of the id+name tables.
type named struct {
	id, name string
	raw      json.RawMessage
}

func (s *Store) upsertNamed(ctx context.Context, sc SyncScope, table string, items []named) error {
	now := s.unix()
	q := `INSERT INTO ` + table + ` (workspace_id, connection_id, ext_id, name, deleted_at, seen_run, synced_at, raw)
		VALUES (?, ?, ?, ?, NULL, ?, ?, ?)
		ON CONFLICT (connection_id, ext_id) DO UPDATE SET name = excluded.name, deleted_at = NULL,
		seen_run = COALESCE(excluded.seen_run, seen_run), synced_at = excluded.synced_at, raw = excluded.raw`
	return batch(ctx, s, q, items, func(stmt *sql.Stmt, n named) error {
		id := n.id
		if id == "" { // vendors that only report names (Kombo tags)
			id = "name:" + strings.ToLower(n.name)
		}
		if _, err := stmt.ExecContext(ctx, sc.WorkspaceID, sc.ConnectionID, id, n.name, sc.seenRun(), now, rawText(n.raw)); err != nil {
			return fmt.Errorf("store: unable to upsert %s %s: %w", table, id, err)
		}
		return nil
	})
}

const upsertUser = `INSERT INTO ats_users (workspace_id, connection_id, ext_id, name, email, deleted_at, seen_run, synced_at, raw)
	VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)
	ON CONFLICT (connection_id, ext_id) DO UPDATE SET name = excluded.name, email = excluded.email, deleted_at = NULL,
	seen_run = COALESCE(excluded.seen_run, seen_run), synced_at = excluded.synced_at, raw = excluded.raw`

// UpsertUsers stores a page of ATS users.
func (s *Store) UpsertUsers(ctx context.Context, sc SyncScope, us []ats.User) error {
	now := s.unix()
	return batch(ctx, s, upsertUser, us, func(stmt *sql.Stmt, u ats.User) error {
		if _, err := stmt.ExecContext(ctx, sc.WorkspaceID, sc.ConnectionID, u.ID, u.Name, u.Email, sc.seenRun(), now, rawText(u.Raw)); err != nil {
			return fmt.Errorf("store: unable to upsert user %s: %w", u.ID, err)
		}
		return nil
	})
}

// syncTables maps models to their tables.
var syncTables = map[ats.Model]string{
	ats.ModelJobs:             "ats_jobs",
	ats.ModelStages:           "ats_stages",
	ats.ModelCandidates:       "ats_candidates",
	ats.ModelApplications:     "ats_applications",
	ats.ModelTags:             "ats_tags",
	ats.ModelRejectionReasons: "ats_rejection_reasons",
	ats.ModelUsers:            "ats_users",
}

// MarkUnseenDeleted marks rows of model that the successful full sync
// runID did not see as deleted, and returns how many it marked. Only call
// it after the model's full read completed without error.
func (s *Store) MarkUnseenDeleted(ctx context.Context, sc SyncScope, model ats.Model) (int64, error) {
	table, ok := syncTables[model]
	if !ok || sc.RunID == 0 {
		return 0, fmt.Errorf("store: MarkUnseenDeleted: bad model %q or run", model)
	}
	res, err := s.w.ExecContext(ctx, `UPDATE `+table+` SET deleted_at = ? WHERE connection_id = ? AND deleted_at IS NULL
		AND (seen_run IS NULL OR seen_run != ?)`, s.unix(), sc.ConnectionID, sc.RunID)
	if err != nil {
		return 0, fmt.Errorf("store: unable to mark deleted %s: %w", table, err)
	}
	return res.RowsAffected()
}

// Watermarks returns the incremental-sync watermark per model.
func (s *Store) Watermarks(ctx context.Context, connectionID int64) (map[ats.Model]time.Time, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT model, watermark FROM ats_sync_state WHERE connection_id = ?`, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read watermarks: %w", err)
	}
	defer rows.Close()
	out := map[ats.Model]time.Time{}
	for rows.Next() {
		var m string
		var w int64
		if err := rows.Scan(&m, &w); err != nil {
			return nil, err
		}
		out[ats.Model(m)] = time.UnixMilli(w).UTC()
	}
	return out, rows.Err()
}

// SetWatermark records that model is complete up to t.
func (s *Store) SetWatermark(ctx context.Context, connectionID int64, model ats.Model, t time.Time) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO ats_sync_state (connection_id, model, watermark) VALUES (?, ?, ?)
		ON CONFLICT (connection_id, model) DO UPDATE SET watermark = excluded.watermark`, connectionID, string(model), t.UnixMilli())
	return err
}

// HasSynced tells whether a connection ever completed a sync; the first
// full sync records positions, not stage changes.
func (s *Store) HasSynced(ctx context.Context, connectionID int64) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM ats_sync_runs WHERE connection_id = ? AND status = 'succeeded'`, connectionID).Scan(&n)
	return n > 0, err
}
