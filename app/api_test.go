package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

func TestSetupThenLoginLogout(t *testing.T) {
	a := newTestApp(t)
	anon := &client{t: t, a: a}
	if r := anon.mustStatus(200, "GET", "/api/setup", nil); r.json(t)["needed"] != true {
		t.Fatalf("setup should be needed: %s", r.Body)
	}
	anon.mustStatus(401, "GET", "/api/me", nil)

	// Validation errors name each field.
	r := anon.mustStatus(422, "POST", "/api/setup", map[string]string{"email": "nope", "password": "short"})
	fields := r.json(t)["error"].(map[string]any)["fields"].(map[string]any)
	for _, f := range []string{"name", "email", "password", "workspace_name"} {
		if fields[f] == nil {
			t.Errorf("no message for field %s: %s", f, r.Body)
		}
	}

	admin, wid := setupAdmin(t, a)
	me := admin.mustStatus(200, "GET", "/api/me", nil).json(t)
	if me["user"].(map[string]any)["is_admin"] != true {
		t.Fatalf("first user must be an instance admin: %v", me)
	}
	wss := me["workspaces"].([]any)
	if len(wss) != 1 || wss[0].(map[string]any)["role"] != "admin" || int64(wss[0].(map[string]any)["id"].(float64)) != wid {
		t.Fatalf("workspaces: %v", wss)
	}
	if anon.mustStatus(200, "GET", "/api/setup", nil).json(t)["needed"] != false {
		t.Fatal("setup still needed after setup")
	}
	if code := anon.mustStatus(409, "POST", "/api/setup", map[string]string{
		"name": "Eve", "email": "eve@example.com", "password": testPassword, "workspace_name": "X",
	}).errCode(t); code != "setup_done" {
		t.Fatalf("code %s", code)
	}

	// Wrong password and unknown account look the same.
	bad1 := anon.mustStatus(401, "POST", "/api/auth/login", map[string]string{"email": "ada@example.com", "password": "wrong password"})
	bad2 := anon.mustStatus(401, "POST", "/api/auth/login", map[string]string{"email": "nobody@example.com", "password": "wrong password"})
	if string(bad1.Body) != string(bad2.Body) {
		t.Fatalf("login errors differ: %s vs %s", bad1.Body, bad2.Body)
	}

	c := login(t, a, "ADA@example.com", testPassword)
	c.mustStatus(200, "GET", "/api/me", nil)
	(&client{t: t, a: a, cookie: c.cookie}).mustStatus(403, "POST", "/api/auth/logout", nil) // no CSRF token
	saved := c.cookie
	c.mustStatus(204, "POST", "/api/auth/logout", nil)
	if c.cookie != "" {
		t.Fatal("logout did not clear the cookie")
	}
	c.cookie = saved // a stolen copy of the cookie is dead too
	c.mustStatus(401, "GET", "/api/me", nil)
	admin.mustStatus(200, "GET", "/api/me", nil) // other sessions live on
}

func TestSessionCookieAttributes(t *testing.T) {
	for _, tc := range []struct {
		base   string
		secure bool
	}{{"http://127.0.0.1:8080", false}, {"https://hire.example.com", true}} {
		a := newTestApp(t, func(c *Config) { c.BaseURL = tc.base })
		c := &client{t: t, a: a}
		r := c.mustStatus(201, "POST", "/api/setup", map[string]string{"name": "A", "email": "a@example.com", "password": testPassword, "workspace_name": "W"})
		sc := r.Header.Get("Set-Cookie")
		if !strings.Contains(sc, "HttpOnly") || !strings.Contains(strings.ToLower(sc), "samesite=lax") {
			t.Errorf("%s: cookie lacks HttpOnly/SameSite=Lax: %s", tc.base, sc)
		}
		if strings.Contains(sc, "secure") != tc.secure && strings.Contains(sc, "Secure") != tc.secure {
			t.Errorf("%s: Secure should be %v: %s", tc.base, tc.secure, sc)
		}
	}
}

