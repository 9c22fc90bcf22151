package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// EmailSettings is a workspace's SMTP server. Password is sealed.
type EmailSettings struct {
	WorkspaceID int64
	Host        string
	Port        int
	TLS         string
	Username    string
	Password    []byte
	FromName    string
	FromAddress string
	ReplyTo     string
	UpdatedAt   time.Time
}

// EmailSettings loads a workspace's SMTP settings; ErrNotFound when unset.
func (s *Store) EmailSettings(ctx context.Context, workspaceID int64) (*EmailSettings, error) {
	var e EmailSettings
	var updated int64
	err := s.r.QueryRowContext(ctx, `SELECT workspace_id, host, port, tls, username, password, from_name, from_address, reply_to, updated_at
		FROM email_settings WHERE workspace_id = ?`, workspaceID).Scan(&e.WorkspaceID, &e.Host, &e.Port, &e.TLS, &e.Username, &e.Password,
		&e.FromName, &e.FromAddress, &e.ReplyTo, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to load email settings: %w", err)
	}
	e.UpdatedAt = fromUnix(updated)
	return &e, nil
}

// SaveEmailSettings inserts or replaces a workspace's SMTP settings.
func (s *Store) SaveEmailSettings(ctx context.Context, e *EmailSettings) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO email_settings (workspace_id, host, port, tls, username, password, from_name, from_address, reply_to, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id) DO UPDATE SET host = excluded.host, port = excluded.port,
		tls = excluded.tls, username = excluded.username, password = excluded.password, from_name = excluded.from_name,
		from_address = excluded.from_address, reply_to = excluded.reply_to, updated_at = excluded.updated_at`,
		e.WorkspaceID, e.Host, e.Port, e.TLS, e.Username, e.Password, e.FromName, e.FromAddress, e.ReplyTo, s.unix())
	if err != nil {
		return fmt.Errorf("store: unable to save email settings: %w", err)
	}
	return nil
}

// EmailTemplate is a workspace's edited template of one kind.
type EmailTemplate struct {
	Kind      string    `json:"kind"`
	Subject   string    `json:"subject"`
	HTML      string    `json:"html"`
	Text      string    `json:"text"`
	Enabled   bool      `json:"enabled"`
	UpdatedAt time.Time `json:"updated_at"`
}

// EmailTemplates returns the workspace's edited templates by kind; kinds
// never edited are absent (the defaults apply).
func (s *Store) EmailTemplates(ctx context.Context, workspaceID int64) (map[string]EmailTemplate, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT kind, subject, html, text, enabled, updated_at FROM email_templates WHERE workspace_id = ?`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load email templates: %w", err)
	}
	defer rows.Close()
	out := map[string]EmailTemplate{}
	for rows.Next() {
		var t EmailTemplate
		var updated int64
		if err := rows.Scan(&t.Kind, &t.Subject, &t.HTML, &t.Text, &t.Enabled, &updated); err != nil {
			return nil, err
		}
		t.UpdatedAt = fromUnix(updated)
		out[t.Kind] = t
	}
	return out, rows.Err()
}

// SaveEmailTemplate stores an edited template.
func (s *Store) SaveEmailTemplate(ctx context.Context, workspaceID int64, t EmailTemplate) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO email_templates (workspace_id, kind, subject, html, text, enabled, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (workspace_id, kind) DO UPDATE SET subject = excluded.subject, html = excluded.html, text = excluded.text,
		enabled = excluded.enabled, updated_at = excluded.updated_at`, workspaceID, t.Kind, t.Subject, t.HTML, t.Text, t.Enabled, s.unix())
	if err != nil {
		return fmt.Errorf("store: unable to save email template: %w", err)
	}
	return nil
}

// DeleteEmailTemplate restores the default of a kind.
func (s *Store) DeleteEmailTemplate(ctx context.Context, workspaceID int64, kind string) error {
	_, err := s.w.ExecContext(ctx, `DELETE FROM email_templates WHERE workspace_id = ? AND kind = ?`, workspaceID, kind)
	return err
}

// Branding is how a workspace presents itself to candidates.
type Branding struct {
	CompanyName string `json:"company_name"`
	BrandColor  string `json:"brand_color"`
	LogoURL     string `json:"logo_url"`
	PrivacyURL  string `json:"privacy_url"`
}

// WorkspaceBranding loads a workspace's branding.
func (s *Store) WorkspaceBranding(ctx context.Context, workspaceID int64) (Branding, string, error) {
	var b Branding
	var name string
	err := s.r.QueryRowContext(ctx, `SELECT name, company_name, brand_color, logo_url, privacy_url FROM workspaces WHERE id = ?`, workspaceID).
		Scan(&name, &b.CompanyName, &b.BrandColor, &b.LogoURL, &b.PrivacyURL)
	if errors.Is(err, sql.ErrNoRows) {
		return b, "", ErrNotFound
	}
	if b.CompanyName == "" {
		b.CompanyName = name
	}
	return b, name, err
}

// SaveWorkspaceBranding stores a workspace's branding.
func (s *Store) SaveWorkspaceBranding(ctx context.Context, workspaceID int64, b Branding) error {
	_, err := s.w.ExecContext(ctx, `UPDATE workspaces SET company_name = ?, brand_color = ?, logo_url = ?, privacy_url = ?, updated_at = ? WHERE id = ?`,
		b.CompanyName, b.BrandColor, b.LogoURL, b.PrivacyURL, s.unix(), workspaceID)
	return err
}
