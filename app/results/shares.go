package results

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// Share links let a recruiter show one result to someone without an
// account (a hiring manager) for a limited time. The link carries a random
// token (only its hash is stored); it is read-only, shows no recordings
// and can be revoked.

// Share creates a share link valid for hours and returns it with its URL,
// which exists only in this answer.
func (w *Worker) Share(ctx context.Context, r *store.Result, hours int, u *store.User) (*store.Share, string, error) {
	if hours < 1 || hours > 30*24 {
		return nil, "", apperr.Field("hours", "must be between 1 and 720 (30 days)")
	}
	tok := secret.Token(32)
	expires := w.d.Now().Add(time.Duration(hours) * time.Hour)
	sh, err := w.d.Store.CreateShare(ctx, r.WorkspaceID, r.ID, u.ID, secret.Hash(tok), expires, store.AuditEntry{WorkspaceID: r.WorkspaceID,
		UserID: &u.ID, Actor: u.Email, Action: "result.share", Subject: fmt.Sprintf("result %d", r.ID),
		Detail: "expires " + expires.UTC().Format(time.RFC3339), Outcome: "created"})
	if err != nil {
		return nil, "", apperr.NotFoundIs(err)
	}
	return sh, w.d.BaseURL + "/r/" + tok, nil
}

// RevokeShare ends a share link at once.
func (w *Worker) RevokeShare(ctx context.Context, r *store.Result, id int64, u *store.User) error {
	if err := w.d.Store.RevokeShare(ctx, r.WorkspaceID, r.ID, id); err != nil {
		return apperr.NotFoundIs(err)
	}
	_ = w.d.Store.Audit(ctx, store.AuditEntry{WorkspaceID: r.WorkspaceID, UserID: &u.ID, Actor: u.Email, Action: "result.share_revoke",
		Subject: fmt.Sprintf("result %d share %d", r.ID, id), Outcome: "revoked"})
	return nil
}

// SharedQuestion and SharedAnswer are what a share link shows of the
// questionnaire: no rubrics, no recordings.
type SharedQuestion struct {
	ID       int64    `json:"id"`
	Position int      `json:"position"`
	Type     string   `json:"type"`
	Prompt   string   `json:"prompt"`
	Options  []string `json:"options"`
}

// SharedAnswer says whether there was a recording, never where it is.
type SharedAnswer struct {
	QuestionID int64  `json:"question_id"`
	Value      string `json:"value"`
	Transcript string `json:"transcript,omitempty"`
	Recorded   bool   `json:"recorded"`
}

// Shared is the public, read-only view behind a share link.
type Shared struct {
	// Fields in the order of their names, as the API always answered.
	Answers       []SharedAnswer    `json:"answers"`
	Candidate     map[string]string `json:"candidate"`
	Company       store.Branding    `json:"company"`
	Decision      string            `json:"decision"`
	Details       json.RawMessage   `json:"details"`
	ExpiresAt     time.Time         `json:"expires_at"`
	Flags         json.RawMessage   `json:"flags"`
	Interview     map[string]string `json:"interview"`
	Model         string            `json:"model"`
	Overall       *float64          `json:"overall"`
	Overrides     []store.Override  `json:"overrides"`
	PromptVersion string            `json:"prompt_version"`
	Questions     []SharedQuestion  `json:"questions"`
	Scorer        string            `json:"scorer"`
	Status        string            `json:"status"`
	SubmittedAt   *time.Time        `json:"submitted_at"`
}

// SharedView opens a share link by its token.
func (w *Worker) SharedView(ctx context.Context, tok string) (*Shared, error) {
	if len(tok) < 20 || len(tok) > 100 {
		return nil, apperr.NotFound()
	}
	r, sh, err := w.d.Store.ShareByTokenHash(ctx, secret.Hash(tok))
	switch {
	case errors.Is(err, store.ErrExpired):
		return nil, &apperr.Error{Status: http.StatusGone, Code: "link_expired", Message: "This share link has expired or was revoked. Ask the recruiter for a new one."}
	case err != nil:
		return nil, apperr.NotFoundIs(err)
	}
	rec, err := Load(ctx, w.d.Store, r)
	if err != nil {
		return nil, err
	}
	b, _, err := w.d.Store.WorkspaceBranding(ctx, r.WorkspaceID)
	if err != nil {
		return nil, err
	}
	inv, iv := rec.Invitation, rec.Interview
	v := &Shared{Company: b, Interview: map[string]string{"name": iv.Name},
		Candidate:   map[string]string{"first_name": inv.FirstName, "last_name": inv.LastName},
		SubmittedAt: inv.SubmittedAt, Status: r.Status, Overall: r.Overall, Scorer: r.Scorer, Model: r.Model,
		PromptVersion: r.PromptVersion, Details: r.Details, Flags: r.Flags, Overrides: rec.Overrides, Decision: r.Decision,
		Questions: make([]SharedQuestion, 0, len(iv.Questions)), Answers: make([]SharedAnswer, 0, len(rec.Answers)), ExpiresAt: sh.ExpiresAt}
	for _, x := range iv.Questions {
		v.Questions = append(v.Questions, SharedQuestion{x.ID, x.Position, x.Type, x.Prompt, x.Options})
	}
	for _, x := range rec.Answers {
		v.Answers = append(v.Answers, SharedAnswer{x.QuestionID, x.Value, x.Transcript, x.MediaPath != ""})
	}
	return v, nil
}
