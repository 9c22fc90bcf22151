package results

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/scoring"
	"github.com/hireloop/hireloop/store"
)

// Override is a person's score for a whole result (QuestionID 0, 0-100)
// or one question (0-5 for closed questions, 1-5 for open ones).
type Override struct {
	QuestionID int64   `json:"question_id"`
	Score      float64 `json:"score"`
	Reason     string  `json:"reason"`
}

// AddOverride records a person's score beside the assessment's; the
// original stays visible, the change is audited, and the report is
// rendered again.
func (w *Worker) AddOverride(ctx context.Context, r *store.Result, o Override, u *store.User) error {
	if r.Status != "scored" {
		return apperr.Conflict("not_scored", "This interview is still being scored.")
	}
	o.Reason = strings.TrimSpace(o.Reason)
	fe := apperr.Fields{}
	fe.Add("reason", apperr.CheckName(o.Reason, true, 2000))
	original := r.Overall
	if o.QuestionID == 0 {
		if o.Score < 0 || o.Score > 100 {
			fe.Add("score", "must be between 0 and 100")
		}
		// Overall scores are whole numbers everywhere (scoring.Round).
		o.Score = scoring.Round(o.Score)
	} else {
		original = questionScore(r, o, fe)
	}
	if err := fe.Err(); err != nil {
		return err
	}
	audit := store.AuditEntry{WorkspaceID: r.WorkspaceID, UserID: &u.ID, Actor: u.Email, Action: "score.override",
		Subject: fmt.Sprintf("result %d question %d", r.ID, o.QuestionID), Detail: fmt.Sprintf("%s → %g: %s", FmtScore(original), o.Score, o.Reason), Outcome: "done"}
	if err := w.d.Store.AddOverride(ctx, r.WorkspaceID, r.ID, store.Override{QuestionID: o.QuestionID, Original: original,
		Score: o.Score, Reason: o.Reason, UserID: u.ID}, audit); err != nil {
		return err
	}
	w.RenderLater(r)
	return nil
}

// questionScore is the assessment's score of the overridden question,
// checking the override against the question's scale.
func questionScore(r *store.Result, o Override, fe apperr.Fields) *float64 {
	var qres []struct {
		QuestionID int64    `json:"question_id"`
		Kind       string   `json:"kind"`
		Score      *float64 `json:"score"`
	}
	_ = json.Unmarshal(r.Details, &qres)
	for _, q := range qres {
		if q.QuestionID != o.QuestionID {
			continue
		}
		// Closed questions are scored 0-5 by rule (0 = unanswered);
		// open ones 1-5.
		lo := 1.0
		if q.Kind == "closed" {
			lo = 0
		}
		if o.Score < lo || o.Score > 5 {
			fe.Add("score", fmt.Sprintf("must be between %g and 5", lo))
		}
		return q.Score
	}
	fe.Add("question_id", "is not a question of this interview")
	return nil
}
