package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func migrated(t *testing.T) *Store {
	t.Helper()
	s := openTemp(t)
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPragmasOnEveryConnection(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	// Hold several reader connections at once so the pool must open new ones.
	conns := make([]interface{ Close() error }, 0, 4)
	for i := 0; i < 4; i++ {
		c, err := s.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		var mode string
		var fk, busy int
		if err := c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
			t.Fatal(err)
		}
		if err := c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
			t.Fatal(err)
		}
		if mode != "wal" || fk != 1 || busy != 10000 {
			t.Fatalf("reader conn %d: journal_mode=%s foreign_keys=%d busy_timeout=%d", i, mode, fk, busy)
		}
		if _, err := c.ExecContext(ctx, "INSERT INTO workspaces (name, created_at, updated_at) VALUES ('x', 0, 0)"); err == nil {
			t.Fatal("a reader connection could write")
		}
	}
	for _, c := range conns {
		c.Close()
	}
	// The writer enforces foreign keys.
	_, err := s.w.ExecContext(ctx, "INSERT INTO memberships (workspace_id, user_id, role, created_at) VALUES (999, 999, 'admin', 0)")
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("foreign key not enforced: %v", err)
	}
}

func TestMigrateEmptyDatabaseThroughEveryStep(t *testing.T) {
	ms, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	s := openTemp(t)
	ctx := context.Background()
	for _, m := range ms {
		applied, err := s.migrate(ctx, ms, m.Version)
		if err != nil {
			t.Fatalf("step %d: %v", m.Version, err)
		}
		if len(applied) != 1 || applied[0] != m.Version {
			t.Fatalf("step %d applied %v", m.Version, applied)
		}
		if v, _ := s.SchemaVersion(ctx); v != m.Version {
			t.Fatalf("after step %d version is %d", m.Version, v)
		}
		var fkProblems int
		rows, err := s.r.QueryContext(ctx, "PRAGMA foreign_key_check")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			fkProblems++
		}
		rows.Close()
		if fkProblems != 0 {
			t.Fatalf("step %d leaves foreign key problems", m.Version)
		}
	}
	// Running again is a no-op.
	applied, err := s.Migrate(ctx)
	if err != nil || len(applied) != 0 {
		t.Fatalf("second Migrate: applied=%v err=%v", applied, err)
	}
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("Ready after migrating: %v", err)
	}
	for _, table := range []string{"users", "workspaces", "memberships", "sessions", "api_tokens"} {
		var n int
		if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name=?", table).Scan(&n); err != nil || n != 1 {
			t.Fatalf("table %s missing after migrating", table)
		}
	}
}

