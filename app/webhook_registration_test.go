package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/greenhouse/fake"
	kombofake "github.com/hireloop/hireloop/ats/kombo/fake"
	leverfake "github.com/hireloop/hireloop/ats/lever/fake"
	"github.com/hireloop/hireloop/ats/merge"
	mergefake "github.com/hireloop/hireloop/ats/merge/fake"
	srfake "github.com/hireloop/hireloop/ats/smartrecruiters/fake"
	workablefake "github.com/hireloop/hireloop/ats/workable/fake"
)

// TestWebhookRegistrationLever registers, replaces and removes Lever
// webhooks through the API against the wire-format fake, and accepts a
// delivery signed with a token Lever issued.
func TestWebhookRegistrationLever(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	lf := leverfake.New("lever-key", leverfake.SmallSeed)
	t.Cleanup(lf.Close)
	conn := admin.mustStatus(201, "POST", fmt.Sprintf("/api/workspaces/%d/connections", wid), map[string]any{
		"provider": "lever", "api_key": "lever-key", "base_url": lf.URL(), "acting_user_id": leverfake.UserID(0), "paused": true,
	}).json(t)["connection"].(map[string]any)
	cid := int64(conn["id"].(float64))
	path := fmt.Sprintf("/api/workspaces/%d/connections/%d/webhooks", wid, cid)
	if reg := conn["webhook_registration"].(map[string]any); reg["available"] != true || reg["registered"] != false {
		t.Fatalf("new Lever connection: webhook_registration = %v", reg)
	}

	view := admin.mustStatus(200, "POST", path, nil).json(t)["connection"].(map[string]any)
	reg := view["webhook_registration"].(map[string]any)
	hooks := lf.Webhooks()
	if reg["registered"] != true || len(reg["events"].([]any)) != 5 || len(hooks) != 5 {
		t.Fatalf("after registering: %v, %d webhooks at Lever", reg, len(hooks))
	}
	if view["has_webhook_secret"] != true || hooks[0].URL != view["webhook_url"] {
		t.Fatalf("webhook URL at Lever %q, connection's %q; secret stored %v", hooks[0].URL, view["webhook_url"], view["has_webhook_secret"])
	}

	// A delivery signed with one of Lever's issued tokens is accepted.
	token := view["webhook_url"].(string)[strings.LastIndex(view["webhook_url"].(string), "/")+1:]
	body := leverfake.SignedDelivery("candidateStageChange", "tok-1", time.Now().UnixMilli(), map[string]any{
		"opportunityId": leverfake.OpportunityID(0), "contactId": "c", "toStageId": "lead-new"}, hooks[2].SignatureToken)
	req := httptest.NewRequest("POST", "/webhooks/ats/"+token, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	res, err := a.HTTP().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("delivery signed with a Lever-issued token: %d", res.StatusCode)
	}

	// Registering again replaces the subscriptions instead of doubling them.
	admin.mustStatus(200, "POST", path, nil)
	again := lf.Webhooks()
	if len(again) != 5 || again[0].ID == hooks[0].ID {
		t.Fatalf("re-registering left %d webhooks (first id %s, was %s)", len(again), again[0].ID, hooks[0].ID)
	}

	view = admin.mustStatus(200, "DELETE", path, nil).json(t)["connection"].(map[string]any)
	if view["webhook_registration"].(map[string]any)["registered"] != false || len(lf.Webhooks()) != 0 {
		t.Fatalf("after unregistering: %v, %d webhooks at Lever", view["webhook_registration"], len(lf.Webhooks()))
	}

	// Deleting the connection removes what was registered.
	admin.mustStatus(200, "POST", path, nil)
	admin.mustStatus(204, "DELETE", fmt.Sprintf("/api/workspaces/%d/connections/%d", wid, cid), nil)
	if n := len(lf.Webhooks()); n != 0 {
		t.Fatalf("deleting the connection left %d webhooks at Lever", n)
	}
}

// TestWebhookRegistrationUnsupported: Greenhouse has no webhook API, so the
// console is told to follow the setup steps instead.
func TestWebhookRegistrationUnsupported(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	f := fake.New(ghClientID, ghKey, fake.SmallSeed)
	t.Cleanup(f.Close)
	conn := admin.mustStatus(201, "POST", fmt.Sprintf("/api/workspaces/%d/connections", wid), map[string]any{
		"provider": "greenhouse", "api_key": ghKey, "integration_id": ghClientID, "acting_user_id": "4000", "base_url": f.URL(), "paused": true,
	}).json(t)["connection"].(map[string]any)
	if conn["webhook_registration"].(map[string]any)["available"] != false {
		t.Fatalf("Greenhouse offered webhook registration: %v", conn["webhook_registration"])
	}
	r := admin.do("POST", fmt.Sprintf("/api/workspaces/%d/connections/%v/webhooks", wid, conn["id"]), nil)
	if r.Status != http.StatusConflict || r.errCode(t) != "webhook_registration_unsupported" {
		t.Fatalf("register on Greenhouse: %d %s", r.Status, r.Body)
	}
}

