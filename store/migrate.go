package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Migrations are plain numbered SQL files embedded in the binary, so an
// upgrade is "replace the binary and start it". Each file runs in its own
// transaction together with the row that records it: a failed step leaves
// the database exactly at the previous version.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one numbered step.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ErrNewerSchema means the file was written by a newer hireloop.
type ErrNewerSchema struct{ DB, Known int }

func (e *ErrNewerSchema) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this hireloop understands (%d); run a newer hireloop or restore a backup", e.DB, e.Known)
}

// Migrations lists the embedded steps in order.
func Migrations() ([]Migration, error) { return loadMigrations(migrationFS) }

// loadMigrations reads migrations/NNNN_name.sql from fsys; tests pass
// their own file systems to exercise upgrades with data in place.
func loadMigrations(fsys fs.FS) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("store: migration file %q must be named NNNN_description.sql", name)
		}
		b, err := fs.ReadFile(fsys, "migrations/"+name)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: rest, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			return nil, fmt.Errorf("store: migrations must be numbered 1..n without gaps; found %d at position %d", m.Version, i+1)
		}
	}
	return out, nil
}

// LatestVersion is the schema version this binary migrates to.
func LatestVersion() int {
	ms, err := Migrations()
	if err != nil {
		return 0
	}
	return len(ms)
}

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
)`

// SchemaVersion returns the highest applied migration (0 for a new file).
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var exists int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE type='table' AND name='schema_migrations'`).Scan(&exists); err != nil {
		return 0, fmt.Errorf("store: unable to read schema version: %w", err)
	}
	if exists == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("store: unable to read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// Migrate applies every pending migration and returns the versions applied.
// It refuses to touch a database written by a newer binary.
func (s *Store) Migrate(ctx context.Context) ([]int, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	return s.migrate(ctx, ms, len(ms))
}

// migrate applies ms up to and including version target.
func (s *Store) migrate(ctx context.Context, ms []Migration, target int) ([]int, error) {
	if _, err := s.w.ExecContext(ctx, createMigrationsTable); err != nil {
		return nil, fmt.Errorf("store: unable to create schema_migrations: %w", err)
	}
	cur, err := s.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if cur > len(ms) {
		return nil, &ErrNewerSchema{DB: cur, Known: len(ms)}
	}
	if target < cur {
		return nil, fmt.Errorf("store: cannot migrate down from %d to %d", cur, target)
	}
	var applied []int
	for _, m := range ms[cur:target] {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, s.unix())
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("store: migration %04d_%s failed: %w", m.Version, m.Name, err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// Ready reports whether the database answers and is fully migrated; /readyz uses it.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.Ping(ctx); err != nil {
		return err
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	if want := LatestVersion(); v != want {
		return fmt.Errorf("schema version %d, want %d", v, want)
	}
	return nil
}

// ForceSchemaVersionForTest records a schema version without running
// anything, to simulate a database written by a newer release.
func (s *Store) ForceSchemaVersionForTest(ctx context.Context, v int) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'from_the_future', ?)`, v, s.unix())
	return err
}
