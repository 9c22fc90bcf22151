// Package interview holds the rules of an interview as recruiters edit
// it: validation of the editor's input (questions, rubrics, knockout
// rules, ATS settings), importing an ATS position's screening questions,
// the built-in question generator, and when an interview may be published.
package interview

import (
	"cmp"
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/scoring"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

var questionTypes = map[string]bool{"text": true, "single_choice": true, "multi_choice": true, "yes_no": true, "number": true, "audio": true, "video": true}

// Request creates or edits an interview.
type Request struct {
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
	// QuestionChange says how a change of a published interview's
	// questions is saved: "version" (the default) makes a new version,
	// "fix" fixes the wording of the current one (see versions.go).
	QuestionChange string `json:"question_change"`
}

var languageRe = regexp.MustCompile(`^[a-z]{2}(-[A-Z]{2})?$`)

// Apply validates the request into iv, an interview of workspace ws.
// Questions are validated one by one so the console can point at the
// broken one ("questions.2.options").
func Apply(ctx context.Context, st *store.Store, ws int64, req Request, iv *store.Interview) error {
	if req.PositionID != 0 {
		if err := importPosition(ctx, st, ws, &req); err != nil {
			return err
		}
	}
	fe := apperr.Fields{}
	iv.Name = strings.TrimSpace(req.Name)
	fe.Add("name", apperr.CheckName(iv.Name, true, 200))
	iv.Kind = cmp.Or(req.Kind, "interview")
	if iv.Kind != "interview" && iv.Kind != "prescreen" {
		fe.Add("kind", "must be interview or prescreen")
	}
	iv.Language = cmp.Or(req.Language, "en")
	if !languageRe.MatchString(iv.Language) {
		fe.Add("language", "must be a language code such as en or de-CH")
	}
	iv.Intro, iv.JobDescription = strings.TrimSpace(req.Intro), strings.TrimSpace(req.JobDescription)
	if len(iv.Intro) > 5000 {
		fe.Add("intro", "must be at most 5000 characters")
	}
	if len(iv.JobDescription) > 50000 {
		fe.Add("job_description", "must be at most 50000 characters")
	}
	iv.DeadlineDays = req.DeadlineDays
	if iv.DeadlineDays == 0 {
		iv.DeadlineDays = 7
	}
	if iv.DeadlineDays < 1 || iv.DeadlineDays > 90 {
		fe.Add("deadline_days", "must be between 1 and 90")
	}
	iv.ReminderHours = 48
	if req.ReminderHours != nil {
		iv.ReminderHours = *req.ReminderHours
	}
	if iv.ReminderHours < 0 || iv.ReminderHours >= iv.DeadlineDays*24 {
		fe.Add("reminder_hours", "must be 0 (no reminder) or less than the deadline")
	}
	iv.WatchInterval = req.WatchIntervalS
	if iv.WatchInterval == 0 {
		iv.WatchInterval = 300
	}
	if iv.WatchInterval < 30 || iv.WatchInterval > 86400 {
		fe.Add("watch_interval_seconds", "must be between 30 and 86400")
	}
	iv.SyncResults = req.SyncResults == nil || *req.SyncResults
	iv.TagScoreThreshold, iv.TagScoreName, iv.TagAcceptedName = req.TagScoreThreshold, strings.TrimSpace(req.TagScoreName), strings.TrimSpace(req.TagAcceptedName)
	if iv.TagScoreName != "" && (iv.TagScoreThreshold <= 0 || iv.TagScoreThreshold > 100) {
		fe.Add("tag_score_threshold", "must be between 1 and 100 when a score tag is set")
	}
	fe.Add("tag_score_name", apperr.CheckName(iv.TagScoreName, false, 100))
	fe.Add("tag_accepted_name", apperr.CheckName(iv.TagAcceptedName, false, 100))
	iv.ConnectionID, iv.JobExtID, iv.StageExtID = req.ConnectionID, strings.TrimSpace(req.JobExtID), strings.TrimSpace(req.StageExtID)
	iv.CompletedStageExtID, iv.AcceptStageExtID, iv.RejectReasonExtID = req.CompletedStageExtID, req.AcceptStageExtID, req.RejectReasonExtID
	if iv.ConnectionID != nil && *iv.ConnectionID != 0 {
		if _, err := st.Connection(ctx, ws, *iv.ConnectionID); err != nil {
			fe.Add("connection_id", "is not an ATS connection of this workspace")
		}
	} else {
		iv.ConnectionID = nil
		if iv.StageExtID != "" || iv.JobExtID != "" {
			fe.Add("connection_id", "is required when a position or stage is chosen")
		}
	}
	iv.Questions = req.Questions
	if len(iv.Questions) > 100 {
		fe.Add("questions", "at most 100 questions")
	}
	for i := range iv.Questions {
		validateQuestion(fe, i, &iv.Questions[i])
	}
	return fe.Err()
}

// importPosition fills what req leaves empty from a synced position:
// title, description, screening questions and connection.
func importPosition(ctx context.Context, st *store.Store, ws int64, req *Request) error {
	p, err := st.PositionByID(ctx, ws, req.PositionID)
	if err != nil {
		return &apperr.Error{Status: 422, Code: "invalid_input", Message: "The position to import was not found.", Fields: map[string]string{"position_id": "not found"}}
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
		req.Questions = ImportQuestions(qs)
	}
	return nil
}

func validateQuestion(fe apperr.Fields, i int, q *store.Question) {
	key := func(f string) string { return "questions." + strconv.Itoa(i) + "." + f }
	q.Prompt = strings.TrimSpace(q.Prompt)
	fe.Add(key("prompt"), apperr.CheckName(q.Prompt, true, 2000))
	if !questionTypes[q.Type] {
		fe.Add(key("type"), "must be text, single_choice, multi_choice, yes_no, number, audio or video")
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
			fe.Add(key("options"), "needs at least two choices")
		}
		q.Options = opts
	case "yes_no":
		q.Options = []string{"yes", "no"}
	default:
		q.Options = []string{}
	}
	if len(q.Rubric) > 0 && string(q.Rubric) != "null" {
		crit, err := scoring.ParseRubric(q.Rubric)
		if err != nil {
			fe.Add(key("rubric"), "must be a list of {name, weight, strong}")
		}
		for _, c := range crit {
			if strings.TrimSpace(c.Name) == "" || c.Weight <= 0 {
				fe.Add(key("rubric"), "every criterion needs a name and a positive weight")
			}
		}
	}
	if len(q.Knockout) > 0 && string(q.Knockout) != "null" {
		if k, err := scoring.ParseKnockout(q.Knockout); err != nil || k.Empty() {
			fe.Add(key("knockout"), "must name values, or a min or max")
		}
		if q.Type == "text" || q.Type == "audio" || q.Type == "video" {
			fe.Add(key("knockout"), "only closed questions (choices, yes/no, number) can have knockout rules")
		}
	}
	if len(q.Scoring) > 0 && string(q.Scoring) != "null" {
		rule, err := scoring.ParseRule(q.Scoring)
		switch {
		case err != nil:
			fe.Add(key("scoring"), "must be {points: {option: 0-5}} or {ranges: [{min, max, points}]}")
		case q.Type == "text" || q.Type == "audio" || q.Type == "video":
			fe.Add(key("scoring"), "only closed questions (choices, yes/no, number) are scored by rules; open ones use a rubric")
		default:
			fe.Add(key("scoring"), rule.Check(q.Type, q.Options))
		}
	}
	if q.TimeLimitS < 0 || q.TimeLimitS > 3600 {
		fe.Add(key("time_limit_seconds"), "must be between 0 (none) and 3600")
	}
	if q.Retakes < 0 || q.Retakes > 5 {
		fe.Add(key("retakes"), "must be between 0 and 5")
	}
	if q.MaxMediaS == 0 {
		q.MaxMediaS = 180
	}
	if q.MaxMediaS < 10 || q.MaxMediaS > 600 {
		fe.Add(key("max_media_seconds"), "must be between 10 and 600")
	}
}

