package greenhouse_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/greenhouse"
	"github.com/hireloop/hireloop/ats/greenhouse/fake"
)

const (
	clientID     = "ghv3-client-1b2c"
	clientSecret = "ghv3-secret-9f8e7d"
)

func newPairV3(t testing.TB, o atstest.Options, mod func(*ats.Config)) (*greenhouse.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	if o.Applications > 0 {
		seed = fake.Seed{Jobs: 50, StagesPerJob: 5, Candidates: o.Applications, Applications: o.Applications, Tags: 10, RejectionReasons: 5, Users: 10}
	}
	f := fake.NewV3(clientID, clientSecret, seed)
	t.Cleanup(f.Close)
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.IntegrationID, cfg.APIKey, cfg.ActingUserID = f.URL(), clientID, clientSecret, "4000"
	return atstest.Connect(t, greenhouse.New, cfg, mod), f
}

func harnessV3(t *testing.T) atstest.Harness {
	stageChange := readFile(t, "webhook-candidate-stage-change.json")
	return atstest.Harness{
		Name: greenhouse.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPairV3(t, o, nil)
		},
		CheckWrite: checkWriteV3,
		Webhooks: []atstest.WebhookCase{
			{Name: "candidate_stage_change", Body: stageChange, Header: http.Header{"Greenhouse-Event-Id": {"evt-1"}},
				Want: ats.WebhookEvent{Type: "candidate_stage_change", ApplicationID: "265277", CandidateID: "265772",
					Models: []ats.Model{ats.ModelApplications}, StageChange: &ats.StageChange{ToStageID: "71416"}}},
			{Name: "job_updated", Body: []byte(`{"action":"job_updated","payload":{"job":{"id":3485,"name":"Designer"}}}`),
				Header: http.Header{"Greenhouse-Event-Id": {"evt-2"}},
				Want:   ats.WebhookEvent{Type: "job_updated", Models: []ats.Model{ats.ModelJobs}}},
		},
	}
}

func TestConformanceV3(t *testing.T) { atstest.Run(t, harnessV3(t)) }

// checkWriteV3 asserts the v3 request shapes: Bearer auth, no
// On-Behalf-Of (the acting user is the token's sub), v3 routes and
// integer ids.
func checkWriteV3(t *testing.T, a ats.WriteAction, in any, reqs []atstest.RecordedRequest) {
	t.Helper()
	last := reqs[len(reqs)-1]
	for _, r := range reqs {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") || r.Header.Get("On-Behalf-Of") != "" {
			t.Errorf("%s %s: Authorization %q, On-Behalf-Of %q", r.Method, r.Path, r.Header.Get("Authorization"), r.Header.Get("On-Behalf-Of"))
		}
		if r.Query != "" {
			t.Errorf("%s %s carries a query %q", r.Method, r.Path, r.Query)
		}
	}
	body := last.JSON()
	switch a {
	case ats.ActionNote:
		n := in.(ats.Note)
		if len(reqs) != 1 || last.Method != "POST" || last.Path != "/v3/notes" {
			t.Fatalf("note requests %v", reqs)
		}
		if !strings.Contains(string(last.Body), `"candidate_id":`+n.CandidateID) || body["body"] != n.Body || body["visibility"] != "public" {
			t.Fatalf("note body %s", last.Body)
		}
	case ats.ActionAttachment:
		at := in.(ats.Attachment)
		if len(reqs) != 1 || last.Method != "POST" || last.Path != "/v3/attachments" {
			t.Fatalf("attachment requests %v", reqs)
		}
		raw, _ := base64.StdEncoding.DecodeString(body["content"].(string))
		if !strings.Contains(string(last.Body), `"application_id":`+at.ApplicationID) || string(raw) != string(at.Data) ||
			body["filename"] != at.Name || body["type"] != "other" || body["content_type"] != "application/pdf" || body["url"] != nil {
			t.Fatalf("attachment body %s", last.Body)
		}
	case ats.ActionMoveStage:
		m := in.(ats.StageMove)
		if len(reqs) != 1 || last.Path != "/v3/applications/"+m.ApplicationID+"/move" {
			t.Fatalf("move requests %v", reqs)
		}
		if string(last.Body) != `{"to_stage_id":`+m.ToStageID+`}` {
			t.Fatalf("move body %s", last.Body)
		}
	case ats.ActionReject:
		r := in.(ats.Rejection)
		if len(reqs) != 1 || last.Path != "/v3/applications/"+r.ApplicationID+"/reject" ||
			!strings.Contains(string(last.Body), `"rejection_reason_id":`+r.ReasonID) || body["notes"] != r.Note {
			t.Fatalf("reject %v %s", reqs, last.Body)
		}
	case ats.ActionAddTag:
		tg := in.(ats.TagAssignment)
		if len(reqs) != 2 || reqs[0].Method != "POST" || reqs[0].Path != "/v3/candidate_tags" || reqs[0].JSON()["name"] != tg.Name {
			t.Fatalf("tag create %v", reqs)
		}
		if last.Method != "POST" || last.Path != "/v3/applied_candidate_tags" ||
			!strings.Contains(string(last.Body), `"candidate_id":`+tg.CandidateID) || body["candidate_tag_id"] == nil {
			t.Fatalf("tag apply %s %s %s", last.Method, last.Path, last.Body)
		}
	default:
		t.Fatalf("unexpected supported action %s", a)
	}
}

