// Package atstest holds what every connector's tests share: a kit for
// building vendor fakes (fault injection, a rolling-window rate limit,
// write recording) and the conformance suite Run that each connector runs
// against its fake, so a new connector is held to the same contract
// (paging, incremental sync, error mapping, write shapes, webhooks) as the
// existing ones.
package atstest

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// FaultKind is an injected failure; each fake renders it in its vendor's
// wire format (status, headers and error body).
type FaultKind int

// Fault kinds.
const (
	FaultServer       FaultKind = iota + 1 // 500 with the vendor's error body
	FaultUnauthorized                      // 401
	FaultNotFound                          // 404
	FaultInvalid                           // 422 (or the vendor's validation status)
	FaultRateLimited                       // 429 with Retry-After
	FaultMalformed                         // 200 with truncated JSON
)

// Fault is one injected failure.
type Fault struct {
	Kind    FaultKind
	Message string
	// RetryAfter for FaultRateLimited (default 1s).
	RetryAfter time.Duration
}

// RecordedRequest is a request a fake received, kept for assertions.
type RecordedRequest struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   []byte
	At     time.Time
}

// JSON decodes the recorded body into a map (tests only).
func (r RecordedRequest) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Decision is what Kit.Admit decided for a request.
type Decision struct {
	Body []byte
	// Throttled is set when the configured rate limit is exceeded;
	// RetryAt is when a request would be admitted again.
	Throttled bool
	RetryAt   time.Time
	// Fault is an injected failure to render, or nil.
	Fault *Fault
}

// Kit is embedded in vendor fakes. All methods are safe for concurrent use.
type Kit struct {
	mu         sync.Mutex
	faults     []Fault
	writes     []RecordedRequest
	requests   int
	throttled  int
	limit      int
	window     time.Duration
	hits       []time.Time
	notBefore  time.Time
	violations int
	extra      bool
}

// Admit records the request, enforces the rate limit and pops the next
// injected fault. Call it first in every fake handler.
func (k *Kit) Admit(r *http.Request) Decision {
	body, _ := io.ReadAll(r.Body)
	now := time.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.requests++
	if r.Method != http.MethodGet {
		k.writes = append(k.writes, RecordedRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
			Header: r.Header.Clone(), Body: body, At: now})
	}
	if !k.notBefore.IsZero() {
		if now.Before(k.notBefore) {
			k.violations++
		}
		k.notBefore = time.Time{}
	}
	d := Decision{Body: body}
	if k.limit > 0 {
		cut := now.Add(-k.window)
		i := 0
		for i < len(k.hits) && !k.hits[i].After(cut) {
			i++
		}
		k.hits = k.hits[i:]
		if len(k.hits) >= k.limit {
			k.throttled++
			d.Throttled = true
			d.RetryAt = k.hits[0].Add(k.window)
			k.notBefore = d.RetryAt
			return d
		}
		k.hits = append(k.hits, now)
	}
	if len(k.faults) > 0 {
		f := k.faults[0]
		k.faults = k.faults[1:]
		if f.Kind == FaultRateLimited {
			if f.RetryAfter <= 0 {
				f.RetryAfter = time.Second
			}
		}
		d.Fault = &f
	}
	return d
}

// MarkRetryAfter tells the kit the fake just answered 429 asking clients
// to wait until t; a request before t counts as a violation.
func (k *Kit) MarkRetryAfter(t time.Time) {
	k.mu.Lock()
	k.notBefore = t
	k.mu.Unlock()
}

// RetryAfter sets a 429's Retry-After header to the whole seconds until at
// (at least 1) and returns them, and marks the kit (MarkRetryAfter) 50 ms
// short of that wait, so timer jitter in a client that honours the header
// is not counted as a violation. Each fake writes its vendor's own 429
// body.
func (k *Kit) RetryAfter(w http.ResponseWriter, at time.Time) int64 {
	secs := max(1, int64(math.Ceil(time.Until(at).Seconds())))
	k.MarkRetryAfter(time.Now().Add(time.Duration(secs) * time.Second).Add(-50 * time.Millisecond))
	w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
	return secs
}

