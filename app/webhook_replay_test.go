package app

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	ashbyfake "github.com/hireloop/hireloop/ats/ashby/fake"
	"github.com/hireloop/hireloop/ats/atstest"
	ghfake "github.com/hireloop/hireloop/ats/greenhouse/fake"
	kombofake "github.com/hireloop/hireloop/ats/kombo/fake"
	leverfake "github.com/hireloop/hireloop/ats/lever/fake"
	mergefake "github.com/hireloop/hireloop/ats/merge/fake"
	recruiteefake "github.com/hireloop/hireloop/ats/recruitee/fake"
	srfake "github.com/hireloop/hireloop/ats/smartrecruiters/fake"
	ttfake "github.com/hireloop/hireloop/ats/teamtailor/fake"
	workablefake "github.com/hireloop/hireloop/ats/workable/fake"
)

const replaySecret = "whsec-replay-5b2e"

// replayVendor is one vendor whose webhooks hireloop verifies.
type replayVendor struct {
	name  string
	start func(t *testing.T) (vendorFake, map[string]any)
	// move builds a genuine signed delivery saying the sample application
	// entered stage at the vendor time at; n makes deliveries distinct.
	// nil for vendors whose deliveries only say what to re-read (Kombo).
	move func(s *replaySetup, stage string, at time.Time, n int) (http.Header, []byte)
	// changed builds a delivery without a stage (Kombo's data-changed).
	changed func(s *replaySetup, n int) (http.Header, []byte)
	// reissue returns the delivery as an attacker could resend it: a new
	// value in each header outside the signature (Greenhouse's event id),
	// or, for Lever, which signs only token and triggeredAt, other data
	// around the same signed pair.
	reissue func(h http.Header, body []byte) (http.Header, []byte)
}

type replaySetup struct {
	*ghSetup
	f     vendorFake
	sm    atstest.Samples
	token string
}

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

// num renders a numeric vendor id as a JSON number, as Greenhouse sends it.
func num(id string) any {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		return n
	}
	return id
}

