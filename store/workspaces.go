package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Roles in a workspace, from most to least powerful.
const (
	RoleAdmin     = "admin"
	RoleRecruiter = "recruiter"
	RoleViewer    = "viewer"
)

// ValidRole tells whether r is one of the roles.
func ValidRole(r string) bool { return r == RoleAdmin || r == RoleRecruiter || r == RoleViewer }

// ErrLastAdmin stops a workspace from losing its last administrator.
var ErrLastAdmin = errors.New("store: a workspace must keep at least one admin")

// Workspace is one client of an agency (or one company). It owns its ATS
// connections, interviews and settings.
type Workspace struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Role      string    `json:"role,omitempty"` // the caller's role, when loaded for a user
	CreatedAt time.Time `json:"created_at"`
}

// Member is a user's membership in a workspace.
type Member struct {
	UserID    int64     `json:"user_id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

func createWorkspace(ctx context.Context, db execQuerier, now int64, name string, ownerID int64) (*Workspace, error) {
	ws := &Workspace{Name: name, Role: RoleAdmin, CreatedAt: fromUnix(now)}
	if err := db.QueryRowContext(ctx, `INSERT INTO workspaces (name, created_at, updated_at) VALUES (?, ?, ?) RETURNING id`, name, now, now).Scan(&ws.ID); err != nil {
		return nil, fmt.Errorf("store: unable to create workspace: %w", err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)`, ws.ID, ownerID, RoleAdmin, now); err != nil {
		return nil, fmt.Errorf("store: unable to add workspace owner: %w", err)
	}
	return ws, nil
}

// CreateWorkspace creates a workspace with ownerID as its first admin.
func (s *Store) CreateWorkspace(ctx context.Context, name string, ownerID int64) (*Workspace, error) {
	var ws *Workspace
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var err error
		ws, err = createWorkspace(ctx, tx, s.unix(), name, ownerID)
		return err
	})
	return ws, err
}

// WorkspacesForUser lists the workspaces a user belongs to, with their role.
func (s *Store) WorkspacesForUser(ctx context.Context, userID int64) ([]Workspace, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT w.id, w.name, m.role, w.created_at
		FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
		WHERE m.user_id = ? ORDER BY w.name COLLATE NOCASE, w.id`, userID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list workspaces: %w", err)
	}
	defer rows.Close()
	out := []Workspace{}
	for rows.Next() {
		var w Workspace
		var created int64
		if err := rows.Scan(&w.ID, &w.Name, &w.Role, &created); err != nil {
			return nil, fmt.Errorf("store: unable to list workspaces: %w", err)
		}
		w.CreatedAt = fromUnix(created)
		out = append(out, w)
	}
	return out, rows.Err()
}

// WorkspaceForUser loads a workspace as seen by userID. A workspace the user
// does not belong to is ErrNotFound, exactly like one that does not exist,
// so ids of other clients' workspaces reveal nothing.
func (s *Store) WorkspaceForUser(ctx context.Context, workspaceID, userID int64) (*Workspace, error) {
	var w Workspace
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT w.id, w.name, m.role, w.created_at
		FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
		WHERE w.id = ? AND m.user_id = ?`, workspaceID, userID).Scan(&w.ID, &w.Name, &w.Role, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to load workspace: %w", err)
	}
	w.CreatedAt = fromUnix(created)
	return &w, nil
}

// WorkspaceByID loads a workspace without a membership check; for the CLI.
func (s *Store) WorkspaceByID(ctx context.Context, workspaceID int64) (*Workspace, error) {
	var w Workspace
	var created int64
	err := s.r.QueryRowContext(ctx, `SELECT id, name, created_at FROM workspaces WHERE id = ?`, workspaceID).Scan(&w.ID, &w.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to load workspace: %w", err)
	}
	w.CreatedAt = fromUnix(created)
	return &w, nil
}

