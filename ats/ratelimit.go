package ats

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limiter is a per-connection token bucket whose tokens regenerate one
// window after the request that spent them completed.
//
// Why not a classic constant-refill bucket: vendors state budgets as "N
// requests per W" (Greenhouse: X-RateLimit-Limit per 10 s), often enforced
// as a rolling window. A bucket with burst N and refill N/W lets through up
// to 2N requests in one rolling window (a full burst, then refills), so a
// sync would hit 429s every cycle; a bucket with a small burst wastes
// budget. Regenerating each token W after its response arrived is exactly
// compliant with both rolling and fixed windows (the server saw the request
// no later than we saw its answer) and still uses the whole budget.
//
// The bucket is corrected by response headers: X-RateLimit-Limit resizes
// it, X-RateLimit-Remaining lower than our own count (someone else shares
// the key) marks tokens spent, and Retry-After / X-RateLimit-Reset on a 429
// pause every request until then.
//
// The window itself is learned from the server when it is longer than
// the one configured: vendors state the count in a header but not the
// window (Greenhouse: X-RateLimit-Limit "per 10 seconds" in the v1 docs;
// some Harvest v3 notes report a 30 s window), and only a 429's
// Retry-After / X-RateLimit-Reset, or a Reset sent with Remaining 0, says
// when the server's window really ends. When that instant is well past
// the moment our own window would have freed the oldest of the last
// Limit requests, the window becomes "reset − that request's send time",
// so a longer server window costs one wait per window instead of one 429
// per window (see learnWindow).
type Limiter struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	tokens []*token // spent tokens, in-flight or regenerating
	// expired are the regeneration instants of tokens gc dropped lately:
	// a response read after them still reports them as spent when the
	// server counted them at the request's arrival (see ObserveSent).
	expired  []time.Time
	pauseTil time.Time
	// ceiling caps what X-RateLimit-Limit may raise the budget to when the
	// operator set an explicit override (to leave room for other
	// integrations sharing the key); 0 means no cap.
	ceiling int
	now     func() time.Time
	waited  time.Duration
	// counted holds the send instants of recent requests the server
	// counted (answered with anything but 429), oldest first, for
	// learnWindow; at most maxCounted.
	counted []time.Time
	// learned is set once the window was lengthened from the server's
	// reset instant.
	learned bool
}

// maxCounted bounds Limiter.counted; budgets above it are not learned
// from (no vendor of ours states one that large per window).
const maxCounted = 1000

// maxLearnedWindow bounds a learned window: a reset further away than this
// is a pause (Retry-After is still honoured), not a window.
const maxLearnedWindow = 5 * time.Minute

type token struct {
	doneAt   time.Time // zero while in flight
	inFlight bool
}

// NewLimiter returns a limiter for limit requests per window. A zero
// budget returns nil, and a nil *Limiter never blocks.
func NewLimiter(r RateLimit) *Limiter {
	if r.IsZero() {
		return nil
	}
	return &Limiter{limit: r.Requests, window: r.Per, now: time.Now}
}

// Reservation must be completed with Done once the response arrived (or
// the attempt failed), so the token starts regenerating.
type Reservation struct {
	l *Limiter
	t *token
}

// Done marks the request finished.
func (r Reservation) Done() {
	if r.l == nil {
		return
	}
	r.l.mu.Lock()
	r.t.inFlight = false
	r.t.doneAt = r.l.now()
	r.l.mu.Unlock()
}

// Wait blocks until a token is free (or ctx ends) and reserves it.
func (l *Limiter) Wait(ctx context.Context) (Reservation, error) {
	if l == nil {
		return Reservation{}, nil
	}
	start := time.Now()
	for {
		l.mu.Lock()
		now := l.now()
		l.gc(now)
		var wait time.Duration
		switch {
		case now.Before(l.pauseTil):
			wait = l.pauseTil.Sub(now)
		case len(l.tokens) < l.limit:
			t := &token{inFlight: true}
			l.tokens = append(l.tokens, t)
			if d := time.Since(start); d > 0 {
				l.waited += d
			}
			l.mu.Unlock()
			return Reservation{l: l, t: t}, nil
		default:
			wait = l.nextFree(now)
		}
		l.mu.Unlock()
		if wait <= 0 {
			wait = time.Millisecond
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return Reservation{}, ctx.Err()
		case <-timer.C:
		}
	}
}

