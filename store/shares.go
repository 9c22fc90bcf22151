package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Share is an expiring read-only link to a result.
type Share struct {
	ID        int64      `json:"id"`
	ResultID  int64      `json:"result_id"`
	CreatedBy int64      `json:"created_by"`
	ExpiresAt time.Time  `json:"expires_at"`
	RevokedAt *time.Time `json:"revoked_at"`
	CreatedAt time.Time  `json:"created_at"`
}

// CreateShare stores a share link's hash with its audit entry.
func (s *Store) CreateShare(ctx context.Context, workspaceID, resultID, userID int64, hash []byte, expires time.Time, audit AuditEntry) (*Share, error) {
	var sh Share
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		if err := tx.QueryRowContext(ctx, `INSERT INTO result_shares (workspace_id, result_id, token_hash, created_by, expires_at, created_at)
			SELECT workspace_id, id, ?, ?, ?, ? FROM results WHERE id = ? AND workspace_id = ? RETURNING id`,
			hash, userID, expires.Unix(), now, resultID, workspaceID).Scan(&sh.ID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return ErrNotFound
			}
			return err
		}
		sh.ResultID, sh.CreatedBy, sh.ExpiresAt, sh.CreatedAt = resultID, userID, fromUnix(expires.Unix()), fromUnix(now)
		return insertAudit(ctx, tx, now, audit)
	})
	if err != nil {
		return nil, err
	}
	return &sh, nil
}

// Shares lists a result's share links.
func (s *Store) Shares(ctx context.Context, workspaceID, resultID int64) ([]Share, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, result_id, created_by, expires_at, revoked_at, created_at FROM result_shares
		WHERE workspace_id = ? AND result_id = ? ORDER BY id DESC`, workspaceID, resultID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list shares: %w", err)
	}
	defer rows.Close()
	out := []Share{}
	for rows.Next() {
		var sh Share
		var exp, created int64
		var revoked sql.NullInt64
		if err := rows.Scan(&sh.ID, &sh.ResultID, &sh.CreatedBy, &exp, &revoked, &created); err != nil {
			return nil, err
		}
		sh.ExpiresAt, sh.RevokedAt, sh.CreatedAt = fromUnix(exp), fromNullUnix(revoked), fromUnix(created)
		out = append(out, sh)
	}
	return out, rows.Err()
}

// RevokeShare ends a share link.
func (s *Store) RevokeShare(ctx context.Context, workspaceID, resultID, id int64) error {
	res, err := s.w.ExecContext(ctx, `UPDATE result_shares SET revoked_at = ? WHERE id = ? AND result_id = ? AND workspace_id = ? AND revoked_at IS NULL`,
		s.unix(), id, resultID, workspaceID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ErrExpired means a share link ran out or was revoked.
var ErrExpired = errors.New("store: the link has expired")

// ShareByTokenHash resolves a share link to its result (workspace scope
// comes from the link itself).
func (s *Store) ShareByTokenHash(ctx context.Context, hash []byte) (*Result, *Share, error) {
	var sh Share
	var wid int64
	var exp, created int64
	var revoked sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT id, workspace_id, result_id, created_by, expires_at, revoked_at, created_at FROM result_shares
		WHERE token_hash = ?`, hash).Scan(&sh.ID, &wid, &sh.ResultID, &sh.CreatedBy, &exp, &revoked, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, ErrNotFound
	}
	if err != nil {
		return nil, nil, err
	}
	sh.ExpiresAt, sh.RevokedAt, sh.CreatedAt = fromUnix(exp), fromNullUnix(revoked), fromUnix(created)
	if revoked.Valid || s.unix() >= exp {
		return nil, &sh, ErrExpired
	}
	r, err := s.ResultByID(ctx, wid, sh.ResultID)
	return r, &sh, err
}