func TestModeSelection(t *testing.T) {
	for base, v3 := range map[string]bool{
		"":                                   true,
		"https://harvest.greenhouse.io/v3":   true,
		"https://proxy.example/greenhouse":   true,
		"https://egress.example/harvest/v1":  false,
		"https://egress.example/harvest/v1/": false,
		"http://127.0.0.1:8080/sandbox/v1":   false,
	} {
		c, err := greenhouse.New(ats.Config{BaseURL: base, IntegrationID: "id", APIKey: "secret", ActingUserID: "1"})
		if err != nil {
			t.Fatalf("%q: %v", base, err)
		}
		if c.V3() != v3 {
			t.Errorf("%q: V3() = %v, want %v", base, c.V3(), v3)
		}
		cp, _ := c.Capabilities(context.Background())
		if want := map[bool]ats.RateLimit{true: greenhouse.DefaultRateLimitV3, false: greenhouse.DefaultRateLimit}[v3]; cp.DefaultRateLimit != want {
			t.Errorf("%q: rate limit %v", base, cp.DefaultRateLimit)
		}
	}
	if greenhouse.DefaultBaseURL != "https://harvest.greenhouse.io/v3" {
		t.Fatalf("DefaultBaseURL = %s", greenhouse.DefaultBaseURL)
	}
	// The console shows v3, the mode real Greenhouse connections get.
	if cp, _ := ats.Declared(greenhouse.Name); cp.Writes[ats.ActionAttachment].Target != ats.TargetApplication {
		t.Fatalf("declared attachment target %v, want application (v3)", cp.Writes[ats.ActionAttachment].Target)
	}
}