func replayVendors() []replayVendor {
	const key = "vendor-key-3c9d"
	return []replayVendor{
		{name: "greenhouse",
			start: func(t *testing.T) (vendorFake, map[string]any) {
				f := ghfake.New(ghClientID, ghKey, ghfake.SmallSeed)
				return f, map[string]any{"base_url": f.URL(), "api_key": ghKey, "integration_id": ghClientID, "acting_user_id": "4000"}
			},
			move: func(s *replaySetup, stage string, at time.Time, n int) (http.Header, []byte) {
				body := jsonBody(map[string]any{"action": "candidate_stage_change", "payload": map[string]any{"application": map[string]any{
					"id": num(s.sm.ApplicationID), "candidate_id": num(s.sm.CandidateID), "last_activity_at": at.Format(time.RFC3339),
					"jobs": []any{map[string]any{"id": num(s.sm.JobID)}}, "current_stage": map[string]any{"id": num(stage), "name": "Stage"}}}})
				h := s.f.SignWebhook(body, replaySecret)
				h.Set("Greenhouse-Event-ID", fmt.Sprint("evt-", n))
				return h, body
			},
			reissue: func(h http.Header, body []byte) (http.Header, []byte) {
				h = h.Clone()
				h.Set("Greenhouse-Event-ID", "evt-resent-"+strconv.FormatInt(time.Now().UnixNano(), 10))
				return h, body
			},
		},
		{name: "lever",
			start: func(t *testing.T) (vendorFake, map[string]any) {
				f := leverfake.New(key, leverfake.SmallSeed)
				return f, map[string]any{"api_key": key, "base_url": f.URL(), "acting_user_id": leverfake.UserID(0)}
			},
			move: func(s *replaySetup, stage string, at time.Time, n int) (http.Header, []byte) {
				return http.Header{"Content-Type": {"application/json"}}, leverfake.SignedDelivery("candidateStageChange", fmt.Sprint("tok-", n),
					at.UnixMilli(), map[string]any{"opportunityId": s.sm.ApplicationID, "contactId": s.sm.CandidateID, "toStageId": stage}, replaySecret)
			},
			reissue: func(h http.Header, body []byte) (http.Header, []byte) {
				var m map[string]any
				_ = json.Unmarshal(body, &m)
				m["data"].(map[string]any)["toStageId"] = "some-other-stage"
				return h, jsonBody(m)
			},
		},
		{name: "ashby",
			start: func(t *testing.T) (vendorFake, map[string]any) {
				f := ashbyfake.New(key)
				return f, map[string]any{"api_key": key, "base_url": f.URL()}
			},
			move: func(s *replaySetup, stage string, at time.Time, n int) (http.Header, []byte) {
				body := jsonBody(map[string]any{"action": "candidateStageChange", "data": map[string]any{"application": map[string]any{
					"id": s.sm.ApplicationID, "candidate": map[string]any{"id": s.sm.CandidateID}, "job": map[string]any{"id": s.sm.JobID},
					"currentInterviewStage": map[string]any{"id": stage, "title": "Stage"}, "updatedAt": at.Format(time.RFC3339Nano)}}})
				return s.f.SignWebhook(body, replaySecret), body
			},
		},
		{name: "workable",
			start: func(t *testing.T) (vendorFake, map[string]any) {
				f := workablefake.New(key, workablefake.SmallSeed)
				return f, map[string]any{"api_key": key, "base_url": f.URL(), "acting_user_id": workablefake.MemberID(0)}
			},
			move: func(s *replaySetup, stage string, at time.Time, n int) (http.Header, []byte) {
				// Workable names the stage; the candidate is rendered as
				// the fake holds it, then set to what this delivery says.
				var m map[string]any
				_ = json.Unmarshal(s.f.(*workablefake.Fake).Delivery("candidate_moved", fmt.Sprint("d-", n), s.sm.ApplicationID), &m)
				data := m["data"].(map[string]any)
				data["stage"] = s.stageName(stage)
				data["updated_at"] = at.Format(time.RFC3339)
				body := jsonBody(m)
				return s.f.SignWebhook(body, replaySecret), body
			},
		},
		{name: "smartrecruiters",
			start: func(t *testing.T) (vendorFake, map[string]any) {
				f := srfake.New(key, srfake.SmallSeed)
				return f, map[string]any{"api_key": key, "base_url": f.URL()}
			},
			move: func(s *replaySetup, stage string, at time.Time, n int) (http.Header, []byte) {
				body := jsonBody(map[string]any{"candidate_id": s.sm.CandidateID, "job_id": s.sm.JobID, "status": stage, "n": n})
				s.f.(*srfake.Fake).RegisterDelivery(body, http.Header{"event-name": {"application.status.updated"},
					"event-id": {fmt.Sprint("sr-evt-", n)}, "smartrecruiters-timestamp": {strconv.FormatInt(time.Now().Unix(), 10)}})
				return s.f.SignWebhook(body, replaySecret), body
			},
		},
		{name: "teamtailor",
			start: func(t *testing.T) (vendorFake, map[string]any) {
				f := ttfake.New(key, ttfake.SmallSeed)
				return f, map[string]any{"api_key": key, "base_url": f.URL(), "acting_user_id": ttfake.UserID(0)}
			},
			move: func(s *replaySetup, stage string, at time.Time, n int) (http.Header, []byte) {
				body := jsonBody(map[string]any{"payload": map[string]any{"event_name": "job_application.update", "data": map[string]any{
					"id": s.sm.ApplicationID, "type": "job-applications", "attributes": map[string]any{
						"job-id": s.sm.JobID, "candidate-id": s.sm.CandidateID, "stage-id": stage, "stage-name": s.stageName(stage),
						"updated-at": at.Format(time.RFC3339), "n": n}}}})
				return s.f.SignWebhook(body, replaySecret), body
			},
		},
		{name: "recruitee",
			start: func(t *testing.T) (vendorFake, map[string]any) {
				f := recruiteefake.New(key, recruiteefake.SmallSeed)
				return f, map[string]any{"api_key": key, "base_url": f.URL(), "integration_id": recruiteefake.CompanyID}
			},
			move: func(s *replaySetup, stage string, at time.Time, n int) (http.Header, []byte) {
				body := jsonBody(map[string]any{"id": 9000 + n, "attempt_count": 1, "created_at": at.Format(time.RFC3339),
					"event_type": "candidate_moved", "event_subtype": "stage_changed", "payload": map[string]any{
						"candidate": map[string]any{"id": num(s.sm.CandidateID)}, "offer": map[string]any{"id": num(s.sm.JobID)},
						"placement": map[string]any{"id": num(s.sm.ApplicationID), "candidate_id": num(s.sm.CandidateID), "offer_id": num(s.sm.JobID)},
						"details":   map[string]any{"to_stage": map[string]any{"id": num(stage), "name": s.stageName(stage)}}}})
				return s.f.SignWebhook(body, replaySecret), body
			},
		},
		{name: "kombo",
			start: func(t *testing.T) (vendorFake, map[string]any) {
				f := kombofake.New(key, "integration-1", kombofake.SmallSeed)
				return f, map[string]any{"api_key": key, "base_url": f.URL(), "integration_id": "integration-1"}
			},
			changed: func(s *replaySetup, n int) (http.Header, []byte) {
				body := jsonBody(map[string]any{"id": fmt.Sprint("kombo-evt-", n), "type": "data-changed", "data": map[string]any{
					"integration_id": "integration-1", "changed_models": []any{map[string]any{"name": "ats_applications"}}}})
				return s.f.SignWebhook(body, replaySecret), body
			},
		},
		{name: "merge",
			start: func(t *testing.T) (vendorFake, map[string]any) {
				f := mergefake.New(key, "account-token", mergefake.SmallSeed)
				return f, map[string]any{"api_key": key, "base_url": f.URL(), "integration_id": "account-token"}
			},
			move: func(s *replaySetup, stage string, at time.Time, n int) (http.Header, []byte) {
				body := jsonBody(map[string]any{"hook": map[string]any{"id": "hook-1", "event": "Application.changed", "target": "x"},
					"data": map[string]any{
						"id": s.sm.ApplicationID, "candidate": s.sm.CandidateID, "job": s.sm.JobID,
						"current_stage": stage, "modified_at": at.Format(time.RFC3339)}})
				return s.f.SignWebhook(body, replaySecret), body
			},
		},
	}
}