// ImportQuestions maps an ATS position's screening questions to question
// types. Questions the candidate answered in the ATS already (files,
// dates) become open text questions the recruiter can edit or remove.
// Closed questions come with a suggested scoring rule the recruiter must
// confirm before publishing (see suggestedRule).
func ImportQuestions(qs []ats.Question) []store.Question {
	out := []store.Question{}
	for _, q := range qs {
		sq := store.Question{Prompt: q.Label, Required: q.Required, SourceExtID: q.ID, MaxMediaS: 180}
		switch q.Type {
		case ats.QuestionYesNo:
			sq.Type = "yes_no"
			sq.Options = []string{"yes", "no"}
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
		sq.Scoring = suggestedRule(sq.Type)
		out = append(out, sq)
	}
	return out
}

// suggestedRule is the scoring an imported closed question starts with.
// The ATS says nothing about which answer is wanted, so only yes/no gets
// points ("yes" preferred, the usual sense of a screening question); a
// choice or number question starts unscored. Either way the recruiter
// confirms it in the editor before the interview can be published.
func suggestedRule(typ string) json.RawMessage {
	var r scoring.Rule
	switch typ {
	case "yes_no":
		r.Points = map[string]float64{"yes": scoring.PointsPreferred, "no": scoring.PointsNotAcceptable}
	case "single_choice", "multi_choice", "number":
	default:
		return nil
	}
	r.Suggested = true
	b, _ := json.Marshal(r)
	return b
}

// unconfirmed lists the positions of questions whose suggested scoring
// the recruiter has not confirmed.
func unconfirmed(qs []store.Question) []string {
	var out []string
	for i, q := range qs {
		if r, err := scoring.ParseRule(q.Scoring); err == nil && r != nil && r.Suggested {
			out = append(out, strconv.Itoa(i+1))
		}
	}
	return out
}

// Publishable says why iv cannot be published yet, or nil.
func Publishable(iv *store.Interview) error {
	switch {
	case iv.ConnectionID == nil || iv.JobExtID == "" || iv.StageExtID == "":
		return &apperr.Error{Status: 422, Code: "not_publishable", Message: "Choose the ATS position and the stage that feeds this interview before publishing."}
	case len(iv.Questions) == 0:
		return &apperr.Error{Status: 422, Code: "not_publishable", Message: "Add at least one question before publishing."}
	case len(unconfirmed(iv.Questions)) > 0:
		return &apperr.Error{Status: 422, Code: "not_publishable", Message: "Confirm the suggested scoring of question " +
			strings.Join(unconfirmed(iv.Questions), ", ") + " (imported from the ATS) before publishing."}
	case iv.Status == "closed":
		return apperr.Conflict("interview_closed", "This interview is closed.")
	}
	return nil
}