// expiredKeep bounds how long gc remembers regenerated tokens: longer
// than any request may take (the default timeout is 60 s).
const expiredKeep = 2 * time.Minute

// gc drops tokens whose window has passed. Callers hold mu.
func (l *Limiter) gc(now time.Time) {
	keptExp := l.expired[:0]
	for _, e := range l.expired {
		if now.Sub(e) < expiredKeep {
			keptExp = append(keptExp, e)
		}
	}
	l.expired = keptExp
	kept := l.tokens[:0]
	for _, t := range l.tokens {
		if t.inFlight || now.Sub(t.doneAt) < l.window {
			kept = append(kept, t)
		} else {
			l.expired = append(l.expired, t.doneAt.Add(l.window))
		}
	}
	for i := len(kept); i < len(l.tokens); i++ {
		l.tokens[i] = nil
	}
	l.tokens = kept
}

// nextFree is how long until the oldest completed token regenerates; when
// all are in flight it polls shortly. Callers hold mu.
func (l *Limiter) nextFree(now time.Time) time.Duration {
	best := time.Duration(-1)
	for _, t := range l.tokens {
		if t.inFlight {
			continue
		}
		d := t.doneAt.Add(l.window).Sub(now)
		if best < 0 || d < best {
			best = d
		}
	}
	if best < 0 {
		return 10 * time.Millisecond
	}
	return best + time.Millisecond
}

// Rate-limit header spellings, most common first: X-RateLimit-* (GitHub
// style: Greenhouse, SmartRecruiters), X-Rate-Limit-* (Workable,
// Teamtailor) and the IETF draft's RateLimit-*.
var (
	limitHeaders     = []string{"X-RateLimit-Limit", "X-Rate-Limit-Limit", "RateLimit-Limit"}
	remainingHeaders = []string{"X-RateLimit-Remaining", "X-Rate-Limit-Remaining", "RateLimit-Remaining"}
	resetHeaders     = []string{"X-RateLimit-Reset", "X-Rate-Limit-Reset", "RateLimit-Reset"}
)

// header returns the first non-empty value among names.
func header(h http.Header, names []string) string {
	for _, n := range names {
		if v := h.Get(n); v != "" {
			return v
		}
	}
	return ""
}

// Observe corrects the bucket from response headers of a request sent
// just now; see ObserveSent.
func (l *Limiter) Observe(status int, h http.Header) {
	if l == nil {
		return
	}
	l.ObserveSent(status, h, l.now())
}