// withExtra returns the embedded migrations plus extra files, as a newer
// release would ship them.
func withExtra(t *testing.T, extra map[string]string) []Migration {
	t.Helper()
	fsys := fstest.MapFS{}
	real, err := Migrations()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range real {
		fsys[fmt.Sprintf("migrations/%04d_%s.sql", m.Version, m.Name)] = &fstest.MapFile{Data: []byte(m.SQL)}
	}
	for name, sql := range extra {
		fsys["migrations/"+name] = &fstest.MapFile{Data: []byte(sql)}
	}
	ms, err := loadMigrations(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func TestMigrateDatabaseThatHasData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data.db")
	ctx := context.Background()
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	u, ws, err := s.SetupFirstAdmin(ctx, "ann@example.com", "Ann", "hash", "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateToken(ctx, u.ID, "ci", "hl_abc", []byte("h1")); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// A later release adds a column with a default and backfills it.
	next := len(withExtra(t, nil)) + 1
	ms := withExtra(t, map[string]string{
		fmt.Sprintf("%04d_time_zone.sql", next): `ALTER TABLE workspaces ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
UPDATE workspaces SET time_zone = 'Europe/Berlin' WHERE name = 'Acme';`,
	})
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	applied, err := s.migrate(ctx, ms, len(ms))
	if err != nil || len(applied) != 1 || applied[0] != next {
		t.Fatalf("applied=%v err=%v", applied, err)
	}
	var tz string
	if err := s.r.QueryRowContext(ctx, "SELECT time_zone FROM workspaces WHERE id = ?", ws.ID).Scan(&tz); err != nil || tz != "Europe/Berlin" {
		t.Fatalf("time_zone=%q err=%v", tz, err)
	}
	got, err := s.UserByEmail(ctx, "ANN@example.com")
	if err != nil || got.ID != u.ID || !got.IsAdmin {
		t.Fatalf("user lost in migration: %+v %v", got, err)
	}
	toks, err := s.TokensForUser(ctx, u.ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens lost in migration: %v %v", toks, err)
	}
	// The embedded set is now older than the file: refuse, don't guess.
	_, err = s.Migrate(ctx)
	var newer *ErrNewerSchema
	if !errors.As(err, &newer) || newer.DB != next {
		t.Fatalf("want ErrNewerSchema, got %v", err)
	}
	if err := s.Ready(ctx); err == nil {
		t.Fatal("Ready must fail when the schema is not the one this binary knows")
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	before, _ := s.SchemaVersion(ctx)
	ms := withExtra(t, map[string]string{
		fmt.Sprintf("%04d_broken.sql", before+1): "CREATE TABLE half_done (id INTEGER);\nTHIS IS NOT SQL;",
	})
	if _, err := s.migrate(ctx, ms, len(ms)); err == nil || !strings.Contains(err.Error(), "_broken failed") {
		t.Fatalf("want a failure naming the migration, got %v", err)
	}
	if v, _ := s.SchemaVersion(ctx); v != before {
		t.Fatalf("version moved to %d", v)
	}
	var n int
	s.r.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name='half_done'").Scan(&n)
	if n != 0 {
		t.Fatal("a failed migration left a table behind")
	}
}

func TestMigrationNamesMustBeNumberedWithoutGaps(t *testing.T) {
	for name, files := range map[string][]string{
		"gap":     {"0001_a.sql", "0003_c.sql"},
		"badname": {"0001_a.sql", "second.sql"},
	} {
		fsys := fstest.MapFS{}
		for _, f := range files {
			fsys["migrations/"+f] = &fstest.MapFile{Data: []byte("SELECT 1;")}
		}
		if _, err := loadMigrations(fsys); err == nil {
			t.Errorf("%s: accepted %v", name, files)
		}
	}
}

// Many goroutines writing at once must never see "database is locked".
func TestConcurrentWritesDoNotFailWithBusy(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	u, err := s.CreateUser(ctx, "w@example.com", "W", "h", false)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				ws, err := s.CreateWorkspace(ctx, fmt.Sprintf("ws %d-%d", g, i), u.ID)
				if err != nil {
					errs <- err
					continue
				}
				if _, err := s.WorkspaceForUser(ctx, ws.ID, u.ID); err != nil {
					errs <- err
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	wss, _ := s.WorkspacesForUser(ctx, u.ID)
	if len(wss) != 200 {
		t.Fatalf("got %d workspaces, want 200", len(wss))
	}
}

func TestBackupWhileWriting(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	u, _ := s.CreateUser(ctx, "b@example.com", "B", "h", true)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 50; i++ {
			s.CreateWorkspace(ctx, fmt.Sprint("w", i), u.ID)
		}
	}()
	dest := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, dest); err != nil {
		t.Fatal(err)
	}
	<-done
	// Password hashes and sealed credentials: for the owner's eyes only.
	if st, err := os.Stat(dest); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	b, err := Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.Ready(ctx); err != nil {
		t.Fatalf("backup is not a ready database: %v", err)
	}
	if got, err := b.UserByEmail(ctx, "b@example.com"); err != nil || got.ID != u.ID {
		t.Fatalf("backup lacks the user: %v", err)
	}
	if err := s.Backup(ctx, dest); err == nil {
		t.Fatal("backup over an existing file must fail")
	}
}

func TestSetupFirstAdminOnlyOnce(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for i := 0; i < 5; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, _, err := s.SetupFirstAdmin(ctx, fmt.Sprintf("a%d@example.com", i), "A", "h", "WS")
			if err == nil {
				mu.Lock()
				wins++
				mu.Unlock()
			} else if !errors.Is(err, ErrConflict) {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if wins != 1 {
		t.Fatalf("%d setups succeeded, want exactly 1", wins)
	}
}

func TestEmailIsCaseInsensitiveAndUnique(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, "Mix@Example.com", "M", "h", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, "mix@example.COM", "M2", "h", false); !errors.Is(err, ErrConflict) {
		t.Fatalf("want ErrConflict, got %v", err)
	}
	if u, err := s.UserByEmail(ctx, "MIX@EXAMPLE.COM"); err != nil || u.Name != "M" {
		t.Fatalf("lookup: %v", err)
	}
}

func TestLastAdminIsKept(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	a, _ := s.CreateUser(ctx, "a@example.com", "A", "h", false)
	b, _ := s.CreateUser(ctx, "b@example.com", "B", "h", false)
	ws, _ := s.CreateWorkspace(ctx, "W", a.ID)
	if _, err := s.SetMemberRole(ctx, ws.ID, a.ID, RoleViewer); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("demote last admin: %v", err)
	}
	if err := s.RemoveMember(ctx, ws.ID, a.ID); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("remove last admin: %v", err)
	}
	if _, err := s.AddMember(ctx, ws.ID, b.ID, RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMember(ctx, ws.ID, b.ID, RoleViewer); !errors.Is(err, ErrConflict) {
		t.Fatalf("double add: %v", err)
	}
	if _, err := s.SetMemberRole(ctx, ws.ID, a.ID, RoleViewer); err != nil {
		t.Fatalf("demote with another admin present: %v", err)
	}
	if err := s.RemoveMember(ctx, ws.ID, b.ID); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("b is now the last admin: %v", err)
	}
	if err := s.RemoveMember(ctx, ws.ID, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WorkspaceForUser(ctx, ws.ID, a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removed member still sees workspace: %v", err)
	}
}

func TestSessionsExpireAndPasswordChangeEndsOthers(t *testing.T) {
	s := migrated(t)
	ctx := context.Background()
	now := time.Unix(1_800_000_000, 0)
	s.SetClock(func() time.Time { return now })
	u, _ := s.CreateUser(ctx, "s@example.com", "S", "h", false)
	s.CreateSession(ctx, u.ID, []byte("t1"), "c1", "ua", "1.2.3.4", 2*time.Hour)
	s2, _ := s.CreateSession(ctx, u.ID, []byte("t2"), "c2", "ua", "1.2.3.4", 2*time.Hour)
	if _, err := s.SessionByTokenHash(ctx, []byte("t1"), time.Hour); err != nil {
		t.Fatal(err)
	}
	now = now.Add(61 * time.Minute) // idle too long
	if _, err := s.SessionByTokenHash(ctx, []byte("t1"), time.Hour); !errors.Is(err, ErrNotFound) {
		t.Fatalf("idle session still valid: %v", err)
	}
	s.TouchSession(ctx, s2.ID)
	now = now.Add(30 * time.Minute)
	if _, err := s.SessionByTokenHash(ctx, []byte("t2"), time.Hour); err != nil {
		t.Fatalf("touched session expired: %v", err)
	}
	now = now.Add(40 * time.Minute) // past the 2 h absolute expiry
	s.TouchSession(ctx, s2.ID)
	if _, err := s.SessionByTokenHash(ctx, []byte("t2"), time.Hour); !errors.Is(err, ErrNotFound) {
		t.Fatalf("session past expires_at still valid: %v", err)
	}
	n, err := s.DeleteExpiredSessions(ctx, time.Hour)
	if err != nil || n != 2 {
		t.Fatalf("deleted %d, err %v", n, err)
	}
	k1, _ := s.CreateSession(ctx, u.ID, []byte("k1"), "c", "", "", time.Hour)
	s.CreateSession(ctx, u.ID, []byte("k2"), "c", "", "", time.Hour)
	if err := s.SetPassword(ctx, u.ID, "new", k1.ID); err != nil {
		t.Fatal(err)
	}
	left, _ := s.SessionsForUser(ctx, u.ID)
	if len(left) != 1 || left[0].ID != k1.ID {
		t.Fatalf("after password change sessions are %+v", left)
	}
}
