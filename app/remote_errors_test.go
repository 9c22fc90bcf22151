package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hireloop/hireloop/ats/atstest"
)

// A failed sync quotes what the remote side answered (here an internal
// service an admin pointed the connection at). Admins see it, to fix the
// connection; recruiters and viewers see only the kind of failure, in
// every place a run's error is shown.
func TestRemoteErrorTextOnlyForAdmins(t *testing.T) {
	s := newGreenhouseSetup(t)
	const leak = "db-primary.internal:5432 banner 7731"
	s.fake.Inject(atstest.Fault{Kind: atstest.FaultUnauthorized, Message: leak})
	run := s.syncNow(t, false)
	if run["status"] != "failed" || !strings.Contains(fmt.Sprint(run["error"]), leak) {
		t.Fatalf("the admin does not see the vendor's text: %v", run)
	}
	rid := int64(run["id"].(float64))
	members := fmt.Sprintf("/api/workspaces/%d/members", s.wid)
	for _, role := range []string{"viewer", "recruiter"} {
		email := role + "@example.com"
		s.admin.mustStatus(201, "POST", members, map[string]string{"email": email, "role": role, "name": role, "password": testPassword})
		c := login(t, s.a, email, testPassword)
		bodies := map[string]string{
			"connection":  string(c.mustStatus(200, "GET", s.path(""), nil).Body),
			"connections": string(c.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d/connections", s.wid), nil).Body),
			"runs":        string(c.mustStatus(200, "GET", s.path("/runs"), nil).Body),
			"run":         string(c.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d/sync-runs/%d", s.wid, rid), nil).Body),
			"events":      string(c.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d/sync-runs/%d/events", s.wid, rid), nil).Body),
		}
		for where, body := range bodies {
			if strings.Contains(body, "banner 7731") || strings.Contains(body, "internal") {
				t.Errorf("%s sees the remote text in %s: %s", role, where, body)
			}
			if !strings.Contains(body, "authentication failed (HTTP 401)") {
				t.Errorf("%s does not see the failure's category in %s: %s", role, where, body)
			}
		}
	}
	if body := string(s.admin.mustStatus(200, "GET", s.path("/runs"), nil).Body); !strings.Contains(body, leak) {
		t.Fatalf("the admin lost the vendor's text: %s", body)
	}
}
