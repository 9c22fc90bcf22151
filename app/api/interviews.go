package api

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/interview"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

func (a *Server) listInterviews(c *fiber.Ctx) error {
	ivs, err := a.store.Interviews(c.UserContext(), currentWorkspace(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"interviews": ivs})
}

func (a *Server) createInterview(c *fiber.Ctx) error {
	var req interview.Request
	if err := bind(c, &req); err != nil {
		return err
	}
	iv := &store.Interview{WorkspaceID: currentWorkspace(c).ID}
	if err := interview.Apply(c.UserContext(), a.store, currentWorkspace(c).ID, req, iv); err != nil {
		return err
	}
	if err := a.store.SaveInterview(c.UserContext(), iv); err != nil {
		return err
	}
	a.log.Info("Interview created", slog.Int64("workspace_id", iv.WorkspaceID), slog.Int64("interview_id", iv.ID))
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"interview": iv})
}

func (a *Server) loadInterview(c *fiber.Ctx) (*store.Interview, error) {
	return byParam(c, "iid", a.store.Interview)
}

func (a *Server) getInterview(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	st, err := a.store.InterviewStats(c.UserContext(), iv.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"interview": iv, "stats": st, "watchdog": a.watch.Status(iv)})
}

// updateInterview edits an interview. Once published, the stage feeding
// it is fixed: people were invited because they sat in that stage.
func (a *Server) updateInterview(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	if iv.Status == "closed" {
		return apperr.Conflict("interview_closed", "A closed interview cannot be changed.")
	}
	var req interview.Request
	if err := bind(c, &req); err != nil {
		return err
	}
	before := *iv
	if err := interview.Apply(c.UserContext(), a.store, currentWorkspace(c).ID, req, iv); err != nil {
		return err
	}
	if before.Status != "draft" && (nullID(before.ConnectionID) != nullID(iv.ConnectionID) || before.JobExtID != iv.JobExtID || before.StageExtID != iv.StageExtID) {
		return apperr.Conflict("interview_published", "The ATS position and stage cannot change after publishing; create a new interview instead.")
	}
	if err := a.store.SaveInterview(c.UserContext(), iv); err != nil {
		return apperr.NotFoundIs(err)
	}
	if iv.Status == "active" {
		a.watch.Schedule(iv)
	}
	return c.JSON(fiber.Map{"interview": iv})
}

