package smartrecruiters_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/smartrecruiters"
	"github.com/hireloop/hireloop/ats/smartrecruiters/fake"
)

const apiKey = "sr-test-token-0123456789"

// vector is testdata/webhook-signature-vector.json, SmartRecruiters'
// documented signature example.
type vector struct {
	SecretKey    string            `json:"secret_key"`
	Headers      map[string]string `json:"headers"`
	Body         string            `json:"body"`
	SignedString string            `json:"signed_string"`
}

func loadVector(t testing.TB) vector {
	t.Helper()
	b, err := os.ReadFile("testdata/webhook-signature-vector.json")
	if err != nil {
		t.Fatal(err)
	}
	var v vector
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func (v vector) header() http.Header {
	h := http.Header{}
	for k, val := range v.Headers {
		h.Set(k, val)
	}
	return h
}

// webhookCases are the conformance suite's deliveries; deliveryHeaders
// are the non-signature headers each one arrives with.
func webhookCases(t testing.TB) ([]atstest.WebhookCase, map[string]http.Header) {
	v := loadVector(t)
	vh := v.header()
	vh.Del("smartrecruiters-signature")
	statusBody := []byte(`{"job_id":"job-2","candidate_id":"cand-2"}`)
	candBody := []byte(`{"candidate_id":"cand-3"}`)
	hdrs := map[string]http.Header{
		v.Body: vh,
		string(statusBody): {
			"Event-Id": {"evt-2"}, "Event-Name": {"application.status.updated"}, "Event-Version": {"v201910"},
			"Smartrecruiters-Timestamp": {"1782975358"},
			"Link":                      {"<https://api.smartrecruiters.com/candidates/cand-2/jobs/job-2>; rel=self"},
		},
		string(candBody): {
			"Event-Id": {"evt-3"}, "Event-Name": {"candidate.updated"}, "Event-Version": {"v201910"},
			"Smartrecruiters-Timestamp": {"1782975359"},
			"Link":                      {"<https://api.smartrecruiters.com/candidates/cand-3>; rel=self"},
		},
	}
	cases := []atstest.WebhookCase{
		{Name: "documented vector (application.created)", Body: []byte(v.Body),
			Want: ats.WebhookEvent{Type: "application.created", ApplicationID: "cid:jid", CandidateID: "cid",
				Models: []ats.Model{ats.ModelCandidates, ats.ModelApplications}}},
		{Name: "application status updated", Body: statusBody,
			Want: ats.WebhookEvent{Type: "application.status.updated", ApplicationID: "cand-2:job-2", CandidateID: "cand-2",
				Models: []ats.Model{ats.ModelApplications}}},
		{Name: "candidate updated", Body: candBody,
			Want: ats.WebhookEvent{Type: "candidate.updated", CandidateID: "cand-3", Models: []ats.Model{ats.ModelCandidates}}},
	}
	return cases, hdrs
}

func newPair(t testing.TB, o atstest.Options, mod func(*ats.Config)) (*smartrecruiters.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	if o.Applications > 0 {
		seed = fake.SeedFor(o.Applications)
	}
	f := fake.New(apiKey, seed)
	t.Cleanup(f.Close)
	_, hdrs := webhookCases(t)
	for body, h := range hdrs {
		f.RegisterDelivery([]byte(body), h)
	}
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.APIKey = f.URL(), apiKey
	return atstest.Connect(t, smartrecruiters.New, cfg, mod), f
}

func harness(t testing.TB) atstest.Harness {
	cases, _ := webhookCases(t)
	return atstest.Harness{
		Name: smartrecruiters.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPair(t, o, nil)
		},
		CheckWrite: checkWrite,
		Webhooks:   cases,
	}
}

func TestConformance(t *testing.T) { atstest.Run(t, harness(t)) }

func split(t *testing.T, appID string) (string, string) {
	t.Helper()
	cid, jid, ok := smartrecruiters.SplitApplicationID(appID)
	if !ok {
		t.Fatalf("bad application id %q", appID)
	}
	return cid, jid
}

