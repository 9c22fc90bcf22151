package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// atsWebhook receives an ATS delivery at /webhooks/ats/<token>. The token
// (unguessable, per connection) only routes the delivery; trust comes from
// the vendor's signature over the exact body. Deliveries are deduplicated
// by their id, so vendor retries are processed once. The answer is quick:
// the stage hint is applied at once and the refresh runs in the background.
func (a *App) atsWebhook(c *fiber.Ctx) error {
	ctx := c.UserContext()
	conn, err := a.store.ConnectionByWebhookToken(ctx, c.Params("token"))
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound()
	}
	if err != nil {
		return err
	}
	log := a.log.With(slog.Int64("connection_id", conn.ID), slog.String("provider", conn.Provider), slog.String("ip", c.IP()))
	connector, err := a.connectorFor(conn)
	if err != nil {
		return err
	}
	headers := http.Header{}
	for k, vs := range c.GetReqHeaders() {
		for _, v := range vs {
			headers.Add(k, v)
		}
	}
	body := append([]byte(nil), c.Body()...)
	if hs, ok := connector.(ats.WebhookHandshaker); ok {
		if resp, ok := hs.WebhookHandshake(headers, body); ok {
			return a.webhookHandshake(c, conn, resp, log)
		}
	}
	secret, err := a.unseal(purposeWebhookSecret, conn.WebhookSecret)
	if err != nil {
		return err
	}
	if err := connector.VerifyWebhook(headers, body, string(secret)); err != nil {
		log.Warn("Webhook rejected", slog.String("reason", err.Error()))
		return &apiError{Status: fiber.StatusUnauthorized, Code: "invalid_signature", Message: "The webhook signature is missing or invalid."}
	}
	ev, err := connector.ParseWebhook(headers, body)
	if err != nil {
		log.Warn("Webhook payload not understood", slog.Any("error", err))
		return errBadRequest("The webhook payload could not be read: " + err.Error())
	}
	if df, ok := connector.(ats.DeliveryFilter); ok && ev.ConnectionRef != "" {
		ref, err := a.accountRef(ctx, conn, df)
		if err != nil {
			// Unknown owner: refresh rather than lose an event.
			log.Warn("Unable to tell which account a webhook delivery is for", slog.Any("error", err))
		} else if ref != "" && ref != ev.ConnectionRef {
			log.Debug("Webhook for another account of the vendor ignored", slog.String("account", ev.ConnectionRef))
			return c.JSON(fiber.Map{"status": "other_account"})
		}
	}
	first, err := a.store.RecordWebhookDelivery(ctx, conn.ID, ev.ID, ev.Type)
	if err != nil {
		return err
	}
	if !first {
		log.Info("Duplicate webhook delivery ignored", slog.String("delivery_id", ev.ID))
		return c.JSON(fiber.Map{"status": "duplicate"})
	}
	if ev.Ping || len(ev.Models) == 0 {
		return c.JSON(fiber.Map{"status": "ok"})
	}
	if sc := ev.StageChange; sc != nil && ev.ApplicationID != "" && sc.ToStageID == "" && sc.ToStageName != "" {
		// Named, not identified (Workable, Teamtailor): find it in the job.
		if id, err := a.store.StageIDByName(ctx, conn.ID, ev.ApplicationID, sc.ToStageName); err != nil {
			log.Warn("Unable to resolve the webhook's stage name", slog.Any("error", err))
		} else {
			sc.ToStageID = id
		}
	}
	if sc := ev.StageChange; sc != nil && ev.ApplicationID != "" && sc.ToStageID != "" {
		changed, err := a.store.ApplyStageHint(ctx, conn.ID, ev.ApplicationID, sc.ToStageID, sc.ToStageName)
		if err != nil {
			_ = a.store.ForgetWebhookDelivery(context.WithoutCancel(ctx), conn.ID, ev.ID)
			return err
		}
		if changed {
			// Invite at once whoever the change brought into an interview's stage.
			a.watch.consumeConnection(ctx, conn.ID)
		}
	}
	log.Info("Webhook accepted", slog.String("event", ev.Type), slog.String("delivery_id", ev.ID))
	a.refreshAfterWebhook(conn, ev)
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"status": "accepted"})
}

// refreshAfterWebhook re-reads the changed models incrementally. When a
// sync is already running, the models are re-read as soon as it ends.
func (a *App) refreshAfterWebhook(conn *store.Connection, ev ats.WebhookEvent) {
	_, err := a.syncInBackground(conn, SyncRequest{Trigger: "webhook", Models: ev.Models, Source: "webhook"})
	if errors.Is(err, store.ErrSyncRunning) {
		a.syncs.defer_(conn.ID, ev.Models)
		return
	}
	if err != nil {
		a.log.Warn("Unable to start webhook refresh", slog.Int64("connection_id", conn.ID), slog.Any("error", err))
	}
}

// accountRef returns the id the vendor names conn's account by in
// deliveries, asking the connector once per connection and settings
// version: connectors are built per delivery, and a lookup (Merge's
// GET /account-details) on every delivery would spend the rate budget.
func (a *App) accountRef(ctx context.Context, conn *store.Connection, df ats.DeliveryFilter) (string, error) {
	a.refMu.Lock()
	c, ok := a.accountRefs[conn.ID]
	a.refMu.Unlock()
	if ok && c.version.Equal(conn.UpdatedAt) {
		return c.ref, nil
	}
	ref, err := df.AccountRef(ctx)
	if err != nil {
		return "", err
	}
	a.refMu.Lock()
	if a.accountRefs == nil {
		a.accountRefs = map[int64]accountRefEntry{}
	}
	a.accountRefs[conn.ID] = accountRefEntry{ref: ref, version: conn.UpdatedAt}
	a.refMu.Unlock()
	return ref, nil
}

type accountRefEntry struct {
	ref     string
	version time.Time // the connection's updated_at it was looked up for
}