// ObserveSent corrects the bucket from the response headers of a request
// sent at sent. A 429, or a 503 that carries Retry-After (BambooHR's
// former throttling answer), pauses every request of the connection until
// the vendor's time.
//
// X-RateLimit-Remaining was counted when the request arrived, while our
// own count is read when the response is: tokens that regenerated in
// between are spent for the server but free for us. They are counted back
// (from expired) before the difference is charged to someone else sharing
// the key, or a paced sync would lose those tokens for a whole window on
// every response (Workable's paced sync lost about 13%).
func (l *Limiter) ObserveSent(status int, h http.Header, sent time.Time) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if sent.After(now) {
		sent = now
	}
	if v, err := strconv.Atoi(strings.TrimSpace(header(h, limitHeaders))); err == nil && v > 0 {
		if l.ceiling > 0 && v > l.ceiling {
			v = l.ceiling
		}
		l.limit = v
	}
	if v, err := strconv.Atoi(strings.TrimSpace(header(h, remainingHeaders))); err == nil && v >= 0 {
		l.gc(now)
		spent := len(l.tokens)
		for _, e := range l.expired {
			if e.After(sent) {
				spent++
			}
		}
		if avail := l.limit - spent; v < avail {
			// Someone else's requests: the server counted them before
			// ours arrived, so they regenerate a window after sent at
			// the latest.
			for range avail - v {
				l.tokens = append(l.tokens, &token{doneAt: sent})
			}
		}
		if v == 0 {
			if reset, ok := parseResetHeader(header(h, resetHeaders), now); ok && reset.After(l.pauseTil) {
				l.pauseTil = reset
			}
		}
	}
	ra, hasRA := ParseRetryAfter(h.Get("Retry-After"), now)
	throttled := status == http.StatusTooManyRequests || (status == http.StatusServiceUnavailable && hasRA)
	if !throttled {
		l.counted = append(l.counted, sent)
		if over := len(l.counted) - maxCounted; over > 0 {
			l.counted = append(l.counted[:0], l.counted[over:]...)
		}
	}
	remaining, remErr := strconv.Atoi(strings.TrimSpace(header(h, remainingHeaders)))
	if !throttled && remErr == nil && remaining == 0 {
		if reset, ok := parseResetHeader(header(h, resetHeaders), now); ok {
			l.learnWindow(reset)
		}
	}
	if throttled {
		until, known := now.Add(time.Second), false
		if hasRA {
			until, known = now.Add(ra), true
		}
		// Greenhouse sends both: X-RateLimit-Reset (a timestamp) and
		// Retry-After (seconds); the later of the two is when the server
		// counts again.
		if reset, ok := parseResetHeader(header(h, resetHeaders), now); ok && (!known || reset.After(until)) {
			until, known = reset, true
		}
		if until.After(l.pauseTil) {
			l.pauseTil = until
		}
		if known && status == http.StatusTooManyRequests {
			l.learnWindow(until)
		}
	}
}

// learnWindow lengthens the window when the server says its window ends
// at reset, after our window would have let the oldest of the last Limit
// counted requests go again. That request is the first of the server's
// current budget (whether its window is rolling or fixed), so the
// server's window is at least reset minus its send time. Reset instants
// are whole seconds rounded up, which leaves the estimate a little long
// rather than short. The first lengthening must be by more than a fifth
// (a 429 caused by someone else sharing the key, or timer jitter, is not a
// window); after that any longer estimate is taken, since a fixed window
// that began before our first request is only seen in full one window
// later. The window never shrinks. Callers hold mu.
func (l *Limiter) learnWindow(reset time.Time) {
	if l.limit <= 0 || len(l.counted) < l.limit {
		return // fewer requests of ours than the budget: someone else's
	}
	oldest := l.counted[len(l.counted)-l.limit]
	est := reset.Sub(oldest)
	if rem := est % (10 * time.Millisecond); rem != 0 {
		est += 10*time.Millisecond - rem
	}
	threshold := l.window + l.window/5
	if l.learned {
		threshold = l.window
	}
	if est > maxLearnedWindow || est <= threshold {
		return
	}
	l.window = est
	l.learned = true
}

// Learned reports whether the window was lengthened from the server's
// reset instants (see learnWindow).
func (l *Limiter) Learned() bool {
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.learned
}

// Waited is the total time requests spent blocked in Wait.
func (l *Limiter) Waited() time.Duration {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.waited
}

// Limit returns the current budget.
func (l *Limiter) Limit() RateLimit {
	if l == nil {
		return RateLimit{}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return RateLimit{Requests: l.limit, Per: l.window}
}

// ParseRetryAfter parses a Retry-After value relative to now. It accepts
// delta-seconds (RFC 9110), an HTTP-date, and a Unix timestamp in seconds,
// because Greenhouse documents the 429 Retry-After as "an Epoch / Unix
// timestamp" while the HTTP standard (and most vendors) send seconds.
// Values above 10^9 cannot be a sane delay and are read as timestamps.
func ParseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		if n > 1_000_000_000 {
			d := time.Unix(n, 0).Sub(now)
			if d < 0 {
				d = 0
			}
			return d, true
		}
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := t.Sub(now)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

// parseResetHeader reads X-RateLimit-Reset as a Unix timestamp (seconds)
// or, for small values, seconds from now.
func parseResetHeader(v string, now time.Time) (time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, false
	}
	if n > 1_000_000_000 {
		return time.Unix(n, 0), true
	}
	return now.Add(time.Duration(n) * time.Second), true
}
