// Package outbox is the email outbox worker: it sends what the
// email_outbox table holds. Rows are
// written in the same transaction as the invitation they announce, so an
// email can be neither lost (a crash before sending leaves the row queued)
// nor sent twice for one purpose (UNIQUE (invitation_id, purpose)). Each
// message is marked sent right after the server accepted it; a claimed row
// whose process died becomes due again when its lease runs out.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/app/mail"
	"github.com/hireloop/hireloop/app/queue"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

const (
	outboxBatch  = 200
	outboxLease  = 2 * time.Minute
	outboxMaxTry = 12
)

// Deps are what the outbox needs.
type Deps struct {
	Store   *store.Store
	Log     *slog.Logger
	Box     *secret.Box // opens SMTP passwords and invitation tokens
	BaseURL string      // the candidate links in emails
	Now     func() time.Time
	// Backoff is the wait before retry attempt n (queue.Backoff).
	Backoff func(attempt int) time.Duration
}

// Outbox sends queued email.
type Outbox struct {
	d    Deps
	wake queue.Waker
	wg   sync.WaitGroup
	// Sender builds the SMTP sender of a workspace; tests may replace it.
	Sender func(ctx context.Context, workspaceID int64) (mail.Sender, error)
}

// New builds the outbox worker.
func New(d Deps) *Outbox {
	o := &Outbox{d: d, wake: queue.NewWaker()}
	o.Sender = o.smtpSender
	return o
}

// Wake makes the worker look at the outbox now instead of at its next poll.
func (o *Outbox) Wake() { o.wake.Wake() }

// errNoSMTP means the workspace has no email settings yet.
var errNoSMTP = errors.New("email is not set up for this workspace (Settings → Email)")

func (o *Outbox) smtpSender(ctx context.Context, workspaceID int64) (mail.Sender, error) {
	es, err := o.d.Store.EmailSettings(ctx, workspaceID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, errNoSMTP
	}
	if err != nil {
		return nil, err
	}
	s, err := MailSettings(o.d.Box, es)
	if err != nil {
		return nil, err
	}
	return mail.NewSMTP(s, o.d.Log)
}

// MailSettings unseals stored settings for the mail package.
func MailSettings(box *secret.Box, es *store.EmailSettings) (mail.Settings, error) {
	pw, err := box.Open(secret.PurposeSMTPPassword, es.Password)
	if err != nil {
		return mail.Settings{}, err
	}
	return mail.Settings{Host: es.Host, Port: es.Port, TLS: es.TLS, Username: es.Username, Password: string(pw),
		FromName: es.FromName, FromAddress: es.FromAddress, ReplyTo: es.ReplyTo}, nil
}

// Run polls the outbox until ctx ends.
func (o *Outbox) Run(ctx context.Context) { queue.Loop(ctx, o.wake, 5*time.Second, o.drain) }

// Start runs the worker in the background until ctx ends; Wait waits for it.
func (o *Outbox) Start(ctx context.Context) { queue.Go(&o.wg, func() { o.Run(ctx) }) }

// Wait blocks until the worker started by Start has stopped.
func (o *Outbox) Wait() { o.wg.Wait() }

// drain sends everything that is due.
func (o *Outbox) drain(ctx context.Context) {
	for ctx.Err() == nil {
		items, err := o.d.Store.ClaimOutbox(ctx, outboxBatch, outboxLease)
		if err != nil {
			o.d.Log.Error("Unable to read the email outbox", slog.Any("error", err))
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

func (o *Outbox) fail(ctx context.Context, it store.OutboxItem, err error, permanent bool) {
	if it.Attempts+1 >= outboxMaxTry {
		permanent = true
	}
	msg := err.Error()
	if ferr := o.d.Store.MarkOutboxFailed(context.WithoutCancel(ctx), it, msg, permanent, o.d.Now().Add(o.d.Backoff(it.Attempts))); ferr != nil {
		o.d.Log.Error("Unable to record email failure", slog.Int64("outbox_id", it.ID), slog.Any("error", ferr))
	}
	o.d.Log.Warn("Email not sent", slog.Int64("outbox_id", it.ID), slog.String("kind", it.Kind), slog.Bool("permanent", permanent), slog.String("error", msg))
}

func (o *Outbox) sendWorkspace(ctx context.Context, ws int64, items []store.OutboxItem) {
	sender, err := o.Sender(ctx, ws)
	if err != nil {
		for _, it := range items {
			o.fail(ctx, it, err, false)
		}
		return
	}
	var msgs []mail.Message
	var sendable []store.OutboxItem
	for _, it := range items {
		m, err := o.compose(ctx, it)
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
		if err := o.d.Store.MarkOutboxSent(context.WithoutCancel(ctx), it); err != nil {
			o.d.Log.Error("Email sent but not recorded", slog.Int64("outbox_id", it.ID), slog.Any("error", err))
		}
	}
	o.d.Log.Info("Emails sent", slog.Int64("workspace_id", ws), slog.Int("count", len(msgs)))
}

// errEmailObsolete marks an email that no longer makes sense (its
// invitation was submitted or expired before the reminder went out).
var errEmailObsolete = errors.New("email no longer applies")

// compose renders an outbox row from the workspace's templates.
func (o *Outbox) compose(ctx context.Context, it store.OutboxItem) (mail.Message, error) {
	inv, err := o.d.Store.InvitationByID(ctx, it.InvitationID)
	if err != nil {
		return mail.Message{}, fmt.Errorf("invitation %d: %w", it.InvitationID, err)
	}
	if it.Kind == "reminder" && (inv.Status == "submitted" || inv.Status == "expired") {
		return mail.Message{}, errEmailObsolete
	}
	iv, err := o.d.Store.InterviewByID(ctx, inv.InterviewID)
	if err != nil {
		return mail.Message{}, err
	}
	tok, err := o.d.Box.Open(secret.PurposeInvitationToken, inv.SealedToken)
	if err != nil {
		return mail.Message{}, err
	}
	b, _, err := o.d.Store.WorkspaceBranding(ctx, it.WorkspaceID)
	if err != nil {
		return mail.Message{}, err
	}
	kind := mail.Kind(it.Kind)
	tmpl, err := o.emailTemplate(ctx, it.WorkspaceID, kind)
	if err != nil {
		return mail.Message{}, err
	}
	vars := mail.Vars{
		CandidateFirstName: inv.FirstName, CandidateName: strings.TrimSpace(inv.FirstName + " " + inv.LastName),
		Position: iv.Name, InterviewName: iv.Name, Link: o.d.BaseURL + "/i/" + string(tok), CompanyName: b.CompanyName,
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
func (o *Outbox) emailTemplate(ctx context.Context, ws int64, kind mail.Kind) (mail.Template, error) {
	ts, err := o.d.Store.EmailTemplates(ctx, ws)
	if err != nil {
		return mail.Template{}, err
	}
	if t, ok := ts[string(kind)]; ok {
		return mail.Template{Subject: t.Subject, HTML: t.HTML, Text: t.Text}, nil
	}
	return mail.Defaults(kind), nil
}
