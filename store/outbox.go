package store

import (
	"context"
	"database/sql"
	"errors"
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
	// Interrupted is set when the previous attempt handed the message to
	// the SMTP server and its process stopped before the outcome was
	// recorded: this attempt may deliver it a second time.
	Interrupted bool
}

// The states of an email_outbox row:
//
//	queued                      waiting for next_attempt_at
//	sending, sending_at NULL    claimed by the worker (a lease until next_attempt_at)
//	sending, sending_at set     handed to the SMTP server, outcome not yet recorded
//	sent / failed               done
//
// A row is marked in flight right before its message goes to the server
// and sent right after the server accepted it, one message at a time, so a
// crash leaves at most one row in flight. That row may or may not have been
// delivered; SMTP cannot tell. It is sent again, and counted in
// maybe_duplicate.

// ClaimOutbox takes up to limit due emails and leases them to the caller
// for lease. The lease is the crash guard: an email claimed by a process
// that died becomes due again when the lease runs out. A claimed row that
// was in flight when its process died comes back with Interrupted set and
// its maybe_duplicate count raised.
func (s *Store) ClaimOutbox(ctx context.Context, limit int, lease time.Duration) ([]OutboxItem, error) {
	var out []OutboxItem
	err := s.tx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		rows, err := tx.QueryContext(ctx, `SELECT id, workspace_id, coalesce(invitation_id, 0), kind, purpose, to_address, to_name, attempts,
			status = 'sending' AND sending_at IS NOT NULL
			FROM email_outbox WHERE status IN ('queued', 'sending') AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`, now.Unix(), limit)
		if err != nil {
			return err
		}
		for rows.Next() {
			var it OutboxItem
			if err := rows.Scan(&it.ID, &it.WorkspaceID, &it.InvitationID, &it.Kind, &it.Purpose, &it.ToAddress, &it.ToName, &it.Attempts,
				&it.Interrupted); err != nil {
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
			if _, err := tx.ExecContext(ctx, `UPDATE email_outbox SET status = 'sending', sending_at = NULL, attempts = attempts + 1,
				maybe_duplicate = maybe_duplicate + ?, next_attempt_at = ? WHERE id = ?`,
				it.Interrupted, now.Add(lease).Unix(), it.ID); err != nil {
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

// ErrOutboxNotClaimed means the email is no longer claimed by the caller,
// so it must not be sent.
var ErrOutboxNotClaimed = errors.New("store: email is not claimed")

// MarkOutboxSending records that a claimed email is about to be handed to
// the SMTP server. Call it right before sending, and send only when it
// succeeds.
func (s *Store) MarkOutboxSending(ctx context.Context, id int64) error {
	res, err := s.w.ExecContext(ctx, `UPDATE email_outbox SET sending_at = ? WHERE id = ? AND status = 'sending'`, s.unix(), id)
	if err != nil {
		return fmt.Errorf("store: unable to mark email in flight: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ErrOutboxNotClaimed
	}
	return nil
}

// MarkOutboxSent records a delivered email, and moves a queued invitation
// to sent. Call it right after the server accepted the message.
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
// maybeDelivered says the failure left it unknown whether the server took
// the message (the connection dropped while waiting for its reply): the
// retry is counted as a possible duplicate.
func (s *Store) MarkOutboxFailed(ctx context.Context, it OutboxItem, msg string, permanent, maybeDelivered bool, retryAt time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		if !permanent {
			_, err := tx.ExecContext(ctx, `UPDATE email_outbox SET status = 'queued', sending_at = NULL, last_error = ?, next_attempt_at = ?,
				maybe_duplicate = maybe_duplicate + ? WHERE id = ?`, msg, retryAt.Unix(), maybeDelivered, it.ID)
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

// OutboxCounts tells how many emails of a workspace are in each state,
// and, as "possible_duplicates" when there are any, how many may have
// reached their recipient twice (see ClaimOutbox).
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
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var dups int64
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM email_outbox WHERE workspace_id = ? AND maybe_duplicate > 0`,
		workspaceID).Scan(&dups); err != nil {
		return nil, err
	}
	if dups > 0 {
		out["possible_duplicates"] = dups
	}
	return out, nil
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
// else can hold a claim; waiting for the lease would only delay mail. It
// returns how many were released, and the ids of those that were in flight
// (handed to the SMTP server, outcome unknown): they are sent again and
// counted in maybe_duplicate.
func (s *Store) ReleaseOutboxClaims(ctx context.Context) (released int64, inFlight []int64, err error) {
	err = s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id FROM email_outbox WHERE status = 'sending' AND sending_at IS NOT NULL ORDER BY id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			inFlight = append(inFlight, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE email_outbox SET status = 'queued', next_attempt_at = ?,
			maybe_duplicate = maybe_duplicate + (sending_at IS NOT NULL), sending_at = NULL WHERE status = 'sending'`, s.unix())
		if err != nil {
			return err
		}
		released, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, nil, fmt.Errorf("store: unable to release outbox claims: %w", err)
	}
	return released, inFlight, nil
}