func checkWrite(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	for _, r := range reqs {
		// No acting-user parameter exists; every write is the key's user.
		if r.Header.Get("X-SmartToken") != apiKey || r.Query != "" {
			t.Errorf("%s %s: token %q, query %q", r.Method, r.Path, r.Header.Get("X-SmartToken"), r.Query)
		}
	}
	first := reqs[0]
	body := first.JSON()
	switch a {
	case ats.ActionNote:
		n := in.(ats.Note)
		share, _ := body["shareWith"].(map[string]any)
		if len(reqs) != 1 || first.Method != "POST" || first.Path != "/messages/shares" ||
			body["content"] != "#[CANDIDATE:"+n.CandidateID+"] "+n.Body || share["openNote"] != true {
			t.Fatalf("note %s %s %s", first.Method, first.Path, first.Body)
		}
	case ats.ActionAttachment:
		at := in.(ats.Attachment)
		if len(reqs) != 1 || first.Method != "POST" || first.Path != "/candidates/"+at.CandidateID+"/attachments" {
			t.Fatalf("attachment %s %s", first.Method, first.Path)
		}
		mr := atstest.Multipart(t, first)
		p, typ := atstest.NextPart(t, mr)
		if p.FormName() != "attachmentType" || string(typ) != "GENERIC" {
			t.Fatalf("first part %q = %q", p.FormName(), typ)
		}
		atstest.WantFilePart(t, mr, "file", at)
	case ats.ActionMoveStage:
		m := in.(ats.StageMove)
		cid, jid := split(t, m.ApplicationID)
		if len(reqs) != 1 || first.Method != "PUT" || first.Path != "/candidates/"+cid+"/jobs/"+jid+"/status" ||
			body["status"] != m.ToStageID || body["reason"] != nil {
			t.Fatalf("move %s %s %s", first.Method, first.Path, first.Body)
		}
	case ats.ActionReject:
		r := in.(ats.Rejection)
		cid, jid := split(t, r.ApplicationID)
		if first.Method != "PUT" || first.Path != "/candidates/"+cid+"/jobs/"+jid+"/status" ||
			body["status"] != "REJECTED" || body["reason"] != r.ReasonID {
			t.Fatalf("reject %s %s %s", first.Method, first.Path, first.Body)
		}
		if len(reqs) != 2 || reqs[1].Path != "/messages/shares" || reqs[1].JSON()["content"] != "#[CANDIDATE:"+cid+"] "+r.Note {
			t.Fatalf("rejection note %v", reqs)
		}
	case ats.ActionAddTag:
		tg := in.(ats.TagAssignment)
		tags, _ := body["tags"].([]any)
		if len(reqs) != 1 || first.Method != "POST" || first.Path != "/candidates/"+tg.CandidateID+"/tags" ||
			len(tags) != 1 || tags[0] != tg.Name {
			t.Fatalf("tag %s %s %s", first.Method, first.Path, first.Body)
		}
	default:
		t.Fatalf("unexpected supported action %s", a)
	}
}

func TestRegistered(t *testing.T) {
	_, cp := atstest.Registered(t, smartrecruiters.Name, ats.Config{APIKey: "k"})
	atstest.WantNotConfigured(t, smartrecruiters.Name, ats.Config{})
	if cp.StageScope != ats.StagesFixed || cp.ActingUserRequired || cp.Webhooks.Setup != "api" ||
		cp.Writes[ats.ActionAttachment].Transport != ats.TransportMultipart || cp.DefaultRateLimit != smartrecruiters.DefaultRateLimit {
		t.Fatalf("declared = %+v (%v)", cp, cp.Validate())
	}
	if cp.Supports(ats.ActionResultLink) || cp.Writes[ats.ActionResultLink].Reason == "" {
		t.Fatal("result link should be unsupported with a reason")
	}
}

