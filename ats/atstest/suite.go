package atstest

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Counts is how many rows of each model a fake was seeded with.
type Counts struct {
	Jobs, Stages, Candidates, Applications, Tags, RejectionReasons, Users int
}

// Samples are ids in the seeded data usable for writes and mutations.
type Samples struct {
	ApplicationID     string
	CandidateID       string
	JobID             string
	StageID           string // the sample application's current stage
	OtherStageID      string // another stage of the same job
	RejectionReasonID string
}

// Fake is what the suite needs from a vendor fake beyond the Kit.
type Fake interface {
	Inject(fs ...Fault)
	SetRateLimit(limit int, window time.Duration)
	SetExtraFields(on bool)
	Requests() int
	Throttled() int
	RetryAfterViolations() int
	Writes() []RecordedRequest
	ResetWrites()

	// Expect returns the seeded counts.
	Expect() Counts
	// Samples returns ids for writes.
	Samples() Samples
	// MoveApplication moves an application and bumps its change time past
	// every existing row, as the vendor would.
	MoveApplication(applicationID, stageID string)
	// TouchCandidate bumps a candidate's change time.
	TouchCandidate(candidateID string)
	// DeleteCandidate deletes a candidate (reported as deleted by vendors
	// that report deletions, gone otherwise).
	DeleteCandidate(candidateID string)
	// SignWebhook returns the headers a genuine delivery of body carries.
	SignWebhook(body []byte, secret string) http.Header
}

// Options are passed to Harness.New.
type Options struct {
	// PageSize the connector must use (Config.PageSize).
	PageSize int
	// RateLimit, when set, is enforced by the fake and configured on the
	// connector (Config.RateLimit).
	RateLimit ats.RateLimit
	// Applications, when > 0, asks for a fake seeded with at least this
	// many applications (and as many candidates), for BenchFloor. Zero is
	// the fake's small default seed.
	Applications int
}

// ClientConfig applies o's rate limit to f and returns the client
// settings connector tests share; callers add the base URL and
// credentials. The fake limits only when asked, so without o.RateLimit the
// client gets 10,000 requests a second rather than waiting on the vendor's
// production budget, and retries back off in milliseconds.
func ClientConfig(f Fake, o Options) ats.Config {
	if !o.RateLimit.IsZero() {
		f.SetRateLimit(o.RateLimit.Requests, o.RateLimit.Per)
	}
	cfg := ats.Config{PageSize: o.PageSize, RateLimit: o.RateLimit,
		HTTP: ats.HTTPSettings{MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}}
	if cfg.RateLimit.IsZero() {
		cfg.RateLimit = ats.RateLimit{Requests: 10000, Per: time.Second}
	}
	return cfg
}

