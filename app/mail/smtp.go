// Package mail sends hireloop's candidate emails (invitations, reminders,
// acceptances, rejections) over a workspace's own SMTP server and renders
// them from editable templates inside a fixed, branded layout.
//
// Send delivers a batch over one SMTP connection and reports one error slot
// per message; SendWith also reports each message through Hooks as the batch
// goes, so the outbox can record it before the next one leaves. IsPermanent
// tells the outbox whether a failure is worth retrying, MaybeDelivered
// whether the server may hold the message anyway. Message bodies and
// passwords are never logged.
package mail

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/textproto"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"github.com/hireloop/hireloop/ats/htmltext"
)

// Message is one email to one candidate.
type Message struct {
	// ID is a stable identifier (e.g. "outbox-42"). It becomes the
	// Message-ID <ID@from-domain>, so a resend after a crash is recognisable.
	// Characters not allowed in a Message-ID are replaced by '-'. Empty means
	// a random Message-ID.
	ID string
	// To is the bare recipient address; ToName its display name.
	To, ToName string
	Subject    string
	// Text is the plain-text part. When empty and HTML is set, it is derived
	// from HTML.
	Text string
	// HTML is the HTML alternative; empty sends text only.
	HTML string
	// Headers are extra headers such as X-Hireloop-Invitation. Structural
	// headers (From, To, Subject, Message-ID, Content-*, ...) are refused.
	Headers map[string]string
}

// Sender sends messages. Implementations reuse one SMTP connection per
// call, report each message through h as they go, and return one error
// slot per message (nil = accepted by the server).
type Sender interface {
	SendWith(ctx context.Context, msgs []Message, h Hooks) []error
}

// Hooks follow a batch message by message. The outbox records each
// message's state from them while the batch runs, so that a crash
// mid-batch leaves at most the one message in flight unaccounted for.
// Both run on the sending goroutine, between SMTP exchanges.
type Hooks struct {
	// Sending runs right before message i is handed to the server (again
	// before a resend on a new connection). An error fails message i
	// without sending it.
	Sending func(i int) error
	// Done runs once per message, as soon as its outcome is final: nil
	// when the server accepted it.
	Done func(i int, err error)
}

// SMTP is the go-mail Sender for one workspace's settings. It is safe for
// concurrent use; each Send call uses its own connection.
type SMTP struct {
	s   Settings
	log *slog.Logger
	tls *tls.Config
}

var _ Sender = (*SMTP)(nil)

