package interview

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// Watchdog keeps an active interview inviting (the invite package's).
type Watchdog interface {
	Publish(ctx context.Context, iv *store.Interview) (int, error)
	Schedule(iv *store.Interview)
	Unschedule(id int64)
	TickSoon(id int64)
}

// Service edits interviews and their invitations for recruiters.
type Service struct {
	Store   *store.Store
	Log     *slog.Logger
	Box     *secret.Box // opens invitation tokens for "copy link"
	BaseURL string      // candidate links
	Watch   Watchdog
	// WakeMail tells the email outbox that an email was queued.
	WakeMail func()
}

// Create validates and stores a new draft interview of workspace ws.
func (s *Service) Create(ctx context.Context, ws int64, req Request) (*store.Interview, error) {
	iv := &store.Interview{WorkspaceID: ws}
	if err := Apply(ctx, s.Store, ws, req, iv); err != nil {
		return nil, err
	}
	if err := s.Store.SaveInterview(ctx, iv); err != nil {
		return nil, err
	}
	s.Log.Info("Interview created", slog.Int64("workspace_id", iv.WorkspaceID), slog.Int64("interview_id", iv.ID))
	return iv, nil
}

// Update edits an interview and says what happened to its questions.
// Once published, the stage feeding it is fixed: people were invited
// because they sat in that stage. Its questions are versioned then (see
// versions.go): a draft's are edited in place, a published one's change
// makes a new version unless the request asks for a wording fix, and
// settings other than the questions never make a version. userID is who
// edits (0: unknown), recorded with a new version.
func (s *Service) Update(ctx context.Context, iv *store.Interview, req Request, userID int64) (Change, error) {
	if iv.Status == "closed" {
		return "", apperr.Conflict("interview_closed", "A closed interview cannot be changed.")
	}
	if req.QuestionChange != "" && req.QuestionChange != AskVersion && req.QuestionChange != AskFix {
		return "", apperr.Field("question_change", "must be version or fix")
	}
	before := *iv
	if err := Apply(ctx, s.Store, iv.WorkspaceID, req, iv); err != nil {
		return "", err
	}
	if before.Status != "draft" && (nullID(before.ConnectionID) != nullID(iv.ConnectionID) || before.JobExtID != iv.JobExtID || before.StageExtID != iv.StageExtID) {
		return "", apperr.Conflict("interview_published", "The ATS position and stage cannot change after publishing; create a new interview instead.")
	}
	change, err := s.saveQuestions(ctx, &before, iv, req.QuestionChange, userID)
	if err != nil {
		return "", err
	}
	if iv.Status == "active" {
		s.Watch.Schedule(iv)
	}
	return change, nil
}

func nullID(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// Delete removes a draft; a published interview is closed instead.
func (s *Service) Delete(ctx context.Context, iv *store.Interview) error {
	if iv.Status != "draft" {
		return apperr.Conflict("interview_published", "Only drafts can be deleted; close a published interview instead.")
	}
	return apperr.NotFoundIs(s.Store.DeleteInterview(ctx, iv.WorkspaceID, iv.ID))
}

// Preview says who publishing would invite, before anything happens.
type Preview struct {
	StageName      string                 `json:"stage_name"`
	WillInvite     int                    `json:"will_invite"`
	AlreadyInvited int                    `json:"already_invited"`
	WithoutEmail   int                    `json:"without_email"`
	Message        string                 `json:"message"`
	Candidates     []store.StageCandidate `json:"candidates"`
}

// PublishPreview counts who is in the interview's stage now.
func (s *Service) PublishPreview(ctx context.Context, iv *store.Interview) (*Preview, error) {
	if err := Publishable(iv); err != nil {
		return nil, err
	}
	cands, err := s.Store.StageCandidates(ctx, iv.WorkspaceID, iv.ID, *iv.ConnectionID, iv.JobExtID, iv.StageExtID)
	if err != nil {
		return nil, err
	}
	p := &Preview{StageName: s.stageName(ctx, iv), Candidates: cands}
	for _, cd := range cands {
		switch {
		case cd.Invited:
			p.AlreadyInvited++
		case cd.Email == "":
			p.WithoutEmail++
		default:
			p.WillInvite++
		}
	}
	p.Message = fmt.Sprintf("%d candidate%s in stage %s will be invited.", p.WillInvite, plural(p.WillInvite), p.StageName)
	return p, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (s *Service) stageName(ctx context.Context, iv *store.Interview) string {
	ps, _, err := s.Store.Positions(ctx, iv.WorkspaceID, store.PositionFilter{ConnectionID: *iv.ConnectionID, Limit: 500, IncludeGone: true})
	if err == nil {
		for _, p := range ps {
			if p.ExtID == iv.JobExtID {
				for _, st := range p.Stages {
					if st.ExtID == iv.StageExtID {
						return st.Name
					}
				}
			}
		}
	}
	return iv.StageExtID
}

// Publish invites everyone currently in the stage and starts the
// watchdog; it returns the interview as stored now and how many it invited.
func (s *Service) Publish(ctx context.Context, iv *store.Interview) (*store.Interview, int, error) {
	if err := Publishable(iv); err != nil {
		return nil, 0, err
	}
	if iv.Status == "active" {
		return nil, 0, apperr.Conflict("interview_active", "This interview is already published.")
	}
	created, err := s.Watch.Publish(ctx, iv)
	if err != nil {
		return nil, 0, err
	}
	iv, err = s.Store.Interview(ctx, iv.WorkspaceID, iv.ID)
	return iv, created, err
}

// SetStatus pauses, resumes or closes a published interview.
func (s *Service) SetStatus(ctx context.Context, iv *store.Interview, status string) error {
	switch {
	case iv.Status == "draft":
		return apperr.Conflict("interview_draft", "Publish the interview first.")
	case iv.Status == "closed":
		return apperr.Conflict("interview_closed", "This interview is closed.")
	case status == "active" && iv.Status != "paused":
		return apperr.Conflict("interview_active", "This interview is not paused.")
	}
	if err := s.Store.SetInterviewStatus(ctx, iv.WorkspaceID, iv.ID, status); err != nil {
		return apperr.NotFoundIs(err)
	}
	iv.Status = status
	if status == "active" {
		s.Watch.Schedule(iv)
		s.Watch.TickSoon(iv.ID)
	} else {
		s.Watch.Unschedule(iv.ID)
	}
	s.Log.Info("Interview status changed", slog.Int64("interview_id", iv.ID), slog.String("status", status))
	return nil
}
