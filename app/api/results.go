package api

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/results"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

func (a *Server) interviewResults(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	rows, err := a.store.Results(c.UserContext(), iv.WorkspaceID, iv.ID)
	if err != nil {
		return err
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
func (a *Server) getResult(c *fiber.Ctx) error {
	r, err := a.loadResult(c)
	if err != nil {
		return err
	}
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
	overrides, err := a.store.Overrides(ctx, r.ID)
	if err != nil {
		return err
	}
	writes, err := a.store.ATSWritesForResult(ctx, r.WorkspaceID, r.ID)
	if err != nil {
		return err
	}
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
		"result": r, "interview": iv, "answers": av, "overrides": overrides, "ats_writes": writes,
		"candidate":    fiber.Map{"first_name": inv.FirstName, "last_name": inv.LastName, "email": inv.Email, "application_ext_id": inv.ApplicationExtID},
		"submitted_at": inv.SubmittedAt, "time_taken_seconds": taken, "adjustment_request": inv.AdjustmentRequest,
		"results_url": a.results.ResultsURL(r), "decided_by_email": decidedBy,
		"report_url": fmt.Sprintf("/api/workspaces/%d/results/%d/report.pdf", r.WorkspaceID, r.ID),
	})
}

func (a *Server) resultReport(c *fiber.Ctx) error {
	r, err := a.loadResult(c)
	if err != nil {
		return err
	}
	if r.ReportPath == "" {
		return &apperr.Error{Status: fiber.StatusConflict, Code: "report_pending", Message: "The report is being prepared; try again in a moment."}
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="hireloop-interview-%d.pdf"`, r.ID))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendFile(r.ReportPath)
}

func (a *Server) resultMedia(c *fiber.Ctx) error {
	r, err := a.loadResult(c)
	if err != nil {
		return err
	}
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
			root := filepath.Join(a.cfg.DataDir, mediaDir)
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

type overrideRequest struct {
	QuestionID int64   `json:"question_id"`
	Score      float64 `json:"score"`
	Reason     string  `json:"reason"`
}

// overrideScore records a person's score beside the assessment's; the
// original stays visible, and the report is rendered again.
func (a *Server) overrideScore(c *fiber.Ctx) error {
	r, err := a.loadResult(c)
	if err != nil {
		return err
	}
	if r.Status != "scored" {
		return apperr.Conflict("not_scored", "This interview is still being scored.")
	}
	var req overrideRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	req.Reason = strings.TrimSpace(req.Reason)
	fe := apperr.Fields{}
	fe.Add("reason", apperr.CheckName(req.Reason, true, 2000))
	var original *float64
	if req.QuestionID == 0 {
		if req.Score < 0 || req.Score > 100 {
			fe.Add("score", "must be between 0 and 100")
		}
		original = r.Overall
	} else {
		var qres []struct {
			QuestionID int64    `json:"question_id"`
			Kind       string   `json:"kind"`
			Score      *float64 `json:"score"`
		}
		_ = json.Unmarshal(r.Details, &qres)
		found := false
		for _, q := range qres {
			if q.QuestionID == req.QuestionID {
				found, original = true, q.Score
				// Closed questions are scored 0-5 by rule (0 = unanswered);
				// open ones 1-5.
				lo := 1.0
				if q.Kind == "closed" {
					lo = 0
				}
				if req.Score < lo || req.Score > 5 {
					fe.Add("score", fmt.Sprintf("must be between %g and 5", lo))
				}
			}
		}
		if !found {
			fe.Add("question_id", "is not a question of this interview")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	u := currentUser(c)
	audit := store.AuditEntry{WorkspaceID: r.WorkspaceID, UserID: &u.ID, Actor: u.Email, Action: "score.override",
		Subject: fmt.Sprintf("result %d question %d", r.ID, req.QuestionID), Detail: fmt.Sprintf("%s → %g: %s", results.FmtScore(original), req.Score, req.Reason), Outcome: "done"}
	if err := a.store.AddOverride(c.UserContext(), r.WorkspaceID, r.ID, store.Override{QuestionID: req.QuestionID, Original: original,
		Score: req.Score, Reason: req.Reason, UserID: u.ID}, audit); err != nil {
		return err
	}
	a.results.RenderLater(r)
	return a.getResult(c)
}

// decide accepts or rejects; see results.Worker.Decide.
func (a *Server) decide(decision string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := a.loadResult(c)
		if err != nil {
			return err
		}
		if err := a.results.Decide(c.UserContext(), r, decision, currentUser(c)); err != nil {
			return err
		}
		return a.getResult(c)
	}
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
	return c.JSON(fiber.Map{"ats_write": w})
}

// auditLog lists the audit log; ?format=csv exports all of it.
func (a *Server) auditLog(c *fiber.Ctx) error {
	ws := currentWorkspace(c)
	if c.Query("format") == "csv" {
		entries, err := a.store.AuditLog(c.UserContext(), ws.ID, 0, 0)
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="hireloop-audit-%d.csv"`, ws.ID))
		w := csv.NewWriter(c.Response().BodyWriter())
		_ = w.Write([]string{"time", "actor", "action", "subject", "detail", "outcome"})
		for _, e := range entries {
			_ = w.Write([]string{e.CreatedAt.Format(time.RFC3339), e.Actor, e.Action, e.Subject, e.Detail, e.Outcome})
		}
		w.Flush()
		return w.Error()
	}
	before, err := queryInt(c, "before")
	if err != nil {
		return err
	}
	entries, err := a.store.AuditLog(c.UserContext(), ws.ID, before, 100)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entries": entries})
}