func TestCSRFAndOriginProtection(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	path := fmt.Sprintf("/api/workspaces/%d", wid)

	noToken := &client{t: t, a: a, cookie: admin.cookie}
	if code := noToken.mustStatus(403, "PATCH", path, map[string]string{"name": "Hacked"}).errCode(t); code != "csrf_failed" {
		t.Fatalf("code %s", code)
	}
	wrong := &client{t: t, a: a, cookie: admin.cookie, csrf: "not-the-token"}
	wrong.mustStatus(403, "PATCH", path, map[string]string{"name": "Hacked"})
	// Reads need no token.
	noToken.mustStatus(200, "GET", path, nil)

	foreign := &client{t: t, a: a, cookie: admin.cookie, csrf: admin.csrf, header: map[string]string{"Origin": "https://evil.example"}}
	foreign.mustStatus(403, "PATCH", path, map[string]string{"name": "Hacked"})
	same := &client{t: t, a: a, cookie: admin.cookie, csrf: admin.csrf, header: map[string]string{"Origin": "http://127.0.0.1:8080"}}
	same.mustStatus(200, "PATCH", path, map[string]string{"name": "Renamed"})

	// Bearer tokens carry no ambient authority, so no CSRF token is needed.
	secret := admin.mustStatus(201, "POST", "/api/me/tokens", map[string]string{"name": "script"}).json(t)["secret"].(string)
	script := &client{t: t, a: a, bearer: secret}
	script.mustStatus(200, "PATCH", path, map[string]string{"name": "Via token"})
}

func TestLoginRateLimitPerAccountAndIP(t *testing.T) {
	a := newTestApp(t, func(c *Config) { c.TrustedProxies = []string{"0.0.0.0"} })
	setupAdmin(t, a)
	now := time.Unix(1_900_000_000, 0)
	a.loginLimits.Now = func() time.Time { return now }
	fail := func(ip, email string) resp {
		return (&client{t: t, a: a, ip: ip}).do("POST", "/api/auth/login", map[string]string{"email": email, "password": "wrong guess"})
	}

	// One address guessing one account is stopped after a few attempts…
	for i := 0; i < a.loginLimits.PerAccountIP; i++ {
		if r := fail("203.0.113.5", "ada@example.com"); r.Status != 401 {
			t.Fatalf("attempt %d: %d", i, r.Status)
		}
	}
	attacker := &client{t: t, a: a, ip: "203.0.113.5"}
	r := attacker.mustStatus(429, "POST", "/api/auth/login", map[string]string{"email": "ada@example.com", "password": testPassword})
	if r.errCode(t) != "rate_limited" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("want rate_limited with Retry-After: %v %s", r.Header, r.Body)
	}
	// …but that does not lock the owner out from their own address.
	owner := &client{t: t, a: a, ip: "198.51.100.7"}
	owner.mustStatus(200, "POST", "/api/auth/login", map[string]string{"email": "ada@example.com", "password": testPassword})

	// Guessing one account from many addresses hits the account-wide limit.
	for i := 0; a.loginLimits.PerAccountIP*i < a.loginLimits.PerAccount; i++ {
		for j := 0; j < a.loginLimits.PerAccountIP; j++ {
			fail(fmt.Sprintf("192.0.2.%d", 100+i), "ada@example.com")
		}
	}
	owner.mustStatus(429, "POST", "/api/auth/login", map[string]string{"email": "ada@example.com", "password": testPassword})
	// After the window it works again.
	now = now.Add(16 * time.Minute)
	owner.mustStatus(200, "POST", "/api/auth/login", map[string]string{"email": "ada@example.com", "password": testPassword})

	// One address spraying many accounts is stopped too.
	for i := 0; i < a.loginLimits.PerIP; i++ {
		fail("192.0.2.9", fmt.Sprintf("u%d@example.com", i))
	}
	if r := fail("192.0.2.9", "fresh@example.com"); r.Status != 429 {
		t.Fatalf("sprayer not limited: %d", r.Status)
	}
	if r := fail("192.0.2.10", "fresh@example.com"); r.Status != 401 {
		t.Fatalf("another address was limited: %d", r.Status)
	}
}

