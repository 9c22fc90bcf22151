package app

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

func (a *App) interviewResults(c *fiber.Ctx) error {
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

func (a *App) loadResult(c *fiber.Ctx) (*store.Result, error) {
	id, err := paramID(c, "rid")
	if err != nil {
		return nil, err
	}
	r, err := a.store.ResultByID(c.UserContext(), currentWorkspace(c).ID, id)
	if err != nil {
		return nil, notFoundIs(err)
	}
	return r, nil
}

// getResult is the result page: the stable results link in the ATS opens
// the console's page for it, which loads this.
func (a *App) getResult(c *fiber.Ctx) error {
	r, err := a.loadResult(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	inv, err := a.store.InvitationByID(ctx, r.InvitationID)
	if err != nil {
		return err
	}
	iv, err := a.store.InterviewByID(ctx, r.InterviewID)
	if err != nil {
		return err
	}
	answers, err := a.store.Answers(ctx, inv.ID)
	if err != nil {
		return err
	}
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
		"results_url": a.resultsURL(r), "decided_by_email": decidedBy,
		"report_url": fmt.Sprintf("/api/workspaces/%d/results/%d/report.pdf", r.WorkspaceID, r.ID),
	})
}

func (a *App) resultReport(c *fiber.Ctx) error {
	r, err := a.loadResult(c)
	if err != nil {
		return err
	}
	if r.ReportPath == "" {
		return &apiError{Status: fiber.StatusConflict, Code: "report_pending", Message: "The report is being prepared; try again in a moment."}
	}
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="hireloop-interview-%d.pdf"`, r.ID))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendFile(r.ReportPath)
}

func (a *App) resultMedia(c *fiber.Ctx) error {
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
				return errNotFound()
			}
			c.Set(fiber.HeaderContentType, an.MediaType)
			c.Set(fiber.HeaderCacheControl, "private, no-store")
			return c.SendFile(an.MediaPath)
		}
	}
	return errNotFound()
}

type overrideRequest struct {
	QuestionID int64   `json:"question_id"`
	Score      float64 `json:"score"`
	Reason     string  `json:"reason"`
}

// overrideScore records a person's score beside the assessment's; the
// original stays visible, and the report is rendered again.
func (a *App) overrideScore(c *fiber.Ctx) error {
	r, err := a.loadResult(c)
	if err != nil {
		return err
	}
	if r.Status != "scored" {
		return errConflict("not_scored", "This interview is still being scored.")
	}
	var req overrideRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	req.Reason = strings.TrimSpace(req.Reason)
	fe := fieldErrors{}
	fe.add("reason", validName(req.Reason, true, 2000))
	var original *float64
	if req.QuestionID == 0 {
		if req.Score < 0 || req.Score > 100 {
			fe.add("score", "must be between 0 and 100")
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
					fe.add("score", fmt.Sprintf("must be between %g and 5", lo))
				}
			}
		}
		if !found {
			fe.add("question_id", "is not a question of this interview")
		}
	}
	if err := fe.err(); err != nil {
		return err
	}
	u := currentUser(c)
	audit := store.AuditEntry{WorkspaceID: r.WorkspaceID, UserID: &u.ID, Actor: u.Email, Action: "score.override",
		Subject: fmt.Sprintf("result %d question %d", r.ID, req.QuestionID), Detail: fmt.Sprintf("%s → %g: %s", fmtScore(original), req.Score, req.Reason), Outcome: "done"}
	if err := a.store.AddOverride(c.UserContext(), r.WorkspaceID, r.ID, store.Override{QuestionID: req.QuestionID, Original: original,
		Score: req.Score, Reason: req.Reason, UserID: u.ID}, audit); err != nil {
		return err
	}
	a.syncs.wg.Add(1)
	go func() {
		defer a.syncs.wg.Done()
		if err := a.results.renderReport(a.baseCtx, r); err != nil {
			a.log.Warn("Report not re-rendered after override", slog.Int64("result_id", r.ID), slog.Any("error", err))
		}
	}()
	return a.getResult(c)
}

// decide accepts or rejects. Only a person does this: no score, rule or
// knockout ever calls it. The decision, its ATS writes and its email are
// recorded in one transaction, once.
func (a *App) decide(decision string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := a.loadResult(c)
		if err != nil {
			return err
		}
		if r.Decision != "" {
			return errConflict("already_decided", "This candidate was already "+r.Decision+".")
		}
		ctx := c.UserContext()
		iv, err := a.store.InterviewByID(ctx, r.InterviewID)
		if err != nil {
			return err
		}
		inv, err := a.store.InvitationByID(ctx, r.InvitationID)
		if err != nil {
			return err
		}
		u := currentUser(c)
		var writes []store.NewATSWrite
		var email *store.DecisionEmail
		name := strings.TrimSpace(inv.FirstName + " " + inv.LastName)
		add := func(action ats.WriteAction, key string, p writePayload) {
			b, _ := json.Marshal(p)
			writes = append(writes, store.NewATSWrite{ConnectionID: *iv.ConnectionID, ResultID: r.ID, Action: string(action),
				IdempotencyKey: fmt.Sprintf("result:%d:%s", r.ID, key), Payload: string(b)})
		}
		base := writePayload{ApplicationID: inv.ApplicationExtID, CandidateID: inv.CandidateExtID, ResultID: r.ID}
		switch decision {
		case "accepted":
			if iv.ConnectionID != nil && iv.AcceptStageExtID != "" {
				p := base
				p.StageID = iv.AcceptStageExtID
				add(ats.ActionMoveStage, "accept_move", p)
			}
			if iv.ConnectionID != nil && iv.TagAcceptedName != "" {
				p := base
				p.Tag = iv.TagAcceptedName
				add(ats.ActionAddTag, "tag_accepted", p)
			}
			email = &store.DecisionEmail{InvitationID: inv.ID, Kind: "acceptance", To: inv.Email, Name: name}
		case "rejected":
			// No reason set means "Don't reject in the ATS" (the editor's
			// wording): the decision stays in hireloop, and several ATSs
			// refuse a rejection without a reason anyway.
			if iv.ConnectionID != nil && iv.RejectReasonExtID != "" {
				p := base
				p.ReasonID = iv.RejectReasonExtID
				add(ats.ActionReject, "reject", p)
			}
			if t, err := a.store.EmailTemplates(ctx, r.WorkspaceID); err == nil {
				if rt, ok := t["rejection"]; ok && rt.Enabled {
					email = &store.DecisionEmail{InvitationID: inv.ID, Kind: "rejection", To: inv.Email, Name: name}
				}
			}
		}
		audit := store.AuditEntry{WorkspaceID: r.WorkspaceID, UserID: &u.ID, Actor: u.Email, Action: "decision." + strings.TrimSuffix(decision, "ed"),
			Subject: fmt.Sprintf("result %d (%s, %s)", r.ID, name, inv.Email), Detail: fmt.Sprintf("%d ATS write(s) queued", len(writes)), Outcome: decision}
		if err := a.store.Decide(ctx, r.WorkspaceID, r.ID, decision, u.ID, audit, writes, email); errors.Is(err, store.ErrConflict) {
			return errConflict("already_decided", "This candidate was already decided.")
		} else if err != nil {
			return err
		}
		a.log.Info("Decision recorded", slog.Int64("result_id", r.ID), slog.String("decision", decision), slog.Int64("user_id", u.ID))
		a.atsWriter.wake()
		a.outbox.wake()
		return a.getResult(c)
	}
}

func (a *App) retryATSWrite(c *fiber.Ctx) error {
	id, err := paramID(c, "wrid")
	if err != nil {
		return err
	}
	ws := currentWorkspace(c)
	if err := a.store.RetryATSWrite(c.UserContext(), ws.ID, id); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errConflict("not_failed", "Only failed writes can be retried.")
		}
		return err
	}
	u := currentUser(c)
	_ = a.store.Audit(c.UserContext(), store.AuditEntry{WorkspaceID: ws.ID, UserID: &u.ID, Actor: u.Email, Action: "ats_write.retry",
		Subject: fmt.Sprintf("write %d", id), Outcome: "queued"})
	a.atsWriter.wake()
	w, err := a.store.ATSWriteByID(c.UserContext(), ws.ID, id)
	if err != nil {
		return notFoundIs(err)
	}
	return c.JSON(fiber.Map{"ats_write": w})
}

// auditLog lists the audit log; ?format=csv exports all of it.
func (a *App) auditLog(c *fiber.Ctx) error {
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

func (a *App) getAISettings(c *fiber.Ctx) error {
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

func validHTTPURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "must be an http(s) URL such as https://api.openai.com/v1 or http://localhost:11434/v1"
	}
	return ""
}

func (a *App) putAISettings(c *fiber.Ctx) error {
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
	fe := fieldErrors{}
	fe.add("llm_base_url", validHTTPURL(s.LLMBaseURL))
	fe.add("transcribe_base_url", validHTTPURL(s.TranscribeBaseURL))
	if (s.LLMBaseURL == "") != (s.LLMModel == "") {
		fe.add("llm_model", "give both the base URL and the model, or neither (the built-in scorer is used then)")
	}
	if err := fe.err(); err != nil {
		return err
	}
	if req.ClearLLMKey {
		s.LLMKey = nil
	}
	if req.ClearTranscribeKey {
		s.TranscribeKey = nil
	}
	if req.LLMKey != nil && *req.LLMKey != "" {
		if s.LLMKey, err = a.seal(purposeLLMKey, []byte(*req.LLMKey)); err != nil {
			return err
		}
	}
	if req.TranscribeKey != nil && *req.TranscribeKey != "" {
		if s.TranscribeKey, err = a.seal(purposeSTTKey, []byte(*req.TranscribeKey)); err != nil {
			return err
		}
	}
	if err := a.store.SaveAISettings(c.UserContext(), ws.ID, s); err != nil {
		return err
	}
	return a.getAISettings(c)
}

func (a *App) getWriteOptions(c *fiber.Ctx) error {
	o, err := a.store.WorkspaceWriteOptions(c.UserContext(), currentWorkspace(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"write_options": o})
}

func (a *App) putWriteOptions(c *fiber.Ctx) error {
	var o store.WriteOptions
	if err := bind(c, &o); err != nil {
		return err
	}
	if err := a.store.SaveWorkspaceWriteOptions(c.UserContext(), currentWorkspace(c).ID, o); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"write_options": o})
}