// post delivers a webhook and returns its status and status word.
func (s *replaySetup) post(t *testing.T, h http.Header, body []byte) (int, string) {
	t.Helper()
	req := httptest.NewRequest("POST", "/webhooks/ats/"+s.token, strings.NewReader(string(body)))
	for k, vs := range h {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := s.a.HTTP().Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Status string }
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out.Status
}

// stageName is the name hireloop synced for a stage id of the sample job.
func (s *replaySetup) stageName(id string) string {
	ps := s.admin.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d/positions?limit=500", s.wid), nil).json(s.admin.t)["positions"].([]any)
	for _, p := range ps {
		for _, st := range p.(map[string]any)["stages"].([]any) {
			if m := st.(map[string]any); m["ext_id"] == id {
				return m["name"].(string)
			}
		}
	}
	s.admin.t.Fatalf("stage %s not synced", id)
	return ""
}

// application is the sample application as hireloop stores it.
func (s *replaySetup) application(t *testing.T) (stage string, updated time.Time) {
	t.Helper()
	r := s.admin.mustStatus(200, "GET", fmt.Sprintf("/api/workspaces/%d/applications?limit=200&job=%s", s.wid, s.sm.JobID), nil).json(t)
	for _, a := range r["applications"].([]any) {
		m := a.(map[string]any)
		if m["ext_id"] == s.sm.ApplicationID {
			if u, ok := m["updated_at"].(string); ok {
				updated, _ = time.Parse(time.RFC3339, u)
			}
			return m["stage_ext_id"].(string), updated
		}
	}
	t.Fatalf("application %s not synced", s.sm.ApplicationID)
	return "", time.Time{}
}

func (s *replaySetup) runs(t *testing.T) int {
	return len(s.admin.mustStatus(200, "GET", s.path("/runs"), nil).json(t)["runs"].([]any))
}

// eventsTo counts the recorded stage events of the sample application into stage.
func (s *replaySetup) eventsTo(t *testing.T, stage string) int {
	n := 0
	for _, e := range s.admin.mustStatus(200, "GET", s.path("/stage-events"), nil).json(t)["events"].([]any) {
		m := e.(map[string]any)
		if m["application_ext_id"] == s.sm.ApplicationID && m["to_stage_ext_id"] == stage {
			n++
		}
	}
	return n
}

