package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/app/syncer"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/greenhouse/fake"
)

// ghClientID and ghKey are the Harvest v3 client credentials the
// Greenhouse fake accepts (the key is the client secret).
const (
	ghClientID = "greenhouse-client-id"
	ghKey      = "harvest-test-key"
)

// ghSetup starts a Greenhouse fake and connects a fresh workspace to it
// through the API, waiting for the first full sync.
type ghSetup struct {
	a     *App
	admin *client
	wid   int64
	cid   int64
	fake  vendorFake
}

// vendorFake is what the tests use of a vendor fake (Greenhouse, Kombo).
type vendorFake interface {
	atstest.Fake
	Inject(...atstest.Fault)
	Requests() int
	Writes() []atstest.RecordedRequest
	ResetWrites()
	URL() string
}

func newGreenhouseSetup(t *testing.T) *ghSetup {
	t.Helper()
	f := fake.New(ghClientID, ghKey, fake.SmallSeed)
	t.Cleanup(f.Close)
	return newVendorSetup(t, f, map[string]any{
		"provider": "greenhouse", "name": "Greenhouse (test)", "base_url": f.URL(), "api_key": ghKey, "integration_id": ghClientID,
		"acting_user_id": "4000", "webhook_secret": "whsec-test", "sync_interval_minutes": 180,
	})
}

// newVendorSetup connects a fresh workspace to a vendor fake through the
// API and waits for the first full sync.
func newVendorSetup(t *testing.T, f vendorFake, conn map[string]any) *ghSetup {
	t.Helper()
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	r := admin.mustStatus(201, "POST", fmt.Sprintf("/api/workspaces/%d/connections", wid), conn).json(t)
	view := r["connection"].(map[string]any)
	if strings.Contains(fmt.Sprint(view), fmt.Sprint(conn["api_key"])) || strings.Contains(fmt.Sprint(view), "whsec-test") {
		t.Fatal("the API returned a secret")
	}
	s := &ghSetup{a: a, admin: admin, wid: wid, cid: int64(view["id"].(float64)), fake: f}
	run := s.waitIdle(t)
	if run["status"] != "succeeded" || run["mode"] != "full" || run["trigger"] != "create" {
		t.Fatalf("first sync: %v", run)
	}
	return s
}

func (s *ghSetup) path(p string) string {
	return fmt.Sprintf("/api/workspaces/%d/connections/%d%s", s.wid, s.cid, p)
}

