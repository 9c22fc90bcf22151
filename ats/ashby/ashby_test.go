package ashby_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/ashby"
	"github.com/hireloop/hireloop/ats/ashby/fake"
	"github.com/hireloop/hireloop/ats/atstest"
)

const apiKey = "ashby-test-key"

func newPair(t testing.TB, o atstest.Options) (*ashby.Client, *fake.Fake) {
	t.Helper()
	f := fake.NewSized(apiKey, o.Applications)
	t.Cleanup(f.Close)
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.APIKey = f.URL(), apiKey
	return atstest.Connect(t, ashby.New, cfg, nil), f
}

func TestConformance(t *testing.T) {
	atstest.Run(t, atstest.Harness{
		Name: ashby.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPair(t, o)
		},
		CheckWrite: checkWrite,
		Webhooks: []atstest.WebhookCase{
			{Name: "stage change", Body: []byte(`{"action":"candidateStageChange","data":{"application":{"id":"app-1","candidate":{"id":"cand-1"},"job":{"id":"job-1"},"currentInterviewStage":{"id":"plan-1-s1","title":"Onsite"}}}}`),
				Want: ats.WebhookEvent{Type: "candidateStageChange", ApplicationID: "app-1", CandidateID: "cand-1",
					Models: []ats.Model{ats.ModelApplications}, StageChange: &ats.StageChange{ToStageID: "plan-1-s1"}}},
			{Name: "application submit", Body: []byte(`{"action":"applicationSubmit","data":{"application":{"id":"app-2","candidate":{"id":"cand-2"},"job":{"id":"job-2"}}}}`),
				Want: ats.WebhookEvent{Type: "applicationSubmit", ApplicationID: "app-2", CandidateID: "cand-2",
					Models: []ats.Model{ats.ModelCandidates, ats.ModelApplications}}},
			{Name: "ping", Body: []byte(`{"action":"ping","data":{}}`), Want: ats.WebhookEvent{Type: "ping", Ping: true}},
		},
	})
}

// last returns the last recorded request to path.
func last(reqs []atstest.RecordedRequest, path string) (atstest.RecordedRequest, bool) {
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == path {
			return reqs[i], true
		}
	}
	return atstest.RecordedRequest{}, false
}

func checkWrite(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	for _, r := range reqs {
		if r.Header.Get("Authorization") == "" {
			t.Errorf("%s %s: no Authorization header", r.Method, r.Path)
		}
	}
	switch a {
	case ats.ActionNote:
		n := in.(ats.Note)
		r, ok := last(reqs, "/candidate.createNote")
		note, _ := r.JSON()["note"].(map[string]any)
		if !ok || r.JSON()["candidateId"] != n.CandidateID || note["value"] != n.Body || note["type"] != "text/plain" {
			t.Errorf("note request = %s", r.Body)
		}
	case ats.ActionMoveStage:
		m := in.(ats.StageMove)
		r, ok := last(reqs, "/application.changeStage")
		if !ok || r.JSON()["applicationId"] != m.ApplicationID || r.JSON()["interviewStageId"] != m.ToStageID {
			t.Errorf("move request = %s", r.Body)
		}
	case ats.ActionReject:
		rj := in.(ats.Rejection)
		r, ok := last(reqs, "/application.changeStage")
		if !ok || r.JSON()["applicationId"] != rj.ApplicationID || r.JSON()["interviewStageId"] != "plan-1-s2" ||
			r.JSON()["archiveReasonId"] != rj.ReasonID {
			t.Errorf("reject request = %s", r.Body)
		}
		if n, ok := last(reqs, "/candidate.createNote"); !ok || n.JSON()["candidateId"] != "cand-1" {
			t.Errorf("rejection note missing: %s", n.Body)
		}
	case ats.ActionAttachment:
		at := in.(ats.Attachment)
		h, ok := last(reqs, "/file.createFileUploadHandle")
		if !ok || h.JSON()["fileUploadContext"] != "CandidateFiles" || h.JSON()["filename"] != at.Name ||
			h.JSON()["contentType"] != at.ContentType || h.JSON()["contentLength"] != float64(len(at.Data)) {
			t.Errorf("upload handle request = %s", h.Body)
		}
		u, ok := last(reqs, "/candidate.uploadFile")
		if !ok || u.JSON()["candidateId"] != at.CandidateID || u.JSON()["fileHandle"] == "" {
			t.Errorf("uploadFile request = %s", u.Body)
		}
	case ats.ActionAddTag:
		r, ok := last(reqs, "/candidate.addTag")
		if !ok || r.JSON()["candidateId"] != in.(ats.TagAssignment).CandidateID || r.JSON()["tagId"] == "" {
			t.Errorf("tag request = %s", r.Body)
		}
		if _, ok := last(reqs, "/candidateTag.create"); !ok {
			t.Errorf("new tag name was not created")
		}
	default:
		t.Errorf("unexpected supported action %s", a)
	}
}

