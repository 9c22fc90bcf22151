package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/hireloop/hireloop/app/mail"
	"github.com/hireloop/hireloop/store"
)

// The outbox worker sends what the email_outbox table holds. Rows are
// written in the same transaction as the invitation they announce, so an
// email can be neither lost (a crash before sending leaves the row queued)
// nor sent twice for one purpose (UNIQUE (invitation_id, purpose)). Each
// message is marked sent right after the server accepted it; a claimed row
// whose process died becomes due again when its lease runs out.

const (
	outboxBatch   = 200
	outboxLease   = 2 * time.Minute
	outboxMaxTry  = 12
	purposeSMTPPW = "smtp-password"
)

type outbox struct {
	a      *App
	wakeCh chan struct{}
	// sender builds the SMTP sender of a workspace; tests may replace it.
	sender func(ctx context.Context, workspaceID int64) (mail.Sender, error)
}

func newOutbox(a *App) *outbox {
	o := &outbox{a: a, wakeCh: make(chan struct{}, 1)}
	o.sender = o.smtpSender
	return o
}

// wake makes the worker look at the outbox now instead of at its next poll.
func (o *outbox) wake() {
	select {
	case o.wakeCh <- struct{}{}:
	default:
	}
}

// errNoSMTP means the workspace has no email settings yet.
var errNoSMTP = errors.New("email is not set up for this workspace (Settings → Email)")

func (o *outbox) smtpSender(ctx context.Context, workspaceID int64) (mail.Sender, error) {
	es, err := o.a.store.EmailSettings(ctx, workspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoSMTP
	}
	if err != nil {
		return nil, err
	}
	s, err := o.a.mailSettings(es)
	if err != nil {
		return nil, err
	}
	return mail.NewSMTP(s, o.a.log)
}

// mailSettings unseals stored settings for the mail package.
func (a *App) mailSettings(es *store.EmailSettings) (mail.Settings, error) {
	pw, err := a.unseal(purposeSMTPPW, es.Password)
	if err != nil {
		return mail.Settings{}, err
	}
	return mail.Settings{Host: es.Host, Port: es.Port, TLS: es.TLS, Username: es.Username, Password: string(pw),
		FromName: es.FromName, FromAddress: es.FromAddress, ReplyTo: es.ReplyTo}, nil
}

// run polls the outbox until ctx ends.
func (o *outbox) run(ctx context.Context) { pollLoop(ctx, o.wakeCh, 5*time.Second, o.drain) }

// pollLoop runs drain, then again when woken or after every interval,
// until ctx ends; the shape of every queue worker.
func pollLoop(ctx context.Context, wake <-chan struct{}, every time.Duration, drain func(context.Context)) {
	for {
		drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-time.After(every):
		}
	}
}

// drain sends everything that is due.
func (o *outbox) drain(ctx context.Context) {
	for ctx.Err() == nil {
		items, err := o.a.store.ClaimOutbox(ctx, outboxBatch, outboxLease)
		if err != nil {
			o.a.log.Error("Unable to read the email outbox", slog.Any("error", err))
			return
		}
		if len(items) == 0 {
			return
		}
		byWS := map[int64][]store.OutboxItem{}
		var order []int64
		for _, it := range items {
			if _, ok := byWS[it.WorkspaceID]; !ok {
				order = append(order, it.WorkspaceID)
			}
			byWS[it.WorkspaceID] = append(byWS[it.WorkspaceID], it)
		}
		for _, ws := range order {
			o.sendWorkspace(ctx, ws, byWS[ws])
		}
	}
}

// backoff is the wait before retry n of a worker's job: 30 s doubling to
// an hour. Tests shorten the base.
func (a *App) backoff(attempt int) time.Duration {
	base := a.retryBase
	if base == 0 {
		base = 30 * time.Second
	}
	return min(base<<min(attempt, 7), time.Hour)
}

func (o *outbox) fail(ctx context.Context, it store.OutboxItem, err error, permanent bool) {
	if it.Attempts+1 >= outboxMaxTry {
		permanent = true
	}
	msg := err.Error()
	if ferr := o.a.store.MarkOutboxFailed(context.WithoutCancel(ctx), it, msg, permanent, o.a.now().Add(o.a.backoff(it.Attempts))); ferr != nil {
		o.a.log.Error("Unable to record email failure", slog.Int64("outbox_id", it.ID), slog.Any("error", ferr))
	}
	o.a.log.Warn("Email not sent", slog.Int64("outbox_id", it.ID), slog.String("kind", it.Kind), slog.Bool("permanent", permanent), slog.String("error", msg))
}

