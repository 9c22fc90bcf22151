package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

var questionTypes = map[string]bool{"text": true, "single_choice": true, "multi_choice": true, "yes_no": true, "number": true, "audio": true, "video": true}

// rubricCriterion is one thing a strong answer to an open question shows.
type rubricCriterion struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	Strong string  `json:"strong"`
}

// knockoutRule flags (never rejects) a candidate whose answer to a closed
// question matches: equals one of Values, or a number below Min / above Max.
type knockoutRule struct {
	Values []string `json:"values,omitempty"`
	Min    *float64 `json:"min,omitempty"`
	Max    *float64 `json:"max,omitempty"`
	Reason string   `json:"reason"`
}

type interviewRequest struct {
	Name                string           `json:"name"`
	Kind                string           `json:"kind"`
	Language            string           `json:"language"`
	Intro               string           `json:"intro"`
	JobDescription      string           `json:"job_description"`
	DeadlineDays        int              `json:"deadline_days"`
	ReminderHours       *int             `json:"reminder_hours"`
	ConnectionID        *int64           `json:"connection_id"`
	JobExtID            string           `json:"job_ext_id"`
	StageExtID          string           `json:"stage_ext_id"`
	SyncResults         *bool            `json:"sync_results"`
	CompletedStageExtID string           `json:"completed_stage_ext_id"`
	AcceptStageExtID    string           `json:"accept_stage_ext_id"`
	RejectReasonExtID   string           `json:"reject_reason_ext_id"`
	WatchIntervalS      int              `json:"watch_interval_seconds"`
	TagScoreThreshold   float64          `json:"tag_score_threshold"`
	TagScoreName        string           `json:"tag_score_name"`
	TagAcceptedName     string           `json:"tag_accepted_name"`
	Questions           []store.Question `json:"questions"`
	// PositionID imports a synced position: title, description, screening
	// questions and connection, for fields the request leaves empty.
	PositionID int64 `json:"position_id"`
}

var languageRe = regexp.MustCompile(`^[a-z]{2}(-[A-Z]{2})?$`)

