package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrSyncRunning means another sync of the connection is in progress.
var ErrSyncRunning = errors.New("store: a sync of this connection is already running")

// SyncRun is one synchronization of a connection, kept as history and
// read live (heartbeat, phase, counts) for the progress bar.
type SyncRun struct {
	ID           int64            `json:"id"`
	WorkspaceID  int64            `json:"-"`
	ConnectionID int64            `json:"connection_id"`
	Mode         string           `json:"mode"`    // full, incremental, targeted
	Trigger      string           `json:"trigger"` // schedule, manual, cli, webhook, create
	Status       string           `json:"status"`  // running, succeeded, failed
	Phase        string           `json:"phase"`   // model being read
	Counts       map[string]int64 `json:"counts"`
	Requests     int64            `json:"requests"`
	Retries      int64            `json:"retries"`
	Error        string           `json:"error"`
	StartedAt    time.Time        `json:"started_at"`
	HeartbeatAt  time.Time        `json:"heartbeat_at"`
	FinishedAt   *time.Time       `json:"finished_at"`
}

// Duration is how long the run took (so far).
func (r *SyncRun) Duration(now time.Time) time.Duration {
	end := now
	if r.FinishedAt != nil {
		end = *r.FinishedAt
	}
	return end.Sub(r.StartedAt)
}

const syncRunCols = `id, workspace_id, connection_id, mode, trigger, status, phase, counts, requests, retries, error, started_at, heartbeat_at, finished_at`

func scanSyncRun(row interface{ Scan(...any) error }) (*SyncRun, error) {
	var r SyncRun
	var counts string
	var started, hb int64
	var finished sql.NullInt64
	if err := row.Scan(&r.ID, &r.WorkspaceID, &r.ConnectionID, &r.Mode, &r.Trigger, &r.Status, &r.Phase, &counts,
		&r.Requests, &r.Retries, &r.Error, &started, &hb, &finished); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("store: unable to read sync run: %w", err)
	}
	r.Counts = map[string]int64{}
	_ = json.Unmarshal([]byte(counts), &r.Counts)
	r.StartedAt, r.HeartbeatAt, r.FinishedAt = fromUnix(started), fromUnix(hb), fromNullUnix(finished)
	return &r, nil
}

// StaleSyncAfter is how long a running sync may go without a heartbeat
// before it is taken for dead, where its process cannot be asked (builds
// without flock; see syncLease).
const StaleSyncAfter = 5 * time.Minute

// Errors recorded on runs whose process stopped before finishing them.
const (
	errInterrupted        = "interrupted: the process running it stopped"
	errInterruptedRestart = "interrupted by a restart: the process running it stopped"
)

