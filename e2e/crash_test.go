package e2e

import (
	"context"
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

// TestPublishSurvivesSIGKILL kills the server with SIGKILL in the middle of
// publishing an interview to 1,000 candidates, starts it again, and checks
// that every candidate ends up invited exactly once and emailed.
func TestPublishSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	const n = 1000
	mp := mailpittest.Start(t)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	data := filepath.Join(tmp, "data")
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--data-dir", data)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("user", "create", "--email", "ops@example.com", "--password", "a long enough password", "--admin")
	wid, _ := strconv.ParseInt(run("workspace", "create", "--name", "Crash", "--owner", "ops@example.com"), 10, 64)
	token := run("token", "create", "--email", "ops@example.com", "--name", "crash")

	// Seed the synced ATS copy, the email settings and a draft interview
	// straight into the database, as a sync would have left them.
	ctx := context.Background()
	st, err := store.Open(filepath.Join(data, "hireloop.db"))
	if err != nil {
		t.Fatal(err)
	}
	conn := &store.Connection{WorkspaceID: wid, Provider: "greenhouse", Name: "offline ATS", BaseURL: "http://127.0.0.1:1/v3",
		IntegrationID: "offline-client", ActingUserID: "4000",
		WebhookToken: "crash-test-token-0123456789", SyncInterval: 3 * time.Hour, Paused: true}
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
	if err := st.SaveEmailSettings(ctx, &store.EmailSettings{WorkspaceID: wid, Host: mp.SMTPHost(), Port: mp.SMTPPort(), TLS: "none",
		FromAddress: "talent@crash.example"}); err != nil {
		t.Fatal(err)
	}
	iv := &store.Interview{WorkspaceID: wid, Name: "Crash interview", Kind: "interview", Language: "en", DeadlineDays: 7, WatchInterval: 30,
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
	go api("POST", fmt.Sprintf("/api/workspaces/%d/interviews/%d/publish", wid, iv.ID))
	// Kill as soon as the first invitations exist: the publish is under way.
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if s, err := store.Open(filepath.Join(data, "hireloop.db")); err == nil {
			invs, _ := s.Invitations(ctx, wid, iv.ID)
			s.Close()
			if len(invs) > 0 {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	before := len(mp.Messages(t))
	s, err := store.Open(filepath.Join(data, "hireloop.db"))
	if err != nil {
		t.Fatal(err)
	}
	atKill, _ := s.Invitations(ctx, wid, iv.ID)
	s.Close()
	t.Logf("killed: %d of %d invitations existed, %d emails had reached the SMTP server", len(atKill), n, before)

	srv = start()
	defer func() { srv.Process.Signal(syscall.SIGTERM); srv.Wait() }()
	var invs []store.Invitation
	for time.Now().Add(-60 * time.Second).Before(deadline.Add(40 * time.Second)) {
		s, b := api("GET", fmt.Sprintf("/api/workspaces/%d/interviews/%d/invitations", wid, iv.ID))
		var out struct{ Invitations []store.Invitation }
		if s == 200 && json.Unmarshal(b, &out) == nil {
			invs = out.Invitations
			sent := 0
			for _, v := range invs {
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
	if len(invs) != n {
		t.Fatalf("%d invitations after restart, want %d\n%s", len(invs), n, logs.String())
	}
	// n messages may include the one repeat, so wait for n recipients:
	// the last email can still be on its way when the count reaches n.
	var msgs []mailpittest.Summary
	perRecipient := map[string]int{}
	perID := map[string]int{}
	for wait := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		msgs = mp.Messages(t)
		clear(perRecipient)
		clear(perID)
		for _, m := range msgs {
			for _, to := range m.To {
				perRecipient[to]++
			}
			perID[m.MessageID]++
		}
		if len(perRecipient) >= n || time.Now().After(wait) {
			break
		}
	}
	time.Sleep(time.Second) // anything extra would arrive now
	if msgs = mp.Messages(t); len(msgs) > 0 {
		clear(perRecipient)
		clear(perID)
		for _, m := range msgs {
			for _, to := range m.To {
				perRecipient[to]++
			}
			perID[m.MessageID]++
		}
	}
	if len(perRecipient) != n {
		t.Fatalf("%d distinct recipients got mail, want %d", len(perRecipient), n)
	}
	// SMTP cannot be exactly-once across a SIGKILL: the one message the
	// server accepted just before the kill, and that was not yet recorded
	// as sent, is sent again with the same Message-ID. Nothing else may be.
	dups := 0
	for id, c := range perID {
		if c > 1 {
			dups += c - 1
			t.Logf("sent twice (in flight at the kill): %s", id)
		}
	}
	if len(msgs) != n+dups || dups > 1 {
		t.Fatalf("%d emails for %d invitations (%d resent)", len(msgs), n, dups)
	}
	if len(atKill) < n && !strings.Contains(logs.String(), "Resuming an interrupted publish") {
		t.Fatalf("the publish was interrupted (%d of %d) but the restart did not say it resumed it", len(atKill), n)
	}
}
