package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"
)

// Kind names one of the emails hireloop sends to candidates.
type Kind string

// The candidate emails.
const (
	Invitation Kind = "invitation"
	Reminder   Kind = "reminder"
	Acceptance Kind = "acceptance"
	Rejection  Kind = "rejection"
)

// Kinds lists every Kind, in the order the console shows them.
var Kinds = []Kind{Invitation, Reminder, Acceptance, Rejection}

// Template is the editable part of an email. Subject and Text use Go
// text/template; HTML uses html/template (values are escaped) and is the body
// only: Render wraps it in the fixed, branded layout. An empty Text is derived
// from the HTML.
type Template struct {
	Subject string `json:"subject"`
	HTML    string `json:"html"`
	Text    string `json:"text"`
}

// Branding is the workspace's look in the email layout.
type Branding struct {
	CompanyName string `json:"company_name"`
	// LogoURL is an https: or data:image/... URL; empty shows no logo.
	LogoURL string `json:"logo_url"`
	// Color is the brand colour as hex ("#4f46e5" or "#46e"), used for the
	// header and buttons; empty means DefaultColor.
	Color string `json:"color"`
}

// DefaultColor is the brand colour used when Branding.Color is empty.
const DefaultColor = "#4f46e5"

// Vars are the values a template can use, as {{.CandidateFirstName}} etc.
type Vars struct {
	CandidateFirstName, CandidateName, Position, Link, CompanyName, RecruiterName, InterviewName string
	// Deadline is shown as e.g. "Friday, 20 March 2026 at 17:00 CET" in its
	// own location; the zero time renders as "".
	Deadline time.Time
	// Language is the candidate's language tag ("en"); it sets the layout's
	// lang attribute and templates may branch on it.
	Language string
}

// VarDoc documents one placeholder for the console's template editor.
type VarDoc struct {
	Name        string `json:"name"`        // e.g. "CandidateFirstName"
	Placeholder string `json:"placeholder"` // e.g. "{{.CandidateFirstName}}"
	Description string `json:"description"`
	Example     string `json:"example"`
}

// data is what templates execute against; its fields are the variables.
type data struct {
	CandidateFirstName string
	CandidateName      string
	Position           string
	Link               string
	CompanyName        string
	RecruiterName      string
	InterviewName      string
	Deadline           string
	Language           string
}

const deadlineLayout = "Monday, 2 January 2006 at 15:04 MST"

var varDocs = []VarDoc{
	{Name: "CandidateFirstName", Description: "The candidate's first name.", Example: "Zoë"},
	{Name: "CandidateName", Description: "The candidate's full name.", Example: "Zoë Łukasz"},
	{Name: "Position", Description: "The job the candidate applied for.", Example: "Senior Backend Engineer"},
	{Name: "InterviewName", Description: "The name of the interview.", Example: "Technical screening"},
	{Name: "Link", Description: "The candidate's personal interview link.", Example: "https://hireloop.example.com/c/9f3b2c7a"},
	{Name: "Deadline", Description: "When the interview closes; empty when there is no deadline.", Example: "Friday, 20 March 2026 at 17:00 CET"},
	{Name: "CompanyName", Description: "The hiring company.", Example: "Acme Robotics"},
	{Name: "RecruiterName", Description: "The recruiter who owns the position.", Example: "Sam Rivera"},
	{Name: "Language", Description: "The candidate's language code.", Example: "en"},
}

var knownVars = func() map[string]bool {
	m := map[string]bool{}
	for _, d := range varDocs {
		m[d.Name] = true
	}
	return m
}()

// Variables documents the template variables, plus the button helper, in the
// order the console lists them.
func Variables() []VarDoc {
	out := make([]VarDoc, 0, len(varDocs)+1)
	for _, d := range varDocs {
		d.Placeholder = "{{." + d.Name + "}}"
		out = append(out, d)
	}
	return append(out, VarDoc{
		Name:        "button",
		Placeholder: `{{button "Start your interview" .Link}}`,
		Description: "A button in the brand colour (HTML body); in the subject and text it renders as “label: link”.",
		Example:     "Start your interview",
	})
}

// SampleVars returns realistic values for the console's live preview.
func SampleVars() Vars {
	loc := time.FixedZone("CET", 3600)
	return Vars{
		CandidateFirstName: "Zoë",
		CandidateName:      "Zoë Łukasz",
		Position:           "Senior Backend Engineer",
		Link:               "https://hireloop.example.com/c/9f3b2c7a",
		CompanyName:        "Acme Robotics",
		RecruiterName:      "Sam Rivera",
		InterviewName:      "Technical screening",
		Deadline:           time.Date(2026, time.March, 20, 17, 0, 0, 0, loc),
		Language:           "en",
	}
}