// appTransport sends a vendor's requests to the app's own webhook endpoint
// in-process, as if the vendor reached hireloop's public URL.
type appTransport struct{ a *App }

func (t appTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.a.HTTP().Test(r, -1)
}

// TestWebhookRegistrationSmartRecruiters runs SmartRecruiters' flow end to
// end: create the subscription, have SmartRecruiters issue the signing
// key, activate it while the fake calls our endpoint with X-Hook-Secret
// (which must be echoed), then accept a delivery signed with that key.
func TestWebhookRegistrationSmartRecruiters(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	sf := srfake.New("sr-key", srfake.SmallSeed)
	t.Cleanup(sf.Close)
	sf.HandshakeClient = &http.Client{Transport: appTransport{a}}
	conn := admin.mustStatus(201, "POST", fmt.Sprintf("/api/workspaces/%d/connections", wid), map[string]any{
		"provider": "smartrecruiters", "api_key": "sr-key", "base_url": sf.URL(), "paused": true,
	}).json(t)["connection"].(map[string]any)
	path := fmt.Sprintf("/api/workspaces/%d/connections/%v/webhooks", wid, conn["id"])

	view := admin.mustStatus(200, "POST", path, nil).json(t)["connection"].(map[string]any)
	reg := view["webhook_registration"].(map[string]any)
	subs := sf.Subscriptions()
	if len(subs) != 1 || !subs[0].Active || subs[0].CallbackURL != view["webhook_url"] || len(subs[0].Keys) != 1 {
		t.Fatalf("subscriptions at SmartRecruiters: %+v (webhook URL %v)", subs, view["webhook_url"])
	}
	if reg["registered"] != true || reg["pending_handshake"] == true || view["has_webhook_secret"] != true {
		t.Fatalf("registration after the handshake: %v (secret stored %v)", reg, view["has_webhook_secret"])
	}

	// A delivery signed with the key SmartRecruiters issued is accepted.
	token := view["webhook_url"].(string)[strings.LastIndex(view["webhook_url"].(string), "/")+1:]
	body := []byte(`{"job_id":"` + srfake.JobID(0) + `","candidate_id":"` + srfake.CandidateID(0) + `"}`)
	sf.RegisterDelivery(body, http.Header{"Event-Name": {"application.status.updated"}, "Event-Id": {"evt-1"}, "Event-Version": {"1.0.0"}})
	req := httptest.NewRequest("POST", "/webhooks/ats/"+token, strings.NewReader(string(body)))
	for k, vs := range sf.SignWebhook(body, subs[0].Keys[0]) {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := a.HTTP().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("delivery signed with the issued key: %d", res.StatusCode)
	}
	// The same body signed with anything else is refused.
	req = httptest.NewRequest("POST", "/webhooks/ats/"+token, strings.NewReader(string(body)))
	for k, vs := range sf.SignWebhook(body, "not-the-key") {
		req.Header[k] = vs
	}
	if res, _ := a.HTTP().Test(req, -1); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("delivery signed with another key: %d", res.StatusCode)
	}

	admin.mustStatus(200, "DELETE", path, nil)
	if n := len(sf.Subscriptions()); n != 0 {
		t.Fatalf("%d subscriptions left after unregistering", n)
	}
}

// TestWebhookOtherAccountIgnored: a Kombo organisation sends every
// integration's events to each endpoint; a verified delivery for another
// integration is acknowledged and dropped, one for this connection's is
// processed.
func TestWebhookOtherAccountIgnored(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	kf := kombofake.New("kombo-key", "integration-1", kombofake.SmallSeed)
	t.Cleanup(kf.Close)
	view := admin.mustStatus(201, "POST", fmt.Sprintf("/api/workspaces/%d/connections", wid), map[string]any{
		"provider": "kombo", "api_key": "kombo-key", "integration_id": "integration-1", "base_url": kf.URL(),
		"webhook_secret": "whsec-kombo", "paused": true,
	}).json(t)["connection"].(map[string]any)
	token := view["webhook_url"].(string)[strings.LastIndex(view["webhook_url"].(string), "/")+1:]
	deliver := func(id, integration string) map[string]any {
		t.Helper()
		body := []byte(`{"id":"` + id + `","type":"data-changed","data":{"integration_id":"` + integration +
			`","integration_tool":"personio","integration_category":"ATS","changed_models":[{"name":"ats_applications"}]}}`)
		req := httptest.NewRequest("POST", "/webhooks/ats/"+token, strings.NewReader(string(body)))
		for k, vs := range kf.SignWebhook(body, "whsec-kombo") {
			req.Header[k] = vs
		}
		res, err := a.HTTP().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		out["http_status"] = res.StatusCode
		return out
	}
	if got := deliver("evt-other", "integration-2"); got["status"] != "other_account" || got["http_status"] != 200 {
		t.Fatalf("delivery for another integration: %v", got)
	}
	if got := deliver("evt-mine", "integration-1"); got["status"] != "accepted" || got["http_status"] != 202 {
		t.Fatalf("delivery for this integration: %v", got)
	}
}

