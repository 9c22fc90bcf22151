package app

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/store"
)

func (a *App) getMe(c *fiber.Ctx) error {
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

func (a *App) patchMe(c *fiber.Ctx) error {
	var req patchMeRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	req.Name = strings.TrimSpace(req.Name)
	fe := fieldErrors{}
	fe.add("name", validName(req.Name, true, 100))
	if err := fe.err(); err != nil {
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
func (a *App) changePassword(c *fiber.Ctx) error {
	var req passwordRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	u := currentUser(c)
	fe := fieldErrors{}
	if !CheckPassword(u.PasswordHash, req.CurrentPassword) {
		fe.add("current_password", "is not your current password")
	}
	fe.add("new_password", validatePassword(req.NewPassword))
	if err := fe.err(); err != nil {
		return err
	}
	hash, err := HashPassword(req.NewPassword)
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

func (a *App) listSessions(c *fiber.Ctx) error {
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
		return 0, errNotFound()
	}
	return id, nil
}

func notFoundIs(err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound()
	}
	return err
}

func (a *App) deleteSession(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := a.store.DeleteSession(c.UserContext(), currentUser(c).ID, id); err != nil {
		return notFoundIs(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *App) listTokens(c *fiber.Ctx) error {
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
func (a *App) createToken(c *fiber.Ctx) error {
	var req tokenRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	req.Name = strings.TrimSpace(req.Name)
	fe := fieldErrors{}
	fe.add("name", validName(req.Name, true, 100))
	if err := fe.err(); err != nil {
		return err
	}
	t, secret, err := a.issueToken(c, currentUser(c).ID, req.Name)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"token": t, "secret": secret})
}

func (a *App) issueToken(c *fiber.Ctx, userID int64, name string) (*store.APIToken, string, error) {
	secret, prefix := newAPIToken()
	t, err := a.store.CreateToken(c.UserContext(), userID, name, prefix, sha(secret))
	if err != nil {
		return nil, "", err
	}
	a.log.Info("API token created", slog.Int64("user_id", userID), slog.Int64("token_id", t.ID))
	return t, secret, nil
}

func (a *App) deleteToken(c *fiber.Ctx) error {
	id, err := paramID(c, "id")
	if err != nil {
		return err
	}
	if err := a.store.DeleteToken(c.UserContext(), currentUser(c).ID, id); err != nil {
		return notFoundIs(err)
	}
	a.log.Info("API token revoked", slog.Int64("user_id", currentUser(c).ID), slog.Int64("token_id", id))
	return c.SendStatus(fiber.StatusNoContent)
}
