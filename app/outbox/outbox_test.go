package outbox

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app/mail/mailpittest"
	"github.com/hireloop/hireloop/app/secret"
	"github.com/hireloop/hireloop/store"
)

// fixture is a database with one workspace whose SMTP server is addr and
// n invitations queued in the outbox, as a publish leaves them.
type fixture struct {
	path string
	st   *store.Store
	box  *secret.Box
	ws   int64
	n    int
}

func newFixture(t *testing.T, n int, host string, port int) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{path: filepath.Join(t.TempDir(), "hireloop.db"), box: secret.NewBox(bytes.Repeat([]byte{7}, 32)), n: n}
	f.st = openStore(t, f.path)
	if _, err := f.st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := f.st.CreateUser(ctx, "ops@acme.test", "Ops", "x", true)
	if err != nil {
		t.Fatal(err)
	}
	ws, err := f.st.CreateWorkspace(ctx, "Acme", u.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.ws = ws.ID
	if err := f.st.SaveEmailSettings(ctx, &store.EmailSettings{WorkspaceID: ws.ID, Host: host, Port: port, TLS: "none",
		FromName: "Acme Talent", FromAddress: "talent@acme.test"}); err != nil {
		t.Fatal(err)
	}
	iv := &store.Interview{WorkspaceID: ws.ID, Name: "Screening", Kind: "interview", Language: "en", DeadlineDays: 7,
		JobExtID: "j1", StageExtID: "s1", WatchInterval: 300}
	if err := f.st.SaveInterview(ctx, iv); err != nil {
		t.Fatal(err)
	}
	var invs []store.NewInvitation
	for i := 1; i <= n; i++ {
		tok, err := f.box.Seal(secret.PurposeInvitationToken, []byte(fmt.Sprintf("token-%03d", i)))
		if err != nil {
			t.Fatal(err)
		}
		invs = append(invs, store.NewInvitation{StageCandidate: store.StageCandidate{ApplicationExtID: fmt.Sprint("a", i),
			CandidateExtID: fmt.Sprint("c", i), Email: fmt.Sprintf("cand%03d@example.test", i), FirstName: "Cand", LastName: strconv.Itoa(i)},
			TokenHash: []byte(fmt.Sprint("hash-", i)), SealedToken: tok})
	}
	if created, err := f.st.CreateInvitations(ctx, iv, "publish", invs); err != nil || created != n {
		t.Fatalf("created %d invitations: %v", created, err)
	}
	return f
}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// worker builds an outbox on st that logs into log and retries at once.
func (f *fixture) worker(st *store.Store, log *syncBuffer) *Outbox {
	return New(Deps{Store: st, Log: slog.New(slog.NewTextHandler(log, nil)), Box: f.box, BaseURL: "https://hire.acme.test",
		Now: time.Now, Backoff: func(int) time.Duration { return 0 }})
}

// run runs o until the outbox has no email left to send, or fails the test
// after timeout.
func (f *fixture) runUntilDone(t *testing.T, o *Outbox, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); o.Run(ctx) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		c := f.counts(t)
		if c["sent"]+c["failed"] == int64(f.n) {
			return
		}
		o.Wake()
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("outbox not done after %s: %v", timeout, f.counts(t))
}