func TestV3MissingClientIDExplainsMigration(t *testing.T) {
	_, err := greenhouse.New(ats.Config{APIKey: "old-v1-harvest-key"})
	if !errors.Is(err, ats.ErrNotConfigured) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"greenhouse", "2026-08-31", "Harvest V3 (OAuth)", "API Credential Management", "client id"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// A connection saved with Greenhouse's old v1 base URL (the console's
// default before v3) is told to clear it, not sent to a dead endpoint.
func TestGreenhouseV1BaseURLExplainsMigration(t *testing.T) {
	_, err := greenhouse.New(ats.Config{BaseURL: greenhouse.V1BaseURL, APIKey: "old-v1-harvest-key"})
	if !errors.Is(err, ats.ErrNotConfigured) || !strings.Contains(err.Error(), "clear it") || !strings.Contains(err.Error(), "2026-08-31") {
		t.Fatalf("err = %v, want a not-configured error saying to clear the v1 base URL", err)
	}
	// Any other host ending in /v1 is the sandbox or a v1 emulation.
	if _, err := greenhouse.New(ats.Config{BaseURL: "http://127.0.0.1:9/v1", APIKey: "k"}); err != nil {
		t.Fatalf("non-Greenhouse v1 base: %v", err)
	}
}

func TestV3TokenRequestShape(t *testing.T) {
	c, f := newPairV3(t, atstest.Options{}, nil)
	if err := c.Test(context.Background()); err != nil {
		t.Fatal(err)
	}
	reqs := f.TokenRequests()
	if len(reqs) != 1 || c.TokenFetches() != 1 {
		t.Fatalf("token requests %d / fetches %d, want one token for the whole Test", len(reqs), c.TokenFetches())
	}
	r := reqs[0]
	if r.ClientID != clientID || r.ClientSecret != clientSecret || r.ContentType != "application/x-www-form-urlencoded" ||
		r.Form.Get("grant_type") != "client_credentials" || r.Form.Get("sub") != "4000" || len(r.Form) != 2 {
		t.Fatalf("token request %+v", r)
	}
}

func TestV3TokenCachedAndRefreshedBeforeExpiry(t *testing.T) {
	c, f := newPairV3(t, atstest.Options{PageSize: 5}, nil)
	f.SetTokenTTL(time.Second)
	ctx := context.Background()
	n := len(atstest.All(t, c.ListCandidates))
	if n != f.Expect().Candidates || c.TokenFetches() != 1 {
		t.Fatalf("%d candidates with %d tokens, want all with one token", n, c.TokenFetches())
	}
	// The token is replaced a tenth of its lifetime before it expires, so
	// no request is ever refused for an expired token.
	time.Sleep(950 * time.Millisecond)
	if err := c.ListJobs(ctx, ats.ListOptions{}, func([]ats.Job) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if c.TokenFetches() != 2 || c.Stats().Retries != 0 {
		t.Fatalf("fetches %d, stats %+v: want a second token fetched before expiry and no retried request", c.TokenFetches(), c.Stats())
	}
}

func TestV3RevokedTokenRefreshedOnce(t *testing.T) {
	c, f := newPairV3(t, atstest.Options{}, nil)
	ctx := context.Background()
	if err := c.ListJobs(ctx, ats.ListOptions{}, func([]ats.Job) error { return nil }); err != nil {
		t.Fatal(err)
	}
	f.RevokeTokens()
	before := f.Requests()
	var n int
	if err := c.ListJobs(ctx, ats.ListOptions{}, func(p []ats.Job) error { n += len(p); return nil }); err != nil {
		t.Fatalf("read with a revoked cached token: %v", err)
	}
	if n != f.Expect().Jobs || c.TokenFetches() != 2 || f.Requests()-before != 3 {
		// 401 + the repeat of /jobs, then /job_posts.
		t.Fatalf("jobs %d, token fetches %d, requests %d", n, c.TokenFetches(), f.Requests()-before)
	}
	// Writes are not repeated: the 401 is returned and the token dropped.
	f.RevokeTokens()
	s := f.Samples()
	_, err := c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID, Body: "x"})
	if !errors.Is(err, ats.ErrUnauthorized) || len(f.Writes()) != 1 {
		t.Fatalf("write with revoked token: %v, %d writes", err, len(f.Writes()))
	}
	if _, err := c.AddNote(ctx, ats.Note{CandidateID: s.CandidateID, Body: "x"}); err != nil || c.TokenFetches() != 3 {
		t.Fatalf("next write: %v (fetches %d), want a fresh token", err, c.TokenFetches())
	}
}