// waitIdle waits until the newest run has finished and returns it.
func (s *ghSetup) waitIdle(t *testing.T) map[string]any {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		runs := s.admin.mustStatus(200, "GET", s.path("/runs"), nil).json(t)["runs"].([]any)
		if len(runs) > 0 {
			r := runs[0].(map[string]any)
			if r["status"] != "running" {
				return r
			}
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatal("sync did not finish")
	return nil
}

func (s *ghSetup) syncNow(t *testing.T, full bool) map[string]any {
	t.Helper()
	s.admin.mustStatus(202, "POST", s.path("/sync"), map[string]bool{"full": full})
	return s.waitIdle(t)
}

func count(t *testing.T, c *client, path string) int {
	t.Helper()
	return int(c.mustStatus(200, "GET", path, nil).json(t)["total"].(float64))
}

func TestSyncFullThenIncrementalAndStageEvents(t *testing.T) {
	s := newGreenhouseSetup(t)
	want := s.fake.Expect()
	ws := fmt.Sprintf("/api/workspaces/%d", s.wid)
	if n := count(t, s.admin, ws+"/positions"); n != want.Jobs {
		t.Fatalf("positions %d, want %d", n, want.Jobs)
	}
	if n := count(t, s.admin, ws+"/applications"); n != want.Applications {
		t.Fatalf("applications %d, want %d", n, want.Applications)
	}
	ps := s.admin.mustStatus(200, "GET", ws+"/positions", nil).json(t)["positions"].([]any)
	p0 := ps[0].(map[string]any)
	if len(p0["stages"].([]any)) != fake.SmallSeed.StagesPerJob {
		t.Fatalf("pipeline: %v", p0["stages"])
	}
	pid := int64(p0["id"].(float64))
	detail := s.admin.mustStatus(200, "GET", fmt.Sprintf("%s/positions/%d", ws, pid), nil).json(t)["position"].(map[string]any)
	if detail["description_text"] == "" && detail["description_html"] == "" {
		t.Fatalf("position without description: %v", detail)
	}
	// The initial sync records where everyone is, not "changes".
	if evs := s.admin.mustStatus(200, "GET", s.path("/stage-events"), nil).json(t)["events"].([]any); len(evs) != 0 {
		t.Fatalf("initial sync produced %d stage events", len(evs))
	}
	for _, kind := range []string{"tags", "rejection-reasons", "users"} {
		m := s.admin.mustStatus(200, "GET", s.path("/"+kind), nil).json(t)
		for _, v := range m {
			if len(v.([]any)) == 0 {
				t.Errorf("%s empty", kind)
			}
		}
	}

	// Nothing changed: an incremental sync makes at most one request per model.
	before := s.fake.Requests()
	run := s.syncNow(t, false)
	if run["mode"] != "incremental" || run["status"] != "succeeded" {
		t.Fatalf("incremental: %v", run)
	}
	if got := s.fake.Requests() - before; got > 7 {
		t.Fatalf("idle incremental sync made %d requests, want ≤ 7 (one per model)", got)
	}

	// A stage move in the ATS becomes one stage event from sync.
	sm := s.fake.Samples()
	s.fake.MoveApplication(sm.ApplicationID, sm.OtherStageID)
	run = s.syncNow(t, false)
	if c := run["counts"].(map[string]any)["applications"]; c.(float64) < 1 || c.(float64) >= float64(want.Applications) {
		t.Fatalf("incremental read %v applications, want just the changed ones", c)
	}
	evs := s.admin.mustStatus(200, "GET", s.path("/stage-events"), nil).json(t)["events"].([]any)
	if len(evs) != 1 {
		t.Fatalf("want 1 stage event, got %v", evs)
	}
	ev := evs[0].(map[string]any)
	if ev["application_ext_id"] != sm.ApplicationID || ev["from_stage_ext_id"] != sm.StageID || ev["to_stage_ext_id"] != sm.OtherStageID || ev["source"] != "sync" {
		t.Fatalf("event %v", ev)
	}
	// Filtered by the new stage, the application is there.
	apps := s.admin.mustStatus(200, "GET", fmt.Sprintf("%s/applications?job=%s&stage=%s", ws, sm.JobID, sm.OtherStageID), nil).json(t)
	found := false
	for _, a := range apps["applications"].([]any) {
		found = found || a.(map[string]any)["ext_id"] == sm.ApplicationID
	}
	if !found {
		t.Fatalf("moved application not listed in its new stage: %v", apps)
	}

	// A candidate deleted in the ATS is marked deleted by the next full sync.
	s.fake.DeleteCandidate(sm.CandidateID)
	run = s.syncNow(t, true)
	if run["counts"].(map[string]any)["candidates_deleted"] != float64(1) {
		t.Fatalf("full sync did not mark the deleted candidate: %v", run)
	}
}

func TestSyncFailureKeepsDataAndSaysWhy(t *testing.T) {
	s := newGreenhouseSetup(t)
	ws := fmt.Sprintf("/api/workspaces/%d", s.wid)
	before := count(t, s.admin, ws+"/applications")
	s.fake.Inject(atstest.Fault{Kind: atstest.FaultMalformed})
	run := s.syncNow(t, true)
	if run["status"] != "failed" || !strings.Contains(run["error"].(string), "malformed") {
		t.Fatalf("malformed response: %v", run)
	}
	if after := count(t, s.admin, ws+"/applications"); after != before {
		t.Fatalf("failed sync changed data: %d → %d", before, after)
	}
	s.fake.Inject(atstest.Fault{Kind: atstest.FaultUnauthorized})
	run = s.syncNow(t, false)
	if run["status"] != "failed" || !strings.Contains(strings.ToLower(run["error"].(string)), "unauthorized") {
		t.Fatalf("401: %v", run)
	}
	// The deletion sweep did not run on the failed full sync.
	if n := count(t, s.admin, ws+"/positions"); n != s.fake.Expect().Jobs {
		t.Fatalf("positions after failed syncs: %d", n)
	}
	// And the next run succeeds.
	if run = s.syncNow(t, false); run["status"] != "succeeded" {
		t.Fatalf("recovery: %v", run)
	}
}

func TestOneSyncPerConnection(t *testing.T) {
	s := newGreenhouseSetup(t)
	ctx := context.Background()
	conn, err := s.a.store.ConnectionByID(ctx, s.cid)
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.a.syncs.Start(ctx, conn, syncer.Request{Trigger: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	if code := s.admin.mustStatus(409, "POST", s.path("/sync"), nil).errCode(t); code != "sync_running" {
		t.Fatal(code)
	}
	if err := s.a.syncs.Execute(ctx, conn, run, syncer.Request{Trigger: "cli"}); err != nil {
		t.Fatal(err)
	}
	s.admin.mustStatus(202, "POST", s.path("/sync"), nil)
	s.waitIdle(t)
}

// ghWebhook is a Greenhouse stage change as it happened now (the
// last_activity_at that orders stage hints).
func ghWebhook(appID, stageID string) []byte {
	b, _ := json.Marshal(map[string]any{"action": "candidate_stage_change", "payload": map[string]any{
		"application": map[string]any{"id": json.Number(appID), "last_activity_at": time.Now().UTC().Format(time.RFC3339),
			"current_stage": map[string]any{"id": json.Number(stageID), "name": "Moved"}}}})
	return b
}

func TestWebhookSignatureDedupeAndStageHint(t *testing.T) {
	s := newGreenhouseSetup(t)
	conn := s.admin.mustStatus(200, "GET", s.path(""), nil).json(t)["connection"].(map[string]any)
	hookPath := strings.TrimPrefix(conn["webhook_url"].(string), s.a.cfg.BaseURL)
	sm := s.fake.Samples()
	body := ghWebhook(sm.ApplicationID, sm.OtherStageID)
	post := func(headers map[string]string) resp {
		req := httptest.NewRequest("POST", hookPath, strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		res, err := s.a.HTTP().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b strings.Builder
		fmt.Fprint(&b, res.Body)
		return resp{Status: res.StatusCode}
	}
	sig := fmt.Sprintf("sha256 %x", hmacSHA256("whsec-test", body))
	if r := post(map[string]string{"Signature": "sha256 00" + sig[9:]}); r.Status != 401 {
		t.Fatalf("bad signature: %d", r.Status)
	}
	if r := post(nil); r.Status != 401 {
		t.Fatalf("missing signature: %d", r.Status)
	}
	if r := post(map[string]string{"Signature": sig, "Greenhouse-Event-ID": "evt-1"}); r.Status != 202 {
		t.Fatalf("good delivery: %d", r.Status)
	}
	if r := post(map[string]string{"Signature": sig, "Greenhouse-Event-ID": "evt-1"}); r.Status != 200 {
		t.Fatalf("replayed delivery: %d", r.Status)
	}
	s.waitIdle(t)
	evs := s.admin.mustStatus(200, "GET", s.path("/stage-events"), nil).json(t)["events"].([]any)
	if len(evs) != 1 || evs[0].(map[string]any)["source"] != "webhook" || evs[0].(map[string]any)["to_stage_ext_id"] != sm.OtherStageID {
		t.Fatalf("want exactly one webhook stage event, got %v", evs)
	}
	if r := (&client{t: t, a: s.a}).do("POST", "/webhooks/ats/not-a-token", "{}"); r.Status != 404 {
		t.Fatalf("unknown token: %d", r.Status)
	}
}

func hmacSHA256(secret string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return m.Sum(nil)
}

// The connect form points at the missing Harvest v3 fields (client id,
// acting user) and at a Harvest v1 base URL instead of failing the
// credential test with a long error.
func TestGreenhouseV3ConnectionNeedsClientIDAndUser(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	r := admin.mustStatus(422, "POST", fmt.Sprintf("/api/workspaces/%d/connections", wid),
		map[string]any{"provider": "greenhouse", "api_key": "old-v1-key"}).json(t)
	fields := r["error"].(map[string]any)["fields"].(map[string]any)
	if !strings.Contains(fmt.Sprint(fields["integration_id"]), "Client ID") || !strings.Contains(fmt.Sprint(fields["acting_user_id"]), "numeric id") {
		t.Fatalf("fields = %v, want integration_id and acting_user_id explained", fields)
	}
	r = admin.mustStatus(422, "POST", fmt.Sprintf("/api/workspaces/%d/connections", wid),
		map[string]any{"provider": "greenhouse", "api_key": "s", "integration_id": "c", "acting_user_id": "4000",
			"base_url": "https://harvest.greenhouse.io/v1"}).json(t)
	if f := r["error"].(map[string]any)["fields"].(map[string]any); !strings.Contains(fmt.Sprint(f["base_url"]), "clear it") {
		t.Fatalf("v1 base URL: fields = %v", f)
	}
	r = admin.mustStatus(422, "POST", fmt.Sprintf("/api/workspaces/%d/connections", wid),
		map[string]any{"provider": "merge", "api_key": "k"}).json(t)
	if f := r["error"].(map[string]any)["fields"].(map[string]any); f["integration_id"] != "is required for Merge" {
		t.Fatalf("merge without a linked account token: fields = %v", f)
	}
}
