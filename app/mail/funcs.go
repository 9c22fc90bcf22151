package mail

// Helpers the templates and the layout use: colour contrast, the
// preheader, the language tag and the template functions.

import (
	htmltemplate "html/template"
	"math"
	"regexp"
	"strconv"
	"strings"
	"text/template"

	"github.com/hireloop/hireloop/ats/htmltext"
)

var langTag = regexp.MustCompile(`^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$`)

// preheader is the inbox preview line: the start of the text part.
func preheader(text string) string {
	p := strings.Join(strings.Fields(text), " ")
	if r := []rune(p); len(r) > 120 {
		p = string(r[:119]) + "…"
	}
	return p
}

func expandHex(c string) string {
	if len(c) == 4 {
		return strings.ToLower(string([]byte{'#', c[1], c[1], c[2], c[2], c[3], c[3]}))
	}
	return strings.ToLower(c)
}

// contrastText picks white or near-black text for a #rrggbb background by
// WCAG relative luminance.
func contrastText(bg string) string {
	lin := func(h string) float64 {
		v, _ := strconv.ParseUint(h, 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	if len(bg) != 7 {
		return "#ffffff"
	}
	l := 0.2126*lin(bg[1:3]) + 0.7152*lin(bg[3:5]) + 0.0722*lin(bg[5:7])
	// Contrast with white is 1.05/(l+0.05); with #111827 about (l+0.05)/0.0637.
	if 1.05/(l+0.05) >= (l+0.05)/0.0637 {
		return "#ffffff"
	}
	return "#111827"
}

// ---- helpers available in templates ------------------------------------------

var textFuncs = template.FuncMap{
	"button": func(label, link string) string { return label + ": " + link },
}

func htmlFuncs(color string) htmltemplate.FuncMap {
	color = expandHex(color)
	fg := contrastText(color)
	return htmltemplate.FuncMap{
		"button": func(label, link string) htmltemplate.HTML {
			if !htmltext.Linkable(link) {
				link = "#"
			}
			esc := htmltemplate.HTMLEscapeString
			return htmltemplate.HTML(`<table role="presentation" border="0" cellpadding="0" cellspacing="0" style="margin:24px 0;border-collapse:separate;">` + //nolint:gosec // every value is escaped
				`<tr><td align="center" bgcolor="` + color + `" style="border-radius:6px;background-color:` + color + `;">` +
				`<a href="` + esc(link) + `" target="_blank" rel="noopener" style="display:inline-block;padding:12px 28px;` +
				`font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;` +
				`font-weight:600;line-height:1.2;color:` + fg + `;text-decoration:none;border-radius:6px;">` + esc(label) + `</a>` +
				`</td></tr></table>`)
		},
	}
}

// ---- error reporting ----------------------------------------------------------

// template errors look like `template: html:3: unexpected "}" in operand` or
// `template: text:2:14: executing "text" at <.X>: ...`.
var tmplErrRe = regexp.MustCompile(`^(?:html/)?template: ([a-z]+):(\d+):(?:\d+:)? ?(.*)$`)

func templateError(part string, err error) *TemplateError {
	msg := err.Error()
	if m := tmplErrRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[2])
		return &TemplateError{Part: part, Line: line, Message: strings.TrimSpace(m[3])}
	}
	// html/template escaping errors: `html/template:html:3:5: ...`
	if m := regexp.MustCompile(`^html/template:[a-z]+:(\d+):(?:\d+:)? ?(.*)$`).FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &TemplateError{Part: part, Line: line, Message: strings.TrimSpace(m[2])}
	}
	msg = strings.TrimPrefix(strings.TrimPrefix(msg, "html/template: "), "template: ")
	return &TemplateError{Part: part, Message: msg}
}
