// Package outbox is the email outbox worker: it sends what the
// email_outbox table holds. Rows are
// written in the same transaction as the invitation they announce, so an
// email can be neither lost (a crash before sending leaves the row queued)
// nor queued twice for one purpose (UNIQUE (invitation_id, purpose)).
//
// Within a batch, each message is marked in flight right before it is
// handed to the SMTP server and sent right after the server accepted it, so
// a crash can repeat at most the one message in flight. SMTP cannot tell
// whether that one arrived, so it is sent again, with the same Message-ID,
// and recorded as a possible duplicate (see store.ClaimOutbox). A claimed
// row whose process died becomes due again when its lease runs out, or at
// once when the server starts (store.ReleaseOutboxClaims).
//
// Stored templates are rendered with the limits of the mail package; one
// that fails them (saved before those checks existed) is replaced by the
// built-in default of its kind, with one warning, instead of failing every
// email of the workspace.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
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
	d      Deps
	wake   queue.Waker
	wg     sync.WaitGroup
	warned sync.Map // keys of problems already logged once
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

// Recover makes the emails a previous run of the server had claimed due
// again at once. Call it at start-up, before Start: only the server sends
// email, so no one else can hold those claims. An email that was in flight
// (handed to the SMTP server, outcome unknown) is sent again and may arrive
// twice; each is logged by its outbox id.
func (o *Outbox) Recover(ctx context.Context) {
	n, inFlight, err := o.d.Store.ReleaseOutboxClaims(ctx)
	if err != nil {
		o.d.Log.Error("Unable to release email claims", slog.Any("error", err))
		return
	}
	if n > 0 {
		o.d.Log.Warn("Emails claimed by a previous run are queued again", slog.Int64("count", n), slog.Int("in_flight", len(inFlight)))
	}
	for _, id := range inFlight {
		o.d.Log.Warn(inFlightWarning, slog.Int64("outbox_id", id))
	}
}

// inFlightWarning is logged, with the outbox id and never the address, for
// an email that is sent again after its outcome was lost.
const inFlightWarning = "Email was in flight when the previous run stopped; sending it again, it may arrive twice"

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

// fail records a failed attempt. maybeDelivered marks a failure after
// which the server may hold the message all the same.
func (o *Outbox) fail(ctx context.Context, it store.OutboxItem, err error, permanent, maybeDelivered bool) {
	if it.Attempts+1 >= outboxMaxTry {
		permanent = true
	}
	msg := err.Error()
	if ferr := o.d.Store.MarkOutboxFailed(context.WithoutCancel(ctx), it, msg, permanent, maybeDelivered, o.d.Now().Add(o.d.Backoff(it.Attempts))); ferr != nil {
		o.d.Log.Error("Unable to record email failure", slog.Int64("outbox_id", it.ID), slog.Any("error", ferr))
	}
	o.d.Log.Warn("Email not sent", slog.Int64("outbox_id", it.ID), slog.String("kind", it.Kind), slog.Bool("permanent", permanent),
		slog.Bool("maybe_delivered", maybeDelivered), slog.String("error", msg))
}

