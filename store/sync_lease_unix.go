//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// leasesHeld tells StartSyncRun that a lease it gets proves every earlier
// "running" run of the connection lost its process.
const leasesHeld = true

// syncLease is the right to run a connection's sync: an exclusive flock
// on a small file next to the database, held for the length of the run.
// The kernel drops it when its process exits, however it exits, so a
// run left "running" by a process killed with SIGKILL can be taken over
// at once, while a live holder (this process or another, such as the CLI)
// is never overridden however slow its heartbeat.
type syncLease struct{ f *os.File }

// acquireSyncLease takes the connection's lease, or returns ok=false when a
// live process holds it.
func (s *Store) acquireSyncLease(connectionID int64) (lease *syncLease, ok bool, err error) {
	dir := filepath.Join(filepath.Dir(s.path), "sync-leases")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("store: unable to create the sync lease directory: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, strconv.FormatInt(connectionID, 10)), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, false, fmt.Errorf("store: unable to open the sync lease: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("store: unable to take the sync lease: %w", err)
	}
	return &syncLease{f: f}, true, nil
}

// release gives the lease up (closing the file drops the lock).
func (l *syncLease) release() {
	if l != nil && l.f != nil {
		l.f.Close()
	}
}
