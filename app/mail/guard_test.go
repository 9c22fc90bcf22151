package mail

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// attackTemplates are templates that, unchecked, render for as long or as
// much as their author likes. Each must be refused, quickly, with the
// construct named.
var attackTemplates = map[string]struct{ src, want string }{
	"range over an int": {`{{range 10000000}}x{{end}}`, "{{range}} is not allowed"},
	"nested ranges":     {`{{range 100000}}{{range 100000}}{{range 100000}}x{{end}}{{end}}{{end}}`, "{{range}} is not allowed"},
	"range in a branch": {"ok\n{{if .Position}}\n{{range $i, $c := .Position}}{{$c}}{{end}}{{end}}", "{{range}} is not allowed"},
	"doubling template calls": {`{{define "a"}}xxxxxxxxxxxxxxxx{{end}}` +
		`{{define "b"}}{{template "a"}}{{template "a"}}{{template "a"}}{{template "a"}}{{end}}` +
		`{{define "c"}}{{template "b"}}{{template "b"}}{{template "b"}}{{template "b"}}{{end}}` +
		`{{define "d"}}{{template "c"}}{{template "c"}}{{template "c"}}{{template "c"}}{{end}}` +
		`{{template "d"}}{{template "d"}}{{template "d"}}{{template "d"}}`, "{{template}} and {{block}} are not allowed"},
	"recursion":           {`{{define "r"}}{{.Position}}{{template "r" .}}{{end}}{{template "r" .}}`, "{{template}} and {{block}} are not allowed"},
	"define alone":        {`{{define "x"}}{{.Position}}{{end}}Hello`, "{{define}} and {{block}} are not allowed"},
	"block":               {`{{block "b" .}}{{.Position}}{{end}}`, "{{template}} and {{block}} are not allowed"},
	"printf width":        {`{{printf "%0999999999d" 1}}`, "function printf is not allowed"},
	"printf in a pipe":    {`{{.Position | printf "%s"}}`, "function printf is not allowed"},
	"call":                {`{{call .Link}}`, "function call is not allowed"},
	"field of a variable": {`{{$p := .Position}}{{$p.Foo}}`, "no fields"},
}

func TestAttackTemplatesAreRefusedQuickly(t *testing.T) {
	for name, tc := range attackTemplates {
		for _, part := range []string{"subject", "html", "text"} {
			t.Run(name+"/"+part, func(t *testing.T) {
				var tpl Template
				switch part {
				case "subject":
					tpl.Subject = tc.src
				case "html":
					tpl.HTML = tc.src
				default:
					tpl.Text = tc.src
				}
				done := make(chan error, 1)
				start := time.Now()
				go func() { done <- Parse(tpl) }()
				var err error
				select {
				case err = <-done:
				case <-time.After(5 * time.Second):
					t.Fatal("Parse still running after 5 s")
				}
				if d := time.Since(start); d > 500*time.Millisecond {
					t.Errorf("refusing took %s", d)
				}
				var errs TemplateErrors
				if !errors.As(err, &errs) || len(errs) != 1 || errs[0].Part != part || !strings.Contains(errs[0].Message, tc.want) {
					t.Fatalf("Parse = %v, want a %s error containing %q", err, part, tc.want)
				}
				// Render, which the email worker uses on stored templates,
				// refuses the same way.
				if tpl.Subject == "" {
					tpl.Subject = "s"
				}
				_, _, _, rerr := Render(Invitation, tpl, Branding{}, SampleVars())
				var te *TemplateError
				if !errors.As(rerr, &te) || te.Part != part || !strings.Contains(te.Message, tc.want) {
					t.Fatalf("Render = %v", rerr)
				}
			})
		}
	}
}

func TestRefusalNamesTheLine(t *testing.T) {
	err := Parse(Template{Text: "Hi {{.CandidateFirstName}},\n\nYour list:\n{{range 3}}- item\n{{end}}"})
	var errs TemplateErrors
	if !errors.As(err, &errs) || errs[0].Line != 4 {
		t.Fatalf("err = %v, want line 4", err)
	}
}

