package syncer

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// Delivery is one webhook request as it arrived at /webhooks/ats/<token>.
type Delivery struct {
	Token  string
	Header http.Header
	Body   []byte
	IP     string
}

// Reply is what to answer the vendor: a status with a JSON status word,
// or a handshake response to send as it is.
type Reply struct {
	Status    int
	Word      string // "accepted", "duplicate", "ok", "other_account"
	Handshake *ats.HandshakeResponse
}

// WebhookDedupeWindow is how long a processed delivery is remembered (by
// event id and by signed content): longer than any vendor retries. The
// hourly cleanup forgets older ones (store.PruneWebhookDeliveries).
const WebhookDedupeWindow = 7 * 24 * time.Hour

// Intake receives an ATS delivery. The token (unguessable, per
// connection) only routes the delivery; trust comes from the vendor's
// signature over the exact body. Deliveries are deduplicated by their id
// and by a digest of what the signature covers, so vendor retries are
// processed once and a signed body resent under new (unsigned) event ids
// is too: a duplicate answers 200, so the vendor stops retrying, and
// starts nothing. The answer is quick: the stage hint is applied at once
// (when newer than what is stored) and the refresh runs in the background.
func (e *Engine) Intake(ctx context.Context, d Delivery) (Reply, error) {
	conn, err := e.Store.ConnectionByWebhookToken(ctx, d.Token)
	if errors.Is(err, store.ErrNotFound) {
		return Reply{}, apperr.NotFound()
	}
	if err != nil {
		return Reply{}, err
	}
	log := e.Log.With(slog.Int64("connection_id", conn.ID), slog.String("provider", conn.Provider), slog.String("ip", d.IP))
	connector, err := e.Connections.Connector(conn)
	if err != nil {
		return Reply{}, err
	}
	if hs, ok := connector.(ats.WebhookHandshaker); ok {
		if resp, ok := hs.WebhookHandshake(d.Header, d.Body); ok {
			if err := e.Connections.Handshake(ctx, conn, resp, log); err != nil {
				return Reply{}, err
			}
			return Reply{Handshake: &resp}, nil
		}
	}
	whSecret, err := e.box.Open(secret.PurposeWebhookSecret, conn.WebhookSecret)
	if err != nil {
		return Reply{}, err
	}
	if err := connector.VerifyWebhook(d.Header, d.Body, string(whSecret)); err != nil {
		log.Warn("Webhook rejected", slog.String("reason", err.Error()))
		return Reply{}, &apperr.Error{Status: http.StatusUnauthorized, Code: "invalid_signature", Message: "The webhook signature is missing or invalid."}
	}
	ev, err := connector.ParseWebhook(d.Header, d.Body)
	if err != nil {
		log.Warn("Webhook payload not understood", slog.Any("error", err))
		return Reply{}, apperr.BadRequest("The webhook payload could not be read: " + err.Error())
	}
	if df, ok := connector.(ats.DeliveryFilter); ok && ev.ConnectionRef != "" {
		ref, err := e.accountRef(ctx, conn, df)
		if err != nil {
			// Unknown owner: refresh rather than lose an event.
			log.Warn("Unable to tell which account a webhook delivery is for", slog.Any("error", err))
		} else if ref != "" && ref != ev.ConnectionRef {
			log.Debug("Webhook for another account of the vendor ignored", slog.String("account", ev.ConnectionRef))
			return Reply{Status: http.StatusOK, Word: "other_account"}, nil
		}
	}
	digest := ats.DeliveryDigest(connector, d.Header, d.Body)
	first, err := e.Store.RecordWebhookDelivery(ctx, conn.ID, ev.ID, digest, ev.Type)
	if err != nil {
		return Reply{}, err
	}
	if !first {
		log.Info("Duplicate webhook delivery ignored", slog.String("delivery_id", ev.ID), slog.String("event", ev.Type))
		return Reply{Status: http.StatusOK, Word: "duplicate"}, nil
	}
	if ev.Ping || len(ev.Models) == 0 {
		return Reply{Status: http.StatusOK, Word: "ok"}, nil
	}
	if err := e.applyStageHint(ctx, conn, &ev, log); err != nil {
		_ = e.Store.ForgetWebhookDelivery(context.WithoutCancel(ctx), conn.ID, ev.ID, digest)
		return Reply{}, err
	}
	log.Info("Webhook accepted", slog.String("event", ev.Type), slog.String("delivery_id", ev.ID))
	e.refreshAfterWebhook(conn, ev)
	return Reply{Status: http.StatusAccepted, Word: "accepted"}, nil
}

