package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/app"
	"github.com/hireloop/hireloop/store"
)

func TestCLIAccountsWorkspacesTokens(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HIRELOOP_DATA_DIR": dir}
	r := runCLI(t, env, "", "migrate")
	if r.code != 0 || !strings.Contains(r.stdout, "database is at version") {
		t.Fatalf("migrate: %+v", r)
	}
	if r = runCLI(t, env, "", "migrate"); !strings.Contains(r.stdout, "up to date") {
		t.Fatalf("second migrate: %+v", r)
	}
	r = runCLI(t, env, "a long enough password\n", "user", "create", "--email", "owner@example.com", "--password", "-", "--admin")
	if r.code != 0 || strings.TrimSpace(r.stdout) != "1" {
		t.Fatalf("user create: %+v", r)
	}
	if r = runCLI(t, env, "", "user", "create", "--email", "owner@example.com", "--password", "a long enough password"); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("duplicate user: %+v", r)
	}
	if r = runCLI(t, env, "", "user", "create", "--email", "x@example.com", "--password", "short"); r.code != 2 || !strings.Contains(r.stderr, "at least 10") {
		t.Fatalf("short password: %+v", r)
	}
	r = runCLI(t, env, "", "workspace", "create", "--name", "Initech", "--owner", "owner@example.com")
	if r.code != 0 || strings.TrimSpace(r.stdout) == "" {
		t.Fatalf("workspace create: %+v", r)
	}
	wsID := strings.TrimSpace(r.stdout)
	if r = runCLI(t, env, "", "workspace", "create", "--name", "X", "--owner", "ghost@example.com"); r.code != 1 || !strings.Contains(r.stderr, "no user") {
		t.Fatalf("unknown owner: %+v", r)
	}
	r = runCLI(t, env, "", "token", "create", "--email", "owner@example.com", "--name", "backup script")
	secret := strings.TrimSpace(r.stdout)
	if r.code != 0 || !strings.HasPrefix(secret, "hl_") {
		t.Fatalf("token create: %+v", r)
	}

	// The token works against the server on the same data dir and sees the workspace.
	a := newTestApp(t, func(c *app.Config) { c.DataDir = dir })
	me := apiGet(t, a, secret, "/api/me", 200)
	wss := me["workspaces"].([]any)
	if len(wss) != 1 || wss[0].(map[string]any)["name"] != "Initech" || wss[0].(map[string]any)["role"] != "admin" {
		t.Fatalf("workspaces via token: %v (id %s)", wss, wsID)
	}
	if me["user"].(map[string]any)["is_admin"] != true {
		t.Fatal("--admin not applied")
	}

	// Backup while the app holds the database open.
	dest := filepath.Join(t.TempDir(), "copy.db")
	if r = runCLI(t, env, "", "backup", "--to", dest); r.code != 0 {
		t.Fatalf("backup: %+v", r)
	}
	if st, err := os.Stat(dest); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup written with mode %v (%v), want 0600: it holds password hashes and sealed credentials", st.Mode().Perm(), err)
	}
	b, err := store.Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if u, err := b.UserByEmail(context.Background(), "owner@example.com"); err != nil || !u.IsAdmin {
		t.Fatalf("backup content: %v", err)
	}
	if r = runCLI(t, env, "", "backup", "--to", dest); r.code != 1 || !strings.Contains(r.stderr, "already exists") {
		t.Fatalf("backup over existing: %+v", r)
	}
}

func TestCLIConfigRedactsSecrets(t *testing.T) {
	env := map[string]string{"HIRELOOP_SECRET_KEY": strings.Repeat("k", 40), "HIRELOOP_LOG_FORMAT": "json", "HIRELOOP_METRICS_TOKEN": "m-secret"}
	r := runCLI(t, env, "", "config", "--addr", "0.0.0.0:9000")
	if r.code != 0 || strings.Contains(r.stdout, "kkkk") || strings.Contains(r.stdout, "m-secret") {
		t.Fatalf("config leaks or fails: %+v", r)
	}
	for _, want := range []string{"(redacted)", "0.0.0.0:9000", "json", "http://0.0.0.0:9000"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("config output lacks %q:\n%s", want, r.stdout)
		}
	}
}