func (o *Outbox) sendWorkspace(ctx context.Context, ws int64, items []store.OutboxItem) {
	sender, err := o.Sender(ctx, ws)
	if err != nil {
		for _, it := range items {
			o.fail(ctx, it, err, false, false)
		}
		return
	}
	var msgs []mail.Message
	var sendable []store.OutboxItem
	for _, it := range items {
		m, err := o.compose(ctx, it)
		if err != nil {
			o.fail(ctx, it, err, errors.Is(err, errEmailObsolete), false)
			continue
		}
		msgs = append(msgs, m)
		sendable = append(sendable, it)
	}
	if len(msgs) == 0 {
		return
	}
	for _, it := range sendable {
		if it.Interrupted {
			// Never the address: the id leads to the row.
			o.d.Log.Warn(inFlightWarning, slog.Int64("outbox_id", it.ID), slog.String("kind", it.Kind))
		}
	}
	sent, failed := 0, 0
	sender.SendWith(ctx, msgs, mail.Hooks{
		Sending: func(i int) error { return o.d.Store.MarkOutboxSending(ctx, sendable[i].ID) },
		Done: func(i int, err error) {
			it := sendable[i]
			if err != nil {
				failed++
				o.fail(ctx, it, err, mail.IsPermanent(err), mail.MaybeDelivered(err))
				return
			}
			sent++
			if err := o.d.Store.MarkOutboxSent(context.WithoutCancel(ctx), it); err != nil {
				o.d.Log.Error("Email sent but not recorded", slog.Int64("outbox_id", it.ID), slog.Any("error", err))
			}
		},
	})
	o.d.Log.Info("Emails sent", slog.Int64("workspace_id", ws), slog.Int("count", sent), slog.Int("failed", failed))
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
	brand := mail.Branding{CompanyName: b.CompanyName, LogoURL: b.LogoURL, Color: b.BrandColor}
	if errs := brand.Validate(); errs != nil {
		fields := strings.Join(slices.Sorted(maps.Keys(errs)), ",")
		o.warnOnce(fmt.Sprintf("branding/%d/%s", it.WorkspaceID, fields),
			"Stored branding has values the mailer cannot use; emails replace them with safe ones",
			slog.Int64("workspace_id", it.WorkspaceID), slog.String("fields", fields))
	}
	kind := mail.Kind(it.Kind)
	tmpl, stored, err := o.emailTemplate(ctx, it.WorkspaceID, kind)
	if err != nil {
		return mail.Message{}, err
	}
	vars := mail.Vars{
		CandidateFirstName: inv.FirstName, CandidateName: strings.TrimSpace(inv.FirstName + " " + inv.LastName),
		Position: iv.Name, InterviewName: iv.Name, Link: o.d.BaseURL + "/i/" + string(tok), CompanyName: b.CompanyName,
		Deadline: inv.ExpiresAt, Language: iv.Language,
	}
	subject, html, text, err := mail.Render(kind, tmpl, brand, vars)
	var te *mail.TemplateError
	if err != nil && stored != "" && errors.As(err, &te) {
		o.warnOnce(stored, "Stored email template cannot be used; sending the built-in default instead",
			slog.Int64("workspace_id", it.WorkspaceID), slog.String("kind", string(kind)),
			slog.String("part", te.Part), slog.Int("line", te.Line), slog.String("error", te.Message))
		subject, html, text, err = mail.Render(kind, mail.Defaults(kind), brand, vars)
	}
	if err != nil {
		return mail.Message{}, fmt.Errorf("template %s: %w", kind, err)
	}
	return mail.Message{ID: fmt.Sprintf("outbox-%d", it.ID), To: it.ToAddress, ToName: it.ToName, Subject: subject, HTML: html, Text: text,
		Headers: map[string]string{"X-Hireloop-Invitation": fmt.Sprint(inv.ID)}}, nil
}

// emailTemplate is the workspace's edited template of a kind, or the
// default. stored names the edited version ("" for the default), so that
// a problem with it is logged once per version.
func (o *Outbox) emailTemplate(ctx context.Context, ws int64, kind mail.Kind) (t mail.Template, stored string, err error) {
	ts, err := o.d.Store.EmailTemplates(ctx, ws)
	if err != nil {
		return mail.Template{}, "", err
	}
	if et, ok := ts[string(kind)]; ok {
		return mail.Template{Subject: et.Subject, HTML: et.HTML, Text: et.Text},
			fmt.Sprintf("template/%d/%s/%d", ws, kind, et.UpdatedAt.UnixNano()), nil
	}
	return mail.Defaults(kind), "", nil
}

// warnOnce logs msg the first time key is seen by this worker: a stored
// problem that every email meets should not fill the log.
func (o *Outbox) warnOnce(key, msg string, attrs ...any) {
	if _, seen := o.warned.LoadOrStore(key, true); !seen {
		o.d.Log.Warn(msg, attrs...)
	}
}