func TestAPITokensLifecycle(t *testing.T) {
	a := newTestApp(t)
	admin, _ := setupAdmin(t, a)
	admin.mustStatus(422, "POST", "/api/me/tokens", map[string]string{"name": " "})
	r := admin.mustStatus(201, "POST", "/api/me/tokens", map[string]string{"name": "nightly export"}).json(t)
	secret := r["secret"].(string)
	tok := r["token"].(map[string]any)
	if !strings.HasPrefix(secret, "hl_") || !strings.HasPrefix(secret, tok["prefix"].(string)) {
		t.Fatalf("secret %q prefix %q", secret, tok["prefix"])
	}
	list := admin.mustStatus(200, "GET", "/api/me/tokens", nil)
	if strings.Contains(string(list.Body), secret) {
		t.Fatal("token list leaks the secret")
	}
	script := &client{t: t, a: a, bearer: secret}
	me := script.mustStatus(200, "GET", "/api/me", nil).json(t)
	if me["user"].(map[string]any)["email"] != "ada@example.com" || me["csrf_token"] != nil {
		t.Fatalf("token /api/me: %v", me)
	}
	used := admin.mustStatus(200, "GET", "/api/me/tokens", nil).json(t)["tokens"].([]any)[0].(map[string]any)
	if used["last_used_at"] == nil {
		t.Fatal("last_used_at not recorded")
	}
	id := int64(tok["id"].(float64))
	// Another user cannot revoke it.
	eve, _ := newUser(t, a, "eve@example.com", false)
	eve.mustStatus(404, "DELETE", fmt.Sprintf("/api/me/tokens/%d", id), nil)
	admin.mustStatus(204, "DELETE", fmt.Sprintf("/api/me/tokens/%d", id), nil)
	if code := script.mustStatus(401, "GET", "/api/me", nil).errCode(t); code != "invalid_token" {
		t.Fatalf("revoked token: %s", code)
	}
	(&client{t: t, a: a, bearer: "hl_madeup"}).mustStatus(401, "GET", "/api/workspaces", nil)
}

func TestChangePasswordEndsOtherSessions(t *testing.T) {
	a := newTestApp(t)
	admin, _ := setupAdmin(t, a)
	laptop := login(t, a, "ada@example.com", testPassword)
	r := admin.mustStatus(422, "POST", "/api/me/password", map[string]string{"current_password": "nope", "new_password": "another good password"})
	if r.json(t)["error"].(map[string]any)["fields"].(map[string]any)["current_password"] == nil {
		t.Fatalf("no field error: %s", r.Body)
	}
	admin.mustStatus(422, "POST", "/api/me/password", map[string]string{"current_password": testPassword, "new_password": "short"})
	admin.mustStatus(204, "POST", "/api/me/password", map[string]string{"current_password": testPassword, "new_password": "another good password"})
	admin.mustStatus(200, "GET", "/api/me", nil)
	laptop.mustStatus(401, "GET", "/api/me", nil)
	(&client{t: t, a: a}).mustStatus(401, "POST", "/api/auth/login", map[string]string{"email": "ada@example.com", "password": testPassword})
	login(t, a, "ada@example.com", "another good password")
}

func TestSessionsListAndRevoke(t *testing.T) {
	a := newTestApp(t)
	admin, _ := setupAdmin(t, a)
	phone := login(t, a, "ada@example.com", testPassword)
	ss := admin.mustStatus(200, "GET", "/api/me/sessions", nil).json(t)["sessions"].([]any)
	if len(ss) != 2 {
		t.Fatalf("want 2 sessions, got %d", len(ss))
	}
	var phoneID int64
	current := 0
	for _, s := range ss {
		m := s.(map[string]any)
		if m["current"] == true {
			current++
		} else {
			phoneID = int64(m["id"].(float64))
		}
	}
	if current != 1 {
		t.Fatalf("exactly one session must be current: %v", ss)
	}
	admin.mustStatus(204, "DELETE", fmt.Sprintf("/api/me/sessions/%d", phoneID), nil)
	phone.mustStatus(401, "GET", "/api/me", nil)
	admin.mustStatus(404, "DELETE", fmt.Sprintf("/api/me/sessions/%d", phoneID), nil)
}

