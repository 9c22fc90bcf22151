package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats/greenhouse/fake"
	"github.com/hireloop/hireloop/store"
)

// TestWriteBackSurvivesSIGKILL kills the server with SIGKILL while it is
// writing a result back to the ATS (requests in flight, the ATS slow to
// answer), starts it again, and checks that every write landed exactly once.
func TestWriteBackSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	const clientID, key = "crash-client-id", "crash-harvest-secret"
	f := fake.New(clientID, key, fake.SmallSeed)
	defer f.Close()
	target, _ := url.Parse(f.Server.URL)
	var writesSeen atomic.Int32
	proxy := httptest.NewServer(&httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(target) },
		ModifyResponse: func(res *http.Response) error {
			if res.Request.Method != http.MethodGet && res.Request.URL.Path != "/token" { // token requests are no writes
				writesSeen.Add(1)
				time.Sleep(300 * time.Millisecond) // the ATS is slow to answer writes
			}
			return nil
		},
	})
	defer proxy.Close()

	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	data := filepath.Join(tmp, "data")
	run := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append(args, "--data-dir", data)...)
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("", "user", "create", "--email", "ops@example.com", "--password", "a long enough password", "--admin")
	wid, _ := strconv.ParseInt(run("", "workspace", "create", "--name", "Crash", "--owner", "ops@example.com"), 10, 64)
	token := run("", "token", "create", "--email", "ops@example.com", "--name", "crash")
	cid, _ := strconv.ParseInt(run(key+"\n", "connections", "add", "--workspace", strconv.FormatInt(wid, 10), "--provider", "greenhouse",
		"--base-url", proxy.URL+"/v3", "--api-key", "-", "--integration-id", clientID, "--acting-user", "4000"), 10, 64)
	run("", "sync", "--connection", strconv.FormatInt(cid, 10))

	// A submitted interview, as a candidate would have left it.
	ctx := context.Background()
	st, err := store.Open(filepath.Join(data, "hireloop.db"))
	if err != nil {
		t.Fatal(err)
	}
	sm := f.Samples()
	iv := &store.Interview{WorkspaceID: wid, Name: "Crash interview", Kind: "interview", Language: "en", DeadlineDays: 7, WatchInterval: 300,
		ConnectionID: &cid, JobExtID: sm.JobID, StageExtID: sm.StageID, SyncResults: true, CompletedStageExtID: sm.OtherStageID,
		TagScoreThreshold: 1, TagScoreName: "Strong interview",
		// A closed question scored by the recruiter's rule: the result is
		// complete without a person's review, so the write-back starts at once.
		Questions: []store.Question{{Type: "yes_no", Prompt: "Can you start within a month?", Required: true, MaxMediaS: 180,
			Options: []string{"yes", "no"}, Scoring: json.RawMessage(`{"points":{"yes":5,"no":0}}`)}}}
	if err := st.SaveInterview(ctx, iv); err != nil {
		t.Fatal(err)
	}
	if err := st.StartPublish(ctx, wid, iv.ID, 0); err != nil {
		t.Fatal(err)
	}
	cands, err := st.StageCandidates(ctx, wid, iv.ID, cid, sm.JobID, sm.StageID)
	if err != nil || len(cands) == 0 {
		t.Fatalf("stage candidates: %v %v", cands, err)
	}
	if _, err := st.CreateInvitations(ctx, iv, "publish", []store.NewInvitation{{StageCandidate: cands[0], TokenHash: []byte("crash-token-hash"),
		SealedToken: []byte{0}}}); err != nil {
		t.Fatal(err)
	}
	invs, _ := st.Invitations(ctx, wid, iv.ID)
	inv := invs[0]
	if err := st.StartInvitation(ctx, inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveAnswer(ctx, inv.ID, store.Answer{QuestionID: iv.Questions[0].ID, Value: "yes"}); err != nil {
		t.Fatal(err)
	}
	if err := st.SubmitInvitation(ctx, inv.ID); err != nil {
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
	get := func(path string, v any) int {
		req, _ := http.NewRequest("GET", base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		json.Unmarshal(b, v)
		return res.StatusCode
	}

	f.ResetWrites()
	srv := start()
	// Kill while the first write request is with the (slow) ATS.
	deadline := time.Now().Add(30 * time.Second)
	for writesSeen.Load() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if writesSeen.Load() == 0 {
		t.Fatalf("no write reached the ATS\n%s", logs.String())
	}
	srv.Process.Signal(syscall.SIGKILL)
	srv.Wait()
	t.Logf("killed with %d write request(s) sent", writesSeen.Load())
	time.Sleep(400 * time.Millisecond) // let the in-flight request finish at the ATS

	srv = start()
	defer func() { srv.Process.Signal(syscall.SIGTERM); srv.Wait() }()
	var res struct {
		Results []struct{ ID int64 }
	}
	var writes []store.ATSWrite
	for time.Now().Before(deadline.Add(60 * time.Second)) {
		if get(fmt.Sprintf("/api/workspaces/%d/interviews/%d/results", wid, iv.ID), &res) == 200 && len(res.Results) == 1 {
			var detail struct {
				ATSWrites []store.ATSWrite `json:"ats_writes"`
			}
			get(fmt.Sprintf("/api/workspaces/%d/results/%d", wid, res.Results[0].ID), &detail)
			writes = detail.ATSWrites
			done := len(writes) >= 4
			for _, w := range writes {
				done = done && (w.Status == "done" || w.Status == "failed")
			}
			if done {
				break
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(writes) != 4 {
		t.Fatalf("writes after restart: %+v\n%s", writes, logs.String())
	}
	for _, w := range writes {
		if w.Status != "done" {
			t.Fatalf("write %s ended %s: %s", w.Action, w.Status, w.LastError)
		}
	}
	notes := 0
	for _, n := range f.Notes() {
		if strings.Contains(n.Body, "hireloop result") {
			notes++
		}
	}
	app, _ := f.Application(inv.ApplicationExtID)
	if notes != 1 {
		t.Fatalf("%d notes in the ATS, want exactly 1", notes)
	}
	if strconv.FormatInt(app.StageID, 10) != sm.OtherStageID {
		t.Fatalf("application not moved to the completed stage: in %d", app.StageID)
	}
	attachments := 0
	for _, w := range f.Writes() {
		if w.Method == "POST" && strings.HasSuffix(w.Path, "/attachments") {
			attachments++
		}
	}
	if attachments != 1 {
		t.Fatalf("%d attachment uploads, want 1", attachments)
	}
}