// The documented vector must verify exactly as published.
func TestSignatureVector(t *testing.T) {
	v := loadVector(t)
	c, _ := newPair(t, atstest.Options{}, nil)
	h, body := v.header(), []byte(v.Body)
	if got := string(smartrecruiters.SignedString(h, body)); got != v.SignedString {
		t.Fatalf("signed string\n got %s\nwant %s", got, v.SignedString)
	}
	if err := c.VerifyWebhook(h, body, v.SecretKey); err != nil {
		t.Fatalf("documented vector rejected: %v", err)
	}
	// Up to 16 keys: any matching v1 entry passes; other schemes are ignored.
	multi := h.Clone()
	multi.Set("smartrecruiters-signature", "v2=abc;v1=00ff;"+h.Get("smartrecruiters-signature"))
	if err := c.VerifyWebhook(multi, body, v.SecretKey); err != nil {
		t.Fatalf("multi-key header rejected: %v", err)
	}
	for name, mut := range map[string]func(http.Header){
		"event-id changed":  func(h http.Header) { h.Set("event-id", "124") },
		"link changed":      func(h http.Header) { h.Set("link", "<http://evil.example>; rel=self") },
		"timestamp changed": func(h http.Header) { h.Set("smartrecruiters-timestamp", "1574080898") },
		"only other scheme": func(h http.Header) {
			h.Set("smartrecruiters-signature", "v2="+strings.TrimPrefix(h.Get("smartrecruiters-signature"), "v1="))
		},
	} {
		hh := h.Clone()
		mut(hh)
		if err := c.VerifyWebhook(hh, body, v.SecretKey); !errors.Is(err, ats.ErrInvalidSignature) {
			t.Errorf("%s: %v", name, err)
		}
	}
	ev, err := c.ParseWebhook(h, body)
	if err != nil || ev.ID != "smartrecruiters:123" || ev.JobID != "jid" || ev.ApplicationID != "cid:jid" {
		t.Fatalf("parse: %+v %v", ev, err)
	}
}

func TestWebhookParsing(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, nil)
	h := http.Header{"Event-Name": {"application.status.updated"}, "Event-Id": {"e1"}}
	ev, err := c.ParseWebhook(h, []byte(`{"candidateId":"c1","jobId":"j1","status":"interview"}`))
	if err != nil || ev.ApplicationID != "c1:j1" || ev.StageChange == nil || ev.StageChange.ToStageID != "INTERVIEW" {
		t.Fatalf("camelCase status body: %+v %v", ev, err)
	}
	ev, err = c.ParseWebhook(http.Header{"Event-Name": {"job.updated"}, "Link": {"<https://api.smartrecruiters.com/jobs/j9>; rel=self"}}, []byte(`{}`))
	if err != nil || ev.JobID != "j9" || !ev.Changed(ats.ModelJobs) || !strings.HasPrefix(ev.ID, "sha256:") {
		t.Fatalf("job event: %+v %v", ev, err)
	}
	ev, _ = c.ParseWebhook(http.Header{"Event-Name": {"candidate.deleted"}}, []byte(`{"candidate_id":"c2"}`))
	if !ev.Changed(ats.ModelCandidates) || !ev.Changed(ats.ModelApplications) || ev.CandidateID != "c2" {
		t.Fatalf("candidate deleted: %+v", ev)
	}
}

func TestWebhookHandshake(t *testing.T) {
	c, _ := newPair(t, atstest.Options{}, nil)
	if _, ok := c.WebhookHandshake(http.Header{"Event-Name": {"job.created"}}, []byte(`{}`)); ok {
		t.Fatal("delivery taken for a handshake")
	}
	resp, ok := c.WebhookHandshake(http.Header{"X-Hook-Secret": {"4jn8fs9011jj8"}}, nil)
	if !ok || resp.Status != http.StatusOK || resp.Header.Get("X-Hook-Secret") != "4jn8fs9011jj8" {
		t.Fatalf("handshake = %+v %v", resp, ok)
	}
	if resp.Secret != "" {
		t.Fatal("the handshake token must not replace the signing key")
	}
}

