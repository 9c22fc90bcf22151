package e2e

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app/mail/mailpittest"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// TestEmailOutboxSurvivesSIGKILL publishes an interview to 29 candidates
// through an SMTP server whose reply to the 7th message never comes back,
// kills the server with SIGKILL while it waits for that reply, and starts
// it again. Every candidate gets the invitation; the one message in flight
// at the kill may arrive twice (SMTP cannot say whether it was accepted),
// and the outbox records it as a possible duplicate. Nothing else repeats:
// before per-message state, the whole claimed batch was sent again.
func TestEmailOutboxSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	const n, hold = 29, 6
	mp := mailpittest.Start(t)
	proxy := mailpittest.NewProxy(t, fmt.Sprintf("%s:%d", mp.SMTPHost(), mp.SMTPPort()), hold)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	data := filepath.Join(tmp, "data")
	dbPath := filepath.Join(data, "hireloop.db")
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(bin, append(args, "--data-dir", data)...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("user", "create", "--email", "ops@example.com", "--password", "a long enough password", "--admin")
	wid, _ := strconv.ParseInt(run("workspace", "create", "--name", "Mail crash", "--owner", "ops@example.com"), 10, 64)
	token := run("token", "create", "--email", "ops@example.com", "--name", "crash")

	// The synced ATS copy, the SMTP settings (through the proxy) and a draft
	// interview, as a sync and the console would have left them.
	ctx := context.Background()
	st, err := store.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	conn := &store.Connection{WorkspaceID: wid, Provider: "greenhouse", Name: "offline ATS", BaseURL: "http://127.0.0.1:1/v1",
		WebhookToken: "mail-crash-token-0123456789", SyncInterval: 3 * time.Hour, Paused: true}
	if err := st.CreateConnection(ctx, conn); err != nil {
		t.Fatal(err)
	}
	sc := store.SyncScope{WorkspaceID: wid, ConnectionID: conn.ID, RunID: 1, Source: "initial"}
	var cands []ats.Candidate
	var apps []ats.Application
	for i := 0; i < n; i++ {
		id := strconv.Itoa(i)
		cands = append(cands, ats.Candidate{ID: "c" + id, FirstName: "Cand", LastName: id, Emails: []string{"cand" + id + "@example.com"}})
		apps = append(apps, ats.Application{ID: "a" + id, CandidateID: "c" + id, JobID: "j1", StageID: "s1", Status: ats.ApplicationActive})
	}
	if err := st.UpsertCandidates(ctx, sc, cands); err != nil {
		t.Fatal(err)
	}
	if err := st.UpsertApplications(ctx, sc, apps); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveEmailSettings(ctx, &store.EmailSettings{WorkspaceID: wid, Host: "127.0.0.1", Port: proxy.Port(), TLS: "none",
		FromAddress: "talent@crash.example"}); err != nil {
		t.Fatal(err)
	}
	iv := &store.Interview{WorkspaceID: wid, Name: "Crash interview", Kind: "interview", Language: "en", DeadlineDays: 7, WatchInterval: 300,
		ConnectionID: &conn.ID, JobExtID: "j1", StageExtID: "s1", Questions: []store.Question{{Type: "text", Prompt: "Why?", MaxMediaS: 180}}}
	if err := st.SaveInterview(ctx, iv); err != nil {
		t.Fatal(err)
	}
	st.Close()

	addr := freeAddr(t)
	base := "http://" + addr
	var logs syncBuffer // written by the server process while the test reads it
	start := func() *exec.Cmd {
		t.Helper()
		cmd := exec.Command(bin, "serve", "--addr", addr, "--data-dir", data)
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 300; i++ {
			if res, err := http.Get(base + "/readyz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return cmd
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("server not ready\n%s", logs.String())
		return nil
	}
	api := func(method, path string) (int, []byte) {
		req, _ := http.NewRequest(method, base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, nil
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, b
	}

	srv := start()
	if s, b := api("POST", fmt.Sprintf("/api/workspaces/%d/interviews/%d/publish", wid, iv.ID)); s != 200 {
		t.Fatalf("publish: %d %s", s, b)
	}
	select {
	case <-proxy.Held():
	case <-time.After(30 * time.Second):
		t.Fatalf("no reply was held; mailpit has %d\n%s", len(mp.Messages(t)), logs.String())
	}
	mp.WaitFor(t, hold+1, 5*time.Second) // the held message is in mailpit
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	proxy.PassThrough()
	proxy.Cut()
	atKill := len(mp.Messages(t))
	t.Logf("killed with %d of %d emails at the SMTP server, the reply to the last one not yet read", atKill, n)

	srv = start()
	defer func() { srv.Process.Signal(syscall.SIGTERM); srv.Wait() }()
	deadline := time.Now().Add(60 * time.Second)
	sent := 0
	for time.Now().Before(deadline) {
		s, b := api("GET", fmt.Sprintf("/api/workspaces/%d/interviews/%d/invitations", wid, iv.ID))
		var out struct{ Invitations []store.Invitation }
		if s == 200 && json.Unmarshal(b, &out) == nil {
			sent = 0
			for _, v := range out.Invitations {
				if v.Status == "sent" {
					sent++
				}
			}
			if sent == n {
				break
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if sent != n {
		t.Fatalf("%d of %d invitations sent after the restart\n%s", sent, n, logs.String())
	}
	time.Sleep(time.Second) // anything extra would arrive now
	msgs := mp.Messages(t)
	perID := map[string]int{}
	perRecipient := map[string]int{}
	for _, m := range msgs {
		perID[m.MessageID]++
		for _, to := range m.To {
			perRecipient[to]++
		}
	}
	var repeated []string
	for id, c := range perID {
		if c > 1 {
			repeated = append(repeated, id)
		}
	}
	if len(perRecipient) != n || len(msgs) != n+len(repeated) || len(repeated) > 1 {
		t.Fatalf("%d emails to %d recipients, repeated %v: want %d, each once, plus at most the one in flight", len(msgs), len(perRecipient), repeated, n)
	}

	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id FROM email_outbox WHERE maybe_duplicate > 0`)
	if err != nil {
		t.Fatal(err)
	}
	var flagged []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		flagged = append(flagged, id)
	}
	rows.Close()
	if len(flagged) != 1 {
		t.Fatalf("rows recorded as possible duplicates: %v, want the one in flight", flagged)
	}
	if len(repeated) == 1 && repeated[0] != fmt.Sprintf("outbox-%d@crash.example", flagged[0]) {
		t.Fatalf("repeated %s, recorded outbox %d", repeated[0], flagged[0])
	}
	if want := fmt.Sprintf("outbox_id=%d", flagged[0]); !strings.Contains(logs.String(), want) || !strings.Contains(logs.String(), "may arrive twice") {
		t.Errorf("the restart did not warn about outbox %d\n%s", flagged[0], logs.String())
	}
	t.Logf("%d emails for %d invitations; repeated %v, recorded as outbox %v", len(msgs), n, repeated, flagged)
}
