package kombo_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/kombo"
	"github.com/hireloop/hireloop/ats/kombo/fake"
)

const (
	apiKey        = "kombo-test-key"
	integrationID = "greenhouse:HWUTwvyx2wLoSUHphiWVrp28"
)

func newPair(t testing.TB, o atstest.Options) (*kombo.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	if o.Applications > 0 {
		seed = fake.Seed{Jobs: 50, StagesPerJob: 5, Candidates: o.Applications, Applications: o.Applications, Tags: 10, RejectionReasons: 5, Users: 10}
	}
	f := fake.New(apiKey, integrationID, seed)
	t.Cleanup(f.Close)
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.APIKey, cfg.IntegrationID = f.URL(), apiKey, integrationID
	return atstest.Connect(t, kombo.New, cfg, nil), f
}

func TestConformance(t *testing.T) {
	dataChanged, err := os.ReadFile("testdata/data-changed.json")
	if err != nil {
		t.Fatal(err)
	}
	atstest.Run(t, atstest.Harness{
		Name: kombo.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPair(t, o)
		},
		CheckWrite: checkWrite,
		Webhooks: []atstest.WebhookCase{
			{Name: "data-changed", Body: dataChanged, Want: ats.WebhookEvent{Type: "data-changed",
				Models: []ats.Model{ats.ModelApplications, ats.ModelCandidates}}},
			{Name: "integration-state-changed", Body: []byte(`{"id":"8mK2","type":"integration-state-changed","data":{"integration_id":"x","state":"INVALID"}}`),
				Want: ats.WebhookEvent{Type: "integration-state-changed"}},
		},
	})
}

func checkWrite(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	if len(reqs) != 1 {
		t.Fatalf("%s made %d requests, want 1", a, len(reqs))
	}
	r := reqs[0]
	if r.Header.Get("X-Integration-Id") != integrationID || r.Header.Get("Authorization") != "Bearer "+apiKey {
		t.Fatalf("auth headers missing on %s", r.Path)
	}
	b := r.JSON()
	switch a {
	case ats.ActionResultLink:
		x := in.(ats.ResultLink)
		d, _ := b["details"].(map[string]any)
		attrs, _ := d["attributes"].([]any)
		if r.Method != "POST" || r.Path != "/v1/ats/applications/"+x.ApplicationID+"/result-links" || b["label"] != x.Label || b["url"] != x.URL ||
			d["custom_field_name_prefix"] != "hireloop:" || len(attrs) != 1 || attrs[0].(map[string]any)["key"] != "Score" {
			t.Fatalf("result link %s %s %s", r.Method, r.Path, r.Body)
		}
	case ats.ActionNote:
		x := in.(ats.Note)
		if r.Path != "/v1/ats/applications/"+x.ApplicationID+"/notes" || b["content"] != x.Body || b["content_type"] != "PLAIN_TEXT" {
			t.Fatalf("note %s %s", r.Path, r.Body)
		}
	case ats.ActionAttachment:
		x := in.(ats.Attachment)
		att, _ := b["attachment"].(map[string]any)
		data, _ := base64.StdEncoding.DecodeString(att["data"].(string))
		if r.Path != "/v1/ats/applications/"+x.ApplicationID+"/attachments" || att["name"] != x.Name || att["type"] != "OTHER" ||
			att["content_type"] != "application/pdf" || string(data) != string(x.Data) {
			t.Fatalf("attachment %s %s", r.Path, r.Body)
		}
	case ats.ActionMoveStage:
		x := in.(ats.StageMove)
		if r.Method != "PUT" || r.Path != "/v1/ats/applications/"+x.ApplicationID+"/stage" || b["stage_id"] != x.ToStageID {
			t.Fatalf("move %s %s %s", r.Method, r.Path, r.Body)
		}
	case ats.ActionReject:
		x := in.(ats.Rejection)
		if r.Path != "/v1/ats/applications/"+x.ApplicationID+"/reject" || b["rejection_reason_id"] != x.ReasonID || b["note"] != x.Note {
			t.Fatalf("reject %s %s", r.Path, r.Body)
		}
	case ats.ActionAddTag:
		x := in.(ats.TagAssignment)
		tag, _ := b["tag"].(map[string]any)
		if r.Method != "POST" || r.Path != "/v1/ats/candidates/"+x.CandidateID+"/tags" || tag["name"] != x.Name {
			t.Fatalf("tag %s %s %s", r.Method, r.Path, r.Body)
		}
	}
}