// toInterview validates the request into iv. Questions are validated one
// by one so the console can point at the broken one ("questions.2.options").
func (a *App) toInterview(c *fiber.Ctx, req interviewRequest, iv *store.Interview) error {
	ctx := c.UserContext()
	ws := currentWorkspace(c)
	if req.PositionID != 0 {
		p, err := a.store.PositionByID(ctx, ws.ID, req.PositionID)
		if err != nil {
			return &apiError{Status: 422, Code: "invalid_input", Message: "The position to import was not found.", Fields: map[string]string{"position_id": "not found"}}
		}
		if req.Name == "" {
			req.Name = p.Title
		}
		if req.JobDescription == "" {
			req.JobDescription = p.DescriptionText
		}
		if req.ConnectionID == nil {
			req.ConnectionID = &p.ConnectionID
		}
		if req.JobExtID == "" {
			req.JobExtID = p.ExtID
		}
		if len(req.Questions) == 0 {
			var qs []ats.Question
			_ = json.Unmarshal(p.Questions, &qs)
			req.Questions = importQuestions(qs)
		}
	}
	fe := fieldErrors{}
	iv.Name = strings.TrimSpace(req.Name)
	fe.add("name", validName(iv.Name, true, 200))
	iv.Kind = nonEmpty(req.Kind, "interview")
	if iv.Kind != "interview" && iv.Kind != "prescreen" {
		fe.add("kind", "must be interview or prescreen")
	}
	iv.Language = nonEmpty(req.Language, "en")
	if !languageRe.MatchString(iv.Language) {
		fe.add("language", "must be a language code such as en or de-CH")
	}
	iv.Intro, iv.JobDescription = strings.TrimSpace(req.Intro), strings.TrimSpace(req.JobDescription)
	if len(iv.Intro) > 5000 {
		fe.add("intro", "must be at most 5000 characters")
	}
	if len(iv.JobDescription) > 50000 {
		fe.add("job_description", "must be at most 50000 characters")
	}
	iv.DeadlineDays = req.DeadlineDays
	if iv.DeadlineDays == 0 {
		iv.DeadlineDays = 7
	}
	if iv.DeadlineDays < 1 || iv.DeadlineDays > 90 {
		fe.add("deadline_days", "must be between 1 and 90")
	}
	iv.ReminderHours = 48
	if req.ReminderHours != nil {
		iv.ReminderHours = *req.ReminderHours
	}
	if iv.ReminderHours < 0 || iv.ReminderHours >= iv.DeadlineDays*24 {
		fe.add("reminder_hours", "must be 0 (no reminder) or less than the deadline")
	}
	iv.WatchInterval = req.WatchIntervalS
	if iv.WatchInterval == 0 {
		iv.WatchInterval = 300
	}
	if iv.WatchInterval < 30 || iv.WatchInterval > 86400 {
		fe.add("watch_interval_seconds", "must be between 30 and 86400")
	}
	iv.SyncResults = req.SyncResults == nil || *req.SyncResults
	iv.TagScoreThreshold, iv.TagScoreName, iv.TagAcceptedName = req.TagScoreThreshold, strings.TrimSpace(req.TagScoreName), strings.TrimSpace(req.TagAcceptedName)
	if iv.TagScoreName != "" && (iv.TagScoreThreshold <= 0 || iv.TagScoreThreshold > 100) {
		fe.add("tag_score_threshold", "must be between 1 and 100 when a score tag is set")
	}
	fe.add("tag_score_name", validName(iv.TagScoreName, false, 100))
	fe.add("tag_accepted_name", validName(iv.TagAcceptedName, false, 100))
	iv.ConnectionID, iv.JobExtID, iv.StageExtID = req.ConnectionID, strings.TrimSpace(req.JobExtID), strings.TrimSpace(req.StageExtID)
	iv.CompletedStageExtID, iv.AcceptStageExtID, iv.RejectReasonExtID = req.CompletedStageExtID, req.AcceptStageExtID, req.RejectReasonExtID
	if iv.ConnectionID != nil && *iv.ConnectionID != 0 {
		if _, err := a.store.Connection(ctx, ws.ID, *iv.ConnectionID); err != nil {
			fe.add("connection_id", "is not an ATS connection of this workspace")
		}
	} else {
		iv.ConnectionID = nil
		if iv.StageExtID != "" || iv.JobExtID != "" {
			fe.add("connection_id", "is required when a position or stage is chosen")
		}
	}
	iv.Questions = req.Questions
	if len(iv.Questions) > 100 {
		fe.add("questions", "at most 100 questions")
	}
	for i := range iv.Questions {
		validateQuestion(fe, i, &iv.Questions[i])
	}
	return fe.err()
}

func validateQuestion(fe fieldErrors, i int, q *store.Question) {
	key := func(f string) string { return "questions." + strconv.Itoa(i) + "." + f }
	q.Prompt = strings.TrimSpace(q.Prompt)
	fe.add(key("prompt"), validName(q.Prompt, true, 2000))
	if !questionTypes[q.Type] {
		fe.add(key("type"), "must be text, single_choice, multi_choice, yes_no, number, audio or video")
	}
	switch q.Type {
	case "single_choice", "multi_choice":
		var opts []string
		for _, o := range q.Options {
			if o = strings.TrimSpace(o); o != "" {
				opts = append(opts, o)
			}
		}
		if len(opts) < 2 {
			fe.add(key("options"), "needs at least two choices")
		}
		q.Options = opts
	case "yes_no":
		q.Options = []string{"yes", "no"}
	default:
		q.Options = []string{}
	}
	if len(q.Rubric) > 0 && string(q.Rubric) != "null" {
		var crit []rubricCriterion
		if err := json.Unmarshal(q.Rubric, &crit); err != nil {
			fe.add(key("rubric"), "must be a list of {name, weight, strong}")
		}
		for _, c := range crit {
			if strings.TrimSpace(c.Name) == "" || c.Weight <= 0 {
				fe.add(key("rubric"), "every criterion needs a name and a positive weight")
			}
		}
	}
	if len(q.Knockout) > 0 && string(q.Knockout) != "null" {
		var k knockoutRule
		if err := json.Unmarshal(q.Knockout, &k); err != nil || (len(k.Values) == 0 && k.Min == nil && k.Max == nil) {
			fe.add(key("knockout"), "must name values, or a min or max")
		}
		if q.Type == "text" || q.Type == "audio" || q.Type == "video" {
			fe.add(key("knockout"), "only closed questions (choices, yes/no, number) can have knockout rules")
		}
	}
	if q.TimeLimitS < 0 || q.TimeLimitS > 3600 {
		fe.add(key("time_limit_seconds"), "must be between 0 (none) and 3600")
	}
	if q.Retakes < 0 || q.Retakes > 5 {
		fe.add(key("retakes"), "must be between 0 and 5")
	}
	if q.MaxMediaS == 0 {
		q.MaxMediaS = 180
	}
	if q.MaxMediaS < 10 || q.MaxMediaS > 600 {
		fe.add(key("max_media_seconds"), "must be between 10 and 600")
	}
}

