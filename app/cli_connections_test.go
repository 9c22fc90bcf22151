package app

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/greenhouse/fake"
)

func TestCLIConnectionsAndSync(t *testing.T) {
	f := fake.New(ghKey, fake.SmallSeed)
	defer f.Close()
	dir := t.TempDir()
	env := map[string]string{"HIRELOOP_DATA_DIR": dir}
	runCLI(t, env, "a long enough password\n", "user", "create", "--email", "ops@example.com", "--password", "-", "--admin")
	ws := strings.TrimSpace(runCLI(t, env, "", "workspace", "create", "--name", "Client", "--owner", "ops@example.com").stdout)

	// A wrong key is refused before anything is stored, with the vendor's words.
	r := runCLI(t, env, "wrong-key\n", "connections", "add", "--workspace", ws, "--provider", "greenhouse", "--base-url", f.URL(), "--api-key", "-")
	if r.code != 1 || !strings.Contains(r.stderr, "refused the connection") {
		t.Fatalf("bad key: %+v", r)
	}
	if r = runCLI(t, env, "", "connections", "add", "--workspace", ws, "--provider", "nope", "--api-key", "k"); r.code != 2 || !strings.Contains(r.stderr, "--provider must be one of") {
		t.Fatalf("bad provider: %+v", r)
	}
	r = runCLI(t, env, ghKey+"\n", "connections", "add", "--workspace", ws, "--provider", "greenhouse", "--base-url", f.URL(),
		"--api-key", "-", "--acting-user", "4000", "--interval", "90m")
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
