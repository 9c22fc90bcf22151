package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/store"
)

// Share links let a recruiter show one result to someone without an
// account (a hiring manager) for a limited time. The link carries a random
// token (only its hash is stored); it is read-only, shows no recordings
// and can be revoked.

type shareRequest struct {
	Hours int `json:"hours"`
}

func (a *Server) createShare(c *fiber.Ctx, r *store.Result) error {
	var req shareRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	sh, url, err := a.results.Share(c.UserContext(), r, req.Hours, currentUser(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"share": sh, "url": url})
}

func (a *Server) listShares(c *fiber.Ctx) ([]store.Share, error) {
	r, err := a.loadResult(c)
	if err != nil {
		return nil, err
	}
	return a.store.Shares(c.UserContext(), r.WorkspaceID, r.ID)
}

func (a *Server) revokeShare(c *fiber.Ctx, r *store.Result) error {
	id, err := paramID(c, "sid")
	if err != nil {
		return err
	}
	if err := a.results.RevokeShare(c.UserContext(), r, id, currentUser(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// sharedResult is the public, read-only view behind a share link.
func (a *Server) sharedResult(c *fiber.Ctx) error {
	v, err := a.results.SharedView(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return c.JSON(v)
}