func TestSessionExpiresWhenIdle(t *testing.T) {
	a := newTestApp(t, func(c *Config) { c.SessionIdle = time.Hour })
	now := time.Now()
	a.Store().SetClock(func() time.Time { return now })
	admin, _ := setupAdmin(t, a)
	now = now.Add(2 * time.Hour)
	admin.mustStatus(401, "GET", "/api/me", nil)
}

func TestWorkspaceCreationAndRoles(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	r := admin.mustStatus(201, "POST", "/api/workspaces", map[string]string{"name": "Globex (client)"}).json(t)
	if r["workspace"].(map[string]any)["role"] != "admin" {
		t.Fatalf("creator must be admin: %v", r)
	}
	if n := len(admin.mustStatus(200, "GET", "/api/workspaces", nil).json(t)["workspaces"].([]any)); n != 2 {
		t.Fatalf("want 2 workspaces, got %d", n)
	}

	viewer, vu := newUser(t, a, "vic@example.com", false)
	viewer.mustStatus(403, "POST", "/api/workspaces", map[string]string{"name": "Mine"})
	members := fmt.Sprintf("/api/workspaces/%d/members", wid)
	admin.mustStatus(201, "POST", members, map[string]string{"email": "vic@example.com", "role": "viewer"})
	viewer.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d", wid), nil)
	viewer.mustStatus(200, "GET", members, nil)
	viewer.mustStatus(403, "PATCH", fmt.Sprintf("/api/workspaces/%d", wid), map[string]string{"name": "X"})
	viewer.mustStatus(403, "POST", members, map[string]string{"email": "x@example.com", "role": "viewer"})
	admin.mustStatus(200, "PATCH", fmt.Sprintf("%s/%d", members, vu.ID), map[string]string{"role": "recruiter"})
	viewer.mustStatus(403, "DELETE", fmt.Sprintf("%s/%d", members, vu.ID), nil)
}

func TestMembersFlow(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	members := fmt.Sprintf("/api/workspaces/%d/members", wid)
	admin.mustStatus(422, "POST", members, map[string]string{"email": "bad", "role": "boss"})
	if code := admin.mustStatus(422, "POST", members, map[string]string{"email": "new@example.com", "role": "recruiter"}).errCode(t); code != "user_not_found" {
		t.Fatalf("code %s", code)
	}
	admin.mustStatus(422, "POST", members, map[string]string{"email": "new@example.com", "role": "recruiter", "name": "Nia", "password": "short"})
	m := admin.mustStatus(201, "POST", members, map[string]string{"email": "new@example.com", "role": "recruiter", "name": "Nia", "password": "initial password 1"}).json(t)["member"].(map[string]any)
	if m["role"] != "recruiter" || m["name"] != "Nia" {
		t.Fatalf("member %v", m)
	}
	nia := login(t, a, "new@example.com", "initial password 1")
	nia.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d", wid), nil)
	if code := admin.mustStatus(409, "POST", members, map[string]string{"email": "NEW@example.com", "role": "viewer"}).errCode(t); code != "already_member" {
		t.Fatalf("code %s", code)
	}
	if n := len(admin.mustStatus(200, "GET", members, nil).json(t)["members"].([]any)); n != 2 {
		t.Fatalf("want 2 members, got %d", n)
	}
	adaID := int64(admin.mustStatus(200, "GET", "/api/me", nil).json(t)["user"].(map[string]any)["id"].(float64))
	if code := admin.mustStatus(409, "PATCH", fmt.Sprintf("%s/%d", members, adaID), map[string]string{"role": "viewer"}).errCode(t); code != "last_admin" {
		t.Fatalf("code %s", code)
	}
	admin.mustStatus(409, "DELETE", fmt.Sprintf("%s/%d", members, adaID), nil)
	admin.mustStatus(404, "DELETE", fmt.Sprintf("%s/%d", members, 9999), nil)
	niaID := int64(m["user_id"].(float64))
	admin.mustStatus(204, "DELETE", fmt.Sprintf("%s/%d", members, niaID), nil)
	nia.mustStatus(404, "GET", fmt.Sprintf("/api/workspaces/%d", wid), nil)
}