// Connect builds a connector with newConn from cfg, after mod (when not
// nil) has adjusted it, failing the test on an error.
func Connect[C any](t testing.TB, newConn func(ats.Config) (C, error), cfg ats.Config, mod func(*ats.Config)) C {
	t.Helper()
	if mod != nil {
		mod(&cfg)
	}
	c, err := newConn(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// DeliverySigner is implemented by fakes whose vendor signs webhook
// deliveries somewhere other than one header: Lever puts token,
// triggeredAt and signature inside the JSON body. The webhook test then
// uses SignDelivery instead of SignWebhook, and StripSignature instead of
// deleting Capabilities.Webhooks.SignatureHeader.
type DeliverySigner interface {
	// SignDelivery returns a genuine delivery of payload: its headers and
	// the body as sent (which may differ from payload).
	SignDelivery(payload []byte, secret string) (http.Header, []byte)
	// StripSignature returns the delivery with its signature removed.
	StripSignature(h http.Header, body []byte) (http.Header, []byte)
	// TamperDelivery returns the delivery with one signed value changed
	// (Lever signs token + triggeredAt, not the data around them).
	TamperDelivery(h http.Header, body []byte) (http.Header, []byte)
}

// WebhookCase is a sample delivery and what parsing it must yield.
type WebhookCase struct {
	Name string
	Body []byte
	// Header holds extra non-signature headers of the delivery (event id).
	Header http.Header
	// Want: Type, ApplicationID, CandidateID and StageChange.ToStageID
	// are compared when set; every model in Want.Models must be reported.
	Want ats.WebhookEvent
}

// Harness adapts one connector and its fake to the suite.
type Harness struct {
	Name string
	// New starts a fresh seeded fake and a connector pointed at it.
	New func(t testing.TB, o Options) (ats.Connector, Fake)
	// CheckWrite asserts the vendor request(s) a successful write made.
	CheckWrite func(t *testing.T, a ats.WriteAction, in any, reqs []RecordedRequest)
	// Webhooks are sample deliveries; at least two distinct ones.
	Webhooks []WebhookCase
}

// Run runs the conformance suite.
func Run(t *testing.T, h Harness) {
	t.Helper()
	t.Run("Capabilities", func(t *testing.T) { testCapabilities(t, h) })
	t.Run("Test", func(t *testing.T) { testTest(t, h) })
	t.Run("FullSync", func(t *testing.T) { testFullSync(t, h, false) })
	t.Run("UnknownFieldsIgnored", func(t *testing.T) { testFullSync(t, h, true) })
	t.Run("Paging", func(t *testing.T) { testPaging(t, h) })
	t.Run("Incremental", func(t *testing.T) { testIncremental(t, h) })
	t.Run("Deletions", func(t *testing.T) { testDeletions(t, h) })
	t.Run("RateLimitedThenSuccess", func(t *testing.T) { testRateLimited(t, h) })
	t.Run("ServerErrorThenSuccess", func(t *testing.T) { testServerError(t, h) })
	t.Run("Unauthorized", func(t *testing.T) { testUnauthorized(t, h) })
	t.Run("MalformedJSON", func(t *testing.T) { testMalformed(t, h) })
	t.Run("RateLimitRespected", func(t *testing.T) { testRateLimitRespected(t, h) })
	t.Run("FakeEnforcesRateLimit", func(t *testing.T) { testFakeEnforcesLimit(t, h) })
	t.Run("Cancel", func(t *testing.T) { testCancel(t, h) })
	t.Run("Webhooks", func(t *testing.T) { testWebhooks(t, h) })
	t.Run("Writes", func(t *testing.T) { testWrites(t, h) })
}

// tamper changes one byte of a JSON delivery while keeping it valid JSON
// where it can (a digit or letter inside the first string value), so a
// body-signed scheme that parses before checking still sees a
// well-formed delivery whose signature no longer matches.
func tamper(body []byte) []byte {
	out := bytes.Clone(body)
	inStr := false
	for i, b := range out {
		if b == '"' {
			inStr = !inStr
			continue
		}
		if inStr && b >= 'a' && b <= 'y' {
			out[i] = b + 1
			return out
		}
	}
	return bytes.Replace(out, []byte(`"`), []byte(`'`), 1)
}

func newConn(t *testing.T, h Harness) (ats.Connector, Fake) {
	t.Helper()
	return h.New(t, Options{PageSize: 5})
}

func caps(t *testing.T, c ats.Connector) ats.Capabilities {
	t.Helper()
	cp, err := c.Capabilities(context.Background())
	if err != nil {
		t.Fatalf("Capabilities: %v", err)
	}
	return cp
}

func testCapabilities(t *testing.T, h Harness) {
	c, _ := newConn(t, h)
	cp := caps(t, c)
	if err := cp.Validate(); err != nil {
		t.Fatal(err)
	}
	if cp.Provider != c.Name() || c.Name() != h.Name {
		t.Fatalf("provider names disagree: caps %q, Name() %q, harness %q", cp.Provider, c.Name(), h.Name)
	}
	_, isFS := c.(ats.ForceSyncer)
	if cp.ForceSync != isFS {
		t.Fatalf("Capabilities.ForceSync=%v but implements ForceSyncer=%v", cp.ForceSync, isFS)
	}
}

func testTest(t *testing.T, h Harness) {
	c, f := newConn(t, h)
	if err := c.Test(context.Background()); err != nil {
		t.Fatalf("Test on a healthy fake: %v", err)
	}
	f.Inject(Fault{Kind: FaultUnauthorized, Message: "Invalid API key"})
	err := c.Test(context.Background())
	if !errors.Is(err, ats.ErrUnauthorized) {
		t.Fatalf("Test with a bad key = %v, want ErrUnauthorized", err)
	}
}

// synced is the result of a full read of every model.
type synced struct {
	jobs    []ats.Job
	stages  []ats.Stage
	cands   []ats.Candidate
	apps    []ats.Application
	tags    []ats.Tag
	reasons []ats.RejectionReason
	users   []ats.User
	pages   map[ats.Model]int
}

func syncAll(t *testing.T, c ats.Connector, opts ats.ListOptions) synced {
	t.Helper()
	ctx := context.Background()
	s := synced{pages: map[ats.Model]int{}}
	must := func(m ats.Model, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("list %s: %v", m, err)
		}
	}
	must(ats.ModelJobs, c.ListJobs(ctx, opts, func(p []ats.Job) error { s.pages[ats.ModelJobs]++; s.jobs = append(s.jobs, p...); return nil }))
	must(ats.ModelStages, c.ListStages(ctx, opts, func(p []ats.Stage) error { s.pages[ats.ModelStages]++; s.stages = append(s.stages, p...); return nil }))
	must(ats.ModelCandidates, c.ListCandidates(ctx, opts, func(p []ats.Candidate) error {
		s.pages[ats.ModelCandidates]++
		s.cands = append(s.cands, p...)
		return nil
	}))
	must(ats.ModelApplications, c.ListApplications(ctx, opts, func(p []ats.Application) error {
		s.pages[ats.ModelApplications]++
		s.apps = append(s.apps, p...)
		return nil
	}))
	must(ats.ModelTags, c.ListTags(ctx, opts, func(p []ats.Tag) error { s.tags = append(s.tags, p...); return nil }))
	must(ats.ModelRejectionReasons, c.ListRejectionReasons(ctx, opts, func(p []ats.RejectionReason) error {
		s.reasons = append(s.reasons, p...)
		return nil
	}))
	must(ats.ModelUsers, c.ListUsers(ctx, opts, func(p []ats.User) error { s.users = append(s.users, p...); return nil }))
	return s
}

func uniqueIDs[T any](t *testing.T, what string, rows []T, id func(T) string, raw func(T) []byte) map[string]T {
	t.Helper()
	m := make(map[string]T, len(rows))
	for _, r := range rows {
		k := id(r)
		if k == "" {
			t.Fatalf("%s: row with empty id", what)
		}
		if _, dup := m[k]; dup {
			t.Fatalf("%s: duplicate id %s (paging overlap?)", what, k)
		}
		if len(raw(r)) == 0 {
			t.Fatalf("%s %s: Raw vendor JSON missing", what, k)
		}
		m[k] = r
	}
	return m
}

func testFullSync(t *testing.T, h Harness, extra bool) {
	c, f := newConn(t, h)
	f.SetExtraFields(extra)
	s := syncAll(t, c, ats.ListOptions{})
	want := f.Expect()
	got := Counts{len(s.jobs), len(s.stages), len(s.cands), len(s.apps), len(s.tags), len(s.reasons), len(s.users)}
	if got != want {
		t.Fatalf("full sync counts = %+v, want %+v", got, want)
	}
	jobs := uniqueIDs(t, "job", s.jobs, func(j ats.Job) string { return j.ID }, func(j ats.Job) []byte { return j.Raw })
	stages := uniqueIDs(t, "stage", s.stages, func(x ats.Stage) string { return x.ID }, func(x ats.Stage) []byte { return x.Raw })
	cands := uniqueIDs(t, "candidate", s.cands, func(x ats.Candidate) string { return x.ID }, func(x ats.Candidate) []byte { return x.Raw })
	uniqueIDs(t, "application", s.apps, func(x ats.Application) string { return x.ID }, func(x ats.Application) []byte { return x.Raw })
	uniqueIDs(t, "tag", s.tags, func(x ats.Tag) string { return x.ID + "|" + x.Name }, func(x ats.Tag) []byte { return x.Raw })
	uniqueIDs(t, "rejection reason", s.reasons, func(x ats.RejectionReason) string { return x.ID }, func(x ats.RejectionReason) []byte { return x.Raw })
	uniqueIDs(t, "user", s.users, func(x ats.User) string { return x.ID }, func(x ats.User) []byte { return x.Raw })

	cp := caps(t, c)
	for _, j := range s.jobs {
		if j.Title == "" || j.Status == "" {
			t.Errorf("job %s: empty title or status", j.ID)
		}
		if j.DescriptionHTML != "" && j.DescriptionText == "" {
			t.Errorf("job %s: DescriptionText not derived from HTML", j.ID)
		}
		if strings.Contains(j.DescriptionText, "<") && !strings.Contains(j.DescriptionHTML, "&lt;") {
			t.Errorf("job %s: DescriptionText still has markup: %q", j.ID, j.DescriptionText)
		}
	}
	for _, st := range s.stages {
		if st.Name == "" {
			t.Errorf("stage %s: empty name", st.ID)
		}
		if cp.StageScope == ats.StagesPerJob {
			if _, ok := jobs[st.JobID]; !ok {
				t.Errorf("per-job stage %s names unknown job %q", st.ID, st.JobID)
			}
		}
	}
	for _, a := range s.apps {
		if _, ok := cands[a.CandidateID]; !ok {
			t.Errorf("application %s: unknown candidate %q", a.ID, a.CandidateID)
		}
		if _, ok := jobs[a.JobID]; !ok {
			t.Errorf("application %s: unknown job %q", a.ID, a.JobID)
		}
		if st, ok := stages[a.StageID]; !ok {
			t.Errorf("application %s: unknown stage %q", a.ID, a.StageID)
		} else if cp.StageScope == ats.StagesPerJob && st.JobID != a.JobID {
			t.Errorf("application %s: stage %s belongs to job %s, not %s", a.ID, a.StageID, st.JobID, a.JobID)
		}
		switch a.Status {
		case ats.ApplicationActive, ats.ApplicationRejected, ats.ApplicationHired:
		default:
			t.Errorf("application %s: status %q", a.ID, a.Status)
		}
		if a.UpdatedAt.IsZero() {
			t.Errorf("application %s: zero UpdatedAt breaks incremental watermarks", a.ID)
		}
	}
	for _, cd := range s.cands {
		if cd.FirstName == "" && cd.LastName == "" {
			t.Errorf("candidate %s: no name", cd.ID)
		}
		if len(cd.Emails) == 0 {
			t.Errorf("candidate %s: no email", cd.ID)
		}
	}
}

func testPaging(t *testing.T, h Harness) {
	c, f := h.New(t, Options{PageSize: 3})
	n := f.Expect().Candidates
	if n < 7 {
		t.Fatalf("fake seeds %d candidates; the paging test needs at least 7", n)
	}
	before := f.Requests()
	var ids []string
	pages := 0
	err := c.ListCandidates(context.Background(), ats.ListOptions{}, func(p []ats.Candidate) error {
		pages++
		if len(p) > 3 {
			t.Errorf("page of %d rows exceeds page size 3", len(p))
		}
		for _, x := range p {
			ids = append(ids, x.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantPages := (n + 2) / 3
	if pages < wantPages || f.Requests()-before < wantPages {
		t.Fatalf("got %d pages / %d requests for %d rows, want >= %d", pages, f.Requests()-before, n, wantPages)
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("candidate %s returned twice", id)
		}
		seen[id] = true
	}
	if len(seen) != n {
		t.Fatalf("paged %d distinct candidates, want %d", len(seen), n)
	}

	// Stopping early: the callback's error is returned as is, no more pages.
	stop := errors.New("stop")
	before = f.Requests()
	err = c.ListCandidates(context.Background(), ats.ListOptions{}, func([]ats.Candidate) error { return stop })
	if !errors.Is(err, stop) {
		t.Fatalf("callback error = %v", err)
	}
	if f.Requests()-before != 1 {
		t.Fatalf("%d requests after the callback stopped paging, want 1", f.Requests()-before)
	}
}

func maxTime(ts ...time.Time) time.Time {
	var m time.Time
	for _, t := range ts {
		if t.After(m) {
			m = t
		}
	}
	return m
}

func testIncremental(t *testing.T, h Harness) {
	c, f := newConn(t, h)
	cp := caps(t, c)
	ctx := context.Background()
	if !cp.Incremental[ats.ModelApplications] {
		t.Skip("applications are not incremental for this connector")
	}
	full := syncAll(t, c, ats.ListOptions{})
	var wm time.Time
	for _, a := range full.apps {
		wm = maxTime(wm, a.UpdatedAt)
	}
	sm := f.Samples()
	f.MoveApplication(sm.ApplicationID, sm.OtherStageID)
	var got []ats.Application
	if err := c.ListApplications(ctx, ats.ListOptions{UpdatedAfter: wm.Add(time.Millisecond)}, func(p []ats.Application) error {
		got = append(got, p...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || len(got) >= len(full.apps) {
		t.Fatalf("incremental returned %d of %d applications; want only the changed ones", len(got), len(full.apps))
	}
	found := false
	for _, a := range got {
		if a.UpdatedAt.Before(wm) {
			t.Errorf("application %s updated %v before watermark %v", a.ID, a.UpdatedAt, wm)
		}
		if a.ID == sm.ApplicationID {
			found = true
			if a.StageID != sm.OtherStageID {
				t.Errorf("moved application has stage %s, want %s", a.StageID, sm.OtherStageID)
			}
		}
	}
	if !found {
		t.Fatalf("moved application %s missing from incremental read", sm.ApplicationID)
	}

	if cp.Incremental[ats.ModelCandidates] {
		var cwm time.Time
		for _, x := range full.cands {
			cwm = maxTime(cwm, x.UpdatedAt)
		}
		f.TouchCandidate(sm.CandidateID)
		var gotC []ats.Candidate
		if err := c.ListCandidates(ctx, ats.ListOptions{UpdatedAfter: cwm.Add(time.Millisecond)}, func(p []ats.Candidate) error {
			gotC = append(gotC, p...)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(gotC) != 1 || gotC[0].ID != sm.CandidateID {
			ids := []string{}
			for _, x := range gotC {
				ids = append(ids, x.ID)
			}
			t.Fatalf("incremental candidates = %v, want only %s", ids, sm.CandidateID)
		}
	}
}

func testDeletions(t *testing.T, h Harness) {
	c, f := newConn(t, h)
	if !caps(t, c).Deletions[ats.ModelCandidates] {
		t.Skip("connector does not report deleted candidates")
	}
	id := f.Samples().CandidateID
	f.DeleteCandidate(id)
	find := func(opts ats.ListOptions) (ats.Candidate, bool) {
		var hit ats.Candidate
		var ok bool
		err := c.ListCandidates(context.Background(), opts, func(p []ats.Candidate) error {
			for _, x := range p {
				if x.ID == id {
					hit, ok = x, true
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return hit, ok
	}
	if _, ok := find(ats.ListOptions{}); ok {
		t.Fatal("deleted candidate returned without IncludeDeleted")
	}
	x, ok := find(ats.ListOptions{IncludeDeleted: true})
	if !ok || !x.Deleted || x.DeletedAt.IsZero() {
		t.Fatalf("IncludeDeleted: found=%v deleted=%v at=%v", ok, x.Deleted, x.DeletedAt)
	}
}
