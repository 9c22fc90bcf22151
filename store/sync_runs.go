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
// before it is taken for dead (its process crashed or was killed).
const StaleSyncAfter = 5 * time.Minute

// StartSyncRun records a new running sync, or returns ErrSyncRunning when
// one is already running for the connection, in this process or another
// (the CLI). A run whose heartbeat stopped is closed as interrupted first.
func (s *Store) StartSyncRun(ctx context.Context, workspaceID, connectionID int64, mode, trigger string) (*SyncRun, error) {
	var run *SyncRun
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		if _, err := tx.ExecContext(ctx, `UPDATE ats_sync_runs SET status = 'failed', finished_at = ?,
			error = 'interrupted: the process running it stopped' WHERE connection_id = ? AND status = 'running' AND heartbeat_at < ?`,
			now, connectionID, now-int64(StaleSyncAfter/time.Second)); err != nil {
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
	return run, err
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