// substitute fills a route pattern's parameters: :wid with the workspace
// under test and every other id with a real id from alice's workspace, so
// a 404 can only come from the workspace check.
func substitute(pattern string, wid int64, ids map[string]string) string {
	re := regexp.MustCompile(`:[a-z_]+\??`)
	return re.ReplaceAllStringFunc(pattern, func(p string) string {
		if p == ":wid" {
			return strconv.FormatInt(wid, 10)
		}
		id, ok := ids[strings.TrimSuffix(p[1:], "?")]
		if !ok {
			panic("substitute: no id for " + p + "; add one to the isolation test")
		}
		return id
	})
}

// Every route of a workspace answers 404 to a signed-in user of another
// workspace, for every method, as if the workspace did not exist. The list
// is read from the router, so routes added later are covered automatically
// (the test fails until they get a body or an id here); bodies are valid
// for the routes that take one, so a 404 is not a validation accident.
func TestWorkspaceIsolationEveryRoute(t *testing.T) {
	s := newGreenhouseSetup(t) // alice's workspace, with an ATS connection and synced data
	a, alice, widA := s.a, s.admin, s.wid
	me := alice.mustStatus(200, "GET", "/api/me", nil).json(t)
	ps := alice.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d/positions", widA), nil).json(t)["positions"].([]any)
	runs := alice.mustStatus(200, "GET", s.path("/runs"), nil).json(t)["runs"].([]any)
	sm := s.fake.Samples()
	var pid string
	for _, p := range ps {
		if p.(map[string]any)["ext_id"] == sm.JobID {
			pid = fmt.Sprint(p.(map[string]any)["id"])
		}
	}
	iv := alice.mustStatus(201, "POST", fmt.Sprintf("/api/workspaces/%d/interviews", widA), map[string]any{"position_id": json.Number(pid),
		"stage_ext_id": sm.StageID, "questions": []map[string]any{{"type": "text", "prompt": "Why us?"}}}).json(t)["interview"].(map[string]any)
	ivID := fmt.Sprint(iv["id"])
	alice.mustStatus(200, "POST", fmt.Sprintf("/api/workspaces/%d/interviews/%s/publish", widA, ivID), nil)
	invs := alice.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d/interviews/%s/invitations", widA, ivID), nil).json(t)["invitations"].([]any)
	ids := map[string]string{
		"uid":     fmt.Sprint(me["user"].(map[string]any)["id"]),
		"cid":     strconv.FormatInt(s.cid, 10),
		"pid":     fmt.Sprint(ps[0].(map[string]any)["id"]),
		"rid":     fmt.Sprint(runs[0].(map[string]any)["id"]),
		"iid":     ivID,
		"vid":     fmt.Sprint(invs[0].(map[string]any)["id"]),
		"kind":    "invitation",
		"qid":     fmt.Sprint(iv["questions"].([]any)[0].(map[string]any)["id"]),
		"wrid":    "1",
		"sid":     "1",
		"version": "1",
	}

	bob, _ := newUser(t, a, "bob@example.com", true)
	bobWS := bob.mustStatus(201, "POST", "/api/workspaces", map[string]string{"name": "Bob's client"}).json(t)
	widB := int64(bobWS["workspace"].(map[string]any)["id"].(float64))

	bodies := map[string]any{
		"PATCH /api/workspaces/:wid":                                        map[string]string{"name": "Stolen"},
		"POST /api/workspaces/:wid/members":                                 map[string]string{"email": "bob@example.com", "role": "admin"},
		"PATCH /api/workspaces/:wid/members/:uid":                           map[string]string{"role": "viewer"},
		"POST /api/workspaces/:wid/connections":                             map[string]string{"provider": "greenhouse", "api_key": ghKey, "base_url": s.fake.URL()},
		"PATCH /api/workspaces/:wid/connections/:cid":                       map[string]string{"name": "Stolen"},
		"POST /api/workspaces/:wid/connections/:cid/sync":                   map[string]bool{"full": true},
		"POST /api/workspaces/:wid/connections/:cid/test":                   nil,
		"POST /api/workspaces/:wid/connections/:cid/webhooks":               nil,
		"POST /api/workspaces/:wid/interviews":                              map[string]any{"name": "Stolen"},
		"POST /api/workspaces/:wid/interviews/generate-questions":           map[string]string{"job_description": "- Five years of Go in production"},
		"PUT /api/workspaces/:wid/interviews/:iid":                          map[string]any{"name": "Stolen"},
		"POST /api/workspaces/:wid/interviews/:iid/publish":                 nil,
		"POST /api/workspaces/:wid/interviews/:iid/pause":                   nil,
		"POST /api/workspaces/:wid/interviews/:iid/resume":                  nil,
		"POST /api/workspaces/:wid/interviews/:iid/close":                   nil,
		"POST /api/workspaces/:wid/interviews/:iid/invitations/:vid/resend": nil,
		"POST /api/workspaces/:wid/interviews/:iid/invitations/:vid/extend": map[string]int{"days": 3},
		"PUT /api/workspaces/:wid/email":                                    map[string]any{"host": "smtp.evil.example", "port": 25, "tls": "none", "from_address": "x@evil.example"},
		"POST /api/workspaces/:wid/email/test":                              map[string]string{"to": "x@evil.example"},
		"PUT /api/workspaces/:wid/email/templates/:kind":                    map[string]string{"subject": "Hi", "html": "<p>Hi</p>"},
		"POST /api/workspaces/:wid/email/templates/:kind/preview":           map[string]string{"subject": "Hi", "html": "<p>Hi</p>"},
		"PUT /api/workspaces/:wid/branding":                                 map[string]string{"company_name": "Stolen", "brand_color": "#000000"},
		"POST /api/workspaces/:wid/results/:rid/shares":                     map[string]int{"hours": 24},
		"POST /api/workspaces/:wid/results/:rid/override":                   map[string]any{"question_id": 0, "score": 10, "reason": "stolen"},
		"POST /api/workspaces/:wid/results/:rid/review":                     map[string]any{"question_id": 1, "criteria": map[string]bool{"x": true}},
		"POST /api/workspaces/:wid/results/:rid/accept":                     nil,
		"POST /api/workspaces/:wid/results/:rid/reject":                     nil,
		"POST /api/workspaces/:wid/ats-writes/:wrid/retry":                  nil,
		"PUT /api/workspaces/:wid/ai":                                       map[string]string{"llm_base_url": "https://evil.example/v1", "llm_model": "x"},
		"PUT /api/workspaces/:wid/write-options":                            map[string]bool{"note": false},
	}
	var cases []string
	for _, r := range a.HTTP().GetRoutes(true) {
		if !strings.Contains(r.Path, ":wid") || r.Method == "HEAD" {
			continue
		}
		cases = append(cases, r.Method+" "+r.Path)
	}
	sort.Strings(cases)
	if len(cases) < 20 {
		t.Fatalf("found only %d workspace routes: %v", len(cases), cases)
	}
	for _, tc := range cases {
		method, pattern, _ := strings.Cut(tc, " ")
		t.Run(tc, func(t *testing.T) {
			body, ok := bodies[tc]
			if !ok && method != "GET" && method != "DELETE" {
				t.Fatalf("add a valid body for %s to this test", tc)
			}
			r := bob.do(method, substitute(pattern, widA, ids), body)
			if r.Status != http.StatusNotFound || r.errCode(t) != "not_found" {
				t.Fatalf("bob on alice's workspace: %d %s", r.Status, r.Body)
			}
			// The same request on bob's own workspace is not a 404 on
			// the workspace, proving the route itself works.
			if strings.Count(pattern, ":") == 1 {
				if own := bob.do(method, substitute(pattern, widB, ids), body); own.Status == http.StatusNotFound {
					t.Fatalf("bob on his own workspace got 404: %s", own.Body)
				}
			}
			// Nonexistent workspaces look exactly the same.
			none := bob.do(method, substitute(pattern, 999999, ids), body)
			if none.Status != http.StatusNotFound || string(none.Body) != string(r.Body) {
				t.Fatalf("missing workspace differs from foreign one: %d %s", none.Status, none.Body)
			}
		})
	}
	// Nothing of alice's changed.
	ws := alice.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d", widA), nil).json(t)["workspace"].(map[string]any)
	if ws["name"] != "Acme Recruiting" {
		t.Fatalf("alice's workspace was changed: %v", ws)
	}
	if n := len(alice.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d/members", widA), nil).json(t)["members"].([]any)); n != 1 {
		t.Fatalf("alice's members changed: %d", n)
	}
	conn := alice.mustStatus(200, "GET", s.path(""), nil).json(t)["connection"].(map[string]any)
	if conn["name"] != "Greenhouse (test)" {
		t.Fatalf("alice's connection changed: %v", conn)
	}
	for _, r := range alice.mustStatus(200, "GET", s.path("/runs"), nil).json(t)["runs"].([]any) {
		if r.(map[string]any)["trigger"] == "manual" {
			t.Fatalf("bob started a sync on alice's connection: %v", r)
		}
	}
	if got := alice.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d/interviews/%s", widA, ivID), nil).json(t)["interview"].(map[string]any); got["name"] != iv["name"] || got["status"] != "active" {
		t.Fatalf("alice's interview changed: %v", got)
	}
}