func (f *fixture) counts(t *testing.T) map[string]int64 {
	t.Helper()
	c, err := f.st.OutboxCounts(context.Background(), f.ws)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// rows reads each outbox row's state straight from the database.
type outboxRow struct {
	ID             int64
	Status         string
	InFlight       bool
	MaybeDuplicate int
}

func (f *fixture) rows(t *testing.T) []outboxRow {
	t.Helper()
	db, err := sql.Open("sqlite", f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Query(`SELECT id, status, sending_at IS NOT NULL, maybe_duplicate FROM email_outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []outboxRow
	for rs.Next() {
		var r outboxRow
		if err := rs.Scan(&r.ID, &r.Status, &r.InFlight, &r.MaybeDuplicate); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestCrashMidBatchRepeatsAtMostTheMessageInFlight sends a batch through an
// SMTP proxy that holds the server's reply to the 7th message (delivered to
// mailpit, the answer never reaches hireloop), then:
//   - restart: the process dies (its database handle is closed before
//     anything else happens) and a new worker starts as the server does;
//   - lease: the process dies and nobody restarts it; the same rows are
//     claimed again when their lease runs out;
//   - cut: the connection drops while the process lives on.
//
// In every case mailpit ends with one email per invitation plus exactly the
// one that was in flight, and that one is the row recorded as a possible
// duplicate. Before per-message state, the whole batch was sent again.
func TestCrashMidBatchRepeatsAtMostTheMessageInFlight(t *testing.T) {
	const n, hold = 29, 6
	for _, mode := range []string{"restart", "lease", "cut"} {
		t.Run(mode, func(t *testing.T) {
			mp := mailpittest.Start(t)
			proxy := mailpittest.NewProxy(t, fmt.Sprintf("%s:%d", mp.SMTPHost(), mp.SMTPPort()), hold)
			f := newFixture(t, n, "127.0.0.1", proxy.Port())
			var log syncBuffer

			// The first run, on its own database handle so that it can die.
			st1 := f.st
			if mode != "cut" {
				st1 = openStore(t, f.path)
			}
			o1 := f.worker(st1, &log)
			ctx1, cancel1 := context.WithCancel(context.Background())
			done1 := make(chan struct{})
			go func() { defer close(done1); o1.Run(ctx1) }()
			select {
			case <-proxy.Held():
			case <-time.After(20 * time.Second):
				t.Fatalf("the proxy never held a reply; mailpit has %d", len(mp.Messages(t)))
			}
			mp.WaitFor(t, hold+1, 5*time.Second) // the held one is in mailpit
			proxy.PassThrough()
			if mode == "cut" {
				proxy.Cut() // the worker lives on and sees the connection drop
				f.runUntilDone(t, o1, 20*time.Second)
				cancel1()
				<-done1
			} else {
				st1.Close() // kill -9: nothing more reaches the database
				cancel1()
				proxy.Cut()
				<-done1
				rows := f.rows(t)
				sent, inFlight, claimed := 0, 0, 0
				for _, r := range rows {
					switch {
					case r.Status == "sent":
						sent++
					case r.Status == "sending" && r.InFlight:
						inFlight++
					case r.Status == "sending":
						claimed++
					}
				}
				if sent != hold || inFlight != 1 || claimed != n-hold-1 {
					t.Fatalf("at the crash: %d sent, %d in flight, %d claimed; want %d, 1, %d", sent, inFlight, claimed, hold, n-hold-1)
				}
				o2 := f.worker(f.st, &log)
				if mode == "restart" {
					o2.Recover(context.Background())
				} else {
					f.st.SetClock(func() time.Time { return time.Now().Add(outboxLease + time.Second) })
				}
				f.runUntilDone(t, o2, 20*time.Second)
			}

			time.Sleep(300 * time.Millisecond) // anything extra would arrive now
			msgs := mp.Messages(t)
			perID := map[string]int{}
			for _, m := range msgs {
				perID[m.MessageID]++
			}
			var repeated []string
			for id, c := range perID {
				if c > 1 {
					repeated = append(repeated, id)
				}
			}
			if len(msgs) != n+1 || len(perID) != n || len(repeated) != 1 || perID[repeated[0]] != 2 {
				t.Fatalf("%d emails, %d distinct, repeated %v; want %d emails: one per invitation and the one in flight", len(msgs), len(perID), repeated, n+1)
			}
			var flagged []int64
			for _, r := range f.rows(t) {
				if r.Status != "sent" {
					t.Errorf("row %d ended %s", r.ID, r.Status)
				}
				if r.MaybeDuplicate > 0 {
					flagged = append(flagged, r.ID)
				}
			}
			if len(flagged) != 1 || repeated[0] != fmt.Sprintf("outbox-%d@acme.test", flagged[0]) {
				t.Fatalf("repeated %s, but rows %v are recorded as possible duplicates", repeated[0], flagged)
			}
			if c := f.counts(t); c["possible_duplicates"] != 1 || c["sent"] != n {
				t.Errorf("counts = %v", c)
			}
			if mode != "cut" {
				warn := regexp.MustCompile(`msg="`+regexp.QuoteMeta(inFlightWarning)+`" outbox_id=(\d+)`).FindAllStringSubmatch(log.String(), -1)
				if len(warn) != 1 || warn[0][1] != strconv.FormatInt(flagged[0], 10) {
					t.Errorf("in-flight warnings %v, want one for outbox_id=%d\n%s", warn, flagged[0], log.String())
				}
			}
			for _, line := range strings.Split(log.String(), "\n") {
				if strings.Contains(line, "in flight") && strings.Contains(line, "@example.test") {
					t.Errorf("a warning names the address: %s", line)
				}
			}
			t.Logf("%s: %d emails for %d invitations, 1 repeated (%s), recorded as a possible duplicate", mode, len(msgs), n, repeated[0])
		})
	}
}

// A template saved before templates were checked, and branding saved
// before branding was, must not stop the workspace's email: the worker
// sends the default template and safe branding, and says so once.
func TestStoredBadTemplateAndBrandingFallBack(t *testing.T) {
	mp := mailpittest.Start(t)
	f := newFixture(t, 3, mp.SMTPHost(), mp.SMTPPort())
	ctx := context.Background()
	if err := f.st.SaveEmailTemplate(ctx, f.ws, store.EmailTemplate{Kind: "invitation", Subject: "Loop {{.Position}}",
		HTML: `{{range 10000000}}x{{end}}`, Text: `{{range 100000}}{{range 100000}}x{{end}}{{end}}`, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if err := f.st.SaveWorkspaceBranding(ctx, f.ws, store.Branding{CompanyName: "Acme\r\nBcc: leak@evil.test", BrandColor: "red",
		LogoURL: "javascript:alert(1)"}); err != nil {
		t.Fatal(err)
	}
	var log syncBuffer
	start := time.Now()
	f.runUntilDone(t, f.worker(f.st, &log), 20*time.Second)
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("sending 3 emails took %s", d)
	}
	msgs := mp.WaitFor(t, 3, 5*time.Second)
	if c := f.counts(t); c["sent"] != 3 {
		t.Fatalf("counts = %v\n%s", c, log.String())
	}
	for _, m := range msgs {
		if m.Subject != "Your interview for Screening at Acme Bcc: leak@evil.test" {
			t.Errorf("subject = %q, want the default's, on one line", m.Subject)
		}
		full := mp.Message(t, m.ID)
		if strings.Contains(full.HTML, "xxxx") || strings.Contains(full.HTML, "javascript:") || !strings.Contains(full.Text, "Start your interview here") {
			t.Errorf("body is not the default's with safe branding:\n%s", full.Text)
		}
		if _, ok := full.Headers["Bcc"]; ok || len(full.To) != 1 {
			t.Errorf("headers: %v", full.Headers)
		}
	}
	logs := log.String()
	if c := strings.Count(logs, "Stored email template cannot be used"); c != 1 {
		t.Errorf("template warning logged %d times, want once:\n%s", c, logs)
	}
	if !strings.Contains(logs, "part=html line=1") || !strings.Contains(logs, "{{range}} is not allowed") {
		t.Errorf("the warning should name the problem:\n%s", logs)
	}
	if c := strings.Count(logs, "Stored branding has values the mailer cannot use"); c != 1 || !strings.Contains(logs, "fields=color,company_name,logo_url") {
		t.Errorf("branding warning logged %d times:\n%s", c, logs)
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
