package api

import (
	"context"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/accounts"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/store"
)

func (a *Server) getMe(c *fiber.Ctx) error {
	u := currentUser(c)
	wss, err := a.store.WorkspacesForUser(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	out := fiber.Map{"user": u, "workspaces": wss}
	if ss := currentSession(c); ss != nil {
		out["csrf_token"] = ss.CSRFToken
	}
	return c.JSON(out)
}

type patchMeRequest struct {
	Name string `json:"name"`
}

func (a *Server) patchMe(c *fiber.Ctx) error {
	var req patchMeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	req.Name = strings.TrimSpace(req.Name)
	fe := apperr.Fields{}
	fe.Add("name", apperr.CheckName(req.Name, true, 100))
	if err := fe.Err(); err != nil {
		return err
	}
	u, err := a.store.UpdateUserName(c.UserContext(), currentUser(c).ID, req.Name)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": u})
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword needs the current password even in a live session, so a
// borrowed unlocked laptop is not enough to take over the account. Every
// other session of the user ends.
func (a *Server) changePassword(c *fiber.Ctx) error {
	var req passwordRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u := currentUser(c)
	fe := apperr.Fields{}
	if !accounts.CheckPassword(u.PasswordHash, req.CurrentPassword) {
		fe.Add("current_password", "is not your current password")
	}
	fe.Add("new_password", apperr.CheckPassword(req.NewPassword))
	if err := fe.Err(); err != nil {
		return err
	}
	hash, err := accounts.HashPassword(req.NewPassword)
	if err != nil {
		return err
	}
	var keep int64
	if ss := currentSession(c); ss != nil {
		keep = ss.ID
	}
	if err := a.store.SetPassword(c.UserContext(), u.ID, hash, keep); err != nil {
		return err
	}
	a.log.Info("Password changed", slog.Int64("user_id", u.ID))
	return c.SendStatus(fiber.StatusNoContent)
}

type sessionView struct {
	store.Session
	Current bool `json:"current"`
}

func (a *Server) listSessions(c *fiber.Ctx) error {
	ss, err := a.store.SessionsForUser(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	cur := currentSession(c)
	out := make([]sessionView, len(ss))
	for i, s := range ss {
		out[i] = sessionView{Session: s, Current: cur != nil && cur.ID == s.ID}
	}
	return c.JSON(fiber.Map{"sessions": out})
}

func paramID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.NotFound()
	}
	return id, nil
}

// byParam loads the current workspace's row named by a route parameter.
// A malformed id and a row of another workspace both answer 404, so one
// client's ids tell another nothing.
func byParam[T any](c *fiber.Ctx, param string, get func(ctx context.Context, workspaceID, id int64) (T, error)) (T, error) {
	var zero T
	id, err := paramID(c, param)
	if err != nil {
		return zero, err
	}
	v, err := get(c.UserContext(), currentWorkspace(c).ID, id)
	if err != nil {
		return zero, apperr.NotFoundIs(err)
	}
	return v, nil
}

func (a *Server) deleteSession(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := a.store.DeleteSession(c.UserContext(), currentUser(c).ID, id); err != nil {
		return apperr.NotFoundIs(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *Server) listTokens(c *fiber.Ctx) error {
	ts, err := a.store.TokensForUser(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"tokens": ts})
}

type tokenRequest struct {
	Name string `json:"name"`
}

// createToken returns the secret exactly once; only its hash is stored.
func (a *Server) createToken(c *fiber.Ctx) error {
	var req tokenRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	t, secret, err := a.accounts.IssueToken(c.UserContext(), currentUser(c).ID, req.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": t, "secret": secret})
}

func (a *Server) deleteToken(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := a.store.DeleteToken(c.UserContext(), currentUser(c).ID, id); err != nil {
		return apperr.NotFoundIs(err)
	}
	a.log.Info("API token revoked", slog.Int64("user_id", currentUser(c).ID), slog.Int64("token_id", id))
	return c.SendStatus(fiber.StatusNoContent)
}
