package greenhouse_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/greenhouse/fake"
)

func TestV3TokenRequestShape(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
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
	c, f := newPair(t, atstest.Options{PageSize: 5}, nil)
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
	c, f := newPair(t, atstest.Options{}, nil)
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
	if n != f.Expect().Jobs || c.TokenFetches() != 2 || f.Requests()-before != 5 {
		// 401 + the repeat of /jobs, then /departments, /offices, /job_posts.
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
			c, f := newPair(t, atstest.Options{}, tc.mod)
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
	c, f := newPair(t, atstest.Options{PageSize: 3}, func(c *ats.Config) { c.HTTP.Transport = rec })
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
	c, f := newPair(t, atstest.Options{}, nil)
	_, err := c.Reject(context.Background(), ats.Rejection{ApplicationID: f.Samples().ApplicationID, Note: "no reason"})
	var iie *ats.InvalidInputError
	if !errors.As(err, &iie) || !strings.Contains(err.Error(), "rejection reason") || len(f.Writes()) != 0 {
		t.Fatalf("reject without reason = %v, %d writes", err, len(f.Writes()))
	}
}

func TestV3RejectionAndMoveReadBack(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
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
	c, f := newPair(t, atstest.Options{}, nil)
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
	c, f := newPair(t, atstest.Options{}, nil)
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
	_, f := newPair(t, atstest.Options{}, nil)
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
