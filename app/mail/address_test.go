package mail

import (
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app/mail/mailpittest"
)

// Display names come from the ATS and from the workspace's settings: any
// of them may hold quotes, commas, angle brackets, non-ASCII letters or
// line breaks. Each must arrive as the name of the one intended mailbox,
// and none may add a header or a recipient.
func TestDisplayNamesAreQuotedNotInjected(t *testing.T) {
	mp := mailpittest.Start(t)
	s := mailpitSettings(mp)
	s.FromName = `Acme "Talent", Inc. <hr>`
	c := newSender(t, s)

	cases := []struct {
		id, name, want string
	}{
		{"quote", `Jo "JJ" Doe`, `Jo "JJ" Doe`},
		{"comma", `Doe, Jo`, `Doe, Jo`},
		{"angle", `Jo <boss@evil.test>`, `Jo <boss@evil.test>`},
		{"unicode", `Zoë Łukasz-Øster 山田`, `Zoë Łukasz-Øster 山田`},
		{"crlf", "Jo\r\nBcc: leak@evil.test", "Jo Bcc: leak@evil.test"},
		{"lf", "Jo\nX-Injected: yes\n", "Jo X-Injected: yes"},
		{"control", "Jo\x00\x1b[31m\u2028Doe", "Jo[31m Doe"},
		{"mixed", "\"O'Brien, Ann\" <ann>\r\n", `"O'Brien, Ann" <ann>`},
	}
	var msgs []Message
	for _, tc := range cases {
		msgs = append(msgs, Message{ID: "addr-" + tc.id, To: tc.id + "@example.test", ToName: tc.name,
			Subject: "Hello\r\nBcc: leak@evil.test", Text: "x"})
	}
	for i, err := range c.Send(ctxT(t), msgs) {
		if err != nil {
			t.Errorf("%s: %v", cases[i].id, err)
		}
	}
	got := map[string]mailpittest.Summary{}
	for _, m := range mp.WaitFor(t, len(cases), 10*time.Second) {
		got[m.MessageID] = m
	}
	for _, tc := range cases {
		sum, ok := got["addr-"+tc.id+"@acme.test"]
		if !ok {
			t.Errorf("%s: not delivered", tc.id)
			continue
		}
		f := mp.Message(t, sum.ID)
		if len(f.To) != 1 || f.To[0].Address != tc.id+"@example.test" || f.To[0].Name != tc.want {
			t.Errorf("%s: To = %+v, want name %q", tc.id, f.To, tc.want)
		}
		if len(sum.To) != 1 {
			t.Errorf("%s: envelope/To recipients = %v, want only %s@example.test", tc.id, sum.To, tc.id)
		}
		if f.From.Name != `Acme "Talent", Inc. <hr>` || f.From.Address != "jobs@acme.test" {
			t.Errorf("%s: From = %+v", tc.id, f.From)
		}
		if len(f.ReplyTo) != 1 || f.ReplyTo[0].Address != "sam.rivera@acme.test" {
			t.Errorf("%s: Reply-To = %+v", tc.id, f.ReplyTo)
		}
		if sum.Subject != "Hello Bcc: leak@evil.test" {
			t.Errorf("%s: subject = %q", tc.id, sum.Subject)
		}
		for h := range f.Headers {
			if h == "Bcc" || h == "X-Injected" {
				t.Errorf("%s: injected header %s: %v", tc.id, h, f.Headers[h])
			}
		}
	}
	for _, m := range mp.Messages(t) {
		for _, to := range m.To {
			if strings.Contains(to, "evil") {
				t.Errorf("a message went to %s", to)
			}
		}
	}
}

func TestOneLineStripsEveryBreakAndControl(t *testing.T) {
	for in, want := range map[string]string{
		"  plain  name ":         "plain  name",
		"a\r\nb":                 "a b",
		"a\u2028b\u2029c":        "a b c",
		"a\x00b\x7fc\u0085d\x0b": "abcd",
		"tab\there":              "tab here",
	} {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}
