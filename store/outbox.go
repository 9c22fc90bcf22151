package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// OutboxItem is one email waiting to be sent.
type OutboxItem struct {
	ID           int64
	WorkspaceID  int64
	InvitationID int64
	Kind         string
	Purpose      string
	ToAddress    string
	ToName       string
	Attempts     int
}

// ClaimOutbox takes up to limit due emails and leases them to the caller
// for lease. The lease is the crash guard: an email claimed by a process
// that died becomes due again when the lease runs out.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]OutboxItem, error) {
	var out []OutboxItem
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		rows, err := tx.QueryContext(ctx, `SELECT id, workspace_id, coalesce(invitation_id, 0), kind, purpose, to_address, to_name, attempts
			FROM email_outbox WHERE status IN ('queued', 'sending') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, now.Unix(), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var it OutboxItem
			if err := rows.Scan(&it.ID, &it.WorkspaceID, &it.InvitationID, &it.Kind, &it.Purpose, &it.ToAddress, &it.ToName, &it.Attempts); err != nil {
				rows.Close()
				return err
			}
			out = append(out, it)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, it := range out {
			if _, err := tx.ExecContext(ctx, `UPDATE email_outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ? WHERE id = ?`,
				now.Add(lease).Unix(), it.ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: unable to claim outbox: %w", err)
	}
	return out, nil
}

// MarkOutboxSent records a delivered email, and moves a queued invitation
// to sent.
func (s *Store) MarkOutboxSent(ctx context.Context, it OutboxItem) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		if _, err := tx.ExecContext(ctx, `UPDATE email_outbox SET status = 'sent', sent_at = ?, last_error = '' WHERE id = ?`, now, it.ID); err != nil {
			return err
		}
		if it.InvitationID == 0 {
			return nil
		}
		switch it.Kind {
		case "invitation":
			_, err := tx.ExecContext(ctx, `UPDATE invitations SET status = CASE WHEN status IN ('queued', 'failed') THEN 'sent' ELSE status END,
				sent_at = coalesce(sent_at, ?), failure = '', updated_at = ? WHERE id = ?`, now, now, it.InvitationID)
			return err
		case "reminder":
			_, err := tx.ExecContext(ctx, `UPDATE invitations SET reminded_at = ?, updated_at = ? WHERE id = ?`, now, now, it.InvitationID)
			return err
		}
		return nil
	})
}

// MarkOutboxFailed records a failed attempt. A transient failure is
// retried at retryAt; a permanent one (the server refused the address)
// fails the email and, for an invitation email, the invitation.
func (s *Store) MarkOutboxFailed(ctx context.Context, it OutboxItem, msg string, permanent bool, retryAt time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		if !permanent {
			_, err := tx.ExecContext(ctx, `UPDATE email_outbox SET status = 'queued', last_error = ?, next_attempt_at = ? WHERE id = ?`,
				msg, retryAt.Unix(), it.ID)
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE email_outbox SET status = 'failed', last_error = ? WHERE id = ?`, msg, it.ID); err != nil {
			return err
		}
		if it.InvitationID != 0 && it.Kind == "invitation" {
			_, err := tx.ExecContext(ctx, `UPDATE invitations SET status = 'failed', failure = ?, updated_at = ? WHERE id = ? AND status = 'queued'`,
				msg, now, it.InvitationID)
			return err
		}
		return nil
	})
}

// QueueEmail adds one email to the outbox (reminders, resends, decisions).
// It returns false when an email with the same purpose already exists for
// the invitation.
func (s *Store) QueueEmail(ctx context.Context, workspaceID, invitationID int64, kind, purpose, to, toName string) (bool, error) {
	now := s.unix()
	res, err := s.w.ExecContext(ctx, `INSERT INTO email_outbox (workspace_id, invitation_id, kind, purpose, to_address, to_name, next_attempt_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, workspaceID, invitationID, kind, purpose, to, toName, now, now)
	if err != nil {
		return false, fmt.Errorf("store: unable to queue email: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// OutboxCounts tells how many emails of a workspace are in each state.
func (s *Store) OutboxCounts(ctx context.Context, workspaceID int64) (map[string]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT status, count(*) FROM email_outbox WHERE workspace_id = ? GROUP BY status`, workspaceID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{"queued": 0, "sending": 0, "sent": 0, "failed": 0}
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// DueReminders queues a reminder for every invitation that is not finished
// and whose reminder time (reminder_hours before expiry) has come. The
// purpose 'reminder' is unique per invitation, so each gets one.
func (s *Store) DueReminders(ctx context.Context) (int64, error) {
	now := s.unix()
	res, err := s.w.ExecContext(ctx, `INSERT INTO email_outbox (workspace_id, invitation_id, kind, purpose, to_address, to_name, next_attempt_at, created_at)
		SELECT i.workspace_id, i.id, 'reminder', 'reminder', i.email, trim(i.first_name || ' ' || i.last_name), ?, ?
		FROM invitations i JOIN interviews v ON v.id = i.interview_id
		WHERE i.status IN ('sent', 'opened', 'started') AND v.status = 'active' AND v.reminder_hours > 0
		AND i.expires_at - v.reminder_hours * 3600 <= ? AND i.expires_at > ?
		ON CONFLICT DO NOTHING`, now, now, now, now)
	if err != nil {
		return 0, fmt.Errorf("store: unable to queue reminders: %w", err)
	}
	return res.RowsAffected()
}

// ReleaseOutboxClaims makes emails claimed by a process that is gone due
// again at once. Only the server sends email, so at its start-up no one
// else can hold a claim; waiting for the lease would only delay mail.
func (s *Store) ReleaseOutboxClaims(ctx context.Context) (int64, error) {
	res, err := s.w.ExecContext(ctx, `UPDATE email_outbox SET status = 'queued', next_attempt_at = ? WHERE status = 'sending'`, s.unix())
	if err != nil {
		return 0, fmt.Errorf("store: unable to release outbox claims: %w", err)
	}
	return res.RowsAffected()
}