// callback serves a webhook endpoint the way the app does: handshake first.
func callback(t *testing.T, c *smartrecruiters.Client, fail bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if fail {
			http.Error(w, "down", http.StatusInternalServerError)
			return
		}
		if hs, ok := c.WebhookHandshake(r.Header, body); ok {
			for k, v := range hs.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(hs.Status)
			_, _ = w.Write(hs.Body)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestRegisterWebhooks(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	srv := callback(t, c, false)
	ctx := context.Background()
	reg, err := c.RegisterWebhooks(ctx, srv.URL+"/hooks/sr", "ours")
	if err != nil {
		t.Fatal(err)
	}
	subs := f.Subscriptions()
	if len(subs) != 1 || !subs[0].Active || subs[0].CallbackURL != srv.URL+"/hooks/sr" || len(subs[0].Keys) != 1 {
		t.Fatalf("subscriptions = %+v", subs)
	}
	if !slices.Equal(reg.IDs, []string{subs[0].ID}) || reg.Secret != subs[0].Keys[0] || reg.PendingHandshake ||
		!slices.Equal(reg.Events, smartrecruiters.Events) {
		t.Fatalf("registration = %+v", reg)
	}
	for _, e := range subs[0].Events {
		if !slices.Contains(smartrecruiters.Events, e["name"]) || e["version"] != smartrecruiters.EventVersion {
			t.Fatalf("event %v", e)
		}
	}
	var paths []string
	for _, w := range f.Writes() {
		paths = append(paths, w.Method+" "+strings.Replace(w.Path, subs[0].ID, "{id}", 1))
	}
	want := []string{"POST /webhooks-api/v201907/subscriptions", "POST /webhooks-api/v201907/subscriptions/{id}/secret-key",
		"PUT /webhooks-api/v201907/subscriptions/{id}/activation"}
	if !slices.Equal(paths, want) {
		t.Fatalf("requests %v, want %v", paths, want)
	}
	// A delivery signed with the issued key verifies.
	h := http.Header{"Smartrecruiters-Timestamp": {"1"}, "Event-Id": {"x"}, "Event-Name": {"job.created"}, "Event-Version": {"v201910"}}
	h.Set("smartrecruiters-signature", "v1="+hexHMAC(reg.Secret, smartrecruiters.SignedString(h, []byte(`{}`))))
	if err := c.VerifyWebhook(h, []byte(`{}`), reg.Secret); err != nil {
		t.Fatal(err)
	}
	if err := c.UnregisterWebhooks(ctx, reg); err != nil || len(f.Subscriptions()) != 0 {
		t.Fatalf("unregister: %v, left %d", err, len(f.Subscriptions()))
	}
	if err := c.UnregisterWebhooks(ctx, reg); err != nil {
		t.Fatalf("unregister of a gone subscription: %v", err)
	}
}

func TestRegisterWebhooksHandshakeFails(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	srv := callback(t, c, true)
	_, err := c.RegisterWebhooks(context.Background(), srv.URL, "ours")
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || !strings.Contains(ats.VendorMessage(err), "handshake") {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.Subscriptions()); n != 0 {
		t.Fatalf("%d subscriptions left after a failed activation", n)
	}
	if _, err := c.RegisterWebhooks(context.Background(), " ", ""); err == nil {
		t.Fatal("empty callback URL accepted")
	}
}

func TestApplicationIDs(t *testing.T) {
	id := smartrecruiters.ApplicationID("c-1", "j-1")
	if cid, jid, ok := smartrecruiters.SplitApplicationID(id); !ok || cid != "c-1" || jid != "j-1" {
		t.Fatalf("split %q = %q %q %v", id, cid, jid, ok)
	}
	for _, bad := range []string{"", "c-1", ":j", "c:", "a:b:c"} {
		if _, _, ok := smartrecruiters.SplitApplicationID(bad); ok {
			t.Errorf("%q split", bad)
		}
	}
	c, f := newPair(t, atstest.Options{}, nil)
	ctx := context.Background()
	_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: "not-composite", ToStageID: "INTERVIEW"})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || !strings.Contains(err.Error(), "<candidateId>:<jobId>") {
		t.Fatalf("move with a bad id: %v", err)
	}
	if n := len(f.Writes()); n != 0 {
		t.Fatalf("%d requests for a bad id", n)
	}
}

