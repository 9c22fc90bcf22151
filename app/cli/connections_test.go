package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/greenhouse/fake"
	leverfake "github.com/hireloop/hireloop/ats/lever/fake"
)

func TestCLIConnectionsAndSync(t *testing.T) {
	f := fake.New(ghClientID, ghKey, fake.SmallSeed)
	defer f.Close()
	dir := t.TempDir()
	env := map[string]string{"HIRELOOP_DATA_DIR": dir}
	runCLI(t, env, "a long enough password\n", "user", "create", "--email", "ops@example.com", "--password", "-", "--admin")
	ws := strings.TrimSpace(runCLI(t, env, "", "workspace", "create", "--name", "Client", "--owner", "ops@example.com").stdout)

	// A wrong key is refused before anything is stored, with the vendor's words.
	r := runCLI(t, env, "wrong-key\n", "connections", "add", "--workspace", ws, "--provider", "greenhouse", "--base-url", f.URL(), "--api-key", "-",
		"--integration-id", ghClientID, "--acting-user", "4000")
	if r.code != 1 || !strings.Contains(r.stderr, "refused the connection") {
		t.Fatalf("bad key: %+v", r)
	}
	if r = runCLI(t, env, "", "connections", "add", "--workspace", ws, "--provider", "nope", "--api-key", "k"); r.code != 2 || !strings.Contains(r.stderr, "--provider must be one of") {
		t.Fatalf("bad provider: %+v", r)
	}
	r = runCLI(t, env, ghKey+"\n", "connections", "add", "--workspace", ws, "--provider", "greenhouse", "--base-url", f.URL(),
		"--api-key", "-", "--integration-id", ghClientID, "--acting-user", "4000", "--interval", "90m")
	if r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	id := strings.TrimSpace(r.stdout)

	r = runCLI(t, env, "", "connections", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "greenhouse") || !strings.Contains(r.stdout, "1h30m0s") || strings.Contains(r.stdout, ghKey) {
		t.Fatalf("list: %+v", r)
	}
	if r = runCLI(t, env, "", "connections", "test", "--connection", id); r.code != 0 || !strings.Contains(r.stdout, "ok") {
		t.Fatalf("test: %+v", r)
	}

	r = runCLI(t, env, "", "sync", "--connection", id, "--json")
	if r.code != 0 {
		t.Fatalf("sync: %+v", r)
	}
	var sum syncSummary
	if err := json.Unmarshal([]byte(r.stdout), &sum); err != nil {
		t.Fatalf("sync --json output: %v\n%s", err, r.stdout)
	}
	want := f.Expect()
	if sum.Status != "succeeded" || sum.Mode != "full" || sum.Counts["applications"] != int64(want.Applications) ||
		sum.Counts["candidates"] != int64(want.Candidates) || sum.Requests == 0 {
		t.Fatalf("summary %+v, want %d applications", sum, want.Applications)
	}
	r = runCLI(t, env, "", "sync", "--connection", id)
	if r.code != 0 || !strings.Contains(r.stdout, "(incremental): succeeded") {
		t.Fatalf("incremental sync: %+v", r)
	}

	// A failing ATS makes the command fail, with the reason.
	f.SetRateLimit(0, 0)
	f.Inject(fakeUnauthorized())
	if r = runCLI(t, env, "", "sync", "--connection", id); r.code != 1 || !strings.Contains(r.stderr, "sync failed") {
		t.Fatalf("failing sync: %+v", r)
	}

	if r = runCLI(t, env, "", "connections", "delete", "--connection", id); r.code != 0 {
		t.Fatalf("delete: %+v", r)
	}
	if r = runCLI(t, env, "", "connections", "test", "--connection", id); r.code != 1 || !strings.Contains(r.stderr, "not found") {
		t.Fatalf("test after delete: %+v", r)
	}
}

func fakeUnauthorized() atstest.Fault { return atstest.Fault{Kind: atstest.FaultUnauthorized} }

// Operators can register and remove a connection's webhooks from the
// command line, and deleting the connection removes them at the ATS too.
func TestCLIConnectionWebhooks(t *testing.T) {
	lf := leverfake.New("lever-cli-key", leverfake.SmallSeed)
	defer lf.Close()
	gh := fake.New(ghClientID, ghKey, fake.SmallSeed)
	defer gh.Close()
	env := map[string]string{"HIRELOOP_DATA_DIR": t.TempDir()}
	runCLI(t, env, "a long enough password\n", "user", "create", "--email", "ops@example.com", "--password", "-", "--admin")
	ws := strings.TrimSpace(runCLI(t, env, "", "workspace", "create", "--name", "Client", "--owner", "ops@example.com").stdout)
	r := runCLI(t, env, "lever-cli-key\n", "connections", "add", "--workspace", ws, "--provider", "lever", "--base-url", lf.URL(),
		"--api-key", "-", "--acting-user", leverfake.UserID(0))
	if r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	id := strings.TrimSpace(r.stdout)

	r = runCLI(t, env, "", "connections", "webhooks", "--connection", id)
	if r.code != 0 || !strings.Contains(r.stdout, "registered 5 events at Lever (active)") || len(lf.Webhooks()) != 5 {
		t.Fatalf("register: %+v, %d webhooks at Lever", r, len(lf.Webhooks()))
	}
	if r = runCLI(t, env, "", "connections", "webhooks", "--connection", id, "--remove"); r.code != 0 || len(lf.Webhooks()) != 0 {
		t.Fatalf("remove: %+v, %d webhooks at Lever", r, len(lf.Webhooks()))
	}
	runCLI(t, env, "", "connections", "webhooks", "--connection", id)
	if r = runCLI(t, env, "", "connections", "delete", "--connection", id); r.code != 0 || len(lf.Webhooks()) != 0 {
		t.Fatalf("delete: %+v, %d webhooks left at Lever", r, len(lf.Webhooks()))
	}

	// Greenhouse has no webhook API: the operator is told where to set it up.
	r = runCLI(t, env, ghKey+"\n", "connections", "add", "--workspace", ws, "--provider", "greenhouse", "--base-url", gh.URL(), "--api-key", "-",
		"--integration-id", ghClientID, "--acting-user", "4000")
	gid := strings.TrimSpace(r.stdout)
	if r = runCLI(t, env, "", "connections", "webhooks", "--connection", gid); r.code != 1 || !strings.Contains(r.stderr, "Dev Center") {
		t.Fatalf("greenhouse: %+v", r)
	}
}
