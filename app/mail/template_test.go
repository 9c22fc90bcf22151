package mail

import (
	"errors"
	stdhtml "html"
	"strings"
	"testing"
	"time"
)

func TestDefaultsParseAndRenderForEveryKind(t *testing.T) {
	v := SampleVars()
	b := Branding{CompanyName: "Acme", Color: "#4f46e5"}
	for _, k := range Kinds {
		t.Run(string(k), func(t *testing.T) {
			def := Defaults(k)
			if def.Subject == "" || def.HTML == "" || def.Text == "" {
				t.Fatalf("default %s is incomplete: %+v", k, def)
			}
			if err := Parse(def); err != nil {
				t.Fatalf("Parse(default): %v", err)
			}
			subject, html, text, err := Render(k, def, b, v)
			if err != nil {
				t.Fatal(err)
			}
			if subject == "" || strings.ContainsAny(subject, "\r\n") || !strings.Contains(subject, v.Position) {
				t.Errorf("subject = %q", subject)
			}
			for _, want := range []string{"Hi Zoë,", v.Position, v.CompanyName, v.RecruiterName} {
				if !strings.Contains(html, want) {
					t.Errorf("html lacks %q", want)
				}
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %q", want)
				}
			}
			if strings.Contains(html, "{{") || strings.Contains(text, "{{") || strings.Contains(html, "<no value>") {
				t.Error("unrendered template syntax in output")
			}
			if !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, "max-width:600px") {
				t.Error("body not wrapped in the layout")
			}
			if k == Invitation || k == Reminder {
				if strings.Count(html, `href="`+v.Link+`"`) < 2 { // button and plain link
					t.Errorf("%s html should link %s as a button and as text", k, v.Link)
				}
				if !strings.Contains(text, v.Link) || !strings.Contains(html, "Friday, 20 March 2026 at 17:00 CET") {
					t.Errorf("%s lacks link or deadline", k)
				}
			}
		})
	}
	inv := Defaults(Invitation)
	for _, want := range []string{"AI", "person on our hiring team"} {
		if !strings.Contains(inv.HTML, want) || !strings.Contains(inv.Text, want) {
			t.Errorf("invitation must say that an AI assists and a human decides (%q)", want)
		}
	}
	if !strings.Contains(Defaults(Rejection).HTML, "people on our hiring team") {
		t.Error("rejection must say that people made the decision")
	}
}

func TestDefaultsRenderWithEmptyVars(t *testing.T) {
	for _, k := range Kinds {
		subject, html, text, err := Render(k, Template{}, Branding{CompanyName: "Acme"}, Vars{})
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		if subject == "" || html == "" || text == "" {
			t.Errorf("%s: empty output", k)
		}
		if strings.Contains(text, "complete the interview by") {
			t.Errorf("%s: deadline sentence shown without a deadline", k)
		}
		if !strings.Contains(text, "Hi there,") {
			t.Errorf("%s: greeting without a name should fall back to 'there'", k)
		}
	}
}

func TestRenderEscapesHTMLButNotText(t *testing.T) {
	v := SampleVars()
	v.CandidateFirstName = `<script>alert("x")</script>`
	v.Position = `R&D "Lead"`
	tpl := Template{Subject: "Hi {{.CandidateFirstName}}", HTML: "<p>Hi {{.CandidateFirstName}}, {{.Position}}</p>", Text: "Hi {{.CandidateFirstName}}"}
	subject, html, text, err := Render(Invitation, tpl, Branding{}, v)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<script>") {
		t.Errorf("candidate name not escaped in HTML:\n%s", html)
	}
	if !strings.Contains(html, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") || !strings.Contains(html, "R&amp;D &#34;Lead&#34;") {
		t.Errorf("expected escaped values in HTML")
	}
	if text != `Hi <script>alert("x")</script>` || subject != text {
		t.Errorf("text/subject should be verbatim: %q / %q", subject, text)
	}
}

func TestParseRejectsUnknownVariable(t *testing.T) {
	cases := map[string]Template{
		"subject": {Subject: "Hello {{.Foo}}"},
		"html":    {HTML: "<p>Hi</p>\n<p>{{if .Position}}{{.Salary}}{{end}}</p>"},
		"text":    {Text: "Hi\n\n{{$.Bar}}"},
	}
	wantName := map[string]string{"subject": "{{.Foo}}", "html": "{{.Salary}}", "text": "{{$.Bar}}"}
	wantLine := map[string]int{"subject": 1, "html": 2, "text": 3}
	for part, tpl := range cases {
		err := Parse(tpl)
		var errs TemplateErrors
		if !errors.As(err, &errs) || len(errs) != 1 {
			t.Fatalf("%s: err = %v, want one TemplateError", part, err)
		}
		e := errs[0]
		if e.Part != part || e.Line != wantLine[part] || !strings.Contains(e.Message, "unknown variable "+wantName[part]) {
			t.Errorf("%s: got %+v", part, e)
		}
		if !strings.Contains(e.Message, "{{.CandidateFirstName}}") {
			t.Errorf("%s: message should list the available variables: %s", part, e.Message)
		}
		if _, _, _, err := Render(Invitation, Template{Subject: "s", HTML: tpl.HTML + tpl.Subject, Text: tpl.Text}, Branding{}, SampleVars()); err == nil {
			t.Errorf("%s: Render accepted an unknown variable", part)
		}
	}
	if err := Parse(Template{HTML: "{{.Position.Foo}}"}); err == nil || !strings.Contains(err.Error(), "{{.Position.Foo}}") {
		t.Errorf("nested field: %v", err)
	}
}

