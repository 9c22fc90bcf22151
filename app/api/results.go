package api

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/candidate"
	"github.com/hireloop/hireloop/app/results"
	"github.com/hireloop/hireloop/store"
)

// interviewResults lists an interview's results; ?version=N keeps those
// answered under version N, to compare candidates on the same questions.
func (a *Server) interviewResults(c *fiber.Ctx, iv *store.Interview) error {
	version := 0
	if v := c.Query("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return apperr.Field("version", "must be a version number (1 or more)")
		}
		version = n
	}
	rows, err := a.store.Results(c.UserContext(), iv.WorkspaceID, iv.ID, version)
	if err != nil {
		return err
	}
	for i := range rows {
		rows[i].LastError = remoteText(c, rows[i].LastError) // the scorer's answer
	}
	// Score distribution in ten buckets (0-9, ..., 90-100), using a
	// person's override where there is one.
	dist := make([]int, 10)
	for _, r := range rows {
		v := r.Overall
		if r.OverallOverride != nil {
			v = r.OverallOverride
		}
		if v != nil {
			dist[min(int(*v/10), 9)]++
		}
	}
	return c.JSON(fiber.Map{"results": rows, "distribution": dist})
}

func (a *Server) loadResult(c *fiber.Ctx) (*store.Result, error) {
	return byParam(c, "rid", a.store.ResultByID)
}

// getResult is the result page: the stable results link in the ATS opens
// the console's page for it, which loads this.
func (a *Server) getResult(c *fiber.Ctx, r *store.Result) error {
	ctx := c.UserContext()
	rec, err := results.Load(ctx, a.store, r)
	if err != nil {
		return err
	}
	inv, iv, answers := rec.Invitation, rec.Interview, rec.Answers
	type answerView struct {
		store.Answer
		MediaURL string `json:"media_url,omitempty"`
	}
	av := make([]answerView, 0, len(answers))
	for _, an := range answers {
		v := answerView{Answer: an}
		if an.MediaPath != "" {
			v.MediaURL = fmt.Sprintf("/api/workspaces/%d/results/%d/media/%d", r.WorkspaceID, r.ID, an.QuestionID)
		}
		av = append(av, v)
	}
	overrides := rec.Overrides
	// Integrity signals, per question that has any: context for the
	// reviewer, never part of the score.
	signals, err := a.store.Signals(ctx, inv.ID)
	if err != nil {
		return err
	}
	writes, err := a.store.ATSWritesForResult(ctx, r.WorkspaceID, r.ID)
	if err != nil {
		return err
	}
	// The ATS's and the scorer's own words are for admins (see remoteText).
	for i := range writes {
		writes[i].LastError = remoteText(c, writes[i].LastError)
	}
	shown := *r
	shown.LastError = remoteText(c, r.LastError)
	r = &shown
	decidedBy := ""
	if r.DecidedBy != nil {
		if u, err := a.store.UserByID(ctx, *r.DecidedBy); err == nil {
			decidedBy = u.Email
		}
	}
	var taken *float64
	if inv.StartedAt != nil && inv.SubmittedAt != nil {
		s := inv.SubmittedAt.Sub(*inv.StartedAt).Seconds()
		taken = &s
	}
	return c.JSON(fiber.Map{
		"result": r, "interview": iv, "answers": av, "signals": signals, "overrides": overrides, "ats_writes": writes,
		"candidate":    fiber.Map{"first_name": inv.FirstName, "last_name": inv.LastName, "email": inv.Email, "application_ext_id": inv.ApplicationExtID},
		"submitted_at": inv.SubmittedAt, "time_taken_seconds": taken, "adjustment_request": inv.AdjustmentRequest,
		"results_url": a.results.ResultsURL(r), "decided_by_email": decidedBy, "version": inv.Version,
		"report_url": fmt.Sprintf("/api/workspaces/%d/results/%d/report.pdf", r.WorkspaceID, r.ID),
	})
}

