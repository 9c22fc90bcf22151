package results

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/scoring"
	"github.com/hireloop/hireloop/store"
)

// Review is a person's rubric checklist for one open answer the built-in
// scorer left to them: which criteria the answer meets (every criterion
// must be answered), or, for a question without a rubric, a score 1–5.
type Review struct {
	QuestionID int64           `json:"question_id"`
	Criteria   map[string]bool `json:"criteria"` // criterion id → met
	Score      *float64        `json:"score"`    // only without a rubric
	Note       string          `json:"note"`
}

// Review scores one waiting open answer from the reviewer's checklist with
// the same formula the scorers use (1 + 4 × the weighted share of criteria
// met), recomputes the overall score, and, once no answer waits any more,
// lets the follow-up (tags, notes, moves) run.
func (w *Worker) Review(ctx context.Context, r *store.Result, rv Review, u *store.User) error {
	if r.Status != "scored" {
		return apperr.Conflict("not_scored", "This interview is still being scored.")
	}
	var qres []scoring.QuestionResult
	if err := json.Unmarshal(r.Details, &qres); err != nil {
		return fmt.Errorf("result %d details: %w", r.ID, err)
	}
	rec, err := Load(ctx, w.d.Store, r)
	if err != nil {
		return err
	}
	in := scoringInput(rec.Interview, rec.Answers)
	i := indexOf(qres, rv.QuestionID)
	if i < 0 || qres[i].Kind != scoring.KindReview {
		return apperr.Field("question_id", "is not an answer waiting for a person's review")
	}
	if qres[i].Score != nil {
		return apperr.Conflict("already_reviewed", "This answer was already reviewed; override its score instead.")
	}
	var crits []scoring.Criterion
	for _, q := range in.Questions {
		if q.ID == rv.QuestionID {
			crits = scoring.Criteria(q.Rubric)
		}
	}
	fe := apperr.Fields{}
	note := strings.TrimSpace(rv.Note)
	fe.Add("note", apperr.CheckName(note, false, 2000))
	score, summary := checklistScore(crits, qres[i].Criteria, rv, fe)
	if err := fe.Err(); err != nil {
		return err
	}
	qres[i].Score = &score
	qres[i].Rationale = fmt.Sprintf("Scored %s of 5 by %s with the rubric checklist: %s.", fmtQ(score), u.Email, summary)
	if note != "" {
		qres[i].Rationale += " Note: " + note
	}
	pending := 0
	for _, q := range qres {
		if q.Kind == scoring.KindReview && q.Score == nil {
			pending++
		}
	}
	overall := scoring.Overall(in.Questions, qres)
	details, _ := json.Marshal(qres)
	audit := store.AuditEntry{WorkspaceID: r.WorkspaceID, UserID: &u.ID, Actor: u.Email, Action: "score.review",
		Subject: fmt.Sprintf("result %d question %d", r.ID, rv.QuestionID), Detail: fmt.Sprintf("%s of 5: %s", fmtQ(score), summary), Outcome: "done"}
	err = w.d.Store.SaveReview(ctx, r.WorkspaceID, r.ID, r.Details, details, overall, pending, audit)
	if errors.Is(err, store.ErrConflict) {
		return apperr.Conflict("review_conflict", "The result changed meanwhile (someone else reviewed it); reload and try again.")
	}
	if err != nil {
		return err
	}
	r.Details, r.Overall, r.ReviewPending = details, overall, pending
	w.d.Log.Info("Answer reviewed", slog.Int64("result_id", r.ID), slog.Int64("question_id", rv.QuestionID), slog.Int("review_pending", pending))
	w.RenderLater(r)
	if pending == 0 {
		w.Wake() // the follow-up was waiting for this
	}
	return nil
}

// checklistScore turns the reviewer's ticks into a score and a summary,
// recording each criterion's verdict in crs.
func checklistScore(crits []scoring.Criterion, crs []scoring.CriterionResult, rv Review, fe apperr.Fields) (float64, string) {
	if len(crits) == 0 {
		if rv.Score == nil || *rv.Score < 1 || *rv.Score > 5 {
			fe.Add("score", "must be between 1 and 5 (this question has no rubric)")
			return 0, ""
		}
		return *rv.Score, "no rubric, scored as a whole"
	}
	if rv.Score != nil {
		fe.Add("score", "tick the rubric's criteria instead; the score follows from them")
	}
	var metW, totalW float64
	var met []string
	for j, c := range crits {
		ok, given := rv.Criteria[c.ID]
		if !given {
			fe.Add("criteria."+c.ID, "say whether the answer meets "+c.Name)
			continue
		}
		totalW += c.Weight
		if ok {
			metW += c.Weight
			met = append(met, c.Name)
		}
		if j < len(crs) && crs[j].CriterionID == c.ID {
			crs[j].Met = &ok
		}
	}
	for id := range rv.Criteria {
		if !hasCriterion(crits, id) {
			fe.Add("criteria."+id, "is not a criterion of this question")
		}
	}
	if totalW == 0 {
		return 0, ""
	}
	score := 1 + 4*metW/totalW
	score = float64(int(score*100+0.5)) / 100
	if len(met) == 0 {
		return score, fmt.Sprintf("none of %d criteria met", len(crits))
	}
	return score, fmt.Sprintf("%d of %d criteria met (%s)", len(met), len(crits), strings.Join(met, ", "))
}

func hasCriterion(crits []scoring.Criterion, id string) bool {
	for _, c := range crits {
		if c.ID == id {
			return true
		}
	}
	return false
}

func indexOf(qres []scoring.QuestionResult, id int64) int {
	for i, q := range qres {
		if q.QuestionID == id {
			return i
		}
	}
	return -1
}

func fmtQ(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

// Attention lists, in plain words, why a result needs a person's review
// before anyone relies on its score: knockouts (naming question and
// answer), possible prompt injection, answers nobody could score, required
// questions left out. Empty means nothing is flagged. A result with any of
// these never gets an automatic positive tag.
func Attention(r *store.Result) []string {
	var flags []scoring.Flag
	_ = json.Unmarshal(r.Flags, &flags)
	out := make([]string, 0, len(flags))
	for _, f := range flags {
		out = append(out, f.Message)
	}
	return out
}

// Knockouts are a result's knockout flags.
func Knockouts(r *store.Result) []scoring.Flag {
	var flags []scoring.Flag
	_ = json.Unmarshal(r.Flags, &flags)
	var out []scoring.Flag
	for _, f := range flags {
		if f.Kind == scoring.FlagKnockout {
			out = append(out, f)
		}
	}
	return out
}

// hasFlag tells whether a result carries a flag of kind.
func hasFlag(r *store.Result, kind string) bool {
	var flags []scoring.Flag
	_ = json.Unmarshal(r.Flags, &flags)
	for _, f := range flags {
		if f.Kind == kind {
			return true
		}
	}
	return false
}
