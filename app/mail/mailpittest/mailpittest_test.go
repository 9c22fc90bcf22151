package mailpittest

import (
	"errors"
	"net/smtp"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestServerRoundTrip(t *testing.T) {
	s := Start(t)
	if s.SMTPHost() != "127.0.0.1" || s.SMTPPort() == 0 || !strings.HasPrefix(s.APIURL(), "http://127.0.0.1:") {
		t.Fatalf("addresses: %s %d %s", s.SMTPHost(), s.SMTPPort(), s.APIURL())
	}
	raw := "From: Acme <jobs@acme.test>\r\n" +
		"To: =?utf-8?q?Zo=C3=AB?= <zoe@example.test>\r\n" +
		"Reply-To: sam@acme.test\r\n" +
		"Subject: Hello\r\n" +
		"Message-ID: <m-1@acme.test>\r\n" +
		"X-Test: yes\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
		"Body text\r\n"
	addr := s.SMTPHost() + ":" + strconv.Itoa(s.SMTPPort())
	if err := smtp.SendMail(addr, nil, "jobs@acme.test", []string{"zoe@example.test"}, []byte(raw)); err != nil {
		t.Fatal(err)
	}
	list := s.WaitFor(t, 1, 5*time.Second)
	m := list[0]
	if m.MessageID != "m-1@acme.test" || m.Subject != "Hello" || m.From != "jobs@acme.test" ||
		len(m.To) != 1 || m.To[0] != "zoe@example.test" || m.Created.IsZero() || !strings.Contains(m.Snippet, "Body text") {
		t.Errorf("summary = %+v", m)
	}
	f := s.Message(t, m.ID)
	if f.To[0].Name != "Zoë" || f.ReplyTo[0].Address != "sam@acme.test" || strings.TrimSpace(f.Text) != "Body text" || f.HTML != "" {
		t.Errorf("full = %+v", f)
	}
	if got := f.Headers["X-Test"]; len(got) != 1 || got[0] != "yes" {
		t.Errorf("headers = %v", f.Headers)
	}
	s.Clear(t)
	if got := s.Messages(t); len(got) != 0 {
		t.Errorf("after Clear: %d messages", len(got))
	}
}

func TestFindBinary(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "mailpit")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	notFound := func(string) (string, error) { return "", errors.New("not found") }
	found := func(string) (string, error) { return "/usr/bin/mailpit", nil }
	noGopath := func() string { return filepath.Join(dir, "nowhere") }

	if got := findBinary(exe, found, noGopath); got != exe {
		t.Errorf("MAILPIT_BIN should win: %q", got)
	}
	if got := findBinary(filepath.Join(dir, "missing"), found, noGopath); got != "" {
		t.Errorf("a wrong MAILPIT_BIN must not fall back: %q", got)
	}
	if got := findBinary("", found, noGopath); got != "/usr/bin/mailpit" {
		t.Errorf("PATH: %q", got)
	}
	binDir := filepath.Join(dir, "gopath", "bin")
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(binDir, "mailpit"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got := findBinary("", notFound, func() string { return filepath.Join(dir, "gopath") }); got != filepath.Join(binDir, "mailpit") {
		t.Errorf("GOPATH/bin: %q", got)
	}
	if got := findBinary("", notFound, noGopath); got != "" {
		t.Errorf("nothing installed: %q", got)
	}
}