func TestRequestErrors(t *testing.T) {
	a := newTestApp(t)
	admin, _ := setupAdmin(t, a)
	cases := []struct {
		name, body, ctype string
		status            int
		code, contains    string
	}{
		{"malformed", `{"name": "x",}`, "application/json", 400, "bad_request", "Malformed JSON at byte"},
		{"truncated", `{"name": "x"`, "application/json", 400, "bad_request", "ends too early"},
		{"wrong type", `{"name": 5}`, "application/json", 400, "bad_request", `"name" must be a string`},
		{"unknown field", `{"nmae": "x"}`, "application/json", 400, "bad_request", `Unknown field "nmae"`},
		{"not an object", `["x"]`, "application/json", 400, "bad_request", "must be a JSON object"},
		{"empty", ``, "application/json", 400, "bad_request", "empty"},
		{"trailing", `{"name":"x"} {}`, "application/json", 400, "bad_request", "extra data"},
		{"form", `name=x`, "application/x-www-form-urlencoded", 415, "unsupported_media_type", "application/json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &client{t: t, a: a, cookie: admin.cookie, csrf: admin.csrf, header: map[string]string{"Content-Type": tc.ctype}}
			r := c.do("POST", "/api/me/tokens", tc.body)
			if r.Status != tc.status {
				t.Fatalf("status %d want %d: %.200s", r.Status, tc.status, r.Body)
			}
			e := r.json(t)["error"].(map[string]any)
			if e["code"] != tc.code || !strings.Contains(e["message"].(string), tc.contains) {
				t.Fatalf("error %v, want code %s containing %q", e, tc.code, tc.contains)
			}
		})
	}
	// Unknown API paths and methods stay JSON.
	for _, p := range []string{"/api/nope", "/api/workspaces/abc", "/api/me/tokens/x"} {
		r := admin.do("GET", p, nil)
		if r.Status != 404 || r.errCode(t) != "not_found" {
			t.Errorf("%s: %d %s", p, r.Status, r.Body)
		}
	}
}

