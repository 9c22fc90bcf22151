package mail

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app/mail/mailpittest"
)

func mailpitSettings(mp *mailpittest.Server) Settings {
	return Settings{
		Host: mp.SMTPHost(), Port: mp.SMTPPort(), TLS: TLSNone,
		FromName: "Acme Recruiting", FromAddress: "jobs@acme.test", ReplyTo: "sam.rivera@acme.test",
		Timeout: 5 * time.Second,
	}
}

func newSender(t testing.TB, s Settings) *SMTP {
	t.Helper()
	c, err := NewSMTP(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSendBatchThroughMailpit(t *testing.T) {
	mp := mailpittest.Start(t)
	proxy := newCountingProxy(t, fmt.Sprintf("%s:%d", mp.SMTPHost(), mp.SMTPPort()))
	s := mailpitSettings(mp)
	s.Port = proxy.port()
	s.Username, s.Password = "hireloop", "s3cret" // mailpit accepts any; PLAIN is allowed to 127.0.0.1
	c := newSender(t, s)

	vars := SampleVars()
	vars.CandidateName, vars.CandidateFirstName = "Zoë Łukasz", "Zoë"
	subj, html, text, err := Render(Invitation, Defaults(Invitation), Branding{CompanyName: "Acme", Color: "#0f766e"}, vars)
	if err != nil {
		t.Fatal(err)
	}
	msgs := []Message{
		{ID: "outbox-1", To: "zoe@example.test", ToName: "Zoë Łukasz", Subject: subj, Text: text, HTML: html,
			Headers: map[string]string{"X-Hireloop-Invitation": "inv-1"}},
		{ID: "outbox-2", To: "jose@example.test", ToName: "José Ñúñez", Subject: "Einladung für José – Größe ✓",
			HTML: "<p>Hallo <b>José</b>,</p><p><a href=\"https://x.test/c/2\">Los geht’s</a></p>"},
		{ID: "outbox-3", To: "kim@example.test", Subject: "Plain text only", Text: "Just text.\n"},
	}
	errs := c.Send(ctxT(t), msgs)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if n := proxy.count(); n != 1 {
		t.Errorf("batch used %d SMTP connections, want 1", n)
	}

	got := map[string]mailpittest.Summary{}
	for _, m := range mp.WaitFor(t, 3, 5*time.Second) {
		got[m.MessageID] = m
	}
	if len(got) != 3 {
		t.Fatalf("got %d distinct messages, want 3: %+v", len(got), got)
	}

	m1, ok := got["outbox-1@acme.test"]
	if !ok {
		t.Fatalf("Message-ID outbox-1@acme.test missing; have %v", keys(got))
	}
	if m1.Subject != subj || !strings.Contains(subj, "Senior Backend Engineer") {
		t.Errorf("subject = %q, want %q", m1.Subject, subj)
	}
	f1 := mp.Message(t, m1.ID)
	if len(f1.To) != 1 || f1.To[0].Name != "Zoë Łukasz" || f1.To[0].Address != "zoe@example.test" {
		t.Errorf("To = %+v", f1.To)
	}
	if f1.From.Name != "Acme Recruiting" || f1.From.Address != "jobs@acme.test" {
		t.Errorf("From = %+v", f1.From)
	}
	if len(f1.ReplyTo) != 1 || f1.ReplyTo[0].Address != "sam.rivera@acme.test" {
		t.Errorf("Reply-To = %+v", f1.ReplyTo)
	}
	if !strings.Contains(f1.Text, "Hi Zoë,") || !strings.Contains(f1.Text, vars.Link) {
		t.Errorf("text part = %q", f1.Text)
	}
	if !strings.Contains(f1.HTML, "Hi Zoë,") || !strings.Contains(f1.HTML, "#0f766e") {
		t.Errorf("HTML part lacks greeting or brand colour")
	}
	if v := f1.Headers["X-Hireloop-Invitation"]; len(v) != 1 || v[0] != "inv-1" {
		t.Errorf("X-Hireloop-Invitation = %v", v)
	}
	if v := f1.Headers["Message-Id"]; len(v) != 1 || v[0] != "<outbox-1@acme.test>" {
		t.Errorf("Message-Id header = %v", v)
	}
	if v := f1.Headers["Date"]; len(v) != 1 {
		t.Errorf("Date header = %v", v)
	} else if d, err := time.Parse(time.RFC1123Z, v[0]); err != nil || time.Since(d) > time.Minute {
		t.Errorf("Date header %q: %v", v[0], err)
	}
	if ct := strings.Join(f1.Headers["Content-Type"], ""); !strings.HasPrefix(ct, "multipart/alternative") {
		t.Errorf("Content-Type = %q, want multipart/alternative", ct)
	}

	f2 := mp.Message(t, got["outbox-2@acme.test"].ID)
	if f2.Subject != "Einladung für José – Größe ✓" {
		t.Errorf("non-ASCII subject = %q", f2.Subject)
	}
	for _, h := range []string{"Subject", "To"} { // RFC 2047 words on the wire, decoded above
		raw := strings.Join(f2.Headers[h], "")
		if !strings.HasPrefix(strings.ToLower(raw), "=?utf-8?") || strings.ContainsFunc(raw, func(r rune) bool { return r > 127 }) {
			t.Errorf("raw %s header %q is not RFC 2047-encoded ASCII", h, raw)
		}
	}
	if len(f2.To) != 1 || f2.To[0].Name != "José Ñúñez" {
		t.Errorf("To = %+v", f2.To)
	}
	if !strings.Contains(f2.Text, "Hallo José,") || !strings.Contains(f2.Text, "Los geht’s (https://x.test/c/2)") {
		t.Errorf("derived text part = %q", f2.Text)
	}

	f3 := mp.Message(t, got["outbox-3@acme.test"].ID)
	if f3.HTML != "" || strings.TrimSpace(f3.Text) != "Just text." {
		t.Errorf("text-only message: html=%q text=%q", f3.HTML, f3.Text)
	}
	if ct := strings.Join(f3.Headers["Content-Type"], ""); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("text-only Content-Type = %q", ct)
	}
}

func TestTestEmailArrives(t *testing.T) {
	mp := mailpittest.Start(t)
	c := newSender(t, mailpitSettings(mp))
	if err := c.Test(ctxT(t), "ops@acme.test"); err != nil {
		t.Fatal(err)
	}
	msgs := mp.WaitFor(t, 1, 5*time.Second)
	if msgs[0].Subject != "hireloop test email" || !slices.Equal(msgs[0].To, []string{"ops@acme.test"}) {
		t.Errorf("got %+v", msgs[0])
	}
	if !strings.HasSuffix(msgs[0].MessageID, "@acme.test") {
		t.Errorf("Message-ID %q not in the From domain", msgs[0].MessageID)
	}
}

func TestRejectedRecipientIsPermanentOthersDelivered(t *testing.T) {
	mp := mailpittest.Start(t, mailpittest.WithArgs("--smtp-allowed-recipients", `@example\.test$`))
	c := newSender(t, mailpitSettings(mp))
	msgs := []Message{
		{ID: "r-1", To: "a@example.test", Subject: "one", Text: "1"},
		{ID: "r-2", To: "nobody@blocked.test", Subject: "two", Text: "2"},
		{ID: "r-3", To: "c@example.test", Subject: "three", Text: "3"},
	}
	errs := c.Send(ctxT(t), msgs)
	if errs[0] != nil || errs[2] != nil {
		t.Fatalf("errs = %v, want only the second to fail", errs)
	}
	if errs[1] == nil || !IsPermanent(errs[1]) {
		t.Fatalf("rejected recipient: err = %v, permanent = %v; want permanent", errs[1], IsPermanent(errs[1]))
	}
	if !strings.Contains(errs[1].Error(), "550") || !strings.Contains(errs[1].Error(), "nobody@blocked.test") {
		t.Errorf("error should carry the server reply and recipient: %v", errs[1])
	}
	got := mp.WaitFor(t, 2, 5*time.Second)
	var subjects []string
	for _, m := range got {
		subjects = append(subjects, m.Subject)
	}
	slices.Sort(subjects)
	if !slices.Equal(subjects, []string{"one", "three"}) {
		t.Errorf("delivered %v, want [one three]", subjects)
	}
}

func TestWrongPortIsTransient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close() // nothing listens there now
	c := newSender(t, Settings{Host: "127.0.0.1", Port: port, TLS: TLSNone, FromAddress: "jobs@acme.test", Timeout: 2 * time.Second})
	errs := c.Send(ctxT(t), []Message{{To: "a@example.test", Subject: "x", Text: "x"}, {To: "b@example.test", Subject: "y", Text: "y"}})
	for i, err := range errs {
		if err == nil || IsPermanent(err) {
			t.Errorf("message %d: err = %v, want a transient error", i, err)
		}
	}
	if err := c.Test(ctxT(t), "ops@acme.test"); err == nil || !strings.Contains(err.Error(), "connect") {
		t.Errorf("Test() = %v, want a connect error", err)
	}
}