// Move and reject share PUT /candidates/{id}/jobs/{jobId}/status.
func TestMoveAndRejectShareStatusCall(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	if _, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: "interview"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID}); err != nil {
		t.Fatal(err)
	}
	ws := f.Writes()
	if len(ws) != 2 || ws[0].Path != ws[1].Path || ws[0].Method != "PUT" || ws[1].Method != "PUT" {
		t.Fatalf("writes = %v", ws)
	}
	if ws[0].JSON()["status"] != "INTERVIEW" || ws[1].JSON()["status"] != "REJECTED" {
		t.Fatalf("bodies %s / %s", ws[0].Body, ws[1].Body)
	}
	var got ats.Application
	if err := c.ListApplications(ctx, ats.ListOptions{}, func(p []ats.Application) error {
		for _, a := range p {
			if a.ID == s.ApplicationID {
				got = a
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got.StageID != "REJECTED" || got.Status != ats.ApplicationRejected || got.RejectionReasonID != s.RejectionReasonID || got.RejectionReasonName == "" {
		t.Fatalf("after reject: %+v", got)
	}
}

func TestWriteValidation(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	cases := map[string]error{}
	_, cases["move to unknown status"] = c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: "SCREENING"})
	_, cases["move to REJECTED"] = c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: "REJECTED"})
	_, cases["reject without reason"] = c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID})
	_, cases["note without candidate"] = c.AddNote(ctx, ats.Note{Body: "x"})
	_, cases["empty note"] = c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID})
	_, cases["attachment by URL only"] = c.AddAttachment(ctx, ats.Attachment{CandidateID: s.CandidateID, Name: "a.pdf", URL: "https://x/a.pdf"})
	_, cases["tag without name"] = c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID})
	atstest.WantInvalidInput(t, f, cases)
	if _, err := c.AddResultLink(ctx, ats.ResultLink{ApplicationID: s.ApplicationID, URL: "https://x"}); !errors.Is(err, ats.ErrUnsupported) {
		t.Fatalf("result link: %v", err)
	}
	// A vendor 400 keeps SmartRecruiters' message.
	_, err := c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: "no-such-reason"})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || ats.VendorMessage(err) != "reason must be a rejection reason id" {
		t.Fatalf("bad reason: %v", err)
	}
}

func TestWriteEffects(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	ctx := context.Background()
	// Note by application id only: the candidate comes from the id; private
	// notes go to the job's hiring team.
	if _, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "secret", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	ms := f.Messages()
	if len(ms) != 1 || ms[0].CandidateID != s.CandidateID || !strings.HasPrefix(ms[0].Content, "#[CANDIDATE:"+s.CandidateID+"] ") {
		t.Fatalf("messages = %+v", ms)
	}
	if team, _ := ms[0].ShareWith["hiringTeamOf"].([]any); len(team) != 1 || team[0] != s.JobID {
		t.Fatalf("shareWith = %v", ms[0].ShareWith)
	}
	res, err := c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Name: `re"port.pdf`, Kind: ats.AttachmentResume, Data: []byte("%PDF")})
	if err != nil || res.RemoteID == "" {
		t.Fatalf("attachment: %+v %v", res, err)
	}
	if as := f.Attachments(); len(as) != 1 || as[0].Name != `re"port.pdf` || as[0].Type != "RESUME" || as[0].CandidateID != s.CandidateID {
		t.Fatalf("attachments = %+v", as)
	}
	if ok, err := c.HasWrite(ctx, ats.ActionAttachment, "", s.ApplicationID, "port.pdf"); err != nil || !ok {
		t.Fatalf("HasWrite after upload: %v %v", ok, err)
	}
	if ok, err := c.HasWrite(ctx, ats.ActionAttachment, s.CandidateID, "", "other.pdf"); err != nil || ok {
		t.Fatalf("HasWrite for another file: %v %v", ok, err)
	}
	if _, err := c.HasWrite(ctx, ats.ActionNote, s.CandidateID, "", "x"); !errors.Is(err, ats.ErrUnsupported) {
		t.Fatalf("HasWrite note: %v", err)
	}
	if _, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, TagID: "hireloop"}); err != nil {
		t.Fatal(err)
	}
	if cd, _ := f.Candidate(s.CandidateID); !slices.Contains(cd.Tags, "hireloop") {
		t.Fatalf("tags = %v", cd.Tags)
	}
	// A failing rejection note is a warning, not an error.
	f.Inject(atstest.Fault{}) // consumed by the PUT (a zero fault is no fault)
	f.Inject(atstest.Fault{Kind: atstest.FaultServer, Message: "boom"})
	res, err = c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID, Note: "no"})
	if err != nil || len(res.Warnings) != 1 {
		t.Fatalf("reject with failing note: %+v %v", res, err)
	}
}

