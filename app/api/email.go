package api

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/app/apperr"
	"github.com/hireloop/hireloop/app/mail"
	"github.com/hireloop/hireloop/app/outbox"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

type emailSettingsView struct {
	Configured  bool             `json:"configured"`
	Host        string           `json:"host"`
	Port        int              `json:"port"`
	TLS         string           `json:"tls"`
	Username    string           `json:"username"`
	HasPassword bool             `json:"has_password"`
	FromName    string           `json:"from_name"`
	FromAddress string           `json:"from_address"`
	ReplyTo     string           `json:"reply_to"`
	Outbox      map[string]int64 `json:"outbox"`
}

func (a *Server) getEmailSettings(c *fiber.Ctx) error {
	ws := currentWorkspace(c)
	counts, err := a.store.OutboxCounts(c.UserContext(), ws.ID)
	if err != nil {
		return err
	}
	v := emailSettingsView{Port: 587, TLS: mail.TLSStartTLS, Outbox: counts}
	es, err := a.store.EmailSettings(c.UserContext(), ws.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if es != nil {
		v = emailSettingsView{Configured: true, Host: es.Host, Port: es.Port, TLS: es.TLS, Username: es.Username,
			HasPassword: len(es.Password) > 0, FromName: es.FromName, FromAddress: es.FromAddress, ReplyTo: es.ReplyTo, Outbox: counts}
	}
	return c.JSON(fiber.Map{"email": v})
}

type emailSettingsRequest struct {
	Host        string  `json:"host"`
	Port        int     `json:"port"`
	TLS         string  `json:"tls"`
	Username    string  `json:"username"`
	Password    *string `json:"password"` // omitted or empty keeps the stored one
	FromName    string  `json:"from_name"`
	FromAddress string  `json:"from_address"`
	ReplyTo     string  `json:"reply_to"`
}

func (a *Server) putEmailSettings(c *fiber.Ctx, req emailSettingsRequest) error {
	ws := currentWorkspace(c)
	es := &store.EmailSettings{WorkspaceID: ws.ID, Host: strings.TrimSpace(req.Host), Port: req.Port, TLS: req.TLS,
		Username: strings.TrimSpace(req.Username), FromName: strings.TrimSpace(req.FromName),
		FromAddress: strings.TrimSpace(req.FromAddress), ReplyTo: strings.TrimSpace(req.ReplyTo)}
	if old, err := a.store.EmailSettings(c.UserContext(), ws.ID); err == nil {
		es.Password = old.Password
	}
	if req.Password != nil && *req.Password != "" {
		sealed, err := a.box.Seal(secret.PurposeSMTPPassword, []byte(*req.Password))
		if err != nil {
			return err
		}
		es.Password = sealed
	}
	ms, err := outbox.MailSettings(a.box, es)
	if err != nil {
		return err
	}
	if errs := ms.Validate(); errs != nil {
		fe := apperr.Fields{}
		for k, v := range errs {
			fe.Add(k, v)
		}
		return fe.Err()
	}
	if err := a.store.SaveEmailSettings(c.UserContext(), es); err != nil {
		return err
	}
	a.outbox.Wake() // queued invitations can go now
	return a.getEmailSettings(c)
}

type testEmailRequest struct {
	To string `json:"to"`
}

// testEmail sends a test message with the saved settings and reports the
// server's own answer.
func (a *Server) testEmail(c *fiber.Ctx, req testEmailRequest) error {
	if msg := apperr.CheckEmail(strings.TrimSpace(req.To)); msg != "" {
		fe := apperr.Fields{}
		fe.Add("to", msg)
		return fe.Err()
	}
	es, err := a.store.EmailSettings(c.UserContext(), currentWorkspace(c).ID)
	if errors.Is(err, store.ErrNotFound) {
		return &apperr.Error{Status: 422, Code: "email_not_configured", Message: "Save the SMTP settings first."}
	}
	if err != nil {
		return err
	}
	ms, err := outbox.MailSettings(a.box, es)
	if err != nil {
		return err
	}
	sender, err := mail.NewSMTP(ms, a.log)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(c.UserContext(), 30*time.Second)
	defer cancel()
	if err := sender.Test(ctx, strings.TrimSpace(req.To)); err != nil {
		return c.JSON(fiber.Map{"ok": false, "message": "The mail server said: " + err.Error()})
	}
	return c.JSON(fiber.Map{"ok": true, "message": "Test email sent to " + strings.TrimSpace(req.To) + "."})
}

var emailKinds = []mail.Kind{mail.Invitation, mail.Reminder, mail.Acceptance, mail.Rejection}

func validKind(k string) (mail.Kind, bool) {
	for _, x := range emailKinds {
		if string(x) == k {
			return x, true
		}
	}
	return "", false
}

func (a *Server) listEmailTemplates(c *fiber.Ctx) error {
	ts, err := a.store.EmailTemplates(c.UserContext(), currentWorkspace(c).ID)
	if err != nil {
		return err
	}
	var out []fiber.Map
	for _, k := range emailKinds {
		d := mail.Defaults(k)
		t, edited := ts[string(k)]
		if !edited {
			t = store.EmailTemplate{Kind: string(k), Subject: d.Subject, HTML: d.HTML, Text: d.Text, Enabled: k != mail.Rejection}
		}
		out = append(out, fiber.Map{"kind": k, "subject": t.Subject, "html": t.HTML, "text": t.Text, "enabled": t.Enabled,
			"is_default": !edited, "optional": k == mail.Rejection})
	}
	return c.JSON(fiber.Map{"templates": out, "variables": mail.Variables()})
}

type templateRequest struct {
	Subject string `json:"subject"`
	HTML    string `json:"html"`
	Text    string `json:"text"`
	Enabled *bool  `json:"enabled"`
}

func templateError(err error) error {
	ae := apperr.Field("template", err.Error()).(*apperr.Error)
	ae.Message = "The template has a mistake: " + err.Error()
	return ae
}

// onDraft adapts a handler that takes a template draft for the :kind in
// the route: an unknown kind is not found, a draft that does not parse is
// refused with the template's mistake.
func onDraft(f func(c *fiber.Ctx, kind mail.Kind, t mail.Template, req templateRequest) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		kind, ok := validKind(c.Params("kind"))
		if !ok {
			return apperr.NotFound()
		}
		var req templateRequest
		if err := bind(c, &req); err != nil {
			return err
		}
		t := mail.Template{Subject: req.Subject, HTML: req.HTML, Text: req.Text}
		if err := mail.Parse(t); err != nil {
			return templateError(err)
		}
		return f(c, kind, t, req)
	}
}