// Countdown fails a fake's next n requests of one kind, such as the
// look-ups a connector makes before a write: fakes serve those without
// Admit, so the conformance suite's injected faults reach the write
// itself, and tests of the look-up's own failures use a Countdown.
type Countdown struct {
	mu sync.Mutex
	n  int
}

// Set makes the next n calls of Take report true.
func (c *Countdown) Set(n int) { c.mu.Lock(); c.n = n; c.mu.Unlock() }

// Take reports whether this request should fail, using up one of n.
func (c *Countdown) Take() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n <= 0 {
		return false
	}
	c.n--
	return true
}

// Inject queues faults for the next requests, in order.
func (k *Kit) Inject(fs ...Fault) {
	k.mu.Lock()
	k.faults = append(k.faults, fs...)
	k.mu.Unlock()
}

// SetRateLimit enforces limit requests per rolling window (0 disables).
func (k *Kit) SetRateLimit(limit int, window time.Duration) {
	k.mu.Lock()
	k.limit, k.window, k.hits = limit, window, nil
	k.mu.Unlock()
}

// RateLimit returns the configured limit.
func (k *Kit) RateLimit() (int, time.Duration) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.limit, k.window
}

// Remaining is the budget left in the current rolling window.
func (k *Kit) Remaining() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.limit == 0 {
		return 0
	}
	return max(0, k.limit-len(k.hits))
}

// SetExtraFields makes fakes add unknown fields to every object.
func (k *Kit) SetExtraFields(on bool) { k.mu.Lock(); k.extra = on; k.mu.Unlock() }

// ExtraFields reports whether unknown fields are on.
func (k *Kit) ExtraFields() bool { k.mu.Lock(); defer k.mu.Unlock(); return k.extra }

// Requests is the number of requests received.
func (k *Kit) Requests() int { k.mu.Lock(); defer k.mu.Unlock(); return k.requests }

// Throttled is the number of 429s sent because of the rate limit (not
// counting injected faults).
func (k *Kit) Throttled() int { k.mu.Lock(); defer k.mu.Unlock(); return k.throttled }

// RetryAfterViolations counts requests that arrived before a 429's
// Retry-After instant.
func (k *Kit) RetryAfterViolations() int { k.mu.Lock(); defer k.mu.Unlock(); return k.violations }

// Writes returns the non-GET requests received.
func (k *Kit) Writes() []RecordedRequest {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]RecordedRequest(nil), k.writes...)
}

// ResetWrites forgets recorded writes.
func (k *Kit) ResetWrites() { k.mu.Lock(); k.writes = nil; k.mu.Unlock() }

// Filter returns the rows keep accepts, in order, in a new slice (fakes
// filter their seeded rows per request and must not disturb them).
func Filter[T any](rows []T, keep func(T) bool) []T {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// WithExtraFields adds an unknown nested field to every JSON object in v
// (marshalled); used by fakes when ExtraFields is on.
func WithExtraFields(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		return nil, err
	}
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case map[string]any:
			for _, v := range t {
				walk(v)
			}
			t["x_hireloop_unknown_field"] = map[string]any{"nested": []any{1, "two", nil}}
		case []any:
			for _, v := range t {
				walk(v)
			}
		}
	}
	walk(generic)
	return json.Marshal(generic)
}

// Encode marshals v for a fake's response, adding an unknown field to
// every object when ExtraFields is on so connectors are held to ignoring
// what vendors add.
func (k *Kit) Encode(v any) ([]byte, error) {
	if k.ExtraFields() {
		return WithExtraFields(v)
	}
	return json.Marshal(v)
}

// WriteJSON writes v (see Encode) as an application/json response with
// status. When v cannot be encoded nothing is written and the error is
// returned, for the fake to answer in its vendor's error format.
func (k *Kit) WriteJSON(w http.ResponseWriter, status int, v any) error {
	b, err := k.Encode(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
	return nil
}

// WritePlainJSON writes v as an application/json response with status, as
// it is (no unknown fields): for error bodies and other fixed shapes.
func WritePlainJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
