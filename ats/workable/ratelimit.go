package workable

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Workable's rate-limit reset header (workable.readme.io/reference/rate-limits);
// the shared limiter reads X-Rate-Limit-Limit and -Remaining itself.
const (
	hdrReset = "X-Rate-Limit-Reset"
)

// retryAfter derives the wait from a 429: Retry-After when present (not
// documented by Workable), else X-Rate-Limit-Reset read as a Unix
// timestamp in seconds (or, for small values, seconds from now); at least
// one second once a reset header is present.
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 && n < 1_000_000_000 {
			return time.Duration(n) * time.Second, true
		}
	}
	v := strings.TrimSpace(h.Get(hdrReset))
	if v == "" {
		v = strings.TrimSpace(h.Get("X-RateLimit-Reset"))
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false
	}
	var d time.Duration
	if n > 1_000_000_000 {
		d = time.Unix(n, 0).Sub(now)
	} else {
		d = time.Duration(n) * time.Second
	}
	if d <= 0 {
		// A 429 whose interval already turned over: wait a moment anyway.
		d = time.Second
	}
	return d, true
}
