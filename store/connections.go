package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Connection is a workspace's link to one ATS account. Credentials and the
// webhook secret are sealed by the app (AES-GCM under the instance key)
// before they reach the store; the store never sees them in clear.
type Connection struct {
	ID            int64
	WorkspaceID   int64
	Provider      string
	Name          string
	BaseURL       string
	IntegrationID string
	ActingUserID  string
	Credentials   []byte // sealed
	WebhookSecret []byte // sealed; nil when none
	WebhookToken  string
	SyncInterval  time.Duration
	Paused        bool
	Capabilities  string // JSON, cached from the connector
	// WebhookRegistration is the JSON the app keeps about webhook
	// subscriptions it made through the vendor's API ("" when none), and
	// WebhookRegisteredAt when it made them (zero when none).
	WebhookRegistration string
	WebhookRegisteredAt time.Time
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

const connectionCols = `id, workspace_id, provider, name, base_url, integration_id, acting_user_id, credentials, webhook_secret,
	webhook_token, sync_interval_s, paused, capabilities, webhook_registration, webhook_registered_at, created_at, updated_at`

func scanConnection(row interface{ Scan(...any) error }) (*Connection, error) {
	var c Connection
	var interval, registered, created, updated int64
	if err := row.Scan(&c.ID, &c.WorkspaceID, &c.Provider, &c.Name, &c.BaseURL, &c.IntegrationID, &c.ActingUserID,
		&c.Credentials, &c.WebhookSecret, &c.WebhookToken, &interval, &c.Paused, &c.Capabilities,
		&c.WebhookRegistration, &registered, &created, &updated); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("store: unable to read connection: %w", err)
	}
	c.SyncInterval = time.Duration(interval) * time.Second
	c.CreatedAt, c.UpdatedAt = fromUnix(created), fromUnix(updated)
	if registered != 0 {
		c.WebhookRegisteredAt = fromUnix(registered)
	}
	return &c, nil
}

// CreateConnection inserts c and fills its id and timestamps.
func (s *Store) CreateConnection(ctx context.Context, c *Connection) error {
	now := s.unix()
	err := s.w.QueryRowContext(ctx, `INSERT INTO ats_connections (workspace_id, provider, name, base_url, integration_id, acting_user_id,
		credentials, webhook_secret, webhook_token, sync_interval_s, paused, capabilities, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		c.WorkspaceID, c.Provider, c.Name, c.BaseURL, c.IntegrationID, c.ActingUserID, c.Credentials, c.WebhookSecret,
		c.WebhookToken, int64(c.SyncInterval/time.Second), c.Paused, nonEmptyJSON(c.Capabilities), now, now).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("store: unable to create connection: %w", err)
	}
	c.CreatedAt, c.UpdatedAt = fromUnix(now), fromUnix(now)
	return nil
}

func nonEmptyJSON(s string) string {
	if s == "" {
		return "{}"
	}
	return s
}

// UpdateConnection saves every editable field of c (scoped to its workspace).
func (s *Store) UpdateConnection(ctx context.Context, c *Connection) error {
	now := s.unix()
	res, err := s.w.ExecContext(ctx, `UPDATE ats_connections SET name = ?, base_url = ?, integration_id = ?, acting_user_id = ?,
		credentials = ?, webhook_secret = ?, sync_interval_s = ?, paused = ?, capabilities = ?, updated_at = ?
		WHERE id = ? AND workspace_id = ?`,
		c.Name, c.BaseURL, c.IntegrationID, c.ActingUserID, c.Credentials, c.WebhookSecret,
		int64(c.SyncInterval/time.Second), c.Paused, nonEmptyJSON(c.Capabilities), now, c.ID, c.WorkspaceID)
	if err != nil {
		return fmt.Errorf("store: unable to update connection: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	c.UpdatedAt = fromUnix(now)
	return nil
}

// SetWebhookRegistration records the webhook subscriptions made through
// the vendor's API (reg "" clears them, with at zero). A non-nil
// sealedSecret replaces the webhook secret in the same statement, so a
// registration and the secret its deliveries are signed with never
// disagree.
func (s *Store) SetWebhookRegistration(ctx context.Context, workspaceID, id int64, reg string, at time.Time, sealedSecret []byte) error {
	var atUnix int64
	if !at.IsZero() {
		atUnix = at.Unix()
	}
	q := `UPDATE ats_connections SET webhook_registration = ?, webhook_registered_at = ?, updated_at = ?`
	args := []any{reg, atUnix, s.unix()}
	if sealedSecret != nil {
		q += `, webhook_secret = ?`
		args = append(args, sealedSecret)
	}
	res, err := s.w.ExecContext(ctx, q+` WHERE id = ? AND workspace_id = ?`, append(args, id, workspaceID)...)
	if err != nil {
		return fmt.Errorf("store: unable to save webhook registration: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// SetConnectionCapabilities caches the connector's capabilities JSON.
func (s *Store) SetConnectionCapabilities(ctx context.Context, workspaceID, id int64, caps string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE ats_connections SET capabilities = ? WHERE id = ? AND workspace_id = ?`, caps, id, workspaceID)
	return err
}

// Connection loads one connection of a workspace.
func (s *Store) Connection(ctx context.Context, workspaceID, id int64) (*Connection, error) {
	return scanConnection(s.r.QueryRowContext(ctx, `SELECT `+connectionCols+` FROM ats_connections WHERE id = ? AND workspace_id = ?`, id, workspaceID))
}

// ConnectionByID loads a connection without a workspace; for the scheduler
// and the CLI, which act for the instance, not for a user.
func (s *Store) ConnectionByID(ctx context.Context, id int64) (*Connection, error) {
	return scanConnection(s.r.QueryRowContext(ctx, `SELECT `+connectionCols+` FROM ats_connections WHERE id = ?`, id))
}

// ConnectionByWebhookToken finds the connection a webhook delivery is for.
func (s *Store) ConnectionByWebhookToken(ctx context.Context, token string) (*Connection, error) {
	return scanConnection(s.r.QueryRowContext(ctx, `SELECT `+connectionCols+` FROM ats_connections WHERE webhook_token = ?`, token))
}

// Connections lists a workspace's connections; workspaceID 0 lists all
// (scheduler start-up and the CLI).
func (s *Store) Connections(ctx context.Context, workspaceID int64) ([]Connection, error) {
	q := `SELECT ` + connectionCols + ` FROM ats_connections`
	var args []any
	if workspaceID != 0 {
		q += ` WHERE workspace_id = ?`
		args = append(args, workspaceID)
	}
	rows, err := s.r.QueryContext(ctx, q+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list connections: %w", err)
	}
	defer rows.Close()
	out := []Connection{}
	for rows.Next() {
		c, err := scanConnection(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// DeleteConnection removes a connection and, by cascade, everything
// synced through it.
func (s *Store) DeleteConnection(ctx context.Context, workspaceID, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM ats_connections WHERE id = ? AND workspace_id = ?`, id, workspaceID)
	if err != nil {
		return fmt.Errorf("store: unable to delete connection: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}