// applyStageHint moves the application to the stage the delivery names,
// before the refresh confirms it, and tells the watchdog at once. Only a
// change newer than what is stored moves it (store.ApplyStageHint); a
// delivery that does not say when the change happened cannot be ordered,
// so its stage comes from the refresh, which reads the vendor's state.
func (e *Engine) applyStageHint(ctx context.Context, conn *store.Connection, ev *ats.WebhookEvent, log *slog.Logger) error {
	sc := ev.StageChange
	if sc == nil || ev.ApplicationID == "" {
		return nil
	}
	if ev.OccurredAt.IsZero() {
		log.Debug("Webhook stage hint has no event time; the refresh applies it", slog.String("delivery_id", ev.ID))
		return nil
	}
	if sc.ToStageID == "" && sc.ToStageName != "" {
		// Named, not identified (Workable, Teamtailor): find it in the job.
		if id, err := e.Store.StageIDByName(ctx, conn.ID, ev.ApplicationID, sc.ToStageName); err != nil {
			log.Warn("Unable to resolve the webhook's stage name", slog.Any("error", err))
		} else {
			sc.ToStageID = id
		}
	}
	if sc.ToStageID == "" {
		return nil
	}
	outcome, err := e.Store.ApplyStageHint(ctx, conn.ID, ev.ApplicationID, sc.ToStageID, sc.ToStageName, ev.OccurredAt)
	if err != nil {
		return err
	}
	if outcome == store.HintStale {
		log.Info("Webhook stage hint older than what is stored; ignored", slog.String("delivery_id", ev.ID),
			slog.String("application", ev.ApplicationID), slog.Time("event_at", ev.OccurredAt))
	}
	if outcome == store.HintMoved {
		// Invite at once whoever the change brought into an interview's stage.
		e.synced(ctx, conn.ID)
	}
	return nil
}

// refreshAfterWebhook re-reads the changed models incrementally. When a
// sync is already running, the models are re-read as soon as it ends.
func (e *Engine) refreshAfterWebhook(conn *store.Connection, ev ats.WebhookEvent) {
	_, err := e.Background(conn, Request{Trigger: "webhook", Models: ev.Models, Source: "webhook"})
	if errors.Is(err, store.ErrSyncRunning) {
		e.Defer(conn.ID, ev.Models)
		return
	}
	if err != nil {
		e.Log.Warn("Unable to start webhook refresh", slog.Int64("connection_id", conn.ID), slog.Any("error", err))
	}
}

// accountRef returns the id the vendor names conn's account by in
// deliveries, asking the connector once per connection and settings
// version: connectors are built per delivery, and a lookup (Merge's
// GET /account-details) on every delivery would spend the rate budget.
func (e *Engine) accountRef(ctx context.Context, conn *store.Connection, df ats.DeliveryFilter) (string, error) {
	e.refMu.Lock()
	c, ok := e.accountRefs[conn.ID]
	e.refMu.Unlock()
	if ok && c.version.Equal(conn.UpdatedAt) {
		return c.ref, nil
	}
	ref, err := df.AccountRef(ctx)
	if err != nil {
		return "", err
	}
	e.refMu.Lock()
	e.accountRefs[conn.ID] = accountRefEntry{ref: ref, version: conn.UpdatedAt}
	e.refMu.Unlock()
	return ref, nil
}

type accountRefEntry struct {
	ref     string
	version time.Time // the connection's updated_at it was looked up for
}
