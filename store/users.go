package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// User is an account. Users are global; what they may see is decided by
// their memberships in workspaces.
type User struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	PasswordHash string    `json:"-"`
	IsAdmin      bool      `json:"is_admin"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"-"`
}

const userCols = `id, email, name, password_hash, is_admin, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var created, updated int64
	if err := row.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.IsAdmin, &created, &updated); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("store: unable to read user: %w", err)
	}
	u.CreatedAt, u.UpdatedAt = fromUnix(created), fromUnix(updated)
	return &u, nil
}

// CreateUser inserts a user; ErrConflict when the email is taken (case-insensitive).
func (s *Store) CreateUser(ctx context.Context, email, name, passwordHash string, isAdmin bool) (*User, error) {
	return createUser(ctx, s.w, s.unix(), email, name, passwordHash, isAdmin)
}

type execQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func createUser(ctx context.Context, db execQuerier, now int64, email, name, passwordHash string, isAdmin bool) (*User, error) {
	row := db.QueryRowContext(ctx, `INSERT INTO users (email, name, password_hash, is_admin, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING `+userCols, email, name, passwordHash, isAdmin, now, now)
	u, err := scanUser(row)
	if err != nil && isUnique(err) {
		return nil, ErrConflict
	}
	return u, err
}

// UserByID loads a user.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	return scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
}

// UserByEmail loads a user by email, ignoring case.
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	return scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE email = ?`, email))
}

// CountUsers tells whether first-run setup is still needed.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unable to count users: %w", err)
	}
	return n, nil
}

// UpdateUserName changes the display name.
func (s *Store) UpdateUserName(ctx context.Context, id int64, name string) (*User, error) {
	return scanUser(s.w.QueryRowContext(ctx, `UPDATE users SET name = ?, updated_at = ? WHERE id = ? RETURNING `+userCols, name, s.unix(), id))
}

// SetPassword replaces the hash and ends every session of the user except
// keepSession (0 ends them all), in one transaction: a changed password must
// lock out whoever might have had the old one.
func (s *Store) SetPassword(ctx context.Context, id int64, passwordHash string, keepSession int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, passwordHash, s.unix(), id)
		if err != nil {
			return fmt.Errorf("store: unable to set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ? AND id != ?`, id, keepSession); err != nil {
			return fmt.Errorf("store: unable to end sessions: %w", err)
		}
		return nil
	})
}

// SetupFirstAdmin creates the first administrator and their first workspace
// atomically, and only while there are no users: two browsers racing through
// the setup page cannot both become the first admin.
func (s *Store) SetupFirstAdmin(ctx context.Context, email, name, passwordHash, workspaceName string) (*User, *Workspace, error) {
	var u *User
	var ws *Workspace
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrConflict
		}
		now := s.unix()
		var err error
		if u, err = createUser(ctx, tx, now, email, name, passwordHash, true); err != nil {
			return err
		}
		if workspaceName != "" {
			if ws, err = createWorkspace(ctx, tx, now, workspaceName, u.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return u, ws, nil
}
