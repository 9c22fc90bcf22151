// Package store keeps everything hireloop knows in one SQLite file.
//
// Writes go through a single connection so SQLite never has two writers
// fighting for the lock ("database is locked" under load); reads use a pool
// of connections that see WAL snapshots and never block the writer. Every
// query that touches workspace data takes the workspace id, so one client's
// data can never leak into another client's screens.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite" // registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound is returned when a row does not exist (or belongs to another workspace).
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a unique constraint would be violated.
var ErrConflict = errors.New("store: already exists")

// Store is the database handle shared by the whole app.
type Store struct {
	w    *sql.DB // exactly one connection: the only writer
	r    *sql.DB // read pool
	path string
	// clock replaces time.Now in tests; atomic because background workers
	// read it while a test moves it.
	clock atomic.Pointer[func() time.Time]
	// leases are the sync leases this process holds, by run id (see
	// StartSyncRun).
	leases sync.Map
}

// dsn builds the connection string. Pragmas live in the DSN, not in Exec
// calls, because the driver runs them on every new pooled connection, while a
// "PRAGMA x" statement would change only the one connection that ran it.
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	// busy_timeout first: the driver applies it before the others, so even
	// switching to WAL waits for a lock instead of failing at once.
	q.Add("_pragma", "busy_timeout(10000)")
	// WAL lets readers run while the writer commits, and survives crashes.
	q.Add("_pragma", "journal_mode(WAL)")
	// SQLite ignores REFERENCES unless this is on, per connection.
	q.Add("_pragma", "foreign_keys(1)")
	// NORMAL is durable across application crashes in WAL mode and only
	// risks the last commits on power loss; FULL costs an fsync per commit.
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		// Belt and braces: a reader connection can never write by mistake.
		q.Add("_pragma", "query_only(1)")
	} else {
		// BEGIN IMMEDIATE takes the write lock up front, so a read-then-write
		// transaction never fails when it upgrades its lock.
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database file at path. It does not
// migrate; call Migrate.
func Open(path string) (*Store, error) {
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	// Touch the file through the writer first so it exists (and is in WAL
	// mode) before any read-only connection opens it.
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU()*2)
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &Store{w: w, r: r, path: path}, nil
}

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.r.Close(), s.w.Close())
}

// Path returns the database file path.
func (s *Store) Path() string { return s.path }

// Ping checks that both the reader and writer can reach the database.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.r.PingContext(ctx); err != nil {
		return err
	}
	return s.w.PingContext(ctx)
}

// SetClock replaces time.Now; tests use it to expire sessions.
func (s *Store) SetClock(now func() time.Time) { s.clock.Store(&now) }

// now is the store's notion of the current time (time.Now unless a test
// set a clock).
func (s *Store) now() time.Time {
	if c := s.clock.Load(); c != nil {
		return (*c)()
	}
	return time.Now()
}

func (s *Store) unix() int64 { return s.now().Unix() }

// Backup writes a consistent copy of the live database to dest with VACUUM
// INTO. It runs on a connection of its own (VACUUM INTO is refused on the
// query_only readers, and must not occupy the single writer): it reads one
// WAL snapshot and does not block writers while the app keeps serving.
//
// The copy holds password hashes, sealed credentials and candidates'
// answers, so it is readable by its owner only: dest is created empty
// with mode 0600 first (VACUUM INTO fills an empty file and keeps its
// mode; left to SQLite it would be 0644), which also refuses an existing
// file without a window in which another could appear.
func (s *Store) Backup(ctx context.Context, dest string) error {
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; choose a new file name", dest)
	}
	if err != nil {
		return fmt.Errorf("store: unable to back up: %w", err)
	}
	f.Close()
	db, err := sql.Open("sqlite", dsn(s.path, false))
	if err == nil {
		defer db.Close()
		_, err = db.ExecContext(ctx, "VACUUM INTO ?", dest)
	}
	if err == nil {
		err = os.Chmod(dest, 0o600) // in case a umask-free copy was written
	}
	if err != nil {
		os.Remove(dest)
		return fmt.Errorf("store: unable to back up to %s: %w", dest, err)
	}
	return nil
}

// tx runs fn in a write transaction.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

func fromUnix(v int64) time.Time { return time.Unix(v, 0).UTC() }

func fromNullUnix(v sql.NullInt64) *time.Time {
	if !v.Valid {
		return nil
	}
	t := fromUnix(v.Int64)
	return &t
}

// isUnique tells whether err is a UNIQUE or PRIMARY KEY constraint violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
