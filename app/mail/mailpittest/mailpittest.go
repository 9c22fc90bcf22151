// Package mailpittest runs a real mailpit (https://mailpit.axllent.org)
// process as an SMTP test server and reads what it received through its
// REST API.
//
// The binary is found via $MAILPIT_BIN, then PATH, then
// $(go env GOPATH)/bin/mailpit. When it is missing, tests are skipped, or
// fail when the CI environment variable is set. Install it with InstallCmd.
package mailpittest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// InstallCmd installs the mailpit version these helpers are tested with.
const InstallCmd = "go install github.com/axllent/mailpit@v1.33.1"

// Server is a running mailpit process on loopback ports.
type Server struct {
	smtpPort int
	apiURL   string
	cmd      *exec.Cmd
	out      *syncBuffer
	done     chan struct{} // closed when the process has exited
	client   *http.Client
}

// Option adjusts how Start runs mailpit.
type Option func(*config)

type config struct {
	args []string
}

// WithArgs passes extra command-line flags to mailpit, e.g.
// "--smtp-allowed-recipients", "^ok@", or "--smtp-tls-cert", cert,
// "--smtp-tls-key", key.
func WithArgs(args ...string) Option {
	return func(c *config) { c.args = append(c.args, args...) }
}

// Address is a mailbox as mailpit reports it.
type Address struct {
	Name    string
	Address string
}

// Summary is one message in mailpit's message list.
type Summary struct {
	ID        string
	MessageID string // without angle brackets
	Subject   string
	From      string   // address only
	To        []string // addresses only
	Snippet   string
	Created   time.Time
}

// Full is one message with its parts and headers.
type Full struct {
	ID        string
	MessageID string
	Subject   string
	From      Address
	To        []Address
	ReplyTo   []Address
	Text      string
	HTML      string
	Headers   map[string][]string
}

// Start runs mailpit on free 127.0.0.1 ports with a temporary database and
// waits until its API answers /readyz and its SMTP port accepts connections.
// SMTP accepts any username and password (also over plain connections) and
// offers no TLS unless WithArgs adds it. The process is stopped at cleanup.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	bin := Binary()
	if bin == "" {
		msg := "mailpit not found ($MAILPIT_BIN, PATH, $(go env GOPATH)/bin); install it with: " + InstallCmd
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // free ports can be taken between probe and bind
		s, err := start(t, bin, cfg)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatalf("mailpittest: %v", lastErr)
	return nil
}

func start(t testing.TB, bin string, cfg config) (*Server, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	dir := t.TempDir()
	smtpAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))
	httpAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1]))
	args := []string{
		"--smtp", smtpAddr,
		"--listen", httpAddr,
		"--database", filepath.Join(dir, "mailpit.db"),
		"--disable-version-check",
		"--smtp-disable-rdns",
		"--max", "0",
		"--quiet",
		"--smtp-auth-accept-any",
	}
	// PLAIN/LOGIN over plain connections, unless the caller requires TLS
	// (mailpit refuses that combination).
	if !slices.Contains(cfg.args, "--smtp-require-tls") && !slices.Contains(cfg.args, "--smtp-require-starttls") {
		args = append(args, "--smtp-auth-allow-insecure")
	}
	args = append(args, cfg.args...)
	s := &Server{
		smtpPort: ports[0],
		apiURL:   "http://" + httpAddr,
		out:      &syncBuffer{},
		done:     make(chan struct{}),
		client:   &http.Client{Timeout: 10 * time.Second},
	}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Stdout = s.out
	s.cmd.Stderr = s.out
	s.cmd.Env = withoutMailpitEnv(os.Environ())
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		_ = s.cmd.Wait()
		close(s.done)
	}()
	if err := s.waitReady(smtpAddr, 15*time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("%w; mailpit output:\n%s", err, s.out.String())
	}
	t.Cleanup(func() {
		s.stop()
		if t.Failed() {
			if out := strings.TrimSpace(s.out.String()); out != "" {
				t.Logf("mailpit output:\n%s", out)
			}
		}
	})
	return s, nil
}

