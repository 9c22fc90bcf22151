package results

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/queue"
	"github.com/hireloop/hireloop/app/writeback"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// Decide accepts or rejects. Only a person does this: no score, rule or
// knockout ever calls it. The decision, its ATS writes and its email are
// recorded in one transaction, once.
func (w *Worker) Decide(ctx context.Context, r *store.Result, decision string, u *store.User) error {
	if r.Decision != "" {
		return apperr.Conflict("already_decided", "This candidate was already "+r.Decision+".")
	}
	iv, inv, err := subject(ctx, w.d.Store, r)
	if err != nil {
		return err
	}
	var writes []store.NewATSWrite
	var email *store.DecisionEmail
	name := strings.TrimSpace(inv.FirstName + " " + inv.LastName)
	add := func(action ats.WriteAction, key string, p writeback.Payload) {
		writes = append(writes, writeback.NewWrite(*iv.ConnectionID, r.ID, action, key, p))
	}
	base := writeback.Payload{ApplicationID: inv.ApplicationExtID, CandidateID: inv.CandidateExtID, ResultID: r.ID}
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
		if t, err := w.d.Store.EmailTemplates(ctx, r.WorkspaceID); err == nil {
			if rt, ok := t["rejection"]; ok && rt.Enabled {
				email = &store.DecisionEmail{InvitationID: inv.ID, Kind: "rejection", To: inv.Email, Name: name}
			}
		}
	}
	audit := store.AuditEntry{WorkspaceID: r.WorkspaceID, UserID: &u.ID, Actor: u.Email, Action: "decision." + strings.TrimSuffix(decision, "ed"),
		Subject: fmt.Sprintf("result %d (%s, %s)", r.ID, name, inv.Email), Detail: fmt.Sprintf("%d ATS write(s) queued", len(writes)), Outcome: decision}
	if err := w.d.Store.Decide(ctx, r.WorkspaceID, r.ID, decision, u.ID, audit, writes, email); errors.Is(err, store.ErrConflict) {
		return apperr.Conflict("already_decided", "This candidate was already decided.")
	} else if err != nil {
		return err
	}
	w.d.Log.Info("Decision recorded", slog.Int64("result_id", r.ID), slog.String("decision", decision), slog.Int64("user_id", u.ID))
	w.d.WakeWriter()
	w.d.WakeMail()
	return nil
}

// RenderLater renders a result's report again in the background (after a
// person changed a score); the app waits for it at shutdown.
func (w *Worker) RenderLater(r *store.Result) {
	queue.Go(&w.wg, func() {
		if err := w.RenderReport(w.d.Ctx, r); err != nil {
			w.d.Log.Warn("Report not re-rendered after override", slog.Int64("result_id", r.ID), slog.Any("error", err))
		}
	})
}
