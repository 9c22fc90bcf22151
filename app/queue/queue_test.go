package queue

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestBackoffDoublesToAnHour(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute}
	for i, w := range want {
		if got := Backoff(0, i); got != w {
			t.Errorf("attempt %d: %s, want %s", i, got, w)
		}
	}
	if got := Backoff(0, 50); got != time.Hour {
		t.Errorf("late attempts: %s, want 1h", got)
	}
	if got := Backoff(20*time.Millisecond, 1); got != 40*time.Millisecond {
		t.Errorf("shortened base: %s", got)
	}
}

// Wakes fold into one while the worker is busy, and a wake makes the loop
// drain at once instead of at its next poll.
func TestLoopDrainsWhenWoken(t *testing.T) {
	w := NewWaker()
	w.Wake()
	w.Wake() // must not block
	var drains atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Loop(ctx, w, time.Hour, func(context.Context) { drains.Add(1) })
	}()
	deadline := time.Now().Add(5 * time.Second)
	for drains.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := drains.Load(); n != 2 {
		t.Fatalf("drains after one folded wake: %d, want 2 (the first pass and the wake)", n)
	}
	w.Wake()
	for drains.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if n := drains.Load(); n != 3 {
		t.Fatalf("drains: %d, want 3", n)
	}
}
