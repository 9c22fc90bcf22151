package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// ATSWrite is one write to an ATS waiting in (or done by) the outbox.
type ATSWrite struct {
	ID             int64      `json:"id"`
	WorkspaceID    int64      `json:"-"`
	ConnectionID   int64      `json:"connection_id"`
	ResultID       *int64     `json:"result_id"`
	Action         string     `json:"action"`
	IdempotencyKey string     `json:"idempotency_key"`
	Payload        string     `json:"-"`
	Status         string     `json:"status"`
	Attempts       int        `json:"attempts"`
	LastError      string     `json:"last_error"`
	RemoteID       string     `json:"remote_id"`
	NextAttemptAt  time.Time  `json:"next_attempt_at"`
	CreatedAt      time.Time  `json:"created_at"`
	DoneAt         *time.Time `json:"done_at"`
}

const atsWriteCols = `id, workspace_id, connection_id, result_id, action, idempotency_key, payload, status, attempts, last_error, remote_id,
	next_attempt_at, created_at, done_at`

func scanATSWrite(row interface{ Scan(...any) error }) (*ATSWrite, error) {
	var w ATSWrite
	var res, done sql.NullInt64
	var next, created int64
	if err := row.Scan(&w.ID, &w.WorkspaceID, &w.ConnectionID, &res, &w.Action, &w.IdempotencyKey, &w.Payload, &w.Status, &w.Attempts,
		&w.LastError, &w.RemoteID, &next, &created, &done); err != nil {
		if err == sql.ErrNoRows {
			return nil, ErrNotFound
		}
		return nil, err
	}
	if res.Valid {
		w.ResultID = &res.Int64
	}
	w.NextAttemptAt, w.CreatedAt, w.DoneAt = fromUnix(next), fromUnix(created), fromNullUnix(done)
	return &w, nil
}

// NewATSWrite is a write to queue.
type NewATSWrite struct {
	ConnectionID   int64
	ResultID       int64
	Action         string
	IdempotencyKey string
	Payload        string
}

// QueueATSWrites queues writes, skipping any whose idempotency key exists:
// queueing the same write twice (a retried follow-up, a double click)
// still writes once. markFollowup, when set, marks the result's follow-up
// as queued in the same transaction. It returns how many were new.
func (s *Store) QueueATSWrites(ctx context.Context, workspaceID int64, ws []NewATSWrite, markFollowup int64, audit []AuditEntry) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		for _, w := range ws {
			var rid any
			if w.ResultID != 0 {
				rid = w.ResultID
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO ats_writes (workspace_id, connection_id, result_id, action, idempotency_key, payload,
				next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING`,
				workspaceID, w.ConnectionID, rid, w.Action, w.IdempotencyKey, w.Payload, now, now)
			if err != nil {
				return fmt.Errorf("store: unable to queue ATS write: %w", err)
			}
			k, _ := res.RowsAffected()
			n += int(k)
		}
		if markFollowup != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE results SET followup_at = ? WHERE id = ?`, now, markFollowup); err != nil {
				return err
			}
		}
		for _, a := range audit {
			if err := insertAudit(ctx, tx, now, a); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// ClaimATSWrites takes due writes. A claimed write is 'running'; if the
// process dies during the request, the row stays 'running' and
// ReleaseATSWrites turns it into 'unknown' at the next start, so the
// worker checks the ATS before writing again.
func (s *Store) ClaimATSWrites(ctx context.Context, limit int) ([]ATSWrite, error) {
	var out []ATSWrite
	err := s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+atsWriteCols+` FROM ats_writes WHERE status IN ('queued', 'unknown') AND next_attempt_at <= ?
			ORDER BY id LIMIT ?`, s.unix(), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			w, err := scanATSWrite(rows)
			if err != nil {
				rows.Close()
				return err
			}
			out = append(out, *w)
		}
		rows.Close()
		for i := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE ats_writes SET status = 'running', attempts = attempts + 1 WHERE id = ?`, out[i].ID); err != nil {
				return err
			}
			out[i].Attempts++
		}
		return rows.Err()
	})
	return out, err
}

// FinishATSWrite records a write's outcome with its audit entry.
// status: done, failed (permanent; a person retries), queued (transient;
// retried at next), unknown (sent, outcome not seen), skipped.
func (s *Store) FinishATSWrite(ctx context.Context, id int64, status, lastError, remoteID string, next time.Time, audit *AuditEntry) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		var done any
		if status == "done" || status == "skipped" {
			done = now
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ats_writes SET status = ?, last_error = ?, remote_id = CASE WHEN ? != '' THEN ? ELSE remote_id END,
			next_attempt_at = ?, done_at = ? WHERE id = ?`, status, lastError, remoteID, remoteID, next.Unix(), done, id); err != nil {
			return err
		}
		if audit != nil {
			return insertAudit(ctx, tx, now, *audit)
		}
		return nil
	})
}

// ReleaseATSWrites runs at start-up: writes left 'running' by a process
// that died may or may not have reached the ATS, so they become 'unknown'.
func (s *Store) ReleaseATSWrites(ctx context.Context) (int64, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE ats_writes SET status = 'unknown', next_attempt_at = ? WHERE status = 'running'`, s.unix())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// RetryATSWrite lets a person retry a failed write.
func (s *Store) RetryATSWrite(ctx context.Context, workspaceID, id int64) error {
	res, err := s.w.ExecContext(ctx, `UPDATE ats_writes SET status = 'queued', next_attempt_at = ?, last_error = '' WHERE id = ? AND workspace_id = ?
		AND status = 'failed'`, s.unix(), id, workspaceID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ATSWritesForResult lists a result's writes.
func (s *Store) ATSWritesForResult(ctx context.Context, workspaceID, resultID int64) ([]ATSWrite, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+atsWriteCols+` FROM ats_writes WHERE workspace_id = ? AND result_id = ? ORDER BY id`, workspaceID, resultID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ATSWrite{}
	for rows.Next() {
		w, err := scanATSWrite(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *w)
	}
	return out, rows.Err()
}

// ATSWriteByID loads one write of a workspace.
func (s *Store) ATSWriteByID(ctx context.Context, workspaceID, id int64) (*ATSWrite, error) {
	return scanATSWrite(s.r.QueryRowContext(ctx, `SELECT `+atsWriteCols+` FROM ats_writes WHERE id = ? AND workspace_id = ?`, id, workspaceID))
}

// WriteOptions are a workspace's ATS write-back choices.
type WriteOptions struct {
	ResultLink bool `json:"result_link"`
	Note       bool `json:"note"`
	Attachment bool `json:"attachment"`
}

// WorkspaceWriteOptions loads the write-back choices.
func (s *Store) WorkspaceWriteOptions(ctx context.Context, workspaceID int64) (WriteOptions, error) {
	var o WriteOptions
	err := s.r.QueryRowContext(ctx, `SELECT write_result_link, write_note, write_attachment FROM workspaces WHERE id = ?`, workspaceID).
		Scan(&o.ResultLink, &o.Note, &o.Attachment)
	return o, err
}

// SaveWorkspaceWriteOptions stores the write-back choices.
func (s *Store) SaveWorkspaceWriteOptions(ctx context.Context, workspaceID int64, o WriteOptions) error {
	_, err := s.w.ExecContext(ctx, `UPDATE workspaces SET write_result_link = ?, write_note = ?, write_attachment = ?, updated_at = ? WHERE id = ?`,
		o.ResultLink, o.Note, o.Attachment, s.unix(), workspaceID)
	return err
}