//go:embed templates
var files embed.FS

var layout = htmltemplate.Must(htmltemplate.New("layout.html").ParseFS(files, "templates/layout.html"))

// Defaults returns the built-in English template for k (empty for an unknown
// Kind).
func Defaults(k Kind) Template {
	read := func(ext string) string {
		b, err := files.ReadFile("templates/" + string(k) + ext)
		if err != nil {
			return ""
		}
		return string(b)
	}
	return Template{
		Subject: strings.TrimSpace(read(".subject.txt")),
		HTML:    read(".html"),
		Text:    read(".txt"),
	}
}

// TemplateError is a problem in one part ("subject", "html" or "text") of a
// template. Line is 1-based, 0 when unknown.
type TemplateError struct {
	Part    string `json:"part"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (e *TemplateError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: line %d: %s", e.Part, e.Line, e.Message)
	}
	return e.Part + ": " + e.Message
}

// TemplateErrors is what Parse returns for a bad template: one entry per
// failing part.
type TemplateErrors []*TemplateError

func (e TemplateErrors) Error() string {
	msgs := make([]string, len(e))
	for i, te := range e {
		msgs[i] = te.Error()
	}
	return strings.Join(msgs, "; ")
}

// Parse checks that t compiles: syntax errors (with line numbers), unknown
// variables such as {{.Foo}}, constructs and functions a template may not
// use ({{range}}, {{define}}, printf: see guard.go), parts over their size
// limit, and errors when rendering with sample and empty values. The
// error, if any, is a TemplateErrors with one entry per part. Empty parts
// are fine (Render falls back to defaults or derives the text).
func Parse(t Template) error {
	var errs TemplateErrors
	for _, p := range parts(t) {
		if p.src == "" {
			continue
		}
		if err := p.check(); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Render produces the subject, the full HTML document and the plain text of
// one email. It checks and limits t as Parse does, so a template stored
// before those checks fails here with a *TemplateError instead of running
// away. An empty Subject uses the default for k; a template with neither
// HTML nor Text uses the defaults for k; an empty Text is derived from the
// HTML; an empty HTML (with Text set) gives html == "" for a text-only email.
func Render(k Kind, t Template, b Branding, v Vars) (subject, html, text string, err error) {
	if !slices.Contains(Kinds, k) {
		return "", "", "", fmt.Errorf("mail: unknown email kind %q", k)
	}
	b = b.usable()
	def := Defaults(k)
	if strings.TrimSpace(t.Subject) == "" {
		t.Subject = def.Subject
	}
	if strings.TrimSpace(t.HTML) == "" && strings.TrimSpace(t.Text) == "" {
		t.HTML, t.Text = def.HTML, def.Text
	}
	d := newData(v, b)
	color := b.Color
	if color == "" {
		color = DefaultColor
	}

	subject, err = renderText("subject", t.Subject, d)
	if err != nil {
		return "", "", "", err
	}
	subject = oneLine(subject)
	if subject == "" {
		return "", "", "", &TemplateError{Part: "subject", Message: "renders to an empty subject"}
	}
	var body string
	if strings.TrimSpace(t.HTML) != "" {
		if body, err = renderHTML(t.HTML, d, color); err != nil {
			return "", "", "", err
		}
	}
	if strings.TrimSpace(t.Text) != "" {
		if text, err = renderText("text", t.Text, d); err != nil {
			return "", "", "", err
		}
	} else {
		text = htmlToText(body)
	}
	if body == "" {
		return subject, "", text, nil
	}
	html, err = renderLayout(subject, body, text, b, d, color)
	if err != nil {
		return "", "", "", err
	}
	return subject, html, text, nil
}

// Validate checks the branding; keys are "color", "logo_url" and
// "company_name". It returns nil when the branding is usable. The API
// refuses what fails here; Render copes with it anyway (see usable).
func (b Branding) Validate() map[string]string {
	errs := map[string]string{}
	if b.Color != "" && !hexColor.MatchString(b.Color) {
		errs["color"] = "must be a hex colour like #4f46e5"
	}
	if b.LogoURL != "" && !safeLogoURL(b.LogoURL) {
		errs["logo_url"] = "must be an https:// URL or a data:image/ URL"
	}
	if oneLine(b.CompanyName) != strings.TrimSpace(b.CompanyName) {
		errs["company_name"] = "must be one line without control characters"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// usable replaces what Validate refuses: the name made one line, a bad
// colour by the default, a bad logo by none. A value stored before the API
// checked it must not stop every email of the workspace.
func (b Branding) usable() Branding {
	b.CompanyName = oneLine(b.CompanyName)
	if b.Color != "" && !hexColor.MatchString(b.Color) {
		b.Color = ""
	}
	if b.LogoURL != "" && !safeLogoURL(b.LogoURL) {
		b.LogoURL = ""
	}
	return b
}

var (
	hexColor  = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)
	dataImage = regexp.MustCompile(`^data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+$`)
)

func safeLogoURL(s string) bool {
	if strings.HasPrefix(strings.ToLower(s), "data:") {
		return dataImage.MatchString(s)
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && !strings.ContainsAny(s, " \"'<>\r\n")
}

func newData(v Vars, b Branding) data {
	d := data{
		CandidateFirstName: v.CandidateFirstName,
		CandidateName:      v.CandidateName,
		Position:           v.Position,
		Link:               v.Link,
		CompanyName:        oneLine(v.CompanyName),
		RecruiterName:      v.RecruiterName,
		InterviewName:      v.InterviewName,
		Language:           v.Language,
	}
	if d.CompanyName == "" {
		d.CompanyName = b.CompanyName
	}
	if d.CandidateFirstName == "" {
		d.CandidateFirstName, _, _ = strings.Cut(strings.TrimSpace(v.CandidateName), " ")
	}
	if !v.Deadline.IsZero() {
		d.Deadline = v.Deadline.Format(deadlineLayout)
	}
	return d
}

// ---- the three parts -------------------------------------------------------

type part struct {
	name string // "subject", "html", "text"
	src  string
}

func parts(t Template) []part {
	return []part{{"subject", t.Subject}, {"html", t.HTML}, {"text", t.Text}}
}

func (p part) check() *TemplateError {
	// Syntax and unknown variables come from the render below; rendering
	// with sample and with empty values also catches run-time errors.
	for _, v := range []Vars{SampleVars(), {}} {
		d := newData(v, Branding{})
		var err error
		if p.name == "html" {
			_, err = renderHTML(p.src, d, DefaultColor)
		} else {
			_, err = renderText(p.name, p.src, d)
		}
		if err != nil {
			var te *TemplateError
			if errors.As(err, &te) {
				return te
			}
			return &TemplateError{Part: p.name, Message: err.Error()}
		}
	}
	return nil
}

// renderText renders a subject or text part: size, parse, check, then
// execute with the limits (guard.go).
func renderText(name, src string, d data) (string, error) {
	if te := checkSize(name, src); te != nil {
		return "", te
	}
	t, err := template.New(name).Funcs(textFuncs).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", templateError(name, err)
	}
	var set []namedTree
	for _, tt := range t.Templates() {
		set = append(set, namedTree{tt.Name(), tt.Tree})
	}
	if te := checkTemplates(name, t.Tree, set); te != nil {
		return "", te
	}
	return execute(name, func(w io.Writer) error { return t.Execute(w, d) })
}

// renderHTML renders the HTML body the same way, with html/template's
// escaping.
func renderHTML(src string, d data, color string) (string, error) {
	if te := checkSize("html", src); te != nil {
		return "", te
	}
	t, err := htmltemplate.New("html").Funcs(htmlFuncs(color)).Option("missingkey=error").Parse(src)
	if err != nil {
		return "", templateError("html", err)
	}
	var set []namedTree
	for _, tt := range t.Templates() {
		set = append(set, namedTree{tt.Name(), tt.Tree})
	}
	if te := checkTemplates("html", t.Tree, set); te != nil {
		return "", te
	}
	return execute("html", func(w io.Writer) error { return t.Execute(w, d) })
}

type layoutData struct {
	Lang, Title, Preheader, CompanyName string
	LogoURL                             htmltemplate.URL
	Color, TextColor                    string
	Body                                htmltemplate.HTML
}

func renderLayout(subject, body, text string, b Branding, d data, color string) (string, error) {
	ld := layoutData{
		Lang:        "en",
		Title:       subject,
		Preheader:   preheader(text),
		CompanyName: b.CompanyName,
		Color:       expandHex(color),
		Body:        htmltemplate.HTML(body), //nolint:gosec // produced by html/template above
	}
	ld.TextColor = contrastText(ld.Color)
	if ld.CompanyName == "" {
		ld.CompanyName = d.CompanyName
	}
	if langTag.MatchString(d.Language) {
		ld.Lang = d.Language
	}
	if b.LogoURL != "" {
		ld.LogoURL = htmltemplate.URL(b.LogoURL) //nolint:gosec // validated by safeLogoURL
	}
	var buf bytes.Buffer
	if err := layout.Execute(&buf, ld); err != nil {
		return "", fmt.Errorf("mail: layout: %w", err)
	}
	return buf.String(), nil
}