func nullID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (a *Server) deleteInterview(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	if iv.Status != "draft" {
		return apperr.Conflict("interview_published", "Only drafts can be deleted; close a published interview instead.")
	}
	if err := a.store.DeleteInterview(c.UserContext(), iv.WorkspaceID, iv.ID); err != nil {
		return apperr.NotFoundIs(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// publishPreview says who publishing would invite, before anything happens.
func (a *Server) publishPreview(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	if err := interview.Publishable(iv); err != nil {
		return err
	}
	cands, err := a.store.StageCandidates(c.UserContext(), iv.WorkspaceID, iv.ID, *iv.ConnectionID, iv.JobExtID, iv.StageExtID)
	if err != nil {
		return err
	}
	stage := a.stageName(c, iv)
	invite, without, already := 0, 0, 0
	for _, cd := range cands {
		switch {
		case cd.Invited:
			already++
		case cd.Email == "":
			without++
		default:
			invite++
		}
	}
	msg := fmt.Sprintf("%d candidate%s in stage %s will be invited.", invite, plural(invite), stage)
	return c.JSON(fiber.Map{"stage_name": stage, "will_invite": invite, "already_invited": already, "without_email": without,
		"message": msg, "candidates": cands})
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (a *Server) stageName(c *fiber.Ctx, iv *store.Interview) string {
	ps, _, err := a.store.Positions(c.UserContext(), iv.WorkspaceID, store.PositionFilter{ConnectionID: *iv.ConnectionID, Limit: 500, IncludeGone: true})
	if err == nil {
		for _, p := range ps {
			if p.ExtID == iv.JobExtID {
				for _, s := range p.Stages {
					if s.ExtID == iv.StageExtID {
						return s.Name
					}
				}
			}
		}
	}
	return iv.StageExtID
}

func publishable(iv *store.Interview) error {
	switch {
	case iv.ConnectionID == nil || iv.JobExtID == "" || iv.StageExtID == "":
		return &apperr.Error{Status: 422, Code: "not_publishable", Message: "Choose the ATS position and the stage that feeds this interview before publishing."}
	case len(iv.Questions) == 0:
		return &apperr.Error{Status: 422, Code: "not_publishable", Message: "Add at least one question before publishing."}
	case iv.Status == "closed":
		return apperr.Conflict("interview_closed", "This interview is closed.")
	}
	return nil
}

// publish invites everyone currently in the stage and starts the watchdog.
func (a *Server) publish(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	if err := interview.Publishable(iv); err != nil {
		return err
	}
	if iv.Status == "active" {
		return apperr.Conflict("interview_active", "This interview is already published.")
	}
	created, err := a.watch.Publish(c.UserContext(), iv)
	if err != nil {
		return err
	}
	iv, err = a.store.Interview(c.UserContext(), iv.WorkspaceID, iv.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"interview": iv, "invited": created})
}

// setInterviewStatus pauses, resumes or closes an interview.
func (a *Server) setInterviewStatus(status string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		iv, err := a.loadInterview(c)
		if err != nil {
			return err
		}
		switch {
		case iv.Status == "draft":
			return apperr.Conflict("interview_draft", "Publish the interview first.")
		case iv.Status == "closed":
			return apperr.Conflict("interview_closed", "This interview is closed.")
		case status == "active" && iv.Status != "paused":
			return apperr.Conflict("interview_active", "This interview is not paused.")
		}
		if err := a.store.SetInterviewStatus(c.UserContext(), iv.WorkspaceID, iv.ID, status); err != nil {
			return apperr.NotFoundIs(err)
		}
		iv.Status = status
		if status == "active" {
			a.watch.Schedule(iv)
			a.watch.TickSoon(iv.ID)
		} else {
			a.watch.Unschedule(iv.ID)
		}
		a.log.Info("Interview status changed", slog.Int64("interview_id", iv.ID), slog.String("status", status))
		return c.JSON(fiber.Map{"interview": iv})
	}
}

func (a *Server) listInvitations(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	invs, err := a.store.Invitations(c.UserContext(), iv.WorkspaceID, iv.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"invitations": invs})
}

// resendInvitation queues the invitation email again (same link).
func (a *Server) resendInvitation(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	id, err := paramID(c, "vid")
	if err != nil {
		return err
	}
	invs, err := a.store.Invitations(c.UserContext(), iv.WorkspaceID, iv.ID)
	if err != nil {
		return err
	}
	for _, v := range invs {
		if v.ID != id {
			continue
		}
		if v.Status == "submitted" || v.Status == "expired" {
			return apperr.Conflict("invitation_closed", "This invitation is "+v.Status+"; nothing to resend.")
		}
		purpose := fmt.Sprintf("invitation:resend:%d", a.now().Unix())
		if _, err := a.store.QueueEmail(c.UserContext(), iv.WorkspaceID, v.ID, "invitation", purpose, v.Email, strings.TrimSpace(v.FirstName+" "+v.LastName)); err != nil {
			return err
		}
		a.outbox.Wake()
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"status": "queued"})
	}
	return apperr.NotFound()
}

type extendRequest struct {
	Days int `json:"days"`
}

// extendInvitation grants more time (an adjustment); it reopens an expired link.
func (a *Server) extendInvitation(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	id, err := paramID(c, "vid")
	if err != nil {
		return err
	}
	var req extendRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if req.Days < 1 || req.Days > 60 {
		fe := apperr.Fields{}
		fe.Add("days", "must be between 1 and 60")
		return fe.Err()
	}
	invs, err := a.store.Invitations(c.UserContext(), iv.WorkspaceID, iv.ID)
	if err != nil {
		return err
	}
	for _, v := range invs {
		if v.ID == id {
			if err := a.store.ExtendInvitation(c.UserContext(), iv.WorkspaceID, id, req.Days); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return apperr.Conflict("invitation_closed", "A submitted invitation cannot be extended.")
				}
				return err
			}
			return c.SendStatus(fiber.StatusNoContent)
		}
	}
	return apperr.NotFound()
}

// invitationLink returns a candidate's interview link, for a recruiter who
// wants to send it another way (or, in demo mode, has no SMTP server).
func (a *Server) invitationLink(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	id, err := paramID(c, "vid")
	if err != nil {
		return err
	}
	inv, err := a.store.InvitationByID(c.UserContext(), id)
	if err != nil || inv.InterviewID != iv.ID || inv.WorkspaceID != iv.WorkspaceID {
		return apperr.NotFound()
	}
	tok, err := a.box.Open(secret.PurposeInvitationToken, inv.SealedToken)
	if err != nil {
		return err
	}
	a.log.Info("Invitation link viewed", slog.Int64("invitation_id", inv.ID), slog.Int64("user_id", currentUser(c).ID))
	return c.JSON(fiber.Map{"url": a.cfg.BaseURL + "/i/" + string(tok)})
}