func (s *Server) waitReady(smtpAddr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-s.done:
			return errors.New("mailpit exited during start-up")
		default:
		}
		if s.ready(smtpAddr) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("mailpit not ready after %s", timeout)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (s *Server) ready(smtpAddr string) bool {
	resp, err := s.client.Get(s.apiURL + "/readyz")
	if err != nil {
		return false
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	c, err := net.DialTimeout("tcp", smtpAddr, time.Second)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// stop sends SIGINT and kills the process if it has not exited after 5 s.
func (s *Server) stop() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
}

// SMTPHost is the SMTP server's host, "127.0.0.1".
func (s *Server) SMTPHost() string { return "127.0.0.1" }

// SMTPPort is the SMTP server's port.
func (s *Server) SMTPPort() int { return s.smtpPort }

// APIURL is the base URL of mailpit's HTTP API, e.g. "http://127.0.0.1:41234".
func (s *Server) APIURL() string { return s.apiURL }

type apiAddress struct {
	Name    string
	Address string
}

type apiSummary struct {
	ID        string
	MessageID string
	Subject   string
	From      *apiAddress
	To        []apiAddress
	Snippet   string
	Created   time.Time
}

// Messages lists up to 1,000 received messages, newest first.
func (s *Server) Messages(t testing.TB) []Summary {
	t.Helper()
	var list struct {
		Total    int
		Messages []apiSummary
	}
	s.getJSON(t, "/api/v1/messages?limit=1000", &list)
	out := make([]Summary, 0, len(list.Messages))
	for _, m := range list.Messages {
		sum := Summary{ID: m.ID, MessageID: m.MessageID, Subject: m.Subject, Snippet: m.Snippet, Created: m.Created}
		if m.From != nil {
			sum.From = m.From.Address
		}
		for _, a := range m.To {
			sum.To = append(sum.To, a.Address)
		}
		out = append(out, sum)
	}
	return out
}

// Message returns one message by its mailpit ID, with its headers.
func (s *Server) Message(t testing.TB, id string) Full {
	t.Helper()
	var m struct {
		ID        string
		MessageID string
		Subject   string
		From      *apiAddress
		To        []apiAddress
		ReplyTo   []apiAddress
		Text      string
		HTML      string
	}
	s.getJSON(t, "/api/v1/message/"+url.PathEscape(id), &m)
	f := Full{ID: m.ID, MessageID: m.MessageID, Subject: m.Subject, Text: m.Text, HTML: m.HTML}
	if m.From != nil {
		f.From = Address(*m.From)
	}
	for _, a := range m.To {
		f.To = append(f.To, Address(a))
	}
	for _, a := range m.ReplyTo {
		f.ReplyTo = append(f.ReplyTo, Address(a))
	}
	s.getJSON(t, "/api/v1/message/"+url.PathEscape(id)+"/headers", &f.Headers)
	return f
}

// WaitFor polls until at least n messages have arrived and returns them; it
// fails the test after timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Summary {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages(t)
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("mailpittest: %d of %d messages arrived within %s", len(msgs), n, timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Clear deletes every message.
func (s *Server) Clear(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, s.apiURL+"/api/v1/messages", nil)
	if err != nil {
		t.Fatalf("mailpittest: %v", err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("mailpittest: clear: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("mailpittest: clear: %s: %s", resp.Status, body)
	}
}

func (s *Server) getJSON(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := s.client.Get(s.apiURL + path)
	if err != nil {
		t.Fatalf("mailpittest: GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("mailpittest: GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("mailpittest: GET %s: %s: %s", path, resp.Status, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("mailpittest: GET %s: decode: %v", path, err)
	}
}

var (
	binOnce sync.Once
	binPath string
)

// Binary returns the mailpit executable to use, or "" when there is none.
func Binary() string {
	binOnce.Do(func() { binPath = findBinary(os.Getenv("MAILPIT_BIN"), exec.LookPath, goPath) })
	return binPath
}

// findBinary looks at env ($MAILPIT_BIN, which wins even when it is wrong),
// then PATH, then GOPATH/bin.
func findBinary(env string, lookPath func(string) (string, error), gopath func() string) string {
	if env != "" {
		if isExecutable(env) {
			return env
		}
		return ""
	}
	if p, err := lookPath("mailpit"); err == nil {
		return p
	}
	if p := filepath.Join(gopath(), "bin", "mailpit"); isExecutable(p) {
		return p
	}
	return ""
}

func goPath() string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOPATH").Output()
	if p := strings.TrimSpace(string(out)); err == nil && p != "" {
		return strings.Split(p, string(os.PathListSeparator))[0]
	}
	if p := os.Getenv("GOPATH"); p != "" {
		return strings.Split(p, string(os.PathListSeparator))[0]
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, "go")
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// withoutMailpitEnv drops MP_* variables, which mailpit reads as settings.
func withoutMailpitEnv(env []string) []string {
	out := env[:0:0]
	for _, e := range env {
		if !strings.HasPrefix(e, "MP_") {
			out = append(out, e)
		}
	}
	return out
}

func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// syncBuffer collects the process output for failure reports.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() > 1<<20 { // keep memory bounded
		return len(p), nil
	}
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