func TestV3WrongCredentials(t *testing.T) {
	for _, tc := range []struct {
		name string
		mod  func(*ats.Config)
		kind error
		want string
	}{
		{"secret", func(c *ats.Config) { c.APIKey = "wrong" }, ats.ErrUnauthorized, "client secret"},
		{"client id", func(c *ats.Config) { c.IntegrationID = "wrong" }, ats.ErrUnauthorized, "client id"},
		{"unknown sub", func(c *ats.Config) { c.ActingUserID = "999" }, ats.ErrNotConfigured, "acting user id (sub)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, f := newPairV3(t, atstest.Options{}, tc.mod)
			err := c.Test(context.Background())
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.want) || ats.IsTransient(err) {
				t.Fatalf("Test = %v, want %v mentioning %q", err, tc.kind, tc.want)
			}
			if f.Requests() != 0 {
				t.Fatalf("%d API requests without a token", f.Requests())
			}
		})
	}
}

// recorder keeps every URL the client requests.
type recorder struct {
	mu   sync.Mutex
	urls []*url.URL
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.urls = append(r.urls, req.URL)
	r.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func TestV3CursorPagingAndFilters(t *testing.T) {
	rec := &recorder{}
	c, f := newPairV3(t, atstest.Options{PageSize: 3}, func(c *ats.Config) { c.HTTP.Transport = rec })
	since := fake.Base.Add(10 * time.Second)
	var got []ats.Candidate
	if err := c.ListCandidates(context.Background(), ats.ListOptions{UpdatedAfter: since}, func(p []ats.Candidate) error {
		got = append(got, p...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	// Candidate i changes at Base + i s, so 10..22 match: 13 rows in 5 pages.
	if len(got) != f.Expect().Candidates-10 {
		t.Fatalf("got %d candidates", len(got))
	}
	var api []*url.URL
	for _, u := range rec.urls {
		if u.Path != "/token" {
			api = append(api, u)
		}
	}
	if len(api) != 5 {
		t.Fatalf("%d requests, want 5 pages", len(api))
	}
	first := api[0].Query()
	if api[0].Path != "/v3/candidates" || first.Get("per_page") != "3" || first.Get("updated_at") != "gte|2024-01-01T00:00:10.000Z" || len(first) != 2 {
		t.Fatalf("first request %s", api[0])
	}
	for _, u := range api[1:] {
		if q := u.Query(); u.Path != "/v3/candidates" || len(q) != 1 || q.Get("cursor") == "" {
			t.Fatalf("follow-up request %s: the cursor must be the only parameter", u)
		}
	}

	// The fake refuses what the docs say fails: a cursor with any other
	// parameter.
	tok := bearerToken(t, f)
	req, _ := http.NewRequest(http.MethodGet, f.Server.URL+api[1].Path+"?"+api[1].RawQuery+"&per_page=3", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("cursor + per_page answered %d, want 400", resp.StatusCode)
	}
}

func bearerToken(t *testing.T, f *fake.Fake) string {
	t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "sub": {"4000"}}
	req, _ := http.NewRequest(http.MethodPost, f.Server.URL+"/token", strings.NewReader(form.Encode()))
	req.SetBasicAuth(clientID, clientSecret)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v struct {
		AccessToken string `json:"access_token"`
	}
	if err := decodeJSON(resp, &v); err != nil || v.AccessToken == "" {
		t.Fatalf("token: %v", err)
	}
	return v.AccessToken
}

func TestV3RejectNeedsReason(t *testing.T) {
	c, f := newPairV3(t, atstest.Options{}, nil)
	_, err := c.Reject(context.Background(), ats.Rejection{ApplicationID: f.Samples().ApplicationID, Note: "no reason"})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || !strings.Contains(err.Error(), "rejection reason") || len(f.Writes()) != 0 {
		t.Fatalf("reject without reason = %v, %d writes", err, len(f.Writes()))
	}
}

func TestV3RejectionAndMoveReadBack(t *testing.T) {
	c, f := newPairV3(t, atstest.Options{}, nil)
	ctx := context.Background()
	s := f.Samples()
	if _, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID, ReasonID: s.RejectionReasonID}); err != nil {
		t.Fatal(err)
	}
	var app ats.Application
	for _, a := range atstest.All(t, c.ListApplications) {
		if a.ID == s.ApplicationID {
			app = a
		}
	}
	if app.Status != ats.ApplicationRejected || app.RejectionReasonID != s.RejectionReasonID || app.RejectedAt.IsZero() ||
		app.StageID != s.OtherStageID {
		t.Fatalf("application after move + reject = %+v", app)
	}
	// A stale or foreign stage is the vendor's 422 with its message.
	_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: f.Samples().ApplicationID, ToStageID: "99"})
	if !strings.Contains(ats.VendorMessage(err), "Only active applications") {
		t.Fatalf("move of a rejected application = %v", err)
	}
}