func (a *Server) putEmailTemplate(c *fiber.Ctx, kind mail.Kind, t mail.Template, req templateRequest) error {
	enabled := req.Enabled == nil || *req.Enabled
	if kind != mail.Rejection {
		enabled = true // only the rejection email is optional
	}
	if err := a.store.SaveEmailTemplate(c.UserContext(), currentWorkspace(c).ID, store.EmailTemplate{Kind: string(kind), Subject: t.Subject,
		HTML: t.HTML, Text: t.Text, Enabled: enabled}); err != nil {
		return err
	}
	return a.listEmailTemplates(c)
}

func (a *Server) deleteEmailTemplate(c *fiber.Ctx) error {
	kind, ok := validKind(c.Params("kind"))
	if !ok {
		return apperr.NotFound()
	}
	if err := a.store.DeleteEmailTemplate(c.UserContext(), currentWorkspace(c).ID, string(kind)); err != nil {
		return err
	}
	return a.listEmailTemplates(c)
}

// previewEmailTemplate renders a draft template with sample values and
// the workspace's branding, for the editor's live preview.
func (a *Server) previewEmailTemplate(c *fiber.Ctx, kind mail.Kind, t mail.Template, _ templateRequest) error {
	b, _, err := a.store.WorkspaceBranding(c.UserContext(), currentWorkspace(c).ID)
	if err != nil {
		return err
	}
	vars := mail.SampleVars()
	vars.CompanyName = b.CompanyName
	subject, html, text, err := mail.Render(kind, t, mail.Branding{CompanyName: b.CompanyName, LogoURL: b.LogoURL, Color: b.BrandColor}, vars)
	if err != nil {
		return templateError(err)
	}
	return c.JSON(fiber.Map{"subject": subject, "html": html, "text": text})
}

func (a *Server) getBranding(c *fiber.Ctx) error {
	b, _, err := a.store.WorkspaceBranding(c.UserContext(), currentWorkspace(c).ID)
	if err != nil {
		return apperr.NotFoundIs(err)
	}
	return c.JSON(fiber.Map{"branding": b})
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// putBranding saves the workspace's branding. It applies the mailer's own
// rules (mail.Branding.Validate) besides its own, so that nothing saved
// here is refused later, when an invitation is built from it.
func (a *Server) putBranding(c *fiber.Ctx, b store.Branding) error {
	b.CompanyName, b.LogoURL, b.PrivacyURL = strings.TrimSpace(b.CompanyName), strings.TrimSpace(b.LogoURL), strings.TrimSpace(b.PrivacyURL)
	fe := apperr.Fields{}
	fe.Add("company_name", apperr.CheckOneLine(b.CompanyName))
	fe.Add("company_name", apperr.CheckName(b.CompanyName, false, 100))
	if !hexColor.MatchString(b.BrandColor) {
		fe.Add("brand_color", "must be a colour like #4f46e5")
	}
	if len(b.LogoURL) > 200_000 {
		fe.Add("logo_url", "is too large (200 KB at most)")
	}
	mb := mail.Branding{CompanyName: b.CompanyName, LogoURL: b.LogoURL, Color: b.BrandColor}.Validate()
	fe.Add("company_name", mb["company_name"])
	fe.Add("logo_url", mb["logo_url"])
	if b.PrivacyURL != "" {
		if u, err := url.Parse(b.PrivacyURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" ||
			strings.ContainsAny(b.PrivacyURL, " \t\"'<>") {
			fe.Add("privacy_url", "must be an http(s) address")
		}
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if err := a.store.SaveWorkspaceBranding(c.UserContext(), currentWorkspace(c).ID, b); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"branding": b})
}
