// Package accounts creates users, workspaces and API tokens, with the same
// rules for the console and the command line, and hashes passwords.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// TokenPrefix marks hireloop API tokens so secret scanners and people can
// recognise them.
const TokenPrefix = "hl_"

// NewAPIToken returns a new token secret and the prefix shown in lists.
func NewAPIToken() (secretValue, prefix string) {
	secretValue = TokenPrefix + secret.Token(32)
	return secretValue, secretValue[:len(TokenPrefix)+6]
}

// Service creates accounts and credentials.
type Service struct {
	Store *store.Store
	Log   *slog.Logger
}

// NewUser is an account to create.
type NewUser struct {
	Email, Name, Password string
	Admin                 bool
}

// CreateUser validates and creates an account; an empty name becomes the
// part of the email before @. A taken email is a conflict.
func (s *Service) CreateUser(ctx context.Context, u NewUser) (*store.User, error) {
	u.Email, u.Name = strings.TrimSpace(u.Email), strings.TrimSpace(u.Name)
	fe := apperr.Fields{}
	fe.Add("email", apperr.CheckEmail(u.Email))
	fe.Add("password", apperr.CheckPassword(u.Password))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if u.Name == "" {
		u.Name, _, _ = strings.Cut(u.Email, "@")
	}
	hash, err := HashPassword(u.Password)
	if err != nil {
		return nil, err
	}
	created, err := s.Store.CreateUser(ctx, u.Email, u.Name, hash, u.Admin)
	if errors.Is(err, store.ErrConflict) {
		return nil, apperr.Conflict("user_exists", fmt.Sprintf("a user with email %s already exists", u.Email))
	}
	return created, err
}

// CreateWorkspace creates a workspace whose admin is ownerID.
func (s *Service) CreateWorkspace(ctx context.Context, name string, ownerID int64) (*store.Workspace, error) {
	name = strings.TrimSpace(name)
	if err := apperr.Field("name", apperr.CheckName(name, true, 100)); err != nil {
		return nil, err
	}
	ws, err := s.Store.CreateWorkspace(ctx, name, ownerID)
	if err != nil {
		return nil, err
	}
	s.Log.Info("Workspace created", slog.Int64("workspace_id", ws.ID), slog.Int64("user_id", ownerID))
	return ws, nil
}

// IssueToken creates an API token for userID and returns its secret,
// which exists only in this answer: the store keeps its hash.
func (s *Service) IssueToken(ctx context.Context, userID int64, name string) (*store.APIToken, string, error) {
	name = strings.TrimSpace(name)
	if err := apperr.Field("name", apperr.CheckName(name, true, 100)); err != nil {
		return nil, "", err
	}
	sec, prefix := NewAPIToken()
	t, err := s.Store.CreateToken(ctx, userID, name, prefix, secret.Hash(sec))
	if err != nil {
		return nil, "", err
	}
	s.Log.Info("API token created", slog.Int64("user_id", userID), slog.Int64("token_id", t.ID))
	return t, sec, nil
}

// UserByEmail finds an account, with a message that says what to do when
// there is none.
func (s *Service) UserByEmail(ctx context.Context, email string) (*store.User, error) {
	u, err := s.Store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apperr.Unprocessable("user_not_found", "no user with email "+email)
	}
	return u, err
}

// Rename changes a user's display name.
func (s *Service) Rename(ctx context.Context, userID int64, name string) (*store.User, error) {
	name = strings.TrimSpace(name)
	if err := apperr.Field("name", apperr.CheckName(name, true, 100)); err != nil {
		return nil, err
	}
	return s.Store.UpdateUserName(ctx, userID, name)
}

// ChangePassword needs the current password even in a live session, so a
// borrowed unlocked laptop is not enough to take over the account. Every
// session of the user but keepSession ends.
func (s *Service) ChangePassword(ctx context.Context, u *store.User, current, next string, keepSession int64) error {
	fe := apperr.Fields{}
	if !CheckPassword(u.PasswordHash, current) {
		fe.Add("current_password", "is not your current password")
	}
	fe.Add("new_password", apperr.CheckPassword(next))
	if err := fe.Err(); err != nil {
		return err
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	if err := s.Store.SetPassword(ctx, u.ID, hash, keepSession); err != nil {
		return err
	}
	s.Log.Info("Password changed", slog.Int64("user_id", u.ID))
	return nil
}