func TestStartTLSAndImplicitTLSWithMailpit(t *testing.T) {
	cert, key := selfSignedCert(t)
	tlsArgs := []string{"--smtp-tls-cert", cert, "--smtp-tls-key", key}

	t.Run("starttls", func(t *testing.T) {
		mp := mailpittest.Start(t, mailpittest.WithArgs(append(tlsArgs, "--smtp-require-starttls")...))
		s := mailpitSettings(mp)
		s.TLS = TLSStartTLS

		// The self-signed certificate is refused unless verification is off.
		err := newSender(t, s).Send(ctxT(t), []Message{{To: "a@example.test", Subject: "verify", Text: "x"}})[0]
		if err == nil || IsPermanent(err) || !strings.Contains(err.Error(), "certificate") {
			t.Fatalf("untrusted certificate: err = %v, want transient certificate error", err)
		}
		s.InsecureSkipVerify = true
		s.Username, s.Password = "u", "p"
		if err := newSender(t, s).Send(ctxT(t), []Message{{To: "a@example.test", Subject: "starttls ok", Text: "x"}})[0]; err != nil {
			t.Fatal(err)
		}
		if got := mp.WaitFor(t, 1, 5*time.Second); got[0].Subject != "starttls ok" {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("none against required STARTTLS fails", func(t *testing.T) {
		mp := mailpittest.Start(t, mailpittest.WithArgs(append(tlsArgs, "--smtp-require-starttls")...))
		err := newSender(t, mailpitSettings(mp)).Send(ctxT(t), []Message{{To: "a@example.test", Subject: "x", Text: "x"}})[0]
		if err == nil || IsPermanent(err) {
			t.Fatalf("err = %v, want transient error", err)
		}
	})
	t.Run("opportunistic", func(t *testing.T) {
		mp := mailpittest.Start(t, mailpittest.WithArgs(tlsArgs...))
		s := mailpitSettings(mp)
		s.TLS, s.InsecureSkipVerify = TLSOpportunistic, true
		if err := newSender(t, s).Send(ctxT(t), []Message{{To: "a@example.test", Subject: "opp", Text: "x"}})[0]; err != nil {
			t.Fatal(err)
		}
		mp.WaitFor(t, 1, 5*time.Second)
	})
	t.Run("implicit", func(t *testing.T) {
		mp := mailpittest.Start(t, mailpittest.WithArgs(append(tlsArgs, "--smtp-require-tls")...))
		s := mailpitSettings(mp)
		s.TLS, s.InsecureSkipVerify = TLSImplicit, true
		s.Username, s.Password = "u", "p"
		msgs := []Message{{To: "a@example.test", Subject: "tls 1", Text: "x"}, {To: "b@example.test", Subject: "tls 2", Text: "y"}}
		for i, err := range newSender(t, s).Send(ctxT(t), msgs) {
			if err != nil {
				t.Fatalf("message %d: %v", i, err)
			}
		}
		mp.WaitFor(t, 2, 5*time.Second)
	})
}

// ---- failures the stub server produces ------------------------------------

func batchOf(n int) []Message {
	msgs := make([]Message, n)
	for i := range msgs {
		msgs[i] = Message{ID: fmt.Sprintf("outbox-%d", i+1), To: fmt.Sprintf("c%d@example.test", i+1),
			Subject: fmt.Sprintf("m%d", i+1), Text: "hello"}
	}
	return msgs
}

func TestConnectionDropReconnectsOnceAndResends(t *testing.T) {
	stub := newStubSMTP(t)
	stub.data = func(n int) stubAction {
		if n == 2 {
			return stubDropAfterReply // the server hangs up after accepting m2
		}
		return stubAccept
	}
	errs := newSender(t, stub.settings()).Send(ctxT(t), batchOf(4))
	for i, err := range errs {
		if err != nil {
			t.Errorf("message %d: %v", i+1, err)
		}
	}
	want := []string{"c1@example.test", "c2@example.test", "c3@example.test", "c4@example.test"}
	if got := stub.deliveredTo(); !slices.Equal(got, want) {
		t.Errorf("delivered %v, want each once: %v", got, want)
	}
	if n := stub.connCount(); n != 2 {
		t.Errorf("connections = %d, want 2 (one reconnect)", n)
	}
}

func TestDropBeforeReplyIsNotResent(t *testing.T) {
	stub := newStubSMTP(t)
	stub.data = func(n int) stubAction {
		if n == 2 {
			return stubDropBeforeReply // m2 may or may not have been accepted
		}
		return stubAccept
	}
	errs := newSender(t, stub.settings()).Send(ctxT(t), batchOf(3))
	if errs[0] != nil || errs[2] != nil {
		t.Fatalf("errs = %v", errs)
	}
	if errs[1] == nil || IsPermanent(errs[1]) {
		t.Fatalf("m2: err = %v, want transient", errs[1])
	}
	if got := stub.deliveredTo(); !slices.Equal(got, []string{"c1@example.test", "c3@example.test"}) {
		t.Errorf("delivered %v", got)
	}
	if n := stub.connCount(); n != 2 {
		t.Errorf("connections = %d, want 2", n)
	}
}

func TestSecondDropFailsTheRest(t *testing.T) {
	stub := newStubSMTP(t)
	stub.data = func(n int) stubAction {
		if n == 1 || n == 2 {
			return stubDropAfterReply
		}
		return stubAccept
	}
	errs := newSender(t, stub.settings()).Send(ctxT(t), batchOf(4))
	if errs[0] != nil || errs[1] != nil {
		t.Fatalf("first two: %v", errs[:2])
	}
	for i := 2; i < 4; i++ {
		if errs[i] == nil || IsPermanent(errs[i]) {
			t.Errorf("message %d: err = %v, want transient", i+1, errs[i])
		}
	}
	if n := stub.connCount(); n != 2 {
		t.Errorf("connections = %d, want 2 (reconnect only once)", n)
	}
}

func TestReplyClassification(t *testing.T) {
	stub := newStubSMTP(t)
	stub.rcpt = func(addr string) string {
		switch addr {
		case "busy@example.test":
			return "452 4.2.2 mailbox full"
		case "gone@example.test":
			return "550 5.1.1 user unknown"
		}
		return ""
	}
	stub.data = func(n int) stubAction {
		switch n {
		case 2:
			return stubTempFail
		case 3:
			return stubRejectContent
		}
		return stubAccept
	}
	msgs := []Message{
		{To: "ok1@example.test", Subject: "1", Text: "x"},   // body 1: accepted
		{To: "busy@example.test", Subject: "2", Text: "x"},  // 452 on RCPT
		{To: "gone@example.test", Subject: "3", Text: "x"},  // 550 on RCPT
		{To: "later@example.test", Subject: "4", Text: "x"}, // body 2: 451
		{To: "spam@example.test", Subject: "5", Text: "x"},  // body 3: 554
		{To: "ok2@example.test", Subject: "6", Text: "x"},   // body 4: accepted
		{To: "not an address", Subject: "7", Text: "x"},     // never sent
		{To: "hdr@example.test", Subject: "8", Text: "x", Headers: map[string]string{"Subject": "override"}},
	}
	errs := newSender(t, stub.settings()).Send(ctxT(t), msgs)
	want := []struct {
		fail, permanent bool
		contains        string
	}{
		{false, false, ""},
		{true, false, "452 4.2.2 mailbox full"},
		{true, true, "550 5.1.1 user unknown"},
		{true, false, "451 4.3.0"},
		{true, true, "554 5.7.1"},
		{false, false, ""},
		{true, true, "not a valid email address"},
		{true, true, "cannot be overridden"},
	}
	for i, w := range want {
		err := errs[i]
		if (err != nil) != w.fail || IsPermanent(err) != w.permanent || (err != nil && !strings.Contains(err.Error(), w.contains)) {
			t.Errorf("message %d: err = %v (permanent %v), want fail=%v permanent=%v containing %q",
				i+1, err, IsPermanent(err), w.fail, w.permanent, w.contains)
		}
	}
	if n := stub.connCount(); n != 1 {
		t.Errorf("connections = %d, want 1: replies must not cause reconnects", n)
	}
	if got := stub.deliveredTo(); !slices.Equal(got, []string{"ok1@example.test", "ok2@example.test"}) {
		t.Errorf("delivered %v", got)
	}
}

func TestCancelInterruptsAHungServer(t *testing.T) {
	stub := newStubSMTP(t)
	stub.data = func(n int) stubAction {
		if n == 2 {
			return stubHang
		}
		return stubAccept
	}
	s := stub.settings()
	s.Timeout = 30 * time.Second // cancellation, not the timeout, must end it
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	errs := newSender(t, s).Send(ctx, batchOf(3))
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Send took %s after cancellation", d)
	}
	if errs[0] != nil {
		t.Errorf("m1: %v", errs[0])
	}
	for i := 1; i < 3; i++ {
		if !errors.Is(errs[i], context.DeadlineExceeded) || IsPermanent(errs[i]) {
			t.Errorf("message %d: err = %v, want transient context.DeadlineExceeded", i+1, errs[i])
		}
	}
}

func TestTimeoutOnSilentServerIsTransient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accept, never greet
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	c := newSender(t, Settings{Host: "127.0.0.1", Port: ln.Addr().(*net.TCPAddr).Port, TLS: TLSNone,
		FromAddress: "jobs@acme.test", Timeout: 300 * time.Millisecond})
	err = c.Send(ctxT(t), batchOf(1))[0]
	if err == nil || IsPermanent(err) {
		t.Fatalf("err = %v, want transient timeout", err)
	}
}

func TestSendEmptyBatch(t *testing.T) {
	c := newSender(t, Settings{Host: "127.0.0.1", Port: 1, TLS: TLSNone, FromAddress: "jobs@acme.test"})
	if errs := c.Send(context.Background(), nil); len(errs) != 0 {
		t.Fatalf("errs = %v", errs)
	}
}

func TestNewSMTPRejectsInvalidSettings(t *testing.T) {
	_, err := NewSMTP(Settings{Port: 70000, TLS: "ssl"}, nil)
	if err == nil || !strings.Contains(err.Error(), "host is required") || !strings.Contains(err.Error(), "port must be 1-65535") {
		t.Fatalf("err = %v", err)
	}
}

func TestMessageID(t *testing.T) {
	cases := map[string]string{
		"outbox-42":       "outbox-42@acme.test",
		"a b<c>@d":        "a-b-c--d@acme.test",
		"..x..y..":        "x.y@acme.test",
		"invitation/7+re": "invitation/7+re@acme.test",
	}
	for in, want := range cases {
		if got := messageID(in, "jobs@acme.test"); got != want {
			t.Errorf("messageID(%q) = %q, want %q", in, got, want)
		}
	}
	if got := messageID("", "jobs@acme.test"); !strings.HasSuffix(got, "@acme.test") || len(got) < 20 {
		t.Errorf("random id = %q", got)
	}
}

func TestIsPermanentOnForeignErrors(t *testing.T) {
	for _, err := range []error{nil, io.EOF, context.Canceled, errors.New("550 looks permanent but is not ours")} {
		if IsPermanent(err) {
			t.Errorf("IsPermanent(%v) = true", err)
		}
	}
	wrapped := fmt.Errorf("outbox: %w", &sendError{permanent: true, err: errors.New("x")})
	if !IsPermanent(wrapped) {
		t.Error("IsPermanent must see through wrapping")
	}
}

// ---- helpers -------------------------------------------------------------

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// countingProxy forwards TCP connections to target and counts them.
type countingProxy struct {
	ln    net.Listener
	conns atomic.Int32
	wg    sync.WaitGroup
}

func newCountingProxy(t testing.TB, target string) *countingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{ln: ln}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.conns.Add(1)
			up, err := net.Dial("tcp", target)
			if err != nil {
				_ = c.Close()
				continue
			}
			p.wg.Add(2)
			go func() { defer p.wg.Done(); _, _ = io.Copy(up, c); _ = up.Close() }()
			go func() { defer p.wg.Done(); _, _ = io.Copy(c, up); _ = c.Close() }()
		}
	}()
	t.Cleanup(func() { _ = ln.Close(); p.wg.Wait() })
	return p
}