func (o *outbox) sendWorkspace(ctx context.Context, ws int64, items []store.OutboxItem) {
	sender, err := o.sender(ctx, ws)
	if err != nil {
		for _, it := range items {
			o.fail(ctx, it, err, false)
		}
		return
	}
	var msgs []mail.Message
	var sendable []store.OutboxItem
	for _, it := range items {
		m, err := o.a.composeEmail(ctx, it)
		if err != nil {
			o.fail(ctx, it, err, errors.Is(err, errEmailObsolete))
			continue
		}
		msgs = append(msgs, m)
		sendable = append(sendable, it)
	}
	if len(msgs) == 0 {
		return
	}
	errs := sender.Send(ctx, msgs)
	for i, it := range sendable {
		var err error
		if i < len(errs) {
			err = errs[i]
		}
		if err != nil {
			o.fail(ctx, it, err, mail.IsPermanent(err))
			continue
		}
		if err := o.a.store.MarkOutboxSent(context.WithoutCancel(ctx), it); err != nil {
			o.a.log.Error("Email sent but not recorded", slog.Int64("outbox_id", it.ID), slog.Any("error", err))
		}
	}
	o.a.log.Info("Emails sent", slog.Int64("workspace_id", ws), slog.Int("count", len(msgs)))
}

// errEmailObsolete marks an email that no longer makes sense (its
// invitation was submitted or expired before the reminder went out).
var errEmailObsolete = errors.New("email no longer applies")

// composeEmail renders an outbox row from the workspace's templates.
func (a *App) composeEmail(ctx context.Context, it store.OutboxItem) (mail.Message, error) {
	inv, err := a.store.InvitationByID(ctx, it.InvitationID)
	if err != nil {
		return mail.Message{}, fmt.Errorf("invitation %d: %w", it.InvitationID, err)
	}
	if it.Kind == "reminder" && (inv.Status == "submitted" || inv.Status == "expired") {
		return mail.Message{}, errEmailObsolete
	}
	iv, err := a.store.InterviewByID(ctx, inv.InterviewID)
	if err != nil {
		return mail.Message{}, err
	}
	tok, err := a.unseal(purposeInvitationToken, inv.SealedToken)
	if err != nil {
		return mail.Message{}, err
	}
	b, _, err := a.store.WorkspaceBranding(ctx, it.WorkspaceID)
	if err != nil {
		return mail.Message{}, err
	}
	kind := mail.Kind(it.Kind)
	tmpl, err := a.emailTemplate(ctx, it.WorkspaceID, kind)
	if err != nil {
		return mail.Message{}, err
	}
	vars := mail.Vars{
		CandidateFirstName: inv.FirstName, CandidateName: strings.TrimSpace(inv.FirstName + " " + inv.LastName),
		Position: iv.Name, InterviewName: iv.Name, Link: a.cfg.BaseURL + "/i/" + string(tok), CompanyName: b.CompanyName,
		Deadline: inv.ExpiresAt, Language: iv.Language,
	}
	subject, html, text, err := mail.Render(kind, tmpl, mail.Branding{CompanyName: b.CompanyName, LogoURL: b.LogoURL, Color: b.BrandColor}, vars)
	if err != nil {
		return mail.Message{}, fmt.Errorf("template %s: %w", kind, err)
	}
	return mail.Message{ID: fmt.Sprintf("outbox-%d", it.ID), To: it.ToAddress, ToName: it.ToName, Subject: subject, HTML: html, Text: text,
		Headers: map[string]string{"X-Hireloop-Invitation": fmt.Sprint(inv.ID)}}, nil
}

// emailTemplate is the workspace's edited template of a kind, or the default.
func (a *App) emailTemplate(ctx context.Context, ws int64, kind mail.Kind) (mail.Template, error) {
	ts, err := a.store.EmailTemplates(ctx, ws)
	if err != nil {
		return mail.Template{}, err
	}
	if t, ok := ts[string(kind)]; ok {
		return mail.Template{Subject: t.Subject, HTML: t.HTML, Text: t.Text}, nil
	}
	return mail.Defaults(kind), nil
}