func TestSizeLimits(t *testing.T) {
	long := strings.Repeat("x", MaxBodyBytes+1)
	for _, tpl := range []Template{{HTML: long}, {Text: long}, {Subject: strings.Repeat("s", MaxSubjectBytes+1)}} {
		err := Parse(tpl)
		if err == nil || !strings.Contains(err.Error(), "is too long") {
			t.Errorf("Parse(%d bytes) = %v", len(tpl.HTML+tpl.Text+tpl.Subject), err)
		}
	}
	// Within the source limit, but every button renders to ~700 bytes:
	// the output cap stops it.
	button := `{{button .Link .Link}}`
	big := strings.Repeat(button, MaxBodyBytes/len(button))
	err := Parse(Template{HTML: big})
	if err == nil || !strings.Contains(err.Error(), "renders to more than 1 MB") {
		t.Errorf("Parse(big output) = %v", err)
	}
}

// The deadline is a backstop for renders the check did not foresee: the
// caller gets an error at the deadline, and the abandoned render stops at
// its next write.
func TestRenderDeadlineAbandonsTheRender(t *testing.T) {
	old := renderTimeout
	renderTimeout = 50 * time.Millisecond
	t.Cleanup(func() { renderTimeout = old })

	stopped := make(chan error, 1)
	start := time.Now()
	_, err := execute("html", func(w io.Writer) error {
		for {
			if _, err := w.Write([]byte("x")); err != nil {
				stopped <- err
				return err
			}
			time.Sleep(time.Millisecond)
		}
	})
	var te *TemplateError
	if !errors.As(err, &te) || te.Part != "html" || !strings.Contains(te.Message, "took longer than 50ms") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("returned after %s", d)
	}
	select {
	case err := <-stopped:
		if !errors.Is(err, errTimedOut) {
			t.Errorf("the render stopped with %v", err)
		}
	case <-time.After(time.Second):
		t.Error("the abandoned render kept running")
	}
}

func TestEveryVariableAndConstructStillRenders(t *testing.T) {
	var fields []string
	for _, d := range varDocs {
		fields = append(fields, fmt.Sprintf("%s=[{{.%s}}]", d.Name, d.Name))
	}
	body := strings.Join(fields, "\n") + "\n" +
		`{{$name := .CandidateName}}{{with .Deadline}}due {{.}}{{else}}no deadline{{end}}` + "\n" +
		`{{if and .Position (not (eq .Language "de"))}}en{{else if eq .Language "de"}}de{{end}}` + "\n" +
		`{{if or (gt (len .CandidateName) 3) (lt 1 2) (ne .Link "") (le 1 1) (ge 2 1)}}long{{end}} {{print $name " / " $.Position}}` + "\n" +
		`{{/* a comment */}}{{- button "Start" .Link -}}`
	tpl := Template{Subject: "{{.CandidateFirstName}}: {{.InterviewName}} at {{.CompanyName}}", HTML: "<pre>" + body + "</pre>", Text: body}
	if err := Parse(tpl); err != nil {
		t.Fatal(err)
	}
	v := SampleVars()
	subject, html, text, err := Render(Invitation, tpl, Branding{}, v)
	if err != nil {
		t.Fatal(err)
	}
	if subject != "Zoë: Technical screening at Acme Robotics" {
		t.Errorf("subject = %q", subject)
	}
	for _, want := range []string{
		"CandidateFirstName=[Zoë]", "CandidateName=[Zoë Łukasz]", "Position=[Senior Backend Engineer]",
		"InterviewName=[Technical screening]", "Link=[" + v.Link + "]", "Deadline=[Friday, 20 March 2026 at 17:00 CET]",
		"CompanyName=[Acme Robotics]", "RecruiterName=[Sam Rivera]", "Language=[en]",
		"due Friday", "\nen\n", "long Zoë Łukasz / Senior Backend Engineer", "Start: " + v.Link,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(html, "Position=[Senior Backend Engineer]") || !strings.Contains(html, `href="`+v.Link+`"`) {
		t.Errorf("html:\n%s", html)
	}
}
