package app

import (
	"fmt"
	"testing"

	ashbyfake "github.com/hireloop/hireloop/ats/ashby/fake"
	bamboofake "github.com/hireloop/hireloop/ats/bamboohr/fake"
	ghfake "github.com/hireloop/hireloop/ats/greenhouse/fake"
	leverfake "github.com/hireloop/hireloop/ats/lever/fake"
	mergefake "github.com/hireloop/hireloop/ats/merge/fake"
	personiofake "github.com/hireloop/hireloop/ats/personio/fake"
	recruiteefake "github.com/hireloop/hireloop/ats/recruitee/fake"
	srfake "github.com/hireloop/hireloop/ats/smartrecruiters/fake"
	ttfake "github.com/hireloop/hireloop/ats/teamtailor/fake"
	workablefake "github.com/hireloop/hireloop/ats/workable/fake"
)

// TestEveryConnectorThroughTheApp connects a workspace to each native
// connector's wire-format fake through the API, checks the first full sync
// stored what the fake holds, moves an application in the "ATS" and
// checks the next scheduled-style sync records the stage change. For
// vendors without an incremental filter (BambooHR, Recruitee) that is the
// full scan's change detection at work.
func TestEveryConnectorThroughTheApp(t *testing.T) {
	const key = "vendor-key-7f3e91c2"
	cases := []struct {
		// provider names the case and, unless the connection sets its own
		// "provider" (a second mode of one connector), the provider.
		provider string
		start    func(t *testing.T) (vendorFake, map[string]any)
	}{
		{"lever", func(t *testing.T) (vendorFake, map[string]any) {
			f := leverfake.New(key, leverfake.SmallSeed)
			return f, map[string]any{"api_key": key, "base_url": f.URL(), "acting_user_id": leverfake.UserID(0)}
		}},
		{"ashby", func(t *testing.T) (vendorFake, map[string]any) {
			f := ashbyfake.New(key)
			return f, map[string]any{"api_key": key, "base_url": f.URL()}
		}},
		{"workable", func(t *testing.T) (vendorFake, map[string]any) {
			f := workablefake.New(key, workablefake.SmallSeed)
			return f, map[string]any{"api_key": key, "base_url": f.URL(), "acting_user_id": workablefake.MemberID(0)}
		}},
		{"smartrecruiters", func(t *testing.T) (vendorFake, map[string]any) {
			f := srfake.New(key, srfake.SmallSeed)
			return f, map[string]any{"api_key": key, "base_url": f.URL()}
		}},
		{"teamtailor", func(t *testing.T) (vendorFake, map[string]any) {
			f := ttfake.New(key, ttfake.SmallSeed)
			return f, map[string]any{"api_key": key, "base_url": f.URL(), "acting_user_id": ttfake.UserID(0)}
		}},
		{"recruitee", func(t *testing.T) (vendorFake, map[string]any) {
			f := recruiteefake.New(key, recruiteefake.SmallSeed)
			return f, map[string]any{"api_key": key, "base_url": f.URL(), "integration_id": recruiteefake.CompanyID}
		}},
		{"bamboohr", func(t *testing.T) (vendorFake, map[string]any) {
			f := bamboofake.New(key, bamboofake.SmallSeed)
			return f, map[string]any{"api_key": key, "base_url": f.URL()}
		}},
		{"personio", func(t *testing.T) (vendorFake, map[string]any) {
			f := personiofake.New("personio-client-id", key, personiofake.SmallSeed)
			return f, map[string]any{"api_key": key, "base_url": f.URL(), "integration_id": "personio-client-id"}
		}},
		{"greenhouse-v3", func(t *testing.T) (vendorFake, map[string]any) {
			f := ghfake.New("greenhouse-client-id", key, ghfake.SmallSeed)
			return f, map[string]any{"provider": "greenhouse", "api_key": key, "base_url": f.URL(),
				"integration_id": "greenhouse-client-id", "acting_user_id": "4000"}
		}},
		{"merge", func(t *testing.T) (vendorFake, map[string]any) {
			f := mergefake.New(key, "account-token", mergefake.SmallSeed)
			return f, map[string]any{"api_key": key, "base_url": f.URL(), "integration_id": "account-token"}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.provider, func(t *testing.T) {
			t.Parallel()
			f, conn := tc.start(t)
			t.Cleanup(func() { f.(interface{ Close() }).Close() })
			if conn["provider"] == nil {
				conn["provider"] = tc.provider
			}
			// The connectors pace at the vendor's documented budget, so
			// Workable (10 requests per 10 s) is the slow case here.
			s := newVendorSetup(t, f, conn)
			want := f.Expect()
			ws := fmt.Sprintf("/api/workspaces/%d", s.wid)
			if n := count(t, s.admin, ws+"/applications"); n != want.Applications {
				t.Fatalf("applications %d, want %d", n, want.Applications)
			}
			if n := count(t, s.admin, ws+"/positions"); n != want.Jobs {
				t.Fatalf("positions %d, want %d", n, want.Jobs)
			}
			sm := f.Samples()
			f.MoveApplication(sm.ApplicationID, sm.OtherStageID)
			if run := s.syncNow(t, false); run["status"] != "succeeded" {
				t.Fatalf("second sync: %v", run)
			}
			evs := s.admin.mustStatus(200, "GET", s.path("/stage-events"), nil).json(t)["events"].([]any)
			found := false
			for _, e := range evs {
				m := e.(map[string]any)
				found = found || (m["to_stage_ext_id"] == sm.OtherStageID && m["source"] == "sync")
			}
			if !found {
				t.Fatalf("no sync stage event to %s after the move; events %v", sm.OtherStageID, evs)
			}
		})
	}
}