// StartSyncRun records a new running sync, or returns ErrSyncRunning when
// one is already running for the connection, in this process or another
// (the CLI). It first takes the connection's sync lease, which a live
// process holds for as long as its run lasts: when the lease is free, a
// run still marked running lost its process (killed, crashed) and is
// closed as interrupted at once rather than blocking syncs until its
// heartbeat goes stale.
func (s *Store) StartSyncRun(ctx context.Context, workspaceID, connectionID int64, mode, trigger string) (*SyncRun, error) {
	lease, ok, err := s.acquireSyncLease(connectionID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrSyncRunning
	}
	var run *SyncRun
	err = s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		orphaned, args := `connection_id = ? AND status = 'running'`, []any{connectionID}
		if !leasesHeld {
			orphaned, args = orphaned+` AND heartbeat_at < ?`, append(args, now-int64(StaleSyncAfter/time.Second))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE ats_sync_runs SET status = 'failed', finished_at = ?, error = ? WHERE `+orphaned,
			append([]any{now, errInterrupted}, args...)...); err != nil {
			return err
		}
		r, err := scanSyncRun(tx.QueryRowContext(ctx, `INSERT INTO ats_sync_runs (workspace_id, connection_id, mode, trigger, status, started_at, heartbeat_at)
			VALUES (?, ?, ?, ?, 'running', ?, ?) RETURNING `+syncRunCols, workspaceID, connectionID, mode, trigger, now, now))
		if err != nil {
			if isUnique(err) {
				return ErrSyncRunning
			}
			return err
		}
		run = r
		return nil
	})
	if err != nil {
		lease.release()
		return nil, err
	}
	s.leases.Store(run.ID, lease)
	return run, nil
}

// CloseInterruptedSyncRuns marks failed the runs left "running" by a
// process that is gone, and returns how many. The server calls it as it
// starts, so the console stops showing a sync that died with the previous
// process; runs whose process is alive (a CLI sync) are left alone.
func (s *Store) CloseInterruptedSyncRuns(ctx context.Context) (int64, error) {
	if !leasesHeld {
		return 0, nil
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, connection_id FROM ats_sync_runs WHERE status = 'running'`)
	if err != nil {
		return 0, fmt.Errorf("store: unable to list running syncs: %w", err)
	}
	type running struct{ id, conn int64 }
	var rs []running
	for rows.Next() {
		var r running
		if err := rows.Scan(&r.id, &r.conn); err != nil {
			rows.Close()
			return 0, err
		}
		rs = append(rs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var closed int64
	for _, r := range rs {
		lease, ok, err := s.acquireSyncLease(r.conn)
		if err != nil {
			return closed, err
		}
		if !ok {
			continue // its process is alive
		}
		now := s.unix()
		res, err := s.w.ExecContext(ctx, `UPDATE ats_sync_runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status = 'running'`,
			now, errInterruptedRestart, r.id)
		lease.release()
		if err != nil {
			return closed, fmt.Errorf("store: unable to close an interrupted sync: %w", err)
		}
		n, _ := res.RowsAffected()
		closed += n
	}
	return closed, nil
}

// UpdateSyncRun saves progress and beats the heart.
func (s *Store) UpdateSyncRun(ctx context.Context, r *SyncRun) error {
	counts, _ := json.Marshal(r.Counts)
	_, err := s.w.ExecContext(ctx, `UPDATE ats_sync_runs SET phase = ?, counts = ?, requests = ?, retries = ?, heartbeat_at = ? WHERE id = ?`,
		r.Phase, string(counts), r.Requests, r.Retries, s.unix(), r.ID)
	return err
}

// FinishSyncRun closes a run with its final status.
func (s *Store) FinishSyncRun(ctx context.Context, r *SyncRun) error {
	counts, _ := json.Marshal(r.Counts)
	now := s.unix()
	_, err := s.w.ExecContext(ctx, `UPDATE ats_sync_runs SET status = ?, phase = '', counts = ?, requests = ?, retries = ?, error = ?,
		heartbeat_at = ?, finished_at = ? WHERE id = ?`, r.Status, string(counts), r.Requests, r.Retries, r.Error, now, now, r.ID)
	// The lease goes only once the outcome is recorded (or could not be:
	// then the next run closes this one as interrupted).
	if l, ok := s.leases.LoadAndDelete(r.ID); ok {
		l.(*syncLease).release()
	}
	if err == nil {
		t := fromUnix(now)
		r.FinishedAt = &t
	}
	return err
}

// SyncRunByID loads one run of a workspace.
func (s *Store) SyncRunByID(ctx context.Context, workspaceID, id int64) (*SyncRun, error) {
	return scanSyncRun(s.r.QueryRowContext(ctx, `SELECT `+syncRunCols+` FROM ats_sync_runs WHERE id = ? AND workspace_id = ?`, id, workspaceID))
}

// SyncRuns lists a connection's runs, newest first.
func (s *Store) SyncRuns(ctx context.Context, workspaceID, connectionID int64, limit int) ([]SyncRun, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+syncRunCols+` FROM ats_sync_runs WHERE workspace_id = ? AND connection_id = ?
		ORDER BY id DESC LIMIT ?`, workspaceID, connectionID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list sync runs: %w", err)
	}
	defer rows.Close()
	out := []SyncRun{}
	for rows.Next() {
		r, err := scanSyncRun(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}
