// Package candidate is the candidate's side of an interview: what the page
// at /i/<token> shows and accepts. The link token is the only credential;
// it is looked up by its hash. Answers to questions of another interview,
// changes after submission or expiry, and oversized recordings are refused
// with their own codes, so the page can show a friendly explanation.
package candidate

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// aiDisclosure is shown before consent. Scoring uses answer content only.
// The integrity signals (signals.go) are named here because the page
// records them from the first question on.
const aiDisclosure = "An AI system helps assess your answers. It looks only at what you answer (the content of your text, " +
	"and of the transcript of any recording) against criteria the recruiter set for this position. It does not assess your " +
	"voice, accent, fluency, face, appearance or emotions. A person at the company reviews the assessment and makes every decision; " +
	"nobody is rejected by the AI. For each question, this page also records when text is pasted into an answer, time spent away " +
	"from the page, and typing speed. The reviewer sees these figures as context only: they are never part of the score and never " +
	"used to decide anything automatically. You can ask for an adjustment (for example more time, or another way to answer) at any point."

// MaxMediaBytes is the largest recording accepted unless configured.
const MaxMediaBytes = 100 << 20

// Service serves candidates.
type Service struct {
	Store   *store.Store
	Log     *slog.Logger
	DataDir string // recordings live under media/
	Now     func() time.Time
	// MaxMedia caps one recording (MaxMediaBytes when nil or 0).
	MaxMedia func() int64
	// MinFree is the free disk space recordings must leave (MinFreeDisk
	// when nil; 0 or less: no check).
	MinFree func() int64
	// WakeScoring tells the scoring worker a submission waits.
	WakeScoring func()
}

type candidateQuestion struct {
	ID         int64    `json:"id"`
	Position   int      `json:"position"`
	Type       string   `json:"type"`
	Prompt     string   `json:"prompt"`
	Help       string   `json:"help"`
	Options    []string `json:"options"`
	Required   bool     `json:"required"`
	TimeLimitS int      `json:"time_limit_seconds"`
	Retakes    int      `json:"retakes"`
	MaxMediaS  int      `json:"max_media_seconds"`
}

var errUnknownLink = &apperr.Error{Status: http.StatusNotFound, Code: "unknown_link", Message: "This interview link is not valid. Check that you copied the whole link from the email."}

// Invitation finds the invitation a link token opens. One past its
// deadline counts as expired even before the expiry job has run.
func (s *Service) Invitation(ctx context.Context, tok string) (*store.Invitation, error) {
	if len(tok) < 20 || len(tok) > 100 {
		return nil, errUnknownLink
	}
	inv, err := s.Store.InvitationByTokenHash(ctx, secret.Hash(tok))
	if errors.Is(err, store.ErrNotFound) {
		return nil, errUnknownLink
	}
	if err != nil {
		return nil, err
	}
	if inv.Status != "submitted" && inv.Status != "expired" && !s.Now().Before(inv.ExpiresAt) {
		inv.Status = "expired" // the expiry job may not have run yet
	}
	return inv, nil
}

func closed(inv *store.Invitation) bool { return inv.Status == "submitted" || inv.Status == "expired" }

// closedError says why a submitted or expired invitation takes no more.
func closedError(inv *store.Invitation) *apperr.Error {
	if inv.Status == "submitted" {
		return apperr.Conflict("already_submitted", "You have already submitted this interview. Thank you!")
	}
	return apperr.Gone("link_expired", "This interview link has expired. Contact the recruiter if you still want to take part.")
}

// notStarted answers a change before the candidate started (or after the
// invitation closed).
func notStarted(inv *store.Invitation) *apperr.Error {
	if closed(inv) {
		return closedError(inv)
	}
	return apperr.Conflict("not_started", "Start the interview first.")
}

// interview loads the invitation's interview with the questions of the
// invitation's version: a candidate keeps the questions they were invited
// to answer when the interview gets a new version meanwhile.
func (s *Service) interview(ctx context.Context, inv *store.Invitation) (*store.Interview, error) {
	iv, err := s.Store.InterviewByID(ctx, inv.InterviewID)
	if err != nil {
		return nil, err
	}
	if iv.Questions, err = s.Store.QuestionsOf(ctx, iv.ID, inv.Version); err != nil {
		return nil, err
	}
	return iv, nil
}