func (a *Server) resultReport(c *fiber.Ctx, r *store.Result) error {
	if r.ReportPath == "" {
		return &apperr.Error{Status: fiber.StatusConflict, Code: "report_pending", Message: "The report is being prepared; try again in a moment."}
	}
	return sendReport(c, r.ReportPath, fmt.Sprintf("hireloop-interview-%d.pdf", r.ID))
}

// sendReport sends a stored PDF report, read whole: a report is rendered
// again (temp file and rename) when a person changes a score, and a file
// sent from its path could change between its size and its bytes.
// Reports are tens of kilobytes.
func sendReport(c *fiber.Ctx, path, filename string) error {
	pdf, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s"`, filename))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(pdf)
}

func (a *Server) resultMedia(c *fiber.Ctx, r *store.Result) error {
	qid, err := paramID(c, "qid")
	if err != nil {
		return err
	}
	answers, err := a.store.Answers(c.UserContext(), r.InvitationID)
	if err != nil {
		return err
	}
	for _, an := range answers {
		if an.QuestionID == qid && an.MediaPath != "" {
			// Only files under this instance's media directory are served.
			root := candidate.MediaRoot(a.cfg.DataDir)
			if rel, err := filepath.Rel(root, an.MediaPath); err != nil || strings.HasPrefix(rel, "..") {
				return apperr.NotFound()
			}
			c.Set(fiber.HeaderContentType, an.MediaType)
			c.Set(fiber.HeaderCacheControl, "private, no-store")
			return c.SendFile(an.MediaPath)
		}
	}
	return apperr.NotFound()
}

// reviewAnswer records a person's rubric checklist for an open answer
// that waits for them; see results.Worker.Review.
func (a *Server) reviewAnswer(c *fiber.Ctx, r *store.Result) error {
	var req results.Review
	if err := bind(c, &req); err != nil {
		return err
	}
	if err := a.results.Review(c.UserContext(), r, req, currentUser(c)); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"result": r})
}

// overrideScore records a person's score beside the assessment's; see
// results.Worker.AddOverride.
func (a *Server) overrideScore(c *fiber.Ctx, r *store.Result) error {
	var req results.Override
	if r.Status == "scored" { // an unscored one is refused before its body is read
		if err := bind(c, &req); err != nil {
			return err
		}
	}
	if err := a.results.AddOverride(c.UserContext(), r, req, currentUser(c)); err != nil {
		return err
	}
	return on(a.loadResult, a.getResult)(c) // as stored now
}

// decide accepts or rejects; see results.Worker.Decide.
func (a *Server) decide(decision string) fiber.Handler {
	return on(a.loadResult, func(c *fiber.Ctx, r *store.Result) error {
		if err := a.results.Decide(c.UserContext(), r, decision, currentUser(c)); err != nil {
			return err
		}
		return on(a.loadResult, a.getResult)(c) // as stored now
	})
}

func (a *Server) retryATSWrite(c *fiber.Ctx) error {
	id, err := paramID(c, "wrid")
	if err != nil {
		return err
	}
	ws := currentWorkspace(c)
	if err := a.store.RetryATSWrite(c.UserContext(), ws.ID, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return apperr.Conflict("not_failed", "Only failed writes can be retried.")
		}
		return err
	}
	u := currentUser(c)
	_ = a.store.Audit(c.UserContext(), store.AuditEntry{WorkspaceID: ws.ID, UserID: &u.ID, Actor: u.Email, Action: "ats_write.retry",
		Subject: fmt.Sprintf("write %d", id), Outcome: "queued"})
	a.atsWriter.Wake()
	w, err := a.store.ATSWriteByID(c.UserContext(), ws.ID, id)
	if err != nil {
		return apperr.NotFoundIs(err)
	}
	w.LastError = remoteText(c, w.LastError)
	return c.JSON(fiber.Map{"ats_write": w})
}