func TestCLIBadInputIsOneLine(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro")
	os.Mkdir(ro, 0o500)
	cases := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"bad log level", map[string]string{"HIRELOOP_LOG_LEVEL": "loud"}, []string{"serve"}, 1, "invalid log-level (from HIRELOOP_LOG_LEVEL)"},
		{"bad addr flag", nil, []string{"serve", "--addr", "8080"}, 2, "serve: invalid addr (from --addr)"},
		{"bad base url", map[string]string{"HIRELOOP_BASE_URL": "ftp://x"}, []string{"config"}, 1, "not an http(s) URL"},
		{"short secret", map[string]string{"HIRELOOP_SECRET_KEY": "short"}, []string{"config"}, 1, "at least 32 characters"},
		{"bad duration", map[string]string{"HIRELOOP_SESSION_TTL": "forever"}, []string{"config"}, 1, "not a duration"},
		{"unknown command", nil, []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", nil, []string{"config", "--nope"}, 2, "flag provided but not defined"},
		{"missing subcommand", nil, []string{"user"}, 2, "needs a subcommand"},
		{"backup without --to", map[string]string{"HIRELOOP_DATA_DIR": dir}, []string{"backup"}, 2, "--to"},
	}
	if os.Geteuid() != 0 { // root can write anywhere
		cases = append(cases, struct {
			name string
			env  map[string]string
			args []string
			code int
			want string
		}{"unwritable data dir", map[string]string{"HIRELOOP_DATA_DIR": ro}, []string{"migrate"}, 1, "is not writable"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.env, "", tc.args...)
			lastLine := strings.TrimSpace(r.stderr)
			if i := strings.LastIndex(lastLine, "\n"); i >= 0 {
				lastLine = lastLine[i+1:]
			}
			if r.code != tc.code || !strings.HasPrefix(lastLine, "hireloop: ") || !strings.Contains(lastLine, tc.want) {
				t.Fatalf("code %d stderr %q, want %d and %q", r.code, r.stderr, tc.code, tc.want)
			}
			if strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Fatalf("want one line, got %q", r.stderr)
			}
		})
	}
}

func TestCLIDataDirThatIsAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, []byte("x"), 0o600)
	r := runCLI(t, map[string]string{"HIRELOOP_DATA_DIR": f}, "", "migrate")
	if r.code != 1 || !strings.Contains(r.stderr, "cannot be created") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("%+v", r)
	}
}

func TestCLIServePortInUse(t *testing.T) {
	ln, err := app.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	r := runCLI(t, map[string]string{"HIRELOOP_DATA_DIR": t.TempDir()}, "", "serve", "--addr", ln.Addr().String())
	if r.code != 1 || !strings.Contains(r.stderr, "address already in use") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
		t.Fatalf("%+v", r)
	}
}

func TestCLINewerDatabaseRefused(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"HIRELOOP_DATA_DIR": dir}
	if r := runCLI(t, env, "", "migrate"); r.code != 0 {
		t.Fatal(r)
	}
	s, err := store.Open(filepath.Join(dir, "hireloop.db"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ForceSchemaVersionForTest(context.Background(), store.LatestVersion()+5); err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, args := range [][]string{{"migrate"}, {"serve", "--addr", "127.0.0.1:0"}} {
		r := runCLI(t, env, "", args...)
		if r.code != 1 || !strings.Contains(r.stderr, "is newer than this hireloop") || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
	}
}

func TestCLIVersion(t *testing.T) {
	if r := runCLI(t, nil, "", "version"); r.stdout != "hireloop v9.9.9\n" {
		t.Fatalf("%q", r.stdout)
	}
}