// TestWebhookStageNameHint: Workable's candidate_moved names the new stage
// without its id; the endpoint finds it among the job's stages and applies
// the move at once (source "webhook"), before any re-sync. The secret is
// the one registration stored.
func TestWebhookStageNameHint(t *testing.T) {
	const key = "workable-token-5d1c"
	f := workablefake.New(key, workablefake.SmallSeed)
	t.Cleanup(f.Close)
	s := newVendorSetup(t, f, map[string]any{"provider": "workable", "api_key": key, "base_url": f.URL(),
		"acting_user_id": workablefake.MemberID(0)})
	view := s.admin.mustStatus(200, "POST", s.path("/webhooks"), nil).json(t)["connection"].(map[string]any)
	token := view["webhook_url"].(string)[strings.LastIndex(view["webhook_url"].(string), "/")+1:]

	sm := f.Samples()
	f.MoveApplication(sm.ApplicationID, sm.OtherStageID)
	body := f.Delivery("candidate_moved", "delivery-1", sm.ApplicationID)
	req := httptest.NewRequest("POST", "/webhooks/ats/"+token, strings.NewReader(string(body)))
	for k, vs := range f.SignWebhook(body, key) {
		req.Header[k] = vs
	}
	res, err := s.a.HTTP().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("delivery: %d", res.StatusCode)
	}
	evs := s.admin.mustStatus(200, "GET", s.path("/stage-events"), nil).json(t)["events"].([]any)
	for _, e := range evs {
		m := e.(map[string]any)
		if m["application_ext_id"] == sm.ApplicationID && m["to_stage_ext_id"] == sm.OtherStageID && m["source"] == "webhook" {
			return
		}
	}
	t.Fatalf("no webhook stage event to %s; events %v", sm.OtherStageID, evs)
}

// TestWebhookOtherMergeAccount: Merge names the linked account by an id
// hireloop must look up; it is looked up once per connection, not once per
// delivery, and deliveries for other linked accounts are dropped.
func TestWebhookOtherMergeAccount(t *testing.T) {
	a := newTestApp(t)
	admin, wid := setupAdmin(t, a)
	mf := mergefake.New("merge-key", "account-token", mergefake.SmallSeed)
	t.Cleanup(mf.Close)
	view := admin.mustStatus(201, "POST", fmt.Sprintf("/api/workspaces/%d/connections", wid), map[string]any{
		"provider": "merge", "api_key": "merge-key", "integration_id": "account-token", "base_url": mf.URL(),
		"webhook_secret": "whsec-merge", "paused": true,
	}).json(t)["connection"].(map[string]any)
	token := view["webhook_url"].(string)[strings.LastIndex(view["webhook_url"].(string), "/")+1:]
	deliver := func(account, id string) (int, string) {
		t.Helper()
		body := []byte(`{"hook":{"id":"` + id + `","event":"Candidate.changed","target":"x"},"linked_account":{"id":"` + account +
			`"},"data":{"id":"c-1"}}`)
		req := httptest.NewRequest("POST", "/webhooks/ats/"+token, strings.NewReader(string(body)))
		for k, vs := range mf.SignWebhook(body, "whsec-merge") {
			req.Header[k] = vs
		}
		res, err := a.HTTP().Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(res.Body).Decode(&out)
		return res.StatusCode, fmt.Sprint(out["status"])
	}
	before := mf.Requests()
	for i := range 3 {
		if code, status := deliver("another-linked-account", fmt.Sprint("h-", i)); code != 200 || status != "other_account" {
			t.Fatalf("delivery %d for another linked account: %d %s", i, code, status)
		}
	}
	if n := mf.Requests() - before; n != 1 {
		t.Fatalf("%d requests for three deliveries, want one account look-up", n)
	}
	mc, err := merge.New(ats.Config{BaseURL: mf.URL(), APIKey: "merge-key", IntegrationID: "account-token"})
	if err != nil {
		t.Fatal(err)
	}
	ad, err := mc.AccountDetails(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if code, status := deliver(ad.ID, "h-own"); code != 202 || status != "accepted" {
		t.Fatalf("delivery for this linked account: %d %s", code, status)
	}
}