// View is everything the interview page shows. Opening it marks the
// invitation opened.
func (s *Service) View(ctx context.Context, inv *store.Invitation) (map[string]any, error) {
	iv, err := s.interview(ctx, inv)
	if err != nil {
		return nil, err
	}
	b, _, err := s.Store.WorkspaceBranding(ctx, inv.WorkspaceID)
	if err != nil {
		return nil, err
	}
	if !closed(inv) {
		if err := s.Store.MarkOpened(ctx, inv.ID); err != nil {
			return nil, err
		}
		if inv.Status == "queued" || inv.Status == "sent" {
			inv.Status = "opened"
		}
	}
	out := map[string]any{
		"status":        inv.Status,
		"candidate":     map[string]any{"first_name": inv.FirstName},
		"company":       b,
		"interview":     map[string]any{"name": iv.Name, "intro": iv.Intro, "language": iv.Language, "kind": iv.Kind},
		"expires_at":    inv.ExpiresAt,
		"consent_at":    inv.ConsentAt,
		"started_at":    inv.StartedAt,
		"submitted_at":  inv.SubmittedAt,
		"ai_disclosure": aiDisclosure,
		"adjustment":    inv.AdjustmentRequest,
	}
	if closed(inv) {
		return out, nil // the page shows the closed state; no questions
	}
	qs := make([]candidateQuestion, 0, len(iv.Questions))
	for _, q := range iv.Questions {
		// Rubrics and knockout rules are for the recruiter, never sent here.
		qs = append(qs, candidateQuestion{ID: q.ID, Position: q.Position, Type: q.Type, Prompt: q.Prompt, Help: q.Help, Options: q.Options,
			Required: q.Required, TimeLimitS: q.TimeLimitS, Retakes: q.Retakes, MaxMediaS: q.MaxMediaS})
	}
	out["questions"] = qs
	answers, err := s.Store.Answers(ctx, inv.ID)
	if err != nil {
		return nil, err
	}
	out["answers"] = answers
	// The page's own running totals, so a reload carries on counting
	// instead of starting again below what is stored.
	if out["signals"], err = s.Store.Signals(ctx, inv.ID); err != nil {
		return nil, err
	}
	return out, nil
}

// Start records the candidate's consent and starts the interview.
func (s *Service) Start(ctx context.Context, inv *store.Invitation, consent bool) error {
	if !consent {
		return apperr.Field("consent", "must be given to start the interview")
	}
	if err := s.Store.StartInvitation(ctx, inv.ID); errors.Is(err, store.ErrClosed) {
		return closedError(inv)
	} else if err != nil {
		return err
	}
	return nil
}

// Submit closes the interview; required questions must be answered.
func (s *Service) Submit(ctx context.Context, inv *store.Invitation) error {
	if closed(inv) {
		return closedError(inv)
	}
	iv, err := s.interview(ctx, inv)
	if err != nil {
		return err
	}
	answers, err := s.Store.Answers(ctx, inv.ID)
	if err != nil {
		return err
	}
	have := map[int64]bool{}
	for _, an := range answers {
		have[an.QuestionID] = an.Value != "" && an.Value != "[]" || an.MediaPath != ""
	}
	fe := apperr.Fields{}
	for _, q := range iv.Questions {
		if q.Required && !have[q.ID] {
			fe.Add("questions."+strconv.FormatInt(q.ID, 10), "needs an answer")
		}
	}
	if err := fe.Err(); err != nil {
		ae := err.(*apperr.Error)
		ae.Code, ae.Message = "incomplete", fmt.Sprintf("%d required question%s still need%s an answer.", len(fe), plural(len(fe)), map[bool]string{true: "s", false: ""}[len(fe) == 1])
		return ae
	}
	if err := s.Store.SubmitInvitation(ctx, inv.ID); errors.Is(err, store.ErrClosed) {
		if fresh, ferr := s.Store.InvitationByID(ctx, inv.ID); ferr == nil {
			return closedError(fresh)
		}
		return closedError(inv)
	} else if err != nil {
		return err
	}
	s.Log.Info("Interview submitted", slog.Int64("invitation_id", inv.ID), slog.Int64("interview_id", inv.InterviewID))
	s.WakeScoring()
	return nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// RequestAdjustment records what the candidate asks for (more time,
// another way to answer), for the recruiter.
func (s *Service) RequestAdjustment(ctx context.Context, inv *store.Invitation, text string) error {
	text = strings.TrimSpace(text)
	if err := apperr.Field("text", apperr.CheckName(text, true, 4000)); err != nil {
		return err
	}
	if err := s.Store.RequestAdjustment(ctx, inv.ID, text); errors.Is(err, store.ErrClosed) {
		return closedError(inv)
	} else if err != nil {
		return err
	}
	s.Log.Info("Adjustment requested", slog.Int64("invitation_id", inv.ID))
	return nil
}