// settle waits for any sync the last delivery started.
func (s *replaySetup) settle(t *testing.T) {
	time.Sleep(50 * time.Millisecond)
	s.waitIdle(t)
}

// For every vendor whose webhooks hireloop verifies: a genuine delivery is
// processed once; the same signed delivery sent again (under a new event
// id where the id travels outside the signature) answers 200 and changes
// nothing and starts no sync; and a delivery of an older stage change,
// arriving after a newer one, does not move the application back.
func TestWebhookReplaysAndStaleStagesEveryVendor(t *testing.T) {
	for _, v := range replayVendors() {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			f, conn := v.start(t)
			t.Cleanup(func() { f.(interface{ Close() }).Close() })
			conn["provider"], conn["webhook_secret"] = v.name, replaySecret
			gs := newVendorSetup(t, f, conn)
			url := gs.admin.mustStatus(200, "GET", gs.path(""), nil).json(t)["connection"].(map[string]any)["webhook_url"].(string)
			s := &replaySetup{ghSetup: gs, f: f, sm: f.Samples(), token: url[strings.LastIndex(url, "/")+1:]}

			var h http.Header
			var body []byte
			if v.move == nil {
				h, body = v.changed(s, 1)
			} else {
				// The ATS moved the application; its webhook says so.
				_, synced := s.application(t)
				f.MoveApplication(s.sm.ApplicationID, s.sm.OtherStageID)
				h, body = v.move(s, s.sm.OtherStageID, synced.Add(time.Second), 1)
			}
			runs := s.runs(t)
			if code, word := s.post(t, h, body); code != http.StatusAccepted || word != "accepted" {
				t.Fatalf("first delivery: %d %q", code, word)
			}
			s.settle(t)
			if n := s.runs(t); n != runs+1 {
				t.Fatalf("first delivery started %d syncs, want 1", n-runs)
			}
			if v.move != nil {
				if stage, _ := s.application(t); stage != s.sm.OtherStageID || s.eventsTo(t, s.sm.OtherStageID) != 1 {
					t.Fatalf("after the delivery the application is in %s with %d events into %s", stage, s.eventsTo(t, s.sm.OtherStageID), s.sm.OtherStageID)
				}
			}

			// The same signed delivery again, as a vendor retry or an attacker would send it.
			replays := [][2]any{{h, body}}
			if v.reissue != nil {
				rh, rb := v.reissue(h, body)
				replays = append(replays, [2]any{rh, rb})
			}
			runs = s.runs(t)
			for i, r := range replays {
				if code, word := s.post(t, r[0].(http.Header), r[1].([]byte)); code != http.StatusOK || word != "duplicate" {
					t.Fatalf("replay %d: %d %q, want 200 duplicate", i, code, word)
				}
			}
			s.settle(t)
			if n := s.runs(t); n != runs {
				t.Fatalf("replays started %d syncs, want none", n-runs)
			}
			if v.move == nil {
				return
			}
			if stage, _ := s.application(t); stage != s.sm.OtherStageID || s.eventsTo(t, s.sm.OtherStageID) != 1 {
				t.Fatalf("after the replays the application is in %s with %d events into %s", stage, s.eventsTo(t, s.sm.OtherStageID), s.sm.OtherStageID)
			}

			// A change from before the one already applied, delivered late.
			_, synced := s.application(t)
			h, body = v.move(s, s.sm.StageID, synced.Add(-time.Hour), 2)
			if code, _ := s.post(t, h, body); code != http.StatusAccepted {
				t.Fatalf("late delivery: %d", code)
			}
			stage, _ := s.application(t)
			back := s.eventsTo(t, s.sm.StageID)
			s.settle(t)
			if after, _ := s.application(t); stage != s.sm.OtherStageID || after != s.sm.OtherStageID || back != 0 || s.eventsTo(t, s.sm.StageID) != 0 {
				t.Fatalf("a late delivery of an older stage moved the application: in %s at once, %s after the refresh, %d events back",
					stage, after, s.eventsTo(t, s.sm.StageID))
			}
		})
	}
}
