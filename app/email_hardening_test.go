package app

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Templates that would render for as long or as much as their author
// likes are refused, at once and with a field error, by both the save and
// the preview.
func TestTemplateSaveAndPreviewRefuseRunawayTemplates(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	base := fmt.Sprintf("/api/workspaces/%d/email/templates/invitation", wid)
	attacks := []struct{ name, html, want string }{
		{"range over an int", `{{range 10000000}}x{{end}}`, "{{range}} is not allowed"},
		{"repeated template calls", `{{define "a"}}xxxxxxxxxxxxxxxx{{end}}{{define "b"}}{{template "a"}}{{template "a"}}{{template "a"}}{{end}}` +
			strings.Repeat(`{{template "b"}}`, 50), "{{template}} and {{block}} are not allowed"},
		{"recursion", `{{define "r"}}{{.Position}}{{template "r" .}}{{end}}{{template "r" .}}`, "{{template}} and {{block}} are not allowed"},
		{"printf width", `<p>{{printf "%0999999999d" 1}}</p>`, "function printf is not allowed"},
		{"nested ranges", `{{range 100000}}{{range 100000}}{{range 100000}}x{{end}}{{end}}{{end}}`, "{{range}} is not allowed"},
	}
	for _, tc := range attacks {
		t.Run(tc.name, func(t *testing.T) {
			body := map[string]string{"subject": "Hello", "html": "<p>Hi</p>\n" + tc.html, "text": ""}
			for _, route := range []struct{ method, path string }{{"PUT", base}, {"POST", base + "/preview"}} {
				start := time.Now()
				r := admin.do(route.method, route.path, body)
				if d := time.Since(start); d > time.Second {
					t.Errorf("%s took %s", route.method, d)
				}
				if r.Status != 422 || r.errCode(t) != "invalid_input" {
					t.Fatalf("%s: %d %.300s", route.method, r.Status, r.Body)
				}
				field, _ := r.json(t)["error"].(map[string]any)["fields"].(map[string]any)["template"].(string)
				if !strings.Contains(field, "html: line 2: "+tc.want) {
					t.Errorf("%s: field error %q, want %q on line 2", route.method, field, tc.want)
				}
			}
		})
	}
	// Nothing was saved.
	list := admin.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d/email/templates", wid), nil).json(t)
	for _, tpl := range list["templates"].([]any) {
		if m := tpl.(map[string]any); m["is_default"] != true {
			t.Errorf("%s was saved: %v", m["kind"], m)
		}
	}
}

// The preview renders templates on the server: only the role that may edit
// templates may ask for it.
func TestTemplatePreviewNeedsTheEditorsRole(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	ws := func(p string) string { return fmt.Sprintf("/api/workspaces/%d%s", wid, p) }
	body := map[string]string{
		"subject": "{{.CandidateFirstName}}, {{.InterviewName}} at {{.CompanyName}}",
		"html": `<p>{{.CandidateName}} / {{.Position}} / {{.RecruiterName}} / {{.Language}}</p>` +
			`{{with .Deadline}}<p>Due {{.}}</p>{{end}}{{if eq .Language "de"}}Hallo{{else}}Hello{{end}}{{button "Start" .Link}}`,
		"text": "{{.CandidateFirstName}}: {{.Link}}",
	}
	for _, role := range []string{"viewer", "recruiter"} {
		email := role + "@example.com"
		c, _ := newUser(t, a, email, false)
		admin.mustStatus(201, "POST", ws("/members"), map[string]string{"email": email, "role": role})
		c.mustStatus(200, "GET", ws("/email/templates"), nil) // reading stays open to members
		if code := c.mustStatus(403, "POST", ws("/email/templates/invitation/preview"), body).errCode(t); code != "forbidden" {
			t.Errorf("%s: code %s", role, code)
		}
	}
	pv := admin.mustStatus(200, "POST", ws("/email/templates/invitation/preview"), body).json(t)
	if pv["subject"] != "Zoë, Technical screening at Acme Recruiting" {
		t.Errorf("subject = %v", pv["subject"])
	}
	html := pv["html"].(string)
	for _, want := range []string{"Zoë Łukasz / Senior Backend Engineer / Sam Rivera / en", "Due Friday, 20 March 2026 at 17:00 CET", "Hello",
		`href="https://hireloop.example.com/c/9f3b2c7a"`} {
		if !strings.Contains(html, want) {
			t.Errorf("preview lacks %q", want)
		}
	}
	if pv["text"] != "Zoë: https://hireloop.example.com/c/9f3b2c7a" {
		t.Errorf("text = %v", pv["text"])
	}
}

// Branding the mailer would refuse later is refused when it is saved, with
// the field named.
func TestBrandingRefusedWithFieldErrors(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	path := fmt.Sprintf("/api/workspaces/%d/branding", wid)
	good := map[string]string{"company_name": "Acme Robotics", "brand_color": "#0f766e", "logo_url": "https://cdn.acme.test/logo.png",
		"privacy_url": "http://acme.test/privacy"}
	bad := []struct{ field, value string }{
		{"company_name", "Acme\r\nBcc: leak@evil.test"},
		{"company_name", "Acme\nRobotics"},
		{"company_name", "Acme\x00"},
		{"company_name", "Acme\u2028Robotics"},
		{"company_name", strings.Repeat("A", 101)},
		{"brand_color", "red"},
		{"brand_color", "#fff"},
		{"brand_color", "#4f46e5;background:url(x)"},
		{"logo_url", "javascript:alert(1)"},
		{"logo_url", "http://cdn.acme.test/logo.png"},
		{"logo_url", `https://cdn.acme.test/a"onerror="x.png`},
		{"logo_url", "data:text/html;base64,PGI+"},
		{"privacy_url", "javascript:alert(1)"},
		{"privacy_url", "ftp://acme.test/privacy"},
		{"privacy_url", "https://acme.test/a b"},
	}
	for _, tc := range bad {
		body := map[string]string{}
		for k, v := range good {
			body[k] = v
		}
		body[tc.field] = tc.value
		r := admin.do("PUT", path, body)
		if r.Status != 422 || r.errCode(t) != "invalid_input" {
			t.Errorf("%s=%q: %d %s", tc.field, tc.value, r.Status, r.Body)
			continue
		}
		fields := r.json(t)["error"].(map[string]any)["fields"].(map[string]any)
		if len(fields) != 1 || fields[tc.field] == nil {
			t.Errorf("%s=%q: fields %v", tc.field, tc.value, fields)
		}
	}
	got := admin.mustStatus(200, "PUT", path, good).json(t)["branding"].(map[string]any)
	if got["company_name"] != "Acme Robotics" || got["logo_url"] != good["logo_url"] {
		t.Errorf("saved %v", got)
	}
}
