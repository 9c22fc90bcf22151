package api

import (
	"errors"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/results"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// Share links let a recruiter show one result to someone without an
// account (a hiring manager) for a limited time. The link carries a random
// token (only its hash is stored); it is read-only, shows no recordings
// and can be revoked.

type shareRequest struct {
	Hours int `json:"hours"`
}

func (a *Server) createShare(c *fiber.Ctx) error {
	r, err := a.loadResult(c)
	if err != nil {
		return err
	}
	var req shareRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Hours < 1 || req.Hours > 30*24 {
		fe := apperr.Fields{}
		fe.Add("hours", "must be between 1 and 720 (30 days)")
		return fe.Err()
	}
	u := currentUser(c)
	tok := secret.Token(32)
	expires := a.now().Add(time.Duration(req.Hours) * time.Hour)
	sh, err := a.store.CreateShare(c.UserContext(), r.WorkspaceID, r.ID, u.ID, secret.Hash(tok), expires, store.AuditEntry{WorkspaceID: r.WorkspaceID,
		UserID: &u.ID, Actor: u.Email, Action: "result.share", Subject: fmt.Sprintf("result %d", r.ID),
		Detail: "expires " + expires.UTC().Format(time.RFC3339), Outcome: "created"})
	if err != nil {
		return apperr.NotFoundIs(err)
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"share": sh, "url": a.cfg.BaseURL + "/r/" + tok})
}

func (a *Server) listShares(c *fiber.Ctx) error {
	r, err := a.loadResult(c)
	if err != nil {
		return err
	}
	shs, err := a.store.Shares(c.UserContext(), r.WorkspaceID, r.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"shares": shs})
}

func (a *Server) revokeShare(c *fiber.Ctx) error {
	r, err := a.loadResult(c)
	if err != nil {
		return err
	}
	id, err := paramID(c, "sid")
	if err != nil {
		return err
	}
	if err := a.store.RevokeShare(c.UserContext(), r.WorkspaceID, r.ID, id); err != nil {
		return apperr.NotFoundIs(err)
	}
	u := currentUser(c)
	_ = a.store.Audit(c.UserContext(), store.AuditEntry{WorkspaceID: r.WorkspaceID, UserID: &u.ID, Actor: u.Email, Action: "result.share_revoke",
		Subject: fmt.Sprintf("result %d share %d", r.ID, id), Outcome: "revoked"})
	return c.SendStatus(fiber.StatusNoContent)
}

// sharedResult is the public, read-only view behind a share link.
func (a *Server) sharedResult(c *fiber.Ctx) error {
	tok := c.Params("token")
	if len(tok) < 20 || len(tok) > 100 {
		return apperr.NotFound()
	}
	ctx := c.UserContext()
	r, sh, err := a.store.ShareByTokenHash(ctx, secret.Hash(tok))
	switch {
	case errors.Is(err, store.ErrExpired):
		return &apperr.Error{Status: fiber.StatusGone, Code: "link_expired", Message: "This share link has expired or was revoked. Ask the recruiter for a new one."}
	case err != nil:
		return apperr.NotFoundIs(err)
	}
	rec, err := results.Load(ctx, a.store, r)
	if err != nil {
		return err
	}
	inv, iv, answers := rec.Invitation, rec.Interview, rec.Answers
	overrides, err := a.store.Overrides(ctx, r.ID)
	if err != nil {
		return err
	}
	b, _, err := a.store.WorkspaceBranding(ctx, r.WorkspaceID)
	if err != nil {
		return err
	}
	type q struct {
		ID       int64    `json:"id"`
		Position int      `json:"position"`
		Type     string   `json:"type"`
		Prompt   string   `json:"prompt"`
		Options  []string `json:"options"`
	}
	type ans struct {
		QuestionID int64  `json:"question_id"`
		Value      string `json:"value"`
		Transcript string `json:"transcript,omitempty"`
		Recorded   bool   `json:"recorded"`
	}
	qs := make([]q, 0, len(iv.Questions))
	for _, x := range iv.Questions {
		qs = append(qs, q{x.ID, x.Position, x.Type, x.Prompt, x.Options})
	}
	as := make([]ans, 0, len(answers))
	for _, x := range answers {
		as = append(as, ans{x.QuestionID, x.Value, x.Transcript, x.MediaPath != ""})
	}
	return c.JSON(fiber.Map{
		"company": b, "interview": fiber.Map{"name": iv.Name}, "candidate": fiber.Map{"first_name": inv.FirstName, "last_name": inv.LastName},
		"submitted_at": inv.SubmittedAt, "status": r.Status, "overall": r.Overall, "scorer": r.Scorer, "model": r.Model,
		"prompt_version": r.PromptVersion, "details": r.Details, "flags": r.Flags, "overrides": overrides, "decision": r.Decision,
		"questions": qs, "answers": as, "expires_at": sh.ExpiresAt,
	})
}