func (p *countingProxy) port() int  { return p.ln.Addr().(*net.TCPAddr).Port }
func (p *countingProxy) count() int { return int(p.conns.Load()) }

// selfSignedCert writes a certificate for 127.0.0.1/localhost and its key.
func selfSignedCert(t testing.TB) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mailpit test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}

func TestLogsCountsButNoSecrets(t *testing.T) {
	stub := newStubSMTP(t)
	stub.data = func(n int) stubAction {
		if n == 1 {
			return stubDropAfterReply // also exercise the reconnect warning
		}
		return stubAccept
	}
	var buf strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(lockedWriter{&mu, &buf}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s := stub.settings()
	s.Password = "hunter2-password" // no Username: never sent, but must not leak either
	c, err := NewSMTP(s, log)
	if err != nil {
		t.Fatal(err)
	}
	msgs := batchOf(2)
	msgs[0].Text, msgs[1].HTML = "secret-body-text", "<p>secret-body-html</p>"
	for _, err := range c.Send(ctxT(t), msgs) {
		if err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, want := range []string{"host=127.0.0.1", fmt.Sprintf("port=%d", stub.port()), "count=2", "failed=0", "duration_ms=", "reconnecting"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
	for _, secret := range []string{"hunter2", "secret-body", "m1", "m2"} {
		if strings.Contains(out, secret) {
			t.Errorf("log leaks %q:\n%s", secret, out)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
