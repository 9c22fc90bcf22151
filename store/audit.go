package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// AuditEntry is one line of the append-only audit log: who did what to
// which subject, and how it ended. Decisions, overrides and every ATS
// write are recorded; the table is never updated or pruned by hireloop.
type AuditEntry struct {
	ID          int64     `json:"id"`
	WorkspaceID int64     `json:"-"`
	UserID      *int64    `json:"user_id"`
	Actor       string    `json:"actor"`
	Action      string    `json:"action"`
	Subject     string    `json:"subject"`
	Detail      string    `json:"detail"`
	Outcome     string    `json:"outcome"`
	CreatedAt   time.Time `json:"created_at"`
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func insertAudit(ctx context.Context, db execer, now int64, e AuditEntry) error {
	if e.Actor == "" {
		e.Actor = "hireloop"
	}
	_, err := db.ExecContext(ctx, `INSERT INTO audit_log (workspace_id, user_id, actor, action, subject, detail, outcome, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.WorkspaceID, e.UserID, e.Actor, e.Action, e.Subject, e.Detail, e.Outcome, now)
	if err != nil {
		return fmt.Errorf("store: unable to write audit log: %w", err)
	}
	return nil
}

// Audit appends an entry.
func (s *Store) Audit(ctx context.Context, e AuditEntry) error {
	return insertAudit(ctx, s.w, s.unix(), e)
}

// AuditLog lists a workspace's entries, newest first, before id (0 = latest).
func (s *Store) AuditLog(ctx context.Context, workspaceID, before int64, limit int) ([]AuditEntry, error) {
	q := `SELECT id, user_id, actor, action, subject, detail, outcome, created_at FROM audit_log WHERE workspace_id = ?`
	args := []any{workspaceID}
	if before > 0 {
		q += ` AND id < ?`
		args = append(args, before)
	}
	q += ` ORDER BY id DESC`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read audit log: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		var uid sql.NullInt64
		var created int64
		if err := rows.Scan(&e.ID, &uid, &e.Actor, &e.Action, &e.Subject, &e.Detail, &e.Outcome, &created); err != nil {
			return nil, err
		}
		if uid.Valid {
			e.UserID = &uid.Int64
		}
		e.CreatedAt = fromUnix(created)
		out = append(out, e)
	}
	return out, rows.Err()
}