// importQuestions maps an ATS position's screening questions to question
// types. Questions the candidate answered in the ATS already (files,
// dates) become open text questions the recruiter can edit or remove.
func importQuestions(qs []ats.Question) []store.Question {
	out := []store.Question{}
	for _, q := range qs {
		sq := store.Question{Prompt: q.Label, Required: q.Required, SourceExtID: q.ID, MaxMediaS: 180}
		switch q.Type {
		case ats.QuestionYesNo:
			sq.Type = "yes_no"
		case ats.QuestionSingleChoice, ats.QuestionMultiChoice:
			sq.Type = "single_choice"
			if q.Type == ats.QuestionMultiChoice {
				sq.Type = "multi_choice"
			}
			for _, o := range q.Options {
				sq.Options = append(sq.Options, o.Label)
			}
			if len(sq.Options) < 2 {
				sq.Type, sq.Options = "text", nil
			}
		case ats.QuestionNumber:
			sq.Type = "number"
		default:
			sq.Type = "text"
		}
		if strings.TrimSpace(sq.Prompt) == "" {
			continue
		}
		out = append(out, sq)
	}
	return out
}

func (a *App) listInterviews(c *fiber.Ctx) error {
	ivs, err := a.store.Interviews(c.UserContext(), currentWorkspace(c).ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"interviews": ivs})
}

func (a *App) createInterview(c *fiber.Ctx) error {
	var req interviewRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	iv := &store.Interview{WorkspaceID: currentWorkspace(c).ID}
	if err := a.toInterview(c, req, iv); err != nil {
		return err
	}
	if err := a.store.SaveInterview(c.UserContext(), iv); err != nil {
		return err
	}
	a.log.Info("Interview created", slog.Int64("workspace_id", iv.WorkspaceID), slog.Int64("interview_id", iv.ID))
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"interview": iv})
}

func (a *App) loadInterview(c *fiber.Ctx) (*store.Interview, error) {
	id, err := paramID(c, "iid")
	if err != nil {
		return nil, err
	}
	iv, err := a.store.Interview(c.UserContext(), currentWorkspace(c).ID, id)
	if err != nil {
		return nil, notFoundIs(err)
	}
	return iv, nil
}

func (a *App) getInterview(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	st, err := a.store.InterviewStats(c.UserContext(), iv.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"interview": iv, "stats": st, "watchdog": a.watch.status(iv)})
}

// updateInterview edits an interview. Once published, the stage feeding
// it is fixed: people were invited because they sat in that stage.
func (a *App) updateInterview(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	if iv.Status == "closed" {
		return errConflict("interview_closed", "A closed interview cannot be changed.")
	}
	var req interviewRequest
	if err := bind(c, &req); err != nil {
		return err
	}
	before := *iv
	if err := a.toInterview(c, req, iv); err != nil {
		return err
	}
	if before.Status != "draft" && (nullID(before.ConnectionID) != nullID(iv.ConnectionID) || before.JobExtID != iv.JobExtID || before.StageExtID != iv.StageExtID) {
		return errConflict("interview_published", "The ATS position and stage cannot change after publishing; create a new interview instead.")
	}
	if err := a.store.SaveInterview(c.UserContext(), iv); err != nil {
		return notFoundIs(err)
	}
	if iv.Status == "active" {
		a.watch.schedule(iv)
	}
	return c.JSON(fiber.Map{"interview": iv})
}

