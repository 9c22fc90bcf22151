package api

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/store"
)

// Failures of ATS syncs and writes, and of scoring, carry the remote
// side's own words (up to 200 characters of its response, or a network
// error naming an address). An admin set that remote side up and needs
// them to fix it; for everyone else they may be the contents of an
// internal service an admin pointed hireloop at, so others see only
// what kind of failure it was.

var httpStatus = regexp.MustCompile(`\bHTTP (\d{3})\b`)

// errorCategory names the kind of failure msg describes, without any of
// the remote side's text: "authentication failed (HTTP 401)", "not
// found (HTTP 404)", "server error 502", and so on.
func errorCategory(msg string) string {
	if msg == "" {
		return ""
	}
	if m := httpStatus.FindStringSubmatch(msg); m != nil {
		code, _ := strconv.Atoi(m[1])
		switch {
		case code < 400:
			// A 2xx that failed later (a malformed body): said below.
		case code == 401 || code == 403:
			return "authentication failed (HTTP " + m[1] + ")"
		case code == 404 || code == 410:
			return "not found (HTTP " + m[1] + ")"
		case code == 429:
			return "rate limited (HTTP 429)"
		case code >= 500:
			return "server error " + m[1]
		default:
			return "request refused (HTTP " + m[1] + ")"
		}
	}
	lower := strings.ToLower(msg)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(lower, strings.ToLower(w)) {
				return true
			}
		}
		return false
	}
	switch {
	case has("interrupted"):
		return "interrupted"
	case has(ats.ErrUnauthorized.Error(), ats.ErrForbidden.Error()):
		return "authentication failed"
	case has("rate limited"):
		return "rate limited"
	case has(ats.ErrUnavailable.Error(), "timed out", "timeout", "deadline exceeded", "connection refused", "no such host", "dial tcp", "EOF"):
		return "unreachable (network error or timeout)"
	case has(ats.ErrMalformedResponse.Error(), ats.ErrResponseTooLarge.Error(), "did not answer"):
		return "unexpected response"
	case has(ats.ErrNotConfigured.Error(), ats.ErrNotReady.Error()):
		return "not configured"
	}
	return "failed (an admin of the workspace can see the details)"
}

// isAdmin tells whether the caller administers the current workspace.
func isAdmin(c *fiber.Ctx) bool {
	ws := currentWorkspace(c)
	return ws != nil && roleLevel(ws.Role) >= roleAdmin
}

// remoteText is a failure message as the caller may see it: in full for
// the workspace's admins, its category for everyone else.
func remoteText(c *fiber.Ctx, msg string) string {
	if isAdmin(c) {
		return msg
	}
	return errorCategory(msg)
}

// shownRun is run as the caller may see it (see remoteText).
func shownRun(c *fiber.Ctx, run *store.SyncRun) *store.SyncRun {
	if run == nil || run.Error == "" || isAdmin(c) {
		return run
	}
	cp := *run
	cp.Error = errorCategory(run.Error)
	return &cp
}
