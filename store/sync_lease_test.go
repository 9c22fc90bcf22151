//go:build unix

package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// leaseChildEnv makes the test binary a process that starts a sync run
// and then hangs, to be killed with SIGKILL mid-sync.
const leaseChildEnv = "HIRELOOP_TEST_SYNC_LEASE_CHILD"

func TestMain(m *testing.M) {
	if spec := os.Getenv(leaseChildEnv); spec != "" {
		var path string
		var ws, conn int64
		fmt.Sscanf(spec, "%d %d %s", &ws, &conn, &path)
		s, err := Open(path)
		if err == nil {
			var run *SyncRun
			if run, err = s.StartSyncRun(context.Background(), ws, conn, "full", "cli"); err == nil {
				fmt.Println("running", run.ID)
				time.Sleep(time.Minute)
			}
		}
		fmt.Println("error", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// A process killed with SIGKILL in the middle of a sync leaves its run
// "running". While it lives, nobody else may start a sync of the
// connection, however old its heartbeat; once it is gone, the next start
// takes over at once (not after StaleSyncAfter), and a starting server
// closes the run as interrupted by the restart.
func TestSyncRunLeaseIsTakenOverWhenItsProcessDies(t *testing.T) {
	s, c := webhookFixture(t, time.Now())
	ctx := context.Background()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), fmt.Sprintf("%s=%d %d %s", leaseChildEnv, c.WorkspaceID, c.ID, s.Path()))
	out, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Process.Kill(); child.Wait() })
	line, _ := bufio.NewReader(out).ReadString('\n')
	var runID int64
	if _, err := fmt.Sscanf(line, "running %d", &runID); err != nil {
		t.Fatalf("child: %q", line)
	}

	// Alive, even with a heartbeat long stale: not overridden.
	s.SetClock(func() time.Time { return time.Now().Add(time.Hour) })
	if _, err := s.StartSyncRun(ctx, c.WorkspaceID, c.ID, "incremental", "manual"); !errors.Is(err, ErrSyncRunning) {
		t.Fatalf("start while the holder lives: %v, want ErrSyncRunning", err)
	}
	if n, err := s.CloseInterruptedSyncRuns(ctx); err != nil || n != 0 {
		t.Fatalf("startup sweep closed %d runs of a live process (%v)", n, err)
	}
	s.SetClock(time.Now)

	// kill -9 mid-sync.
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	child.Wait()
	if n, err := s.CloseInterruptedSyncRuns(ctx); err != nil || n != 1 {
		t.Fatalf("startup sweep closed %d runs (%v), want the killed one", n, err)
	}
	old, err := s.SyncRunByID(ctx, c.WorkspaceID, runID)
	if err != nil || old.Status != "failed" || !strings.Contains(old.Error, "interrupted by a restart") || old.FinishedAt == nil {
		t.Fatalf("killed run after the sweep: %+v (%v)", old, err)
	}
	run, err := s.StartSyncRun(ctx, c.WorkspaceID, c.ID, "incremental", "manual")
	if err != nil {
		t.Fatalf("start right after the holder died: %v", err)
	}
	run.Status = "succeeded"
	if err := s.FinishSyncRun(ctx, run); err != nil {
		t.Fatal(err)
	}
	// Finishing gives the lease back.
	if _, err := s.StartSyncRun(ctx, c.WorkspaceID, c.ID, "incremental", "manual"); err != nil {
		t.Fatalf("start after a finished run: %v", err)
	}
}

// Without the startup sweep (a CLI sync after the crash), the next start
// itself closes the dead process's run and goes ahead at once.
func TestSyncRunOfADeadProcessDoesNotBlockTheNextStart(t *testing.T) {
	s, c := webhookFixture(t, time.Now())
	ctx := context.Background()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), fmt.Sprintf("%s=%d %d %s", leaseChildEnv, c.WorkspaceID, c.ID, s.Path()))
	out, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	var runID int64
	if _, err := fmt.Sscanf(line, "running %d", &runID); err != nil {
		child.Process.Kill()
		t.Fatalf("child: %q", line)
	}
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	if _, err := s.StartSyncRun(ctx, c.WorkspaceID, c.ID, "incremental", "cli"); err != nil {
		t.Fatalf("start after kill -9: %v", err)
	}
	old, _ := s.SyncRunByID(ctx, c.WorkspaceID, runID)
	if old.Status != "failed" || !strings.Contains(old.Error, "interrupted") {
		t.Fatalf("killed run: %+v", old)
	}
}