func TestParseSyntaxErrorHasLineNumber(t *testing.T) {
	err := Parse(Template{
		Subject: "ok {{.Position}}",
		HTML:    "<p>one</p>\n<p>two</p>\n<p>{{if .Position}}three</p>",
		Text:    "line 1\n{{.Position}\n",
	})
	var errs TemplateErrors
	if !errors.As(err, &errs) || len(errs) != 2 {
		t.Fatalf("err = %v, want errors for html and text", err)
	}
	if errs[0].Part != "html" || errs[0].Line != 3 {
		t.Errorf("html error = %+v, want line 3", errs[0])
	}
	if errs[1].Part != "text" || errs[1].Line != 2 {
		t.Errorf("text error = %+v, want line 2", errs[1])
	}
	if !strings.Contains(err.Error(), "html: line 3:") {
		t.Errorf("Error() = %q", err.Error())
	}
	if err := Parse(Template{Text: "{{nosuchfunc .Position}}"}); err == nil || !strings.Contains(err.Error(), "nosuchfunc") {
		t.Errorf("unknown function: %v", err)
	}
}

func TestParseAcceptsValidCustomTemplate(t *testing.T) {
	tpl := Template{
		Subject: "{{.CandidateFirstName}}, your {{.InterviewName}} awaits",
		HTML:    `<p>{{with .Deadline}}Due {{.}}{{end}}</p>{{button "Go" .Link}}{{if eq .Language "de"}}Hallo{{else}}Hello{{end}}`,
		Text:    "{{button \"Go\" .Link}}",
	}
	if err := Parse(tpl); err != nil {
		t.Fatal(err)
	}
	_, html, text, err := Render(Reminder, tpl, Branding{Color: "#fde047"}, SampleVars())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, "Due Friday, 20 March 2026") || !strings.Contains(html, "Hello") {
		t.Errorf("html = %s", html)
	}
	if !strings.Contains(html, `bgcolor="#fde047"`) || !strings.Contains(html, "color:#111827;text-decoration:none") {
		t.Error("a light brand colour should get a dark button label")
	}
	if text != "Go: "+SampleVars().Link {
		t.Errorf("text button = %q", text)
	}
}

func TestBrandingInLayout(t *testing.T) {
	b := Branding{CompanyName: "Acme & Co", LogoURL: "https://cdn.acme.test/logo.png?v=2", Color: "#0F766E"}
	_, html, _, err := Render(Invitation, Template{}, b, SampleVars())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<img src="https://cdn.acme.test/logo.png?v=2"`,
		`alt="Acme &amp; Co"`,
		`bgcolor="#0f766e"`,
		`background-color:#0f766e`,
		">Acme &amp; Co</td>",
	} {
		if !strings.Contains(html, want) {
			t.Errorf("layout lacks %s", want)
		}
	}

	dataLogo := "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
	_, html, _, err = Render(Invitation, Template{}, Branding{LogoURL: dataLogo}, SampleVars())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdhtml.UnescapeString(html), `src="`+dataLogo+`"`) { // '+' arrives as &#43;
		t.Error("data: logo not embedded")
	}
	if !strings.Contains(html, `bgcolor="`+DefaultColor+`"`) {
		t.Error("default colour not used")
	}

	_, html, _, err = Render(Invitation, Template{}, Branding{}, SampleVars())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html, "<img") {
		t.Error("no logo configured, but an <img> is rendered")
	}
}