func TestRegistered(t *testing.T) {
	_, cp := atstest.Registered(t, ashby.Name, ats.Config{APIKey: "k"})
	if cp.StageScope != ats.StagesPerJob || cp.Supports(ats.ActionResultLink) {
		t.Fatalf("declared = %+v", cp)
	}
	if cp.Writes[ats.ActionResultLink].Reason != ashby.ReasonResultLink {
		t.Fatalf("result link reason = %q", cp.Writes[ats.ActionResultLink].Reason)
	}
}

// TestSyncToken checks that an incremental read sends the syncToken of
// the previous full pass and that an expired token falls back to a full
// pass filtered by UpdatedAfter.
func TestSyncToken(t *testing.T) {
	for _, expire := range []bool{false, true} {
		c, f := newPair(t, atstest.Options{PageSize: 3})
		ctx := context.Background()
		var wm time.Time
		if err := c.ListApplications(ctx, ats.ListOptions{}, func(p []ats.Application) error {
			for _, a := range p {
				if a.UpdatedAt.After(wm) {
					wm = a.UpdatedAt
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, r := range f.Writes() {
			if _, ok := r.JSON()["syncToken"]; ok {
				t.Fatalf("full pass sent a syncToken: %s", r.Body)
			}
		}
		f.ResetWrites()
		if expire {
			f.ExpireSyncTokens()
		}
		s := f.Samples()
		f.MoveApplication(s.ApplicationID, s.OtherStageID)
		var got []string
		if err := c.ListApplications(ctx, ats.ListOptions{UpdatedAfter: wm.Add(time.Millisecond)}, func(p []ats.Application) error {
			for _, a := range p {
				got = append(got, a.ID)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || got[0] != s.ApplicationID {
			t.Fatalf("expire=%v: incremental = %v", expire, got)
		}
		reqs := f.Writes()
		if _, ok := reqs[0].JSON()["syncToken"]; !ok {
			t.Fatalf("expire=%v: incremental read did not send the syncToken: %s", expire, reqs[0].Body)
		}
		if expire && len(reqs) < 2 {
			t.Fatalf("expired token: no full pass followed (%d requests)", len(reqs))
		}
		if !expire && len(reqs) != 1 {
			t.Fatalf("delta read took %d requests, want 1", len(reqs))
		}
	}
}

func TestRegisterWebhooks(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	ctx := context.Background()
	const hook, secret = "https://hireloop.example/webhooks/ats/tok", "whsec-ours"
	reg, err := c.RegisterWebhooks(ctx, hook, secret)
	if err != nil {
		t.Fatal(err)
	}
	hooks := f.Webhooks()
	if len(hooks) != len(reg.IDs) || len(hooks) < 5 || reg.Secret != "" {
		t.Fatalf("%d webhooks at Ashby, registration %+v (Ashby signs with our secret, so no vendor secret)", len(hooks), reg)
	}
	types := map[string]bool{}
	for i, h := range hooks {
		if h["requestUrl"] != hook || h["secretToken"] != secret || h["id"] != reg.IDs[i] {
			t.Errorf("webhook %d = %v", i, h)
		}
		types[h["webhookType"].(string)] = true
	}
	if !types["candidateStageChange"] || !types["applicationSubmit"] {
		t.Fatalf("subscribed types %v miss stage changes or new applications", types)
	}
	if err := c.UnregisterWebhooks(ctx, reg); err != nil {
		t.Fatal(err)
	}
	if n := len(f.Webhooks()); n != 0 {
		t.Fatalf("%d webhooks left", n)
	}
	if err := c.UnregisterWebhooks(ctx, reg); err != nil {
		t.Fatalf("unregistering twice: %v", err)
	}

	f.FailWebhookCreateAfter(2)
	if _, err := c.RegisterWebhooks(ctx, hook, secret); !errors.Is(err, ats.ErrUnavailable) {
		t.Fatalf("err = %v, want the vendor's 500", err)
	}
	if n := len(f.Webhooks()); n != 0 {
		t.Fatalf("%d webhooks left after a failed registration", n)
	}
}

// BenchmarkSync10k syncs every model of an Ashby account with 10,000
// applications at the assumed 10 requests per second (window scaled to
// 200 ms; HIRELOOP_BENCH_WINDOW=1s for the real one) and fails above 1.2x
// the rate-limit floor.
//
//	go test -run '^$' -bench Sync10k -benchtime 1x ./ats/ashby/
func BenchmarkSync10k(b *testing.B) {
	atstest.BenchFloor(b, atstest.Harness{Name: ashby.Name, New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
		return newPair(t, o)
	}}, 10_000, ats.RateLimit{Requests: ashby.DefaultRateLimit.Requests, Per: atstest.BenchWindow(b, 200*time.Millisecond)}, 100, 1.2)
}

// The file travels to the presigned storage host, without our key, with
// the issued fields first, and lands on the candidate only after
// candidate.uploadFile.
func TestAttachmentUpload(t *testing.T) {
	c, f := newPair(t, atstest.Options{})
	pdf := []byte("%PDF-1.4 interview report")
	if _, err := c.AddAttachment(context.Background(), ats.Attachment{CandidateID: "cand-2", Name: "report.pdf",
		ContentType: "application/pdf", Data: pdf}); err != nil {
		t.Fatal(err)
	}
	files := f.Files("cand-2")
	if len(files) != 1 || files[0].Name != "report.pdf" || string(files[0].Data) != string(pdf) || files[0].ContentType != "application/pdf" {
		t.Fatalf("files on the candidate = %+v", files)
	}
	// An unknown candidate fails at the last step, with Ashby's error.
	if _, err := c.AddAttachment(context.Background(), ats.Attachment{CandidateID: "cand-404", Name: "r.pdf", Data: pdf}); !errors.Is(err, ats.ErrNotFound) {
		t.Fatalf("unknown candidate: %v", err)
	}
	if _, err := c.AddAttachment(context.Background(), ats.Attachment{CandidateID: "cand-2", Name: "empty.pdf"}); err == nil {
		t.Fatal("empty file accepted")
	}
}

// A note or file whose write outcome was lost is looked up by its marker
// before the outbox writes it again.
func TestHasWrite(t *testing.T) {
	c, _ := newPair(t, atstest.Options{PageSize: 2})
	ctx := context.Background()
	const marker = "hl-9c1e"
	for _, a := range []ats.WriteAction{ats.ActionNote, ats.ActionAttachment} {
		if got, err := c.HasWrite(ctx, a, "cand-3", "", marker); err != nil || got {
			t.Fatalf("%s before writing: %v, %v", a, got, err)
		}
	}
	for i := range 3 { // several pages of notes
		if _, err := c.AddNote(ctx, ats.Note{CandidateID: "cand-3", Body: fmt.Sprintf("other note %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.AddNote(ctx, ats.Note{CandidateID: "cand-3", Body: "Interview done [" + marker + "]"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddAttachment(ctx, ats.Attachment{CandidateID: "cand-3", Name: "report-" + marker + ".pdf", Data: []byte("%PDF")}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []ats.WriteAction{ats.ActionNote, ats.ActionAttachment} {
		if got, err := c.HasWrite(ctx, a, "cand-3", "", marker); err != nil || !got {
			t.Fatalf("%s after writing: %v, %v", a, got, err)
		}
		if got, err := c.HasWrite(ctx, a, "cand-4", "", marker); err != nil || got {
			t.Fatalf("%s on another candidate: %v, %v", a, got, err)
		}
	}
	if _, err := c.HasWrite(ctx, ats.ActionMoveStage, "cand-3", "app-3", marker); !errors.Is(err, ats.ErrUnsupported) {
		t.Fatalf("move check: %v", err)
	}
}
