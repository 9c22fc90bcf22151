package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/interview"
	"github.com/hireloop/hireloop/store"
)

func (a *Server) listInterviews(c *fiber.Ctx) ([]store.InterviewSummary, error) {
	return a.store.Interviews(c.UserContext(), currentWorkspace(c).ID)
}

func (a *Server) createInterview(c *fiber.Ctx, req interview.Request) (*store.Interview, error) {
	return a.interviews.Create(c.UserContext(), currentWorkspace(c).ID, req)
}

func (a *Server) loadInterview(c *fiber.Ctx) (*store.Interview, error) {
	return byParam(c, "iid", a.store.Interview)
}

// onInvitation adapts a handler that acts on invitation :vid of
// interview :iid.
func (a *Server) onInvitation(f func(c *fiber.Ctx, iv *store.Interview, id int64) error) fiber.Handler {
	return on(a.loadInterview, func(c *fiber.Ctx, iv *store.Interview) error {
		id, err := paramID(c, "vid")
		if err != nil {
			return err
		}
		return f(c, iv, id)
	})
}

func (a *Server) getInterview(c *fiber.Ctx, iv *store.Interview) error {
	st, err := a.store.InterviewStats(c.UserContext(), iv.ID)
	if err != nil {
		return err
	}
	vs, err := a.store.InterviewVersions(c.UserContext(), iv.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"interview": iv, "stats": st, "watchdog": a.watch.Status(iv), "versions": vs})
}

// interviewVersion is one version of the questions, read-only.
func (a *Server) interviewVersion(c *fiber.Ctx, iv *store.Interview) error {
	n, err := paramID(c, "version")
	if err != nil {
		return err
	}
	v, err := a.interviews.Version(c.UserContext(), iv, int(min(n, 1<<30)))
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (a *Server) updateInterview(c *fiber.Ctx, iv *store.Interview) error {
	var req interview.Request
	if iv.Status != "closed" { // a closed one is refused before its body is read
		if err := bind(c, &req); err != nil {
			return err
		}
	}
	change, err := a.interviews.Update(c.UserContext(), iv, req, currentUser(c).ID)
	if err != nil {
		return err
	}
	vs, err := a.store.InterviewVersions(c.UserContext(), iv.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"interview": iv, "versions": vs, "question_change": change})
}

func (a *Server) deleteInterview(c *fiber.Ctx, iv *store.Interview) error {
	if err := a.interviews.Delete(c.UserContext(), iv); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (a *Server) publishPreview(c *fiber.Ctx, iv *store.Interview) error {
	p, err := a.interviews.PublishPreview(c.UserContext(), iv)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// publish invites everyone currently in the stage and starts the watchdog.
func (a *Server) publish(c *fiber.Ctx, iv *store.Interview) error {
	iv, created, err := a.interviews.Publish(c.UserContext(), iv)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"interview": iv, "invited": created})
}

// setInterviewStatus pauses, resumes or closes an interview.
func (a *Server) setInterviewStatus(status string) fiber.Handler {
	return on(a.loadInterview, func(c *fiber.Ctx, iv *store.Interview) error {
		if err := a.interviews.SetStatus(c.UserContext(), iv, status); err != nil {
			return err
		}
		return c.JSON(fiber.Map{"interview": iv})
	})
}

func (a *Server) listInvitations(c *fiber.Ctx) ([]store.Invitation, error) {
	iv, err := a.loadInterview(c)
	if err != nil {
		return nil, err
	}
	return a.store.Invitations(c.UserContext(), iv.WorkspaceID, iv.ID)
}

// resendInvitation queues the invitation email again (same link).
func (a *Server) resendInvitation(c *fiber.Ctx, iv *store.Interview, id int64) error {
	if err := a.interviews.Resend(c.UserContext(), iv, id, a.now()); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"status": "queued"})
}

type extendRequest struct {
	Days int `json:"days"`
}

// extendInvitation grants more time (an adjustment); it reopens an expired link.
func (a *Server) extendInvitation(c *fiber.Ctx, iv *store.Interview, id int64) error {
	var req extendRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := a.interviews.Extend(c.UserContext(), iv, id, req.Days); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// invitationLink returns a candidate's interview link.
func (a *Server) invitationLink(c *fiber.Ctx, iv *store.Interview, id int64) error {
	url, err := a.interviews.Link(c.UserContext(), iv, id, currentUser(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"url": url})
}
