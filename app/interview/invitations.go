package interview

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// invitation loads one of iv's invitations; another interview's is not
// found.
func (s *Service) invitation(ctx context.Context, iv *store.Interview, id int64) (*store.Invitation, error) {
	inv, err := s.Store.InvitationByID(ctx, id)
	if err != nil || inv.InterviewID != iv.ID || inv.WorkspaceID != iv.WorkspaceID {
		return nil, apperr.NotFound()
	}
	return inv, nil
}

// Resend queues the invitation email again (same link).
func (s *Service) Resend(ctx context.Context, iv *store.Interview, id int64, now time.Time) error {
	inv, err := s.invitation(ctx, iv, id)
	if err != nil {
		return err
	}
	if inv.Status == "submitted" || inv.Status == "expired" {
		return apperr.Conflict("invitation_closed", "This invitation is "+inv.Status+"; nothing to resend.")
	}
	purpose := fmt.Sprintf("invitation:resend:%d", now.Unix())
	if _, err := s.Store.QueueEmail(ctx, iv.WorkspaceID, inv.ID, "invitation", purpose, inv.Email, strings.TrimSpace(inv.FirstName+" "+inv.LastName)); err != nil {
		return err
	}
	s.WakeMail()
	return nil
}

// Extend grants more time (an adjustment); it reopens an expired link.
func (s *Service) Extend(ctx context.Context, iv *store.Interview, id int64, days int) error {
	if days < 1 || days > 60 {
		return apperr.Field("days", "must be between 1 and 60")
	}
	if _, err := s.invitation(ctx, iv, id); err != nil {
		return err
	}
	if err := s.Store.ExtendInvitation(ctx, iv.WorkspaceID, id, days); errors.Is(err, store.ErrNotFound) {
		return apperr.Conflict("invitation_closed", "A submitted invitation cannot be extended.")
	} else if err != nil {
		return err
	}
	return nil
}

// Link is a candidate's interview link, for a recruiter who wants to send
// it another way (or, in demo mode, has no SMTP server). Who looked is
// logged.
func (s *Service) Link(ctx context.Context, iv *store.Interview, id, userID int64) (string, error) {
	inv, err := s.invitation(ctx, iv, id)
	if err != nil {
		return "", err
	}
	tok, err := s.Box.Open(secret.PurposeInvitationToken, inv.SealedToken)
	if err != nil {
		return "", err
	}
	s.Log.Info("Invitation link viewed", slog.Int64("invitation_id", inv.ID), slog.Int64("user_id", userID))
	return s.BaseURL + "/i/" + string(tok), nil
}