// RenameWorkspace changes a workspace's name.
func (s *Store) RenameWorkspace(ctx context.Context, workspaceID int64, name string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE workspaces SET name = ?, updated_at = ? WHERE id = ?`, name, s.unix(), workspaceID)
	if err != nil {
		return fmt.Errorf("store: unable to rename workspace: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

const memberCols = `m.user_id, u.email, u.name, m.role, m.created_at`

func scanMember(row interface{ Scan(...any) error }) (*Member, error) {
	var m Member
	var created int64
	if err := row.Scan(&m.UserID, &m.Email, &m.Name, &m.Role, &created); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("store: unable to read member: %w", err)
	}
	m.CreatedAt = fromUnix(created)
	return &m, nil
}

// Members lists a workspace's members.
func (s *Store) Members(ctx context.Context, workspaceID int64) ([]Member, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+memberCols+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? ORDER BY u.name COLLATE NOCASE, u.email COLLATE NOCASE`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list members: %w", err)
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *m)
	}
	return out, rows.Err()
}

// Member loads one membership.
func (s *Store) Member(ctx context.Context, workspaceID, userID int64) (*Member, error) {
	return scanMember(s.r.QueryRowContext(ctx, `SELECT `+memberCols+` FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.workspace_id = ? AND m.user_id = ?`, workspaceID, userID))
}

// SharesWorkspace tells whether two users are members of a common
// workspace (so each can already see the other in a member list).
func (s *Store) SharesWorkspace(ctx context.Context, userA, userB int64) (bool, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM memberships a JOIN memberships b ON b.workspace_id = a.workspace_id
		WHERE a.user_id = ? AND b.user_id = ?`, userA, userB).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: unable to compare memberships: %w", err)
	}
	return n > 0, nil
}

// AddMember adds an existing user; ErrConflict when already a member.
func (s *Store) AddMember(ctx context.Context, workspaceID, userID int64, role string) (*Member, error) {
	_, err := s.w.ExecContext(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)`, workspaceID, userID, role, s.unix())
	if isUnique(err) {
		return nil, ErrConflict
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to add member: %w", err)
	}
	return s.Member(ctx, workspaceID, userID)
}

// CreateUserAndAddMember creates an account and its membership atomically,
// so a failed membership never leaves an orphan account behind.
func (s *Store) CreateUserAndAddMember(ctx context.Context, workspaceID int64, email, name, passwordHash, role string) (*Member, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		u, err := createUser(ctx, tx, now, email, name, passwordHash, false)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (?, ?, ?, ?)`, workspaceID, u.ID, role, now)
		return err
	})
	if err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, ErrConflict
		}
		return nil, fmt.Errorf("store: unable to add member: %w", err)
	}
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	return s.Member(ctx, workspaceID, u.ID)
}

// adminsOtherThan counts the admins of a workspace other than userID.
func adminsOtherThan(ctx context.Context, tx *sql.Tx, workspaceID, userID int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM memberships WHERE workspace_id = ? AND role = 'admin' AND user_id != ?`, workspaceID, userID).Scan(&n)
	return n, err
}

// SetMemberRole changes a member's role; ErrLastAdmin when that would leave
// the workspace without an admin. The check and the change share one
// transaction so two admins demoting each other cannot both succeed.
func (s *Store) SetMemberRole(ctx context.Context, workspaceID, userID int64, role string) (*Member, error) {
	err := s.tx(ctx, func(tx *sql.Tx) error {
		if role != RoleAdmin {
			n, err := adminsOtherThan(ctx, tx, workspaceID, userID)
			if err != nil {
				return err
			}
			if n == 0 {
				return ErrLastAdmin
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE memberships SET role = ? WHERE workspace_id = ? AND user_id = ?`, role, workspaceID, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Member(ctx, workspaceID, userID)
}

// RemoveMember removes a membership; ErrLastAdmin for the last admin.
func (s *Store) RemoveMember(ctx context.Context, workspaceID, userID int64) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		n, err := adminsOtherThan(ctx, tx, workspaceID, userID)
		if err != nil {
			return err
		}
		var role string
		err = tx.QueryRowContext(ctx, `SELECT role FROM memberships WHERE workspace_id = ? AND user_id = ?`, workspaceID, userID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if role == RoleAdmin && n == 0 {
			return ErrLastAdmin
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM memberships WHERE workspace_id = ? AND user_id = ?`, workspaceID, userID)
		return err
	})
}