func TestReadMapping(t *testing.T) {
	c, _ := newPair(t, atstest.Options{PageSize: 4}, nil)
	ctx := context.Background()
	jobs := atstest.All(t, c.ListJobs)
	byID := map[string]ats.Job{}
	for _, j := range jobs {
		byID[j.ID] = j
	}
	j0, j1, j2 := byID[fake.JobID(0)], byID[fake.JobID(1)], byID[fake.JobID(2)]
	if j0.Status != ats.JobOpen || j1.Status != ats.JobClosed || j2.Status != ats.JobOpen {
		t.Fatalf("statuses %s %s %s", j0.Status, j1.Status, j2.Status)
	}
	if !strings.Contains(j0.DescriptionText, "Go engineer") || !strings.Contains(j0.DescriptionText, "Qualifications") ||
		strings.Contains(j0.DescriptionText, "Additional Information") || j2.DescriptionHTML != "" {
		t.Fatalf("descriptions: %q / %q", j0.DescriptionText, j2.DescriptionHTML)
	}
	if j0.Department != "Research & Development" || j0.Location != "San Francisco, CA, United States" {
		t.Fatalf("job = %+v", j0)
	}
	apps := atstest.All(t, c.ListApplications)
	perCand := map[string]int{}
	for _, a := range apps {
		perCand[a.CandidateID]++
		if a.ID != a.CandidateID+":"+a.JobID {
			t.Errorf("application id %s", a.ID)
		}
		switch a.CandidateID {
		case fake.CandidateID(5):
			if a.Status != ats.ApplicationRejected || a.RejectionReasonID == "" || a.RejectionReasonName != "Reason 0" {
				t.Errorf("rejected: %+v", a)
			}
		case fake.CandidateID(7):
			if a.Status != ats.ApplicationHired || a.StageID != "HIRED" {
				t.Errorf("hired: %+v", a)
			}
		case fake.CandidateID(9):
			if a.StageID != "INTERVIEW" || a.StageName != "Interview · Phone screen" {
				t.Errorf("sub-status: %+v", a)
			}
		}
	}
	if perCand[fake.CandidateID(0)] != 2 || perCand[fake.CandidateID(3)] != 1 {
		t.Fatalf("assignments per candidate: %v", perCand)
	}
	var stages []ats.Stage
	_ = c.ListStages(ctx, ats.ListOptions{}, func(p []ats.Stage) error { stages = append(stages, p...); return nil })
	if len(stages) != 9 || stages[0].ID != "LEAD" || stages[5].Kind != ats.StageKindHired || stages[6].Kind != ats.StageKindRejected {
		t.Fatalf("stages = %+v", stages)
	}
	var cands []ats.Candidate
	_ = c.ListCandidates(ctx, ats.ListOptions{}, func(p []ats.Candidate) error { cands = append(cands, p...); return nil })
	if cd := cands[0]; cd.Emails[0] != "cand0@example.com" || len(cd.Phones) != 1 || len(cd.Tags) != 1 || cd.Tags[0].Name != "tag-0" {
		t.Fatalf("candidate = %+v", cd)
	}
}

// updatedAfter is sent as an ISO 8601 instant on /jobs and /candidates.
func TestIncrementalQuery(t *testing.T) {
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.URL.Path+"?"+r.URL.RawQuery)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"totalFound":0,"content":[]}`))
	}))
	defer srv.Close()
	c, err := smartrecruiters.New(ats.Config{BaseURL: srv.URL, APIKey: "k", PageSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 4, 5, 6, 7, 8_000_000, time.FixedZone("x", 3600))
	ctx := context.Background()
	_ = c.ListJobs(ctx, ats.ListOptions{UpdatedAfter: at}, func([]ats.Job) error { return nil })
	_ = c.ListCandidates(ctx, ats.ListOptions{UpdatedAfter: at}, func([]ats.Candidate) error { return nil })
	want := url.Values{"limit": {"50"}, "updatedAfter": {"2026-03-04T04:06:07.008Z"}}.Encode()
	if len(seen) != 2 || seen[0] != "/jobs?"+want || seen[1] != "/candidates?"+want {
		t.Fatalf("requests %v", seen)
	}
}

func hexHMAC(secret string, msg []byte) string {
	const digits = "0123456789abcdef"
	sum := ats.HMACSHA256(secret, msg)
	out := make([]byte, 0, 2*len(sum))
	for _, b := range sum {
		out = append(out, digits[b>>4], digits[b&15])
	}
	return string(out)
}

func BenchmarkSync10k(b *testing.B) {
	per := atstest.BenchWindow(b, 200*time.Millisecond)
	atstest.BenchFloor(b, harness(b), 10_000, ats.RateLimit{Requests: smartrecruiters.DefaultRateLimit.Requests, Per: per},
		smartrecruiters.MaxPageSize, 1.2)
}