// NewSMTP returns a sender for s, or an error when s does not validate.
// A nil log discards logs.
func NewSMTP(s Settings, log *slog.Logger) (*SMTP, error) {
	if errs := s.Validate(); errs != nil {
		keys := make([]string, 0, len(errs))
		for k := range errs {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + " " + errs[k]
		}
		return nil, fmt.Errorf("mail: invalid settings: %s", strings.Join(parts, "; "))
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s.Host = strings.Trim(strings.TrimSpace(s.Host), "[]")
	return &SMTP{
		s:   s,
		log: log,
		tls: &tls.Config{
			ServerName:         s.Host,
			MinVersion:         tls.VersionTLS12,
			InsecureSkipVerify: s.InsecureSkipVerify, //nolint:gosec // opt-in for private CAs
		},
	}, nil
}

// Test sends a short "hireloop test email" to the address to, for the
// settings page's "send test email" button. The error carries the server's
// own reply text (e.g. "535 5.7.8 authentication failed").
func (c *SMTP) Test(ctx context.Context, to string) error {
	msg := Message{
		ID:      "test-" + randomID(),
		To:      to,
		Subject: "hireloop test email",
		Text: "This is a test email from hireloop.\n\n" +
			"Your SMTP settings work: hireloop can send interview invitations and updates from " +
			c.s.FromAddress + " through " + net.JoinHostPort(c.s.Host, strconv.Itoa(c.s.Port)) + ".\n",
	}
	return c.Send(ctx, []Message{msg})[0]
}

// Send delivers msgs over one connection: it dials once, sends each message
// and quits. If the connection drops mid-batch it reconnects once and goes on;
// the message in flight is resent on the new connection unless the server may
// already have accepted it. A cancelled ctx aborts the exchange in progress
// and fails the remaining messages.
func (c *SMTP) Send(ctx context.Context, msgs []Message) []error {
	return c.SendWith(ctx, msgs, Hooks{})
}

// SendWith is Send, reporting each message through h as it goes.
func (c *SMTP) SendWith(ctx context.Context, msgs []Message, h Hooks) []error {
	errs := make([]error, len(msgs))
	if len(msgs) == 0 {
		return errs
	}
	start := time.Now()
	b := &batch{c: c, ctx: ctx, hooks: h, errs: errs}
	built := make([]*gomail.Msg, len(msgs))
	pending := 0
	for i := range msgs {
		m, err := c.build(msgs[i])
		if err != nil {
			b.finish(i, err)
			continue
		}
		built[i] = m
		pending++
	}
	if pending > 0 {
		b.run(built)
	}
	failed := 0
	for _, err := range errs {
		if err != nil {
			failed++
		}
	}
	c.log.Debug("Mail batch done",
		slog.String("host", c.s.Host), slog.Int("port", c.s.Port),
		slog.Int("count", len(msgs)), slog.Int("failed", failed),
		slog.Int("connections", b.dials),
		slog.Int64("duration_ms", time.Since(start).Milliseconds()))
	return errs
}

// batch is the state of one Send call: its go-mail client, the live SMTP
// session and the connection beneath it, and the outcomes so far.
type batch struct {
	c      *SMTP
	ctx    context.Context
	hooks  Hooks
	errs   []error
	client *gomail.Client
	conn   *trackedConn // the raw connection of the current session
	dials  int
}

// finish records message i's final outcome and reports it.
func (b *batch) finish(i int, err error) {
	b.errs[i] = err
	if b.hooks.Done != nil {
		b.hooks.Done(i, err)
	}
}

// finishPending fails every message not yet sent with err.
func (b *batch) finishPending(built []*gomail.Msg, err error) {
	for i, m := range built {
		if m != nil {
			b.finish(i, err)
		}
	}
}

func (b *batch) run(built []*gomail.Msg) {
	c := b.c
	client, err := c.newClient(b.dialFunc)
	if err != nil {
		b.finishPending(built, &sendError{err: fmt.Errorf("mail: %w", err)})
		return
	}
	b.client = client
	sc, err := b.dial()
	if err != nil {
		b.finishPending(built, err)
		return
	}
	var lost error // why the connection is gone for good
	reconnected, retried := false, false
	for i := 0; i < len(built); {
		m := built[i]
		if m == nil {
			i++
			continue
		}
		if err := b.ctx.Err(); err != nil {
			b.finish(i, cancelled(err))
			i++
			continue
		}
		if sc == nil {
			b.finish(i, lost)
			i++
			continue
		}
		if b.hooks.Sending != nil {
			if err := b.hooks.Sending(i); err != nil {
				b.finish(i, &sendError{err: fmt.Errorf("mail: not sent: %w", err)})
				i, retried = i+1, false
				continue
			}
		}
		sendErr := client.SendWithSMTPClient(sc, m)
		if sendErr == nil {
			b.finish(i, nil)
			i, retried = i+1, false
			continue
		}
		if err := b.ctx.Err(); err != nil { // aborted mid-exchange
			se := cancelled(err)
			se.maybeDelivered = classify(nil, sendErr).maybeDelivered
			b.finish(i, se)
			_ = sc.Close()
			sc = nil
			lost = cancelled(err)
			i, retried = i+1, false
			continue
		}
		se := classify(m.GetToString(), sendErr)
		if !b.conn.isBroken() && se.code != 421 {
			b.finish(i, se) // the server answered; the session is still usable
			i, retried = i+1, false
			continue
		}
		// The connection is gone: reconnect once per batch.
		_ = sc.Close()
		sc = nil
		lost = se
		if !reconnected {
			reconnected = true
			c.log.Warn("SMTP connection lost mid-batch; reconnecting",
				slog.String("host", c.s.Host), slog.Int("port", c.s.Port), slog.Int("sent", i))
			if sc, err = b.dial(); err != nil {
				lost = err
			}
		}
		if sc != nil && !retried && se.resendable() {
			retried = true
			continue
		}
		b.finish(i, se)
		i, retried = i+1, false
	}
	if sc != nil {
		_ = client.CloseWithSMTPClient(sc) // QUIT
	}
	if b.conn != nil {
		_ = b.conn.Close() // in case QUIT failed; a second Close is harmless
	}
}

func (b *batch) dial() (*smtp.Client, error) {
	b.dials++
	b.conn = nil
	sc, err := b.client.DialToSMTPClientWithContext(b.ctx)
	if err != nil {
		if b.conn != nil {
			_ = b.conn.Close()
		}
		if cerr := b.ctx.Err(); cerr != nil {
			return nil, cancelled(cerr)
		}
		return nil, &sendError{err: fmt.Errorf("mail: connect to %s: %w",
			net.JoinHostPort(b.c.s.Host, strconv.Itoa(b.c.s.Port)), err)}
	}
	return sc, nil
}

// dialFunc opens the TCP connection (and, in TLSImplicit mode, the TLS
// session) for go-mail, wrapped so that cancelling the batch's context
// interrupts a blocked read or write.
func (b *batch) dialFunc(dctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	raw, err := d.DialContext(dctx, network, addr)
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: raw}
	tc.stop = context.AfterFunc(b.ctx, tc.abort)
	b.conn = tc
	if b.c.s.TLS != TLSImplicit {
		return tc, nil
	}
	tlsConn := tls.Client(tc, b.c.tls.Clone())
	if err := tlsConn.HandshakeContext(dctx); err != nil {
		_ = tc.Close()
		return nil, err
	}
	return tlsConn, nil
}

