package accounts

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/store"
)

// NewMember adds someone to a workspace: an existing account by email, or
// a new account when Name and an initial Password come too (there is no
// email invitation flow; the admin hands the password over).
type NewMember struct {
	Email    string `json:"email"`
	Role     string `json:"role"`
	Name     string `json:"name"`
	Password string `json:"password"`
}

func errLastAdmin() *apperr.Error {
	return apperr.Conflict("last_admin", "A workspace needs at least one admin. Make someone else an admin first.")
}

func checkRole(role string) string {
	if !store.ValidRole(role) {
		return "must be admin, recruiter or viewer"
	}
	return ""
}

// AddMember adds m to workspace ws on behalf of actor, an admin of ws.
//
// Accounts belong to the instance, not to a workspace, so the answer must
// not tell a workspace admin whether an email has an account elsewhere,
// nor whose: an account the admin already sees (one sharing a workspace
// with them; any account, for an instance administrator, who runs the
// instance) is added by its email alone, with its name; for anyone else
// the admin gives a name and an initial password, and the answer is the
// same whether an account is created or one that exists is added (which
// keeps its own name and password; the answer shows the name given).
// Without them both cases are "user_not_found". Someone already in ws is
// a conflict, naming the email the admin typed.
func (s *Service) AddMember(ctx context.Context, ws int64, actor *store.User, m NewMember) (*store.Member, error) {
	m.Email, m.Name = strings.TrimSpace(m.Email), strings.TrimSpace(m.Name)
	fe := apperr.Fields{}
	fe.Add("email", apperr.CheckEmail(m.Email))
	fe.Add("role", checkRole(m.Role))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	u, err := s.Store.UserByEmail(ctx, m.Email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		u = nil
	case err != nil:
		return nil, err
	}
	alreadyMember := func() error {
		return apperr.Conflict("already_member", m.Email+" is already a member of this workspace.")
	}
	if u != nil {
		if _, err := s.Store.Member(ctx, ws, u.ID); err == nil {
			return nil, alreadyMember()
		}
		known := actor.IsAdmin
		if !known {
			if known, err = s.Store.SharesWorkspace(ctx, actor.ID, u.ID); err != nil {
				return nil, err
			}
		}
		if known {
			added, err := s.Store.AddMember(ctx, ws, u.ID, m.Role)
			if errors.Is(err, store.ErrConflict) {
				return nil, alreadyMember()
			}
			if err != nil {
				return nil, err
			}
			s.Log.Info("Member added", slog.Int64("workspace_id", ws), slog.Int64("user_id", added.UserID), slog.String("role", added.Role))
			return added, nil
		}
	}
	// From here on, what exists elsewhere on the instance must not show.
	if m.Password == "" && m.Name == "" {
		return nil, &apperr.Error{Status: http.StatusUnprocessableEntity, Code: "user_not_found",
			Message: "Give their name and an initial password to add them."}
	}
	fe.Add("name", apperr.CheckName(m.Name, true, 100))
	fe.Add("password", apperr.CheckPassword(m.Password))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	// Hashed either way, so the answer takes as long whether or not the
	// account exists.
	hash, err := HashPassword(m.Password)
	if err != nil {
		return nil, err
	}
	var added *store.Member
	if u == nil {
		added, err = s.Store.CreateUserAndAddMember(ctx, ws, m.Email, m.Name, hash, m.Role)
	} else {
		added, err = s.Store.AddMember(ctx, ws, u.ID, m.Role)
		if added != nil {
			added.Name = m.Name
		}
	}
	if errors.Is(err, store.ErrConflict) {
		return nil, alreadyMember()
	}
	if err != nil {
		return nil, err
	}
	s.Log.Info("Member added", slog.Int64("workspace_id", ws), slog.Int64("user_id", added.UserID), slog.String("role", added.Role),
		slog.Bool("existing_account", u != nil))
	return added, nil
}

// SetRole changes a member's role; the last admin keeps theirs.
func (s *Service) SetRole(ctx context.Context, ws, userID int64, role string) (*store.Member, error) {
	if err := apperr.Field("role", checkRole(role)); err != nil {
		return nil, err
	}
	m, err := s.Store.SetMemberRole(ctx, ws, userID, role)
	if errors.Is(err, store.ErrLastAdmin) {
		return nil, errLastAdmin()
	}
	if err != nil {
		return nil, apperr.NotFoundIs(err)
	}
	s.Log.Info("Member role changed", slog.Int64("workspace_id", ws), slog.Int64("user_id", userID), slog.String("role", role))
	return m, nil
}

// RemoveMember takes a member out of a workspace; the last admin stays.
func (s *Service) RemoveMember(ctx context.Context, ws, userID int64) error {
	err := s.Store.RemoveMember(ctx, ws, userID)
	if errors.Is(err, store.ErrLastAdmin) {
		return errLastAdmin()
	}
	if err != nil {
		return apperr.NotFoundIs(err)
	}
	s.Log.Info("Member removed", slog.Int64("workspace_id", ws), slog.Int64("user_id", userID))
	return nil
}

// RenameWorkspace renames workspace ws.
func (s *Service) RenameWorkspace(ctx context.Context, ws *store.Workspace, name string) error {
	name = strings.TrimSpace(name)
	if err := apperr.Field("name", apperr.CheckName(name, true, 100)); err != nil {
		return err
	}
	if err := s.Store.RenameWorkspace(ctx, ws.ID, name); err != nil {
		return apperr.NotFoundIs(err)
	}
	ws.Name = name
	return nil
}
