package ats

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// base is a realistic Unix time: X-RateLimit-Reset values below 10^9 are
// read as seconds from now.
const base = 1_800_000_000

// spend sends n requests at the limiter's clock, each answered 200 with
// the Remaining the server would count.
func spend(t *testing.T, l *Limiter, n, limit int, clock *time.Time) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	for i := range n {
		r, err := l.Wait(ctx) // the clock is frozen: a wait would never end
		if err != nil {
			t.Fatal(err)
		}
		l.ObserveSent(200, http.Header{"X-Ratelimit-Limit": {strconv.Itoa(limit)},
			"X-Ratelimit-Remaining": {strconv.Itoa(max(0, limit-1-i))}}, *clock)
		r.Done()
	}
}

// A server window three times the configured one (Greenhouse's stated
// 10 s against the 30 s some v3 notes report) is learned from the first
// 429's reset, so the next windows cost a wait, not a 429 each.
func TestLimiterLearnsALongerServerWindow(t *testing.T) {
	clock := time.Unix(base+5000, 0)
	l := NewLimiter(RateLimit{Requests: 5, Per: 10 * time.Second})
	l.now = func() time.Time { return clock }
	spend(t, l, 5, 5, &clock)
	// Our window frees the budget after 10 s; the server's ends at 30 s.
	clock = clock.Add(10 * time.Second)
	r, err := l.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	reset := time.Unix(base+5030, 0)
	l.ObserveSent(429, http.Header{"Retry-After": {"20"}, "X-Ratelimit-Reset": {strconv.FormatInt(reset.Unix(), 10)}}, clock)
	r.Done()
	if got := l.Limit(); got.Per != 30*time.Second || !l.Learned() {
		t.Fatalf("window = %v (learned %v), want 30s from the reset", got.Per, l.Learned())
	}
	if !l.pauseTil.Equal(reset) {
		t.Fatalf("paused until %v, want the reset %v", l.pauseTil, reset)
	}
	// The next window: the budget again at the reset (less the token the
	// 429 spent); ten seconds in, those requests still hold their tokens,
	// as they will for the whole server window, not our old 10 s.
	clock = reset
	spend(t, l, 4, 5, &clock)
	clock = reset.Add(10 * time.Second)
	l.mu.Lock()
	l.gc(clock)
	held := 0
	for _, tk := range l.tokens {
		if tk.doneAt.Equal(reset) {
			held++
		}
	}
	l.mu.Unlock()
	if held != 4 {
		t.Fatalf("10 s into the learned window %d of the 4 tokens are held", held)
	}
}

// A fixed window that began before our first request is seen short the
// first time; the next 429 lengthens it again.
func TestLimiterLearnsAFixedWindowInTwoSteps(t *testing.T) {
	clock := time.Unix(base+6005, 0) // the server's window began at 6000
	l := NewLimiter(RateLimit{Requests: 5, Per: 10 * time.Second})
	l.now = func() time.Time { return clock }
	spend(t, l, 5, 5, &clock)
	clock = clock.Add(10*time.Second + time.Millisecond)
	l.ObserveSent(429, http.Header{"X-Ratelimit-Reset": {strconv.FormatInt(base+6030, 10)}}, clock)
	if got := l.Limit().Per; got != 25*time.Second {
		t.Fatalf("first estimate %v, want 25s", got)
	}
	clock = time.Unix(base+6030, 0)
	spend(t, l, 4, 5, &clock) // the 429 holds one token until +25 s
	clock = time.Unix(base+6040, 0)
	r, err := l.Wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	l.ObserveSent(200, http.Header{"X-Ratelimit-Limit": {"5"}, "X-Ratelimit-Remaining": {"0"}}, clock)
	r.Done()
	clock = time.Unix(base+6055, 0)
	l.ObserveSent(429, http.Header{"Retry-After": {"5"}}, clock)
	if got := l.Limit().Per; got != 30*time.Second {
		t.Fatalf("second estimate %v, want 30s", got)
	}
}

// Not learned: a reset just past our window (jitter, or someone else on
// the key), a 429 before we sent a whole budget, or a reset minutes away.
func TestLimiterIgnoresSmallOrForeignResets(t *testing.T) {
	for name, tc := range map[string]struct {
		sent  int
		after time.Duration
		hdr   http.Header
	}{
		"jitter":        {5, 10 * time.Second, http.Header{"Retry-After": {"1"}}},
		"someone else":  {3, time.Second, http.Header{"Retry-After": {"25"}}},
		"a long outage": {5, 10 * time.Second, http.Header{"Retry-After": {"3600"}}},
	} {
		clock := time.Unix(base+7000, 0)
		l := NewLimiter(RateLimit{Requests: 5, Per: 10 * time.Second})
		l.now = func() time.Time { return clock }
		spend(t, l, tc.sent, 5, &clock)
		clock = clock.Add(tc.after)
		l.ObserveSent(429, tc.hdr, clock)
		if got := l.Limit().Per; got != 10*time.Second || l.Learned() {
			t.Errorf("%s: window became %v", name, got)
		}
	}
}

// Remaining 0 with a reset on a successful answer is the same signal
// without the 429.
func TestLimiterLearnsFromResetWithRemainingZero(t *testing.T) {
	clock := time.Unix(base+8000, 0)
	l := NewLimiter(RateLimit{Requests: 3, Per: 10 * time.Second})
	l.now = func() time.Time { return clock }
	for i := range 3 {
		h := http.Header{"X-Ratelimit-Limit": {"3"}, "X-Ratelimit-Remaining": {strconv.Itoa(2 - i)}}
		if i == 2 {
			h.Set("X-Ratelimit-Reset", strconv.FormatInt(base+8030, 10))
		}
		l.ObserveSent(200, h, clock)
	}
	if got := l.Limit().Per; got != 30*time.Second {
		t.Fatalf("window %v, want 30s", got)
	}
	if !l.pauseTil.Equal(time.Unix(base+8030, 0)) {
		t.Fatalf("paused until %v", l.pauseTil)
	}
}

func TestTokenTTL(t *testing.T) {
	now := time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in, at string
		want   time.Duration
	}{
		{`3600`, ``, time.Hour},
		{``, `"2026-09-01T12:20:00Z"`, 20 * time.Minute},
		{``, `"2026-09-01T12:20:00.000+00:00"`, 20 * time.Minute},
		{``, strconv.FormatInt(now.Add(30*time.Minute).Unix(), 10), 30 * time.Minute},
		{`3600`, `"2026-09-01T12:10:00Z"`, 10 * time.Minute}, // the earlier wins
		{``, `"2026-09-01T11:00:00Z"`, time.Second},          // already past: use once
		{`"x"`, `"soon"`, 45 * time.Minute},                  // unusable: the default
		{``, ``, 45 * time.Minute},
	} {
		var in, at []byte
		if tc.in != "" {
			in = []byte(tc.in)
		}
		if tc.at != "" {
			at = []byte(tc.at)
		}
		if got := tokenTTL(in, at, now, 45*time.Minute); got != tc.want {
			t.Errorf("expires_in %s, expires_at %s: ttl %v, want %v", tc.in, tc.at, got, tc.want)
		}
	}
}
