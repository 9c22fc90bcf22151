package app

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// Password hashing uses argon2id with OWASP's recommended minimum
// (19 MiB, 2 passes, 1 lane). The parameters are stored in the hash, so
// they can be raised later without breaking existing accounts.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	minPassword  = 10
	maxPassword  = 256
)

// HashPassword returns a PHC-formatted argon2id hash.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword compares pw with a hash from HashPassword in constant time.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the account does not exist, so a
// failed login takes as long whether or not the email is registered.
var dummyHash = func() string {
	h, _ := HashPassword("hireloop-dummy-password")
	return h
}()

// validatePassword returns a message for the user, or "".
func validatePassword(pw string) string {
	switch {
	case len(pw) < minPassword:
		return fmt.Sprintf("must be at least %d characters", minPassword)
	case len(pw) > maxPassword:
		return fmt.Sprintf("must be at most %d characters", maxPassword)
	}
	return ""
}

// randomToken returns n random bytes, URL-safe base64 encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func sha(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// apiTokenPrefix marks hireloop API tokens so secret scanners and people
// can recognise them.
const apiTokenPrefix = "hl_"

func newAPIToken() (secret, prefix string) {
	secret = apiTokenPrefix + randomToken(32)
	return secret, secret[:len(apiTokenPrefix)+6]
}

// loginLimiter counts failed logins in a sliding window, three ways:
// per IP (one address spraying many accounts), per account and IP (one
// address guessing one password: a low limit), and per account from
// anywhere (distributed guessing: a higher limit, so that a stranger who
// knows an email cannot lock its owner out with a handful of attempts).
// It lives in memory: one process serves the instance, and a restart
// forgiving old failures is acceptable.
type loginLimiter struct {
	mu           sync.Mutex
	window       time.Duration
	perIP        int
	perAccountIP int
	perAccount   int
	fails        map[string][]time.Time
	now          func() time.Time
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{window: 15 * time.Minute, perIP: 20, perAccountIP: 5, perAccount: 30,
		fails: map[string][]time.Time{}, now: time.Now}
}

func limiterKeys(ip, account string) (ipKey, acctIPKey, acctKey string) {
	a := strings.ToLower(account)
	return "ip:" + ip, "acctip:" + a + "|" + ip, "acct:" + a
}

var errTooManyAttempts = errors.New("too many failed sign-in attempts")

func (l *loginLimiter) recent(key string, now time.Time) []time.Time {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
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
	now := l.now()
	var wait time.Duration
	check := func(key string, limit int) {
		ts := l.recent(key, now)
		if len(ts) >= limit {
			if w := l.window - now.Sub(ts[len(ts)-limit]); w > wait {
				wait = w
			}
		}
	}
	ipKey, acctIPKey, acctKey := limiterKeys(ip, account)
	check(ipKey, l.perIP)
	check(acctIPKey, l.perAccountIP)
	check(acctKey, l.perAccount)
	return wait, wait == 0
}

func (l *loginLimiter) fail(ip, account string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
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
	now := l.now()
	for k := range l.fails {
		l.recent(k, now)
	}
}