func TestBrandingValidation(t *testing.T) {
	bad := map[string]Branding{
		"color":        {Color: "red"},
		"logo_url":     {LogoURL: "http://insecure.test/logo.png"},
		"company_name": {CompanyName: "Acme\r\nBcc: x@evil.test"},
	}
	for field, b := range bad {
		if errs := b.Validate(); errs[field] == "" {
			t.Errorf("%s: Validate() = %v", field, errs)
		}
		// A stored value the API would refuse today must not stop every
		// email: Render replaces it with a safe one.
		v := SampleVars()
		v.CompanyName = "" // the branding's name goes into the subject
		subject, html, _, err := Render(Invitation, Template{}, b, v)
		if err != nil {
			t.Errorf("%s: Render err = %v", field, err)
			continue
		}
		if strings.Contains(html, "insecure.test") || strings.Contains(html, "red;") {
			t.Errorf("%s: the invalid value reached the email", field)
		}
		if field == "company_name" && !strings.HasSuffix(subject, " at Acme Bcc: x@evil.test") {
			t.Errorf("subject = %q, want the company name on one line", subject)
		}
	}
	if errs := (Branding{CompanyName: "Acme\x00"}).Validate(); errs["company_name"] == "" {
		t.Error("a control character in the company name was accepted")
	}
	for _, c := range []string{"#4f46e5", "#FFF", "#abcdef"} {
		if errs := (Branding{Color: c}).Validate(); errs != nil {
			t.Errorf("%s rejected: %v", c, errs)
		}
	}
	for _, c := range []string{"#12345", "4f46e5", "#4f46e5;background:url(x)", "#ggg"} {
		if errs := (Branding{Color: c}).Validate(); errs["color"] == "" {
			t.Errorf("%q accepted", c)
		}
	}
	for _, u := range []string{"javascript:alert(1)", "data:text/html;base64,PGI+", "//cdn.test/x.png", "https://x.test/a\"b.png"} {
		if errs := (Branding{LogoURL: u}).Validate(); errs["logo_url"] == "" {
			t.Errorf("logo %q accepted", u)
		}
	}
}

func TestTextDerivedWhenAbsent(t *testing.T) {
	tpl := Template{
		Subject: "s",
		HTML: `<h1>Welcome,&nbsp;{{.CandidateFirstName}}</h1><p>Your <b>interview</b> for
		{{.Position}} is ready.</p><ul><li>Quiet room</li><li>Good &amp; stable internet</li></ul>
		{{button "Start" .Link}}<p>Or open <a href="{{.Link}}">{{.Link}}</a>.</p><style>p{color:red}</style>`,
	}
	_, _, text, err := Render(Invitation, tpl, Branding{}, SampleVars())
	if err != nil {
		t.Fatal(err)
	}
	link := SampleVars().Link
	want := "Welcome, Zoë\n\nYour interview for Senior Backend Engineer is ready.\n\n- Quiet room\n- Good & stable internet\n\n" +
		"Start (" + link + ")\n\nOr open " + link + ".\n"
	if text != want {
		t.Errorf("derived text:\n%q\nwant\n%q", text, want)
	}
}

func TestRenderSubjectRules(t *testing.T) {
	subject, _, _, err := Render(Invitation, Template{Subject: "Line one\nline   two\r\n", Text: "x"}, Branding{}, SampleVars())
	if err != nil || subject != "Line one line two" {
		t.Errorf("subject = %q, %v", subject, err)
	}
	_, _, _, err = Render(Invitation, Template{Subject: "{{.InterviewName}}", Text: "x"}, Branding{}, Vars{})
	var te *TemplateError
	if !errors.As(err, &te) || te.Part != "subject" {
		t.Errorf("empty subject: err = %v", err)
	}
	subject, html, text, err := Render(Acceptance, Template{Text: "Only text for {{.CandidateName}}"}, Branding{}, SampleVars())
	if err != nil || html != "" || text != "Only text for Zoë Łukasz" || subject == "" {
		t.Errorf("text-only template: %q %q %q %v", subject, html, text, err)
	}
	if _, _, _, err := Render("offer", Template{}, Branding{}, SampleVars()); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestVariablesDocumentEveryField(t *testing.T) {
	docs := Variables()
	seen := map[string]bool{}
	for _, d := range docs {
		if d.Description == "" || d.Example == "" || d.Placeholder == "" {
			t.Errorf("incomplete doc: %+v", d)
		}
		seen[d.Name] = true
		if d.Name != "button" {
			if err := Parse(Template{Text: d.Placeholder}); err != nil {
				t.Errorf("documented %s does not parse: %v", d.Placeholder, err)
			}
		}
	}
	for _, f := range []string{"CandidateFirstName", "CandidateName", "Position", "Link", "CompanyName",
		"RecruiterName", "InterviewName", "Deadline", "Language", "button"} {
		if !seen[f] {
			t.Errorf("%s not documented", f)
		}
	}
}

func TestDeadlineUsesItsLocation(t *testing.T) {
	v := SampleVars()
	v.Deadline = time.Date(2026, 7, 1, 9, 30, 0, 0, time.UTC)
	_, _, text, err := Render(Invitation, Template{Subject: "s", Text: "{{.Deadline}}"}, Branding{}, v)
	if err != nil || text != "Wednesday, 1 July 2026 at 09:30 UTC" {
		t.Errorf("deadline = %q, %v", text, err)
	}
}
