package api

import (
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Some paths carry a bearer secret in a segment: a candidate's interview
// link, a share link, a connection's webhook URL. Whoever reads the logs
// must not be able to open an interview with them, so the access log and
// the error log write the path with that segment replaced by ":token".
// Query strings (signed report links' sig) are never logged at all.

// spaSecretPrefixes are the console's own routes whose next segment is a
// token (ui/src: /i/<token> is the candidate app, /r/<token> a shared
// result); the API routes are found from the route table.
var spaSecretPrefixes = []string{"/i/", "/r/"}

// secretPrefixes lists, longest first, the path prefixes whose next
// segment is a secret: the static part of every route with a :token
// parameter, and the console's token pages. Built once the routes exist,
// so a new route with a :token parameter is redacted without a list to
// keep in step.
func secretPrefixes(f *fiber.App) []string {
	seen := map[string]bool{}
	for _, p := range spaSecretPrefixes {
		seen[p] = true
	}
	for _, r := range f.GetRoutes(false) {
		if i := strings.Index(r.Path, "/:token"); i >= 0 {
			seen[strings.ToLower(r.Path[:i+1])] = true
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// logPath is c's path as it may be logged: the segment after a secret
// prefix becomes ":token". Routing ignores case, so the match does too.
func (a *Server) logPath(c *fiber.Ctx) string {
	return redactPath(a.secretPaths, c.Path())
}

func redactPath(prefixes []string, p string) string {
	for _, pre := range prefixes {
		if len(p) < len(pre) || !strings.EqualFold(p[:len(pre)], pre) {
			continue
		}
		rest := p[len(pre):]
		if rest == "" {
			return p
		}
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			return p[:len(pre)] + ":token" + rest[i:]
		}
		return p[:len(pre)] + ":token"
	}
	return p
}
