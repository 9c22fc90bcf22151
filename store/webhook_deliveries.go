package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Webhook deliveries already processed are remembered twice: by the id the
// vendor gives the event, and by a digest of what its signature covers
// ("signed:<hex>"). The id alone is not enough: Greenhouse sends it in an
// unsigned header, so a captured delivery resent under new ids would be
// new each time. Both keys share ats_webhook_deliveries, whose primary
// key (connection_id, delivery_id) makes each one unique per connection.

// signedKey is the delivery_id under which a signed content digest is kept.
func signedKey(digest string) string { return "signed:" + digest }

// RecordWebhookDelivery remembers a verified delivery by its event id and
// its signed content digest, and returns false when either was seen
// before on this connection (a vendor retry, or a replay).
func (s *Store) RecordWebhookDelivery(ctx context.Context, connectionID int64, deliveryID, digest, eventType string) (bool, error) {
	first := false
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ats_webhook_deliveries WHERE connection_id = ? AND delivery_id IN (?, ?)`,
			connectionID, deliveryID, signedKey(digest)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		now := s.unix()
		for _, key := range []string{deliveryID, signedKey(digest)} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO ats_webhook_deliveries (connection_id, delivery_id, event_type, received_at)
				VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, connectionID, key, eventType, now); err != nil {
				return err
			}
		}
		first = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("store: unable to record webhook delivery: %w", err)
	}
	return first, nil
}

// ForgetWebhookDelivery lets a delivery be processed again; used when
// processing failed so the vendor's retry is not dropped as a duplicate.
func (s *Store) ForgetWebhookDelivery(ctx context.Context, connectionID int64, deliveryID, digest string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM ats_webhook_deliveries WHERE connection_id = ? AND delivery_id IN (?, ?)`,
		connectionID, deliveryID, signedKey(digest))
	return err
}

// PruneWebhookDeliveries forgets deliveries received before cutoff and
// returns how many rows went. Vendors retry for a few days at most; a
// replay older than the window is still refused by the stage hints'
// ordering, so keeping every delivery forever buys nothing.
func (s *Store) PruneWebhookDeliveries(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM ats_webhook_deliveries WHERE received_at < ?`, cutoff.Unix())
	if err != nil {
		return 0, fmt.Errorf("store: unable to prune webhook deliveries: %w", err)
	}
	return res.RowsAffected()
}