func TestCapabilitiesFromWriteActions(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	f.SetWriteAction(fake.WriteAction{ID: "ats_add_result_link_to_application", Label: "Add result link", IsAvailable: false,
		CoverageStatus: "SUPPORTED", ScopeConfigSetting: "OPTIONAL", OptedOutByCustomer: true})
	f.SetWriteAction(fake.WriteAction{ID: "ats_reject_application", Label: "Reject application", IsAvailable: false,
		CoverageStatus: "UNSUPPORTED", ScopeConfigSetting: "ENABLED"})
	cp, err := c.Capabilities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cp.Supports(ats.ActionResultLink) || !strings.Contains(cp.Writes[ats.ActionResultLink].Reason, "opted out") {
		t.Fatalf("result link = %+v", cp.Writes[ats.ActionResultLink])
	}
	if cp.Supports(ats.ActionReject) || !strings.Contains(cp.Writes[ats.ActionReject].Reason, "Greenhouse does not support") {
		t.Fatalf("reject = %+v", cp.Writes[ats.ActionReject])
	}
	if !cp.Supports(ats.ActionNote) || cp.StageScope != ats.StagesPerJob || !cp.ForceSync {
		t.Fatalf("caps = %+v", cp)
	}
	if err := cp.Validate(); err != nil {
		t.Fatal(err)
	}
	// Cached: no second request within the TTL.
	n := f.Requests()
	if _, err := c.Capabilities(context.Background()); err != nil || f.Requests() != n {
		t.Fatalf("capabilities not cached (%v)", err)
	}
}

func TestVendorCodesMapToKinds(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	s := f.Samples()
	ctx := context.Background()
	// A stage of another job: Kombo's PLATFORM.INPUT_INVALID with its message.
	_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: "nope"})
	var iie *ats.InvalidInputError
	var ke *ats.Error
	if !errors.As(err, &iie) || !errors.As(err, &ke) || ke.Code != "PLATFORM.INPUT_INVALID" ||
		ats.VendorMessage(err) != "Stage not found for this job" || ke.LogURL == "" {
		t.Fatalf("move to unknown stage = %#v", err)
	}
	_, err = c.AddNote(ctx, ats.Note{ApplicationID: "missing", Body: "x"})
	if !errors.Is(err, ats.ErrNotFound) {
		t.Fatalf("unknown application = %v", err)
	}
	// Local validation never reaches the network.
	n := f.Requests()
	if _, err := c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID}); err == nil || f.Requests() != n {
		t.Fatalf("reject without reason = %v", err)
	}
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, TagID: "t1"}); err == nil || f.Requests() != n {
		t.Fatalf("tag by id only = %v", err)
	}
}

func TestWarningsRemoveTagForceSyncAndStatus(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	ctx := context.Background()
	s := f.Samples()
	res, err := c.AddResultLink(ctx, ats.ResultLink{ApplicationID: s.ApplicationID, Label: "Interview", URL: "https://x"})
	if err != nil || len(res.Warnings) != 1 {
		t.Fatalf("result link warnings = %v %v", res, err)
	}
	if _, err := c.RemoveTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "tag-0"}); err != nil {
		t.Fatal(err)
	}
	if w := f.Writes(); w[len(w)-1].Method != http.MethodDelete {
		t.Fatalf("RemoveTag used %s", w[len(w)-1].Method)
	}
	st, err := c.ForceSync(ctx, false)
	if err != nil || st.Type != "DELTA" || st.SyncID == "" || st.AlreadyQueued {
		t.Fatalf("ForceSync = %+v %v", st, err)
	}
	if st, _ := c.ForceSync(ctx, true); !st.AlreadyQueued || st.Type != "FULL" {
		t.Fatalf("second ForceSync = %+v", st)
	}
	f.SetStatus("INVALID")
	if err := c.Test(ctx); !errors.Is(err, ats.ErrUnauthorized) || !strings.Contains(err.Error(), "reconnect") {
		t.Fatalf("Test on INVALID integration = %v", err)
	}
	f.SetStatus("INACTIVE")
	if err := c.Test(ctx); !errors.Is(err, ats.ErrNotReady) {
		t.Fatalf("Test on INACTIVE integration = %v", err)
	}
}

