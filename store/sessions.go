package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Session is a browser login. The cookie holds a random secret; the table
// holds its SHA-256 (TokenHash), never the secret itself.
type Session struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"-"`
	CSRFToken  string    `json:"-"`
	UserAgent  string    `json:"user_agent"`
	IP         string    `json:"ip"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
}

const sessionCols = `id, user_id, csrf_token, user_agent, ip, created_at, last_seen_at, expires_at`

func scanSession(row interface{ Scan(...any) error }) (*Session, error) {
	var ss Session
	var created, seen, expires int64
	if err := row.Scan(&ss.ID, &ss.UserID, &ss.CSRFToken, &ss.UserAgent, &ss.IP, &created, &seen, &expires); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("store: unable to read session: %w", err)
	}
	ss.CreatedAt, ss.LastSeenAt, ss.ExpiresAt = fromUnix(created), fromUnix(seen), fromUnix(expires)
	return &ss, nil
}

// CreateSession stores a new session that expires after ttl.
func (s *Store) CreateSession(ctx context.Context, userID int64, tokenHash []byte, csrf, userAgent, ip string, ttl time.Duration) (*Session, error) {
	now := s.now()
	return scanSession(s.w.QueryRowContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, user_agent, ip, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+sessionCols,
		tokenHash, userID, csrf, userAgent, ip, now.Unix(), now.Unix(), now.Add(ttl).Unix()))
}

// SessionByTokenHash loads an unexpired session. Sessions idle for longer
// than idle count as expired too.
func (s *Store) SessionByTokenHash(ctx context.Context, tokenHash []byte, idle time.Duration) (*Session, error) {
	now := s.now()
	return scanSession(s.r.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions
		WHERE token_hash = ? AND expires_at > ? AND last_seen_at > ?`, tokenHash, now.Unix(), now.Add(-idle).Unix()))
}

// TouchSession records activity. Callers throttle it (once a minute) so
// page loads do not turn into a write each.
func (s *Store) TouchSession(ctx context.Context, id int64) error {
	_, err := s.w.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id = ?`, s.unix(), id)
	return err
}

// SessionsForUser lists a user's live sessions, newest first.
func (s *Store) SessionsForUser(ctx context.Context, userID int64) ([]Session, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_seen_at DESC, id DESC`, userID, s.unix())
	if err != nil {
		return nil, fmt.Errorf("store: unable to list sessions: %w", err)
	}
	defer rows.Close()
	out := []Session{}
	for rows.Next() {
		ss, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *ss)
	}
	return out, rows.Err()
}

// DeleteSession ends one of a user's sessions; ErrNotFound when it is not theirs.
func (s *Store) DeleteSession(ctx context.Context, userID, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("store: unable to delete session: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteExpiredSessions removes sessions past their expiry or idle limit;
// a scheduled job calls it.
func (s *Store) DeleteExpiredSessions(ctx context.Context, idle time.Duration) (int64, error) {
	now := s.now()
	res, err := s.w.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?`, now.Unix(), now.Add(-idle).Unix())
	if err != nil {
		return 0, fmt.Errorf("store: unable to delete expired sessions: %w", err)
	}
	return res.RowsAffected()
}
