package api

import (
	"errors"
	"strings"
	"sync"
	"time"
)

// loginLimiter counts failed logins in a sliding window, three ways:
// per IP (one address spraying many accounts), per account and IP (one
// address guessing one password: a low limit), and per account from
// anywhere (distributed guessing: a higher limit, so that a stranger who
// knows an email cannot lock its owner out with a handful of attempts).
// It lives in memory: one process serves the instance, and a restart
// forgiving old failures is acceptable.
type loginLimiter struct {
	mu     sync.Mutex
	limits *LoginLimits
	fails  map[string][]time.Time
}

// LoginLimits bound failed sign-ins in a sliding Window: PerIP from one
// address, PerAccountIP for one account from one address, PerAccount for
// one account from anywhere. Now is the limiter's clock.
type LoginLimits struct {
	Window                          time.Duration
	PerIP, PerAccountIP, PerAccount int
	Now                             func() time.Time
}

// DefaultLoginLimits are the limits a server uses.
func DefaultLoginLimits() LoginLimits {
	return LoginLimits{Window: 15 * time.Minute, PerIP: 20, PerAccountIP: 5, PerAccount: 30, Now: time.Now}
}

func newLoginLimiter(limits *LoginLimits) *loginLimiter {
	if limits == nil {
		d := DefaultLoginLimits()
		limits = &d
	}
	return &loginLimiter{limits: limits, fails: map[string][]time.Time{}}
}

func limiterKeys(ip, account string) (ipKey, acctIPKey, acctKey string) {
	a := strings.ToLower(account)
	return "ip:" + ip, "acctip:" + a + "|" + ip, "acct:" + a
}

var errTooManyAttempts = errors.New("too many failed sign-in attempts")

func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.limits.Window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = ts
	}
	return ts
}

// allow reports whether a login attempt may proceed, and if not, how long
// until it may.
func (l *loginLimiter) allow(ip, account string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.limits.Now()
	var wait time.Duration
	check := func(key string, limit int) {
		ts := l.recent(key, now)
		if len(ts) >= limit {
			if w := l.limits.Window - now.Sub(ts[len(ts)-limit]); w > wait {
				wait = w
			}
		}
	}
	ipKey, acctIPKey, acctKey := limiterKeys(ip, account)
	check(ipKey, l.limits.PerIP)
	check(acctIPKey, l.limits.PerAccountIP)
	check(acctKey, l.limits.PerAccount)
	return wait, wait == 0
}

func (l *loginLimiter) fail(ip, account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.limits.Now()
	ipKey, acctIPKey, acctKey := limiterKeys(ip, account)
	for _, k := range []string{ipKey, acctIPKey, acctKey} {
		l.fails[k] = append(l.recent(k, now), now)
	}
}

// succeed forgets the account's failures from this IP (not the IP's own
// count: one good password must not reset a sweep across many accounts,
// nor the account-wide count of a distributed attack).
func (l *loginLimiter) succeed(ip, account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, acctIPKey, _ := limiterKeys(ip, account)
	delete(l.fails, acctIPKey)
}

// sweep drops stale entries so the map cannot grow without bound.
func (l *loginLimiter) sweep() {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.limits.Now()
	for k := range l.fails {
		l.recent(k, now)
	}
}
