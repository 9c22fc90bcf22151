package api

import (
	"context"
	"log/slog"

	"github.com/gofiber/fiber/v2"
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

func (a *Server) patchMe(c *fiber.Ctx, req patchMeRequest) (*store.User, error) {
	return a.accounts.Rename(c.UserContext(), currentUser(c).ID, req.Name)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword keeps this session and ends the user's others.
func (a *Server) changePassword(c *fiber.Ctx, req passwordRequest) error {
	var keep int64
	if ss := currentSession(c); ss != nil {
		keep = ss.ID
	}
	if err := a.accounts.ChangePassword(c.UserContext(), currentUser(c), req.CurrentPassword, req.NewPassword, keep); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type sessionView struct {
	store.Session
	Current bool `json:"current"`
}

func (a *Server) listSessions(c *fiber.Ctx) ([]sessionView, error) {
	ss, err := a.store.SessionsForUser(c.UserContext(), currentUser(c).ID)
	cur := currentSession(c)
	out := make([]sessionView, len(ss))
	for i, s := range ss {
		out[i] = sessionView{Session: s, Current: cur != nil && cur.ID == s.ID}
	}
	return out, err
}

func (a *Server) deleteSession(c *fiber.Ctx) error {
	return a.deleteOwn(c, a.store.DeleteSession)
}

func (a *Server) listTokens(c *fiber.Ctx) ([]store.APIToken, error) {
	return a.store.TokensForUser(c.UserContext(), currentUser(c).ID)
}

type tokenRequest struct {
	Name string `json:"name"`
}

// createToken returns the secret exactly once; only its hash is stored.
func (a *Server) createToken(c *fiber.Ctx, req tokenRequest) error {
	t, secret, err := a.accounts.IssueToken(c.UserContext(), currentUser(c).ID, req.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": t, "secret": secret})
}

func (a *Server) deleteToken(c *fiber.Ctx) error {
	if err := a.deleteOwn(c, a.store.DeleteToken); err != nil {
		return err
	}
	id, _ := paramID(c, "id")
	a.log.Info("API token revoked", slog.Int64("user_id", currentUser(c).ID), slog.Int64("token_id", id))
	return nil
}

// deleteOwn deletes the signed-in user's row named by :id (a session or a
// token) and answers 204; someone else's is not found.
func (a *Server) deleteOwn(c *fiber.Ctx, del func(ctx context.Context, userID, id int64) error) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := del(c.UserContext(), currentUser(c).ID, id); err != nil {
		return apperr.NotFoundIs(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