func (c *SMTP) newClient(dial gomail.DialContextFunc) (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(c.s.Port),
		gomail.WithTimeout(c.s.timeout()),
		gomail.WithTLSConfig(c.tls.Clone()),
		gomail.WithDialContextFunc(dial),
		// One round trip less per message: a dead connection shows up as an
		// I/O error on MAIL FROM, and a DATA transaction needs no RSET.
		gomail.WithoutNoop(),
		gomail.WithoutRset(),
	}
	switch c.s.TLS {
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default: // TLSNone; TLSImplicit does its TLS in dialFunc
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if c.s.Username != "" {
		// PLAIN and LOGIN refuse to run over an unencrypted connection to
		// anything but localhost (go-mail's smtp package checks).
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
				gomail.SMTPAuthPlain, gomail.SMTPAuthLogin, gomail.SMTPAuthCramMD5),
			gomail.WithUsername(c.s.Username), gomail.WithPassword(c.s.Password))
	}
	return gomail.NewClient(c.s.Host, opts...)
}

// trackedConn remembers whether I/O on the connection failed and turns a
// context cancellation into an immediate deadline that go-mail's per-command
// deadline updates cannot push back.
type trackedConn struct {
	net.Conn
	broken  atomic.Bool
	mu      sync.Mutex
	aborted bool
	stop    func() bool
}

var pastDeadline = time.Unix(1, 0)

func (c *trackedConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if err != nil {
		c.broken.Store(true)
	}
	return n, err
}

func (c *trackedConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if err != nil {
		c.broken.Store(true)
	}
	return n, err
}

func (c *trackedConn) SetDeadline(t time.Time) error {
	return c.setDeadline(c.Conn.SetDeadline, t)
}

func (c *trackedConn) SetReadDeadline(t time.Time) error {
	return c.setDeadline(c.Conn.SetReadDeadline, t)
}

func (c *trackedConn) SetWriteDeadline(t time.Time) error {
	return c.setDeadline(c.Conn.SetWriteDeadline, t)
}

func (c *trackedConn) setDeadline(set func(time.Time) error, t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.aborted {
		t = pastDeadline
	}
	return set(t)
}

func (c *trackedConn) abort() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.aborted = true
	_ = c.Conn.SetDeadline(pastDeadline)
}

func (c *trackedConn) Close() error {
	if c.stop != nil {
		c.stop()
	}
	c.broken.Store(true)
	return c.Conn.Close()
}