func TestJobsCarryStagesAndQuestions(t *testing.T) {
	c, _ := newPair(t, atstest.Options{})
	jobs := atstest.All(t, c.ListJobs)
	j := jobs[0]
	if len(j.Stages) != 4 || j.Stages[1].Order != 1 || j.Stages[0].JobID != j.ID || j.Location != "Berlin, DE" || j.Department != "Engineering" ||
		j.DescriptionText != "Build hireloop.\n\n- Go\n- SQLite" || len(j.ScreeningQuestions) != 1 ||
		j.ScreeningQuestions[0].Type != ats.QuestionSingleChoice || len(j.ScreeningQuestions[0].Options) != 2 {
		t.Fatalf("job = %+v", j)
	}
	apps := atstest.All(t, c.ListApplications)
	if len(apps[0].Answers) != 1 || apps[0].Answers[0].Value != "Yes" || apps[0].StageName == "" {
		t.Fatalf("application = %+v", apps[0])
	}
}

func TestWebhookConnectionRefAndPaddedSignature(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	body, _ := os.ReadFile("testdata/data-changed.json")
	h := f.SignWebhook(body, "s")
	h.Set("X-Kombo-Signature", h.Get("X-Kombo-Signature")+"=")
	if err := c.VerifyWebhook(h, body, "s"); err != nil {
		t.Fatal(err)
	}
	ev, err := c.ParseWebhook(h, body)
	if err != nil || ev.ConnectionRef != integrationID || ev.ID != "5gjAtURLPbnTiwgkaBfiA3WJ" || len(ev.Models) != 2 {
		t.Fatalf("event = %+v %v", ev, err)
	}
	// Legacy sync-finished: everything may have changed.
	ev, _ = c.ParseWebhook(nil, []byte(`{"id":"x","type":"sync-finished","data":{"sync_state":"SUCCEEDED"}}`))
	if len(ev.Models) != len(ats.AllModels) {
		t.Fatalf("sync-finished models = %v", ev.Models)
	}
}

func TestNewRequiresIntegration(t *testing.T) {
	if _, err := ats.New(kombo.Name, ats.Config{APIKey: "k"}); !errors.Is(err, ats.ErrNotConfigured) {
		t.Fatalf("err = %v", err)
	}
}

// A Kombo webhook endpoint receives every integration's events; the
// deliveries for this connection name its integration id.
func TestAccountRef(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	before := f.Requests()
	if ref, err := c.AccountRef(context.Background()); err != nil || ref != integrationID {
		t.Fatalf("AccountRef = %q, %v; want %q", ref, err, integrationID)
	}
	if n := f.Requests() - before; n != 0 {
		t.Fatalf("AccountRef made %d requests; the integration id is configured", n)
	}
}

// BenchmarkSync10k syncs every model of a Kombo integration with 10,000
// applications at the assumed 10 requests per second (window scaled to
// 200 ms; HIRELOOP_BENCH_WINDOW=1s for the real one) and fails above 1.2x
// the rate-limit floor.
//
//	go test -run '^$' -bench Sync10k -benchtime 1x ./ats/kombo/
func BenchmarkSync10k(b *testing.B) {
	atstest.BenchFloor(b, atstest.Harness{Name: kombo.Name, New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
		return newPair(t, o)
	}}, 10_000, ats.RateLimit{Requests: kombo.DefaultRateLimit.Requests, Per: atstest.BenchWindow(b, 200*time.Millisecond)}, 250, 1.2)
}