func TestSPAServingAndCaching(t *testing.T) {
	a := newTestApp(t)
	c := &client{t: t, a: a}
	for _, tc := range []struct {
		path, cache, contains string
		status                int
	}{
		{"/", "no-store", "<title>hireloop", 200},
		{"/w/12/members", "no-store", "<title>hireloop", 200},
		{"/assets/index-abc123.js", "immutable", "console.log", 200},
		{"/favicon.svg", "max-age=3600", "<svg", 200},
		{"/assets/missing-123.js", "", "not_found", 404},
	} {
		r := c.do("GET", tc.path, nil)
		if r.Status != tc.status || !strings.Contains(r.Header.Get("Cache-Control"), tc.cache) || !strings.Contains(string(r.Body), tc.contains) {
			t.Errorf("%s: %d cache=%q body=%.80s", tc.path, r.Status, r.Header.Get("Cache-Control"), r.Body)
		}
	}
	if ct := c.do("GET", "/assets/index-abc123.js", nil).Header.Get("Content-Type"); !strings.Contains(ct, "javascript") {
		t.Errorf("js served as %q", ct)
	}
	if r := c.do("GET", "/", nil); r.Header.Get("X-Frame-Options") != "DENY" || r.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("security headers missing: %v", r.Header)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	a := newTestApp(t, func(c *Config) { c.MetricsToken = "scrape-secret" })
	c := &client{t: t, a: a}
	if r := c.mustStatus(200, "GET", "/healthz", nil).json(t); r["status"] != "ok" {
		t.Fatal(r)
	}
	c.mustStatus(200, "GET", "/readyz", nil)
	c.mustStatus(200, "GET", "/api/setup", nil)
	c.mustStatus(404, "GET", "/api/nothing/here", nil)
	c.mustStatus(401, "GET", "/metrics", nil)
	scraper := &client{t: t, a: a, bearer: "scrape-secret"}
	// /metrics takes a bearer token that is not an API token; it is
	// outside /api, so the API authenticator never sees it.
	body := string(scraper.mustStatus(200, "GET", "/metrics", nil).Body)
	for _, want := range []string{
		`hireloop_http_requests_total{method="GET",route="/api/setup",status="200"} 1`,
		`hireloop_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`hireloop_http_request_duration_seconds_bucket{method="GET",route="/readyz"`,
		"go_goroutines",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// A closed database makes the instance unready.
	a.Store().Close()
	if r := c.do("GET", "/readyz", nil); r.Status != 503 {
		t.Fatalf("readyz with closed db: %d", r.Status)
	}
}

// The OpenAPI document and the router must list the same operations.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	a := newTestApp(t)
	var doc struct {
		OpenAPI string                                `json:"openapi"`
		Paths   map[string]map[string]json.RawMessage `json:"paths"`
	}
	r := (&client{t: t, a: a}).mustStatus(200, "GET", "/api/openapi.json", nil)
	if err := json.Unmarshal(r.Body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("bad document: %v", err)
	}
	documented := map[string]bool{}
	for p, ops := range doc.Paths {
		for m := range ops {
			documented[strings.ToUpper(m)+" "+p] = true
		}
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	registered := map[string]bool{}
	for _, rt := range a.HTTP().GetRoutes(true) {
		if !strings.HasPrefix(rt.Path, "/api/") || rt.Method == fiber.MethodHead {
			continue
		}
		registered[rt.Method+" "+param.ReplaceAllString(rt.Path, "{$1}")] = true
	}
	for op := range registered {
		if !documented[op] {
			t.Errorf("route %s is not in openapi.json", op)
		}
	}
	for op := range documented {
		if !registered[op] {
			t.Errorf("openapi.json documents %s, which is not a route", op)
		}
	}
}