func (c *trackedConn) isBroken() bool { return c == nil || c.broken.Load() }

// build turns m into a go-mail message. Its errors are permanent: the same
// message would fail the same way on every attempt.
func (c *SMTP) build(m Message) (*gomail.Msg, error) {
	invalid := func(format string, args ...any) error {
		return &sendError{permanent: true, err: fmt.Errorf("mail: message %q: "+format, append([]any{m.ID}, args...)...)}
	}
	if !validAddress(m.To) {
		return nil, invalid("to %q is not a valid email address", m.To)
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	// Addresses go in as net/mail values, which go-mail writes with
	// Address.String(): the display name is quoted or encoded per RFC 5322
	// and RFC 2047, so a candidate called `Jo "JJ" Doe, Jr.` gets the email
	// instead of a permanent "no angle-addr" failure. Building the header as
	// a "name" <addr> string and parsing it back is what broke.
	msg.FromMailAddress(&netmail.Address{Name: oneLine(c.s.FromName), Address: c.s.FromAddress})
	if c.s.ReplyTo != "" {
		msg.ReplyToMailAddress(&netmail.Address{Address: c.s.ReplyTo})
	}
	msg.AddToMailAddress(&netmail.Address{Name: oneLine(m.ToName), Address: m.To})
	msg.Subject(oneLine(m.Subject))
	msg.SetMessageIDWithValue(messageID(m.ID, c.s.FromAddress))
	msg.SetDate()
	msg.SetGenHeader(gomail.HeaderXMailer, "hireloop")
	keys := make([]string, 0, len(m.Headers))
	for k := range m.Headers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := m.Headers[k]
		name := textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(k))
		switch {
		case !validHeaderName(name):
			return nil, invalid("header name %q is not valid", k)
		case reservedHeaders[name]:
			return nil, invalid("header %s is set by hireloop and cannot be overridden", name)
		case strings.ContainsAny(v, "\r\n"):
			return nil, invalid("header %s must be a single line", name)
		}
		msg.SetGenHeader(gomail.Header(name), v)
	}
	text := m.Text
	if text == "" && m.HTML != "" {
		text = htmlToText(m.HTML)
	}
	msg.SetBodyString(gomail.TypeTextPlain, text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

var reservedHeaders = map[string]bool{
	"From": true, "To": true, "Cc": true, "Bcc": true, "Reply-To": true, "Sender": true,
	"Subject": true, "Date": true, "Message-Id": true, "Mime-Version": true,
	"Content-Type": true, "Content-Transfer-Encoding": true, "Return-Path": true,
}

func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r <= ' ' || r > '~' || r == ':' {
			return false
		}
	}
	return true
}

// messageID returns "ID@domain-of-from" with characters outside RFC 5322's
// dot-atom replaced by '-'; an empty id gets a random one.
func messageID(id, from string) string {
	var b strings.Builder
	for _, r := range id {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			strings.ContainsRune("!#$%&'*+/=?^_`{|}~.-", r):
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	local := strings.Trim(b.String(), ".")
	for strings.Contains(local, "..") {
		local = strings.ReplaceAll(local, "..", ".")
	}
	if local == "" {
		local = randomID()
	}
	domain := domainOf(from)
	if domain == "" {
		domain = "hireloop.invalid"
	}
	return local + "@" + domain
}

func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// oneLine makes s safe for a header value, whatever is stored: line
// breaks (CR, LF, U+2028, U+2029) and tabs become single spaces and other
// control characters are dropped, so no value can start a header of its own.
func oneLine(s string) string {
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == '\r' || r == '\n' || r == '\t' || r == '\u2028' || r == '\u2029':
			return ' '
		case unicode.IsControl(r):
			return -1
		}
		return r
	}, s)
	if clean == s {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.Fields(clean), " ")
}

// htmlToText derives a readable plain-text part from an email's HTML, with
// links as "text (url)" and <hr> as a "----" line, ending in a newline.
func htmlToText(s string) string {
	if t := htmltext.ConvertWith(s, htmltext.Options{Links: true, Rules: true}); t != "" {
		return t + "\n"
	}
	return ""
}