func TestV3TagByExistingName(t *testing.T) {
	c, f := newPairV3(t, atstest.Options{}, nil)
	s := f.Samples()
	res, err := c.AddTag(context.Background(), ats.TagAssignment{CandidateID: s.CandidateID, Name: "TAG-1"})
	if err != nil {
		t.Fatal(err)
	}
	w := f.Writes()
	if res.RemoteID != "301" || len(w) != 2 || w[1].Path != "/v3/applied_candidate_tags" || w[1].JSON()["candidate_tag_id"] != float64(301) {
		t.Fatalf("existing tag: result %+v, writes %v", res, w)
	}
	cd, _ := f.Candidate(s.CandidateID)
	found := false
	for _, tg := range cd.Tags {
		found = found || tg == "tag-1"
	}
	if !found {
		t.Fatalf("candidate tags %v", cd.Tags)
	}
}

func TestV3NoteByApplicationAndHasWrite(t *testing.T) {
	c, f := newPairV3(t, atstest.Options{}, nil)
	ctx := context.Background()
	s := f.Samples()
	if _, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "done [hl:abc123]", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	notes := f.Notes()
	if len(notes) != 1 || notes[0].CandidateID != parse(s.CandidateID) || notes[0].UserID != 4000 || notes[0].Visibility != "private" {
		t.Fatalf("notes = %+v (author must be the token's sub)", notes)
	}
	if _, err := c.AddAttachment(ctx, ats.Attachment{CandidateID: s.CandidateID, Name: "report-hl-xyz.pdf", URL: "https://x.example/r.pdf"}); err != nil {
		t.Fatal(err)
	}
	if got := f.Attachments(s.ApplicationID); len(got) != 1 || got[0] != "report-hl-xyz.pdf" {
		t.Fatalf("attachment by candidate went to %v", got)
	}
	for _, tc := range []struct {
		action    ats.WriteAction
		cand, app string
		marker    string
		want      bool
	}{
		{ats.ActionNote, s.CandidateID, "", "hl:abc123", true},
		{ats.ActionNote, "", s.ApplicationID, "hl:abc123", true},
		{ats.ActionNote, s.CandidateID, "", "hl:other", false},
		{ats.ActionAttachment, "", s.ApplicationID, "hl-xyz", true},
		{ats.ActionAttachment, s.CandidateID, "", "hl-xyz", true},
		{ats.ActionAttachment, "", s.ApplicationID, "hl-nope", false},
	} {
		got, err := c.HasWrite(ctx, tc.action, tc.cand, tc.app, tc.marker)
		if err != nil || got != tc.want {
			t.Errorf("HasWrite(%s, %q, %q, %q) = %v, %v; want %v", tc.action, tc.cand, tc.app, tc.marker, got, err, tc.want)
		}
	}
}

// TestV3FakeExpiresTokens checks the fake, not the connector: a fake that
// accepted expired tokens would let the refresh tests pass against a
// client that never refreshes.
func TestV3FakeExpiresTokens(t *testing.T) {
	_, f := newPairV3(t, atstest.Options{}, nil)
	f.SetTokenTTL(50 * time.Millisecond)
	tok := bearerToken(t, f)
	get := func() int {
		req, _ := http.NewRequest(http.MethodGet, f.URL()+"/jobs", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if s := get(); s != http.StatusOK {
		t.Fatalf("fresh token answered %d", s)
	}
	time.Sleep(100 * time.Millisecond)
	if s := get(); s != http.StatusUnauthorized {
		t.Fatalf("expired token answered %d, want 401", s)
	}
}