func nullID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (a *App) deleteInterview(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	if iv.Status != "draft" {
		return errConflict("interview_published", "Only drafts can be deleted; close a published interview instead.")
	}
	if err := a.store.DeleteInterview(c.UserContext(), iv.WorkspaceID, iv.ID); err != nil {
		return notFoundIs(err)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// publishPreview says who publishing would invite, before anything happens.
func (a *App) publishPreview(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	if err := publishable(iv); err != nil {
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

func (a *App) stageName(c *fiber.Ctx, iv *store.Interview) string {
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
		return &apiError{Status: 422, Code: "not_publishable", Message: "Choose the ATS position and the stage that feeds this interview before publishing."}
	case len(iv.Questions) == 0:
		return &apiError{Status: 422, Code: "not_publishable", Message: "Add at least one question before publishing."}
	case iv.Status == "closed":
		return errConflict("interview_closed", "This interview is closed.")
	}
	return nil
}

// publish invites everyone currently in the stage and starts the watchdog.
func (a *App) publish(c *fiber.Ctx) error {
	iv, err := a.loadInterview(c)
	if err != nil {
		return err
	}
	if err := publishable(iv); err != nil {
		return err
	}
	if iv.Status == "active" {
		return errConflict("interview_active", "This interview is already published.")
	}
	created, err := a.watch.publish(c.UserContext(), iv)
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
func (a *App) setInterviewStatus(status string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		iv, err := a.loadInterview(c)
		if err != nil {
			return err
		}
		switch {
		case iv.Status == "draft":
			return errConflict("interview_draft", "Publish the interview first.")
		case iv.Status == "closed":
			return errConflict("interview_closed", "This interview is closed.")
		case status == "active" && iv.Status != "paused":
			return errConflict("interview_active", "This interview is not paused.")
		}
		if err := a.store.SetInterviewStatus(c.UserContext(), iv.WorkspaceID, iv.ID, status); err != nil {
			return notFoundIs(err)
		}
		iv.Status = status
		if status == "active" {
			a.watch.schedule(iv)
			a.watch.tickSoon(iv.ID)
		} else {
			a.watch.unschedule(iv.ID)
		}
		a.log.Info("Interview status changed", slog.Int64("interview_id", iv.ID), slog.String("status", status))
		return c.JSON(fiber.Map{"interview": iv})
	}
}

func (a *App) listInvitations(c *fiber.Ctx) error {
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
func (a *App) resendInvitation(c *fiber.Ctx) error {
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
			return errConflict("invitation_closed", "This invitation is "+v.Status+"; nothing to resend.")
		}
		purpose := fmt.Sprintf("invitation:resend:%d", a.now().Unix())
		if _, err := a.store.QueueEmail(c.UserContext(), iv.WorkspaceID, v.ID, "invitation", purpose, v.Email, strings.TrimSpace(v.FirstName+" "+v.LastName)); err != nil {
			return err
		}
		a.outbox.wake()
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"status": "queued"})
	}
	return errNotFound()
}

type extendRequest struct {
	Days int `json:"days"`
}

// extendInvitation grants more time (an adjustment); it reopens an expired link.
func (a *App) extendInvitation(c *fiber.Ctx) error {
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
		fe := fieldErrors{}
		fe.add("days", "must be between 1 and 60")
		return fe.err()
	}
	invs, err := a.store.Invitations(c.UserContext(), iv.WorkspaceID, iv.ID)
	if err != nil {
		return err
	}
	for _, v := range invs {
		if v.ID == id {
			if err := a.store.ExtendInvitation(c.UserContext(), iv.WorkspaceID, id, req.Days); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return errConflict("invitation_closed", "A submitted invitation cannot be extended.")
				}
				return err
			}
			return c.SendStatus(fiber.StatusNoContent)
		}
	}
	return errNotFound()
}

// invitationLink returns a candidate's interview link, for a recruiter who
// wants to send it another way (or, in demo mode, has no SMTP server).
func (a *App) invitationLink(c *fiber.Ctx) error {
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
		return errNotFound()
	}
	tok, err := a.unseal(purposeInvitationToken, inv.SealedToken)
	if err != nil {
		return err
	}
	a.log.Info("Invitation link viewed", slog.Int64("invitation_id", inv.ID), slog.Int64("user_id", currentUser(c).ID))
	return c.JSON(fiber.Map{"url": a.cfg.BaseURL + "/i/" + string(tok)})
}