type aiSettingsView struct {
	LLMBaseURL        string `json:"llm_base_url"`
	LLMModel          string `json:"llm_model"`
	HasLLMKey         bool   `json:"has_llm_key"`
	TranscribeBaseURL string `json:"transcribe_base_url"`
	TranscribeModel   string `json:"transcribe_model"`
	HasTranscribeKey  bool   `json:"has_transcribe_key"`
	Scorer            string `json:"scorer"` // what scores now: "llm" or "builtin"
}

func (a *Server) getAISettings(c *fiber.Ctx) error {
	s, err := a.store.AISettings(c.UserContext(), currentWorkspace(c).ID)
	if err != nil {
		return err
	}
	v := aiSettingsView{LLMBaseURL: s.LLMBaseURL, LLMModel: s.LLMModel, HasLLMKey: len(s.LLMKey) > 0, TranscribeBaseURL: s.TranscribeBaseURL,
		TranscribeModel: s.TranscribeModel, HasTranscribeKey: len(s.TranscribeKey) > 0, Scorer: "builtin"}
	if s.LLMBaseURL != "" && s.LLMModel != "" {
		v.Scorer = "llm"
	}
	return c.JSON(fiber.Map{"ai": v})
}

type aiSettingsRequest struct {
	LLMBaseURL        string  `json:"llm_base_url"`
	LLMModel          string  `json:"llm_model"`
	LLMKey            *string `json:"llm_key"`
	TranscribeBaseURL string  `json:"transcribe_base_url"`
	TranscribeModel   string  `json:"transcribe_model"`
	TranscribeKey     *string `json:"transcribe_key"`
	// An empty key keeps the stored one (keys are never sent back, so the
	// form cannot resend them); these remove it instead.
	ClearLLMKey        bool `json:"clear_llm_key"`
	ClearTranscribeKey bool `json:"clear_transcribe_key"`
}

func (a *Server) putAISettings(c *fiber.Ctx) error {
	ws := currentWorkspace(c)
	var req aiSettingsRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	old, err := a.store.AISettings(c.UserContext(), ws.ID)
	if err != nil {
		return err
	}
	s := store.AISettings{LLMBaseURL: strings.TrimRight(strings.TrimSpace(req.LLMBaseURL), "/"), LLMModel: strings.TrimSpace(req.LLMModel),
		TranscribeBaseURL: strings.TrimRight(strings.TrimSpace(req.TranscribeBaseURL), "/"), TranscribeModel: strings.TrimSpace(req.TranscribeModel),
		LLMKey: old.LLMKey, TranscribeKey: old.TranscribeKey}
	fe := apperr.Fields{}
	fe.Add("llm_base_url", apperr.CheckHTTPURL(s.LLMBaseURL))
	fe.Add("transcribe_base_url", apperr.CheckHTTPURL(s.TranscribeBaseURL))
	if (s.LLMBaseURL == "") != (s.LLMModel == "") {
		fe.Add("llm_model", "give both the base URL and the model, or neither (the built-in scorer is used then)")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if req.ClearLLMKey {
		s.LLMKey = nil
	}
	if req.ClearTranscribeKey {
		s.TranscribeKey = nil
	}
	if req.LLMKey != nil && *req.LLMKey != "" {
		if s.LLMKey, err = a.box.Seal(secret.PurposeLLMKey, []byte(*req.LLMKey)); err != nil {
			return err
		}
	}
	if req.TranscribeKey != nil && *req.TranscribeKey != "" {
		if s.TranscribeKey, err = a.box.Seal(secret.PurposeTranscribeKey, []byte(*req.TranscribeKey)); err != nil {
			return err
		}
	}
	if err := a.store.SaveAISettings(c.UserContext(), ws.ID, s); err != nil {
		return err
	}
	return a.getAISettings(c)
}

func (a *Server) getWriteOptions(c *fiber.Ctx) error {
	o, err := a.store.WorkspaceWriteOptions(c.UserContext(), currentWorkspace(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"write_options": o})
}

func (a *Server) putWriteOptions(c *fiber.Ctx) error {
	var o store.WriteOptions
	if err := bind(c, &o); err != nil {
		return err
	}
	if err := a.store.SaveWorkspaceWriteOptions(c.UserContext(), currentWorkspace(c).ID, o); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"write_options": o})
}
