// Package queue holds the shape every queue worker shares (the email
// outbox, scoring, the ATS write-back): drain what is due, then sleep until
// woken or until the next poll, with exponential backoff between attempts.
package queue

import (
	"context"
	"sync"
	"time"
)

// Waker lets producers tell a worker there is new work, without blocking:
// wakes while the worker is busy fold into one.
type Waker chan struct{}

// NewWaker makes a Waker.
func NewWaker() Waker { return make(Waker, 1) }

// Wake makes the worker look at its queue now instead of at its next poll.
func (w Waker) Wake() {
	select {
	case w <- struct{}{}:
	default:
	}
}

// Loop runs drain, then again when woken or after every interval, until
// ctx ends.
func Loop(ctx context.Context, wake Waker, every time.Duration, drain func(context.Context)) {
	for {
		drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-time.After(every):
		}
	}
}

// Backoff is the wait before retry attempt of a job: base (30 s when 0)
// doubling to an hour.
func Backoff(base time.Duration, attempt int) time.Duration {
	if base == 0 {
		base = 30 * time.Second
	}
	return min(base<<min(attempt, 7), time.Hour)
}

// Go runs f on a goroutine that wg counts, so a worker's Wait covers it.
func Go(wg *sync.WaitGroup, f func()) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		f()
	}()
}
