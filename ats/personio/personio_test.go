package personio_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/personio"
	"github.com/hireloop/hireloop/ats/personio/fake"
)

const (
	clientID     = "papi-client-0123"
	clientSecret = "papi-secret-s3cr3t-value"
)

func newPair(t testing.TB, o atstest.Options, mod func(*ats.Config)) (*personio.Client, *fake.Fake) {
	t.Helper()
	seed := fake.SmallSeed
	if o.Applications > 0 {
		seed = fake.Seed{Jobs: 20, Candidates: o.Applications, HiringTeam: 5}
	}
	f := fake.New(clientID, clientSecret, seed)
	t.Cleanup(f.Close)
	cfg := atstest.ClientConfig(f, o)
	cfg.BaseURL, cfg.APIKey, cfg.IntegrationID = f.URL(), clientSecret, clientID
	return atstest.Connect(t, personio.New, cfg, mod), f
}

func harness() atstest.Harness {
	return atstest.Harness{
		Name: personio.Name,
		New: func(t testing.TB, o atstest.Options) (ats.Connector, atstest.Fake) {
			return newPair(t, o, nil)
		},
		// Every write is unsupported, so the suite never calls CheckWrite;
		// it asserts instead that no request was sent.
		CheckWrite: func(t *testing.T, a ats.WriteAction, _ any, reqs []atstest.RecordedRequest) {
			t.Fatalf("personio: unexpected supported write %s (%d requests)", a, len(reqs))
		},
	}
}

func TestConformance(t *testing.T) { atstest.Run(t, harness()) }

func TestRegistered(t *testing.T) {
	_, cp := atstest.Registered(t, personio.Name, ats.Config{APIKey: "secret", IntegrationID: "id"})
	atstest.WantNotConfigured(t, personio.Name, ats.Config{}, ats.Config{APIKey: "secret"}, ats.Config{IntegrationID: "id"})
	if cp.StageScope != ats.StagesAccountWide || cp.ActingUserRequired ||
		cp.DefaultRateLimit != personio.DefaultRateLimit || cp.Webhooks.Supported {
		t.Fatalf("declared = %+v (%v)", cp, cp.Validate())
	}
	if !cp.Incremental[ats.ModelCandidates] || !cp.Incremental[ats.ModelApplications] || cp.Incremental[ats.ModelJobs] {
		t.Fatalf("incremental = %v", cp.Incremental)
	}
	for _, a := range ats.AllActions {
		if cp.Supports(a) || cp.Writes[a].Reason == "" {
			t.Errorf("%s: supported=%v reason=%q", a, cp.Supports(a), cp.Writes[a].Reason)
		}
	}
}

// TestWritesSendNothing: every write fails with the declared reason
// before any token or API request.
func TestWritesSendNothing(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	ctx := context.Background()
	s := f.Samples()
	calls := map[ats.WriteAction]func() error{
		ats.ActionResultLink: func() error {
			_, err := c.AddResultLink(ctx, ats.ResultLink{ApplicationID: s.ApplicationID, URL: "https://x"})
			return err
		},
		ats.ActionNote: func() error {
			_, err := c.AddNote(ctx, ats.Note{ApplicationID: s.ApplicationID, Body: "x"})
			return err
		},
		ats.ActionAttachment: func() error {
			_, err := c.AddAttachment(ctx, ats.Attachment{ApplicationID: s.ApplicationID, Name: "a.pdf", Data: []byte("x")})
			return err
		},
		ats.ActionMoveStage: func() error {
			_, err := c.MoveToStage(ctx, ats.StageMove{ApplicationID: s.ApplicationID, ToStageID: s.OtherStageID})
			return err
		},
		ats.ActionReject: func() error { _, err := c.Reject(ctx, ats.Rejection{ApplicationID: s.ApplicationID}); return err },
		ats.ActionAddTag: func() error {
			_, err := c.AddTag(ctx, ats.TagAssignment{CandidateID: s.CandidateID, Name: "x"})
			return err
		},
	}
	cp, _ := c.Capabilities(ctx)
	for a, call := range calls {
		err := call()
		if !errors.Is(err, ats.ErrUnsupported) || ats.VendorMessage(err) != cp.Writes[a].Reason {
			t.Errorf("%s: %v", a, err)
		}
	}
	if f.Requests() != 0 || f.TokenRequests() != 0 {
		t.Fatalf("writes sent %d API and %d token requests", f.Requests(), f.TokenRequests())
	}
	// No recruiting webhooks: deliveries are refused.
	if err := c.VerifyWebhook(http.Header{}, []byte(`{}`), ""); !errors.Is(err, ats.ErrWebhookSecretMissing) {
		t.Errorf("verify without secret: %v", err)
	}
	err := c.VerifyWebhook(http.Header{}, []byte(`{}`), "s")
	if !errors.Is(err, ats.ErrInvalidSignature) || !errors.Is(err, ats.ErrUnsupported) {
		t.Errorf("verify: %v", err)
	}
	if _, err := c.ParseWebhook(http.Header{}, []byte(`{}`)); !errors.Is(err, ats.ErrUnsupported) {
		t.Errorf("parse: %v", err)
	}
}

func countJobs(t *testing.T, c *personio.Client) (int, error) {
	t.Helper()
	n := 0
	err := c.ListJobs(context.Background(), ats.ListOptions{}, func(p []ats.Job) error { n += len(p); return nil })
	return n, err
}

// TestTokenCachedAndRefreshed: one token serves many calls; an expiring
// token is replaced before the API would refuse it.
func TestTokenCachedAndRefreshed(t *testing.T) {
	c, f := newPair(t, atstest.Options{PageSize: 2}, nil)
	for range 3 {
		if _, err := countJobs(t, c); err != nil {
			t.Fatal(err)
		}
	}
	if f.TokenRequests() != 1 {
		t.Fatalf("%d token requests for three listings, want 1", f.TokenRequests())
	}

	f.SetTokenTTL(time.Second)
	c2, err := personio.New(ats.Config{BaseURL: f.URL(), APIKey: clientSecret, IntegrationID: clientID,
		RateLimit: ats.RateLimit{Requests: 1000, Per: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	before := f.TokenRequests()
	if _, err := countJobs(t, c2); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // the fake now refuses the first token
	if n, err := countJobs(t, c2); err != nil || n != f.Expect().Jobs {
		t.Fatalf("after expiry: %d jobs, %v", n, err)
	}
	if got := f.TokenRequests() - before; got != 2 {
		t.Fatalf("%d token requests across an expiry, want 2", got)
	}

	// Replaced before it expires: a 2 s token is renewed after 1.8 s, while
	// the fake would still accept it (so only a proactive refresh explains
	// the second token request).
	f.SetTokenTTL(2 * time.Second)
	c3, err := personio.New(ats.Config{BaseURL: f.URL(), APIKey: clientSecret, IntegrationID: clientID,
		RateLimit: ats.RateLimit{Requests: 1000, Per: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	before = f.TokenRequests()
	if _, err := countJobs(t, c3); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1900 * time.Millisecond)
	if _, err := countJobs(t, c3); err != nil {
		t.Fatal(err)
	}
	if got := f.TokenRequests() - before; got != 2 {
		t.Fatalf("%d token requests just before expiry, want 2 (proactive refresh)", got)
	}
	if f.Throttled() != 0 {
		t.Fatal("unexpected 429s")
	}
}

// TestTokenRevoked: a 401 drops the cached token; the call fails (reads
// are not repeated) and the next one works with a new token.
func TestTokenRevoked(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	if _, err := countJobs(t, c); err != nil {
		t.Fatal(err)
	}
	f.RevokeTokens()
	if _, err := countJobs(t, c); !errors.Is(err, ats.ErrUnauthorized) {
		t.Fatalf("revoked token: %v", err)
	}
	if _, err := countJobs(t, c); err != nil {
		t.Fatalf("after re-authentication: %v", err)
	}
	if f.TokenRequests() != 2 {
		t.Fatalf("%d token requests, want 2", f.TokenRequests())
	}
}

// TestWrongCredentials: Personio's 400 unauthorized_client / invalid_client
// become a permanent ErrUnauthorized that never echoes the secret.
func TestWrongCredentials(t *testing.T) {
	for _, tc := range []struct{ id, secret, want string }{
		{clientID, "wrong-secret-value", "client credentials are invalid"},
		{"unknown-client", clientSecret, "client is unknown"},
	} {
		c, f := newPair(t, atstest.Options{}, func(cfg *ats.Config) { cfg.IntegrationID, cfg.APIKey = tc.id, tc.secret })
		for _, call := range []func() error{
			func() error { _, err := countJobs(t, c); return err },
			func() error { return c.Test(context.Background()) },
		} {
			err := call()
			if !errors.Is(err, ats.ErrUnauthorized) || ats.IsTransient(err) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s: %v", tc.id, err)
			}
			if strings.Contains(err.Error(), tc.secret) {
				t.Fatalf("error leaks the secret: %v", err)
			}
		}
		if f.Requests() != 0 {
			t.Fatalf("%d API requests without a token", f.Requests())
		}
	}
}

// recorder captures requests on the way out and can answer token
// requests itself.
type recorder struct {
	mu      sync.Mutex
	reqs    []*http.Request
	bodies  []string
	tokenFn func(*http.Request) *http.Response
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	var body string
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		body = string(b)
		req.Body = io.NopCloser(strings.NewReader(body))
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	r.bodies = append(r.bodies, body)
	fn := r.tokenFn
	r.mu.Unlock()
	if fn != nil && req.URL.Path == "/v2/auth/token" {
		return fn(req), nil
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestTokenRequestShape: POST /v2/auth/token, form-encoded grant_type,
// client_id, client_secret; the secret appears only in that body, and API
// calls carry the bearer token and Personio's app id header.
func TestTokenRequestShape(t *testing.T) {
	rec := &recorder{}
	_, f := newPair(t, atstest.Options{}, nil)
	c, err := personio.New(ats.Config{BaseURL: f.URL(), APIKey: clientSecret, IntegrationID: clientID,
		HTTP: ats.HTTPSettings{Transport: rec}, RateLimit: ats.RateLimit{Requests: 1000, Per: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Test(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.reqs) != 3 {
		t.Fatalf("%d requests, want token + 2 reads", len(rec.reqs))
	}
	tr := rec.reqs[0]
	form, _ := url.ParseQuery(rec.bodies[0])
	if tr.Method != http.MethodPost || tr.URL.Path != "/v2/auth/token" || tr.URL.RawQuery != "" ||
		tr.Header.Get("Content-Type") != "application/x-www-form-urlencoded" ||
		form.Get("grant_type") != "client_credentials" || form.Get("client_id") != clientID || form.Get("client_secret") != clientSecret {
		t.Fatalf("token request %s %s %q %q", tr.Method, tr.URL, tr.Header.Get("Content-Type"), rec.bodies[0])
	}
	for i, r := range rec.reqs[1:] {
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer papi-") || r.Header.Get(personio.AppIDHeader) != "HIRELOOP" ||
			strings.Contains(r.URL.String(), clientSecret) || r.URL.Query().Get("limit") != "1" {
			t.Fatalf("read %d: %s %v", i, r.URL, r.Header)
		}
	}
	if rec.reqs[1].URL.Path != "/v2/recruiting/jobs" || rec.reqs[2].URL.Path != "/v2/recruiting/applications" {
		t.Fatalf("Test read %s and %s", rec.reqs[1].URL.Path, rec.reqs[2].URL.Path)
	}
}

// TestTokenTransientFailure: a 5xx or 429 from the token endpoint is a
// transient error, not "check the API key".
func TestTokenTransientFailure(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		rec := &recorder{tokenFn: func(r *http.Request) *http.Response {
			h := http.Header{"Content-Type": {"application/json"}, "Retry-After": {"7"}}
			return &http.Response{StatusCode: status, Header: h, Request: r,
				Body: io.NopCloser(strings.NewReader(`{"error":"temporarily_unavailable","error_description":"try later"}`))}
		}}
		_, f := newPair(t, atstest.Options{}, nil)
		c, err := personio.New(ats.Config{BaseURL: f.URL(), APIKey: clientSecret, IntegrationID: clientID, HTTP: ats.HTTPSettings{Transport: rec}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = countJobs(t, c)
		if !ats.IsTransient(err) || errors.Is(err, ats.ErrUnauthorized) {
			t.Fatalf("status %d: %v", status, err)
		}
		if d, ok := ats.RetryAfter(err); status == http.StatusTooManyRequests && (!ok || d != 7*time.Second) {
			t.Fatalf("retry after = %v %v", d, ok)
		}
		if f.Requests() != 0 {
			t.Fatal("API called without a token")
		}
	}
}

func TestReadMapping(t *testing.T) {
	c, f := newPair(t, atstest.Options{PageSize: 4}, nil)
	ctx := context.Background()
	jobs := atstest.All(t, c.ListJobs)
	j0 := jobs[slices.IndexFunc(jobs, func(j ats.Job) bool { return j.ID == fake.JobID(0) })]
	if j0.Title != "Go Engineer 0" || j0.Department != "Research & Development" || j0.Status != ats.JobUnknown ||
		j0.DescriptionText != "" || len(j0.ScreeningQuestions) != 0 || !j0.CreatedAt.Equal(fake.Base) {
		t.Fatalf("job = %+v", j0)
	}

	stages := atstest.All(t, c.ListStages)
	if len(stages) != len(fake.Phases) {
		t.Fatalf("%d stages, want %d", len(stages), len(fake.Phases))
	}
	kinds := map[string]ats.StageKind{}
	for i, s := range stages {
		if s.Order != i || s.JobID != "" || !s.Active || s.ID != fake.Phases[i].ID || s.Name != fake.Phases[i].Name {
			t.Errorf("stage %d = %+v", i, s)
		}
		kinds[s.ID] = s.Kind
	}
	if kinds["1001"] != ats.StageKindInbox || kinds["1006"] != ats.StageKindHired || kinds["1007"] != ats.StageKindRejected || kinds["1003"] != ats.StageKindNone {
		t.Fatalf("kinds = %v", kinds)
	}

	apps := atstest.All(t, c.ListApplications)
	for _, a := range apps {
		i, _ := strconv.Atoi(a.ID)
		i -= 5_300_000
		if !a.UpdatedAt.Equal(fake.Base.Add(time.Duration(i)*time.Second)) || a.AppliedAt.IsZero() {
			t.Errorf("application %s: updated %v applied %v", a.ID, a.UpdatedAt, a.AppliedAt)
		}
		switch i {
		case 5:
			if a.Status != ats.ApplicationRejected || a.StageID != "1007" || a.RejectionReasonID != "" {
				t.Errorf("rejected: %+v", a)
			}
		case 7:
			if a.Status != ats.ApplicationHired || a.StageName != "Hired" {
				t.Errorf("hired: %+v", a)
			}
		case 0:
			if a.Status != ats.ApplicationActive || a.JobID != fake.JobID(0) || a.CandidateID != fake.CandidateID(0) || a.StageName == "" {
				t.Errorf("active: %+v", a)
			}
		}
	}

	cands := atstest.All(t, c.ListCandidates)
	c0 := cands[slices.IndexFunc(cands, func(x ats.Candidate) bool { return x.ID == fake.CandidateID(0) })]
	if c0.FirstName != "First0" || c0.LastName != "Last0" || !slices.Equal(c0.Emails, []string{"cand0@example.com"}) ||
		len(c0.Phones) != 1 || !c0.UpdatedAt.Equal(fake.Base) {
		t.Fatalf("candidate = %+v", c0)
	}

	users := atstest.All(t, c.ListUsers)
	if len(users) != f.Expect().Users || users[0].ID == "" {
		t.Fatalf("users = %+v", users)
	}
	tagsCalled := false
	if err := c.ListTags(ctx, ats.ListOptions{}, func([]ats.Tag) error { tagsCalled = true; return nil }); err != nil || tagsCalled {
		t.Fatalf("tags: %v %v", err, tagsCalled)
	}
}

// TestIncrementalFilter: updated_at.gt is sent in whole seconds as the
// exclusive bound for "changed at or after".
func TestIncrementalFilter(t *testing.T) {
	rec := &recorder{}
	_, f := newPair(t, atstest.Options{}, nil)
	c, err := personio.New(ats.Config{BaseURL: f.URL(), APIKey: clientSecret, IntegrationID: clientID,
		HTTP: ats.HTTPSettings{Transport: rec}, RateLimit: ats.RateLimit{Requests: 1000, Per: time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	at := fake.Base.Add(10 * time.Second)
	var got []string
	if err := c.ListApplications(ctx, ats.ListOptions{UpdatedAfter: at}, func(p []ats.Application) error {
		for _, a := range p {
			got = append(got, a.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	last := rec.reqs[len(rec.reqs)-1]
	if last.URL.Query().Get("updated_at.gt") != "2024-01-01T00:00:09Z" {
		t.Fatalf("filter = %q", last.URL.RawQuery)
	}
	// Applications 10..25 changed at or after Base+10s.
	if len(got) != 16 || !slices.Contains(got, fake.ApplicationID(10)) || slices.Contains(got, fake.ApplicationID(9)) {
		t.Fatalf("incremental = %v", got)
	}
	if err := c.ListCandidates(ctx, ats.ListOptions{UpdatedAfter: at.Add(time.Millisecond)}, func([]ats.Candidate) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if q := rec.reqs[len(rec.reqs)-1].URL.Query(); q.Get("updated_at.gt") != "2024-01-01T00:00:10Z" || q.Get("limit") != "200" {
		t.Fatalf("candidates query = %v", q)
	}
	// Jobs have no documented change filter: none is sent.
	if err := c.ListJobs(ctx, ats.ListOptions{UpdatedAfter: at}, func([]ats.Job) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if q := rec.reqs[len(rec.reqs)-1].URL.Query(); q.Has("updated_at.gt") {
		t.Fatalf("jobs query = %v", q)
	}
}

func TestStageTransitions(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	s := f.Samples()
	f.MoveApplication(s.ApplicationID, s.OtherStageID)
	tr, err := c.StageTransitions(context.Background(), s.ApplicationID)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr) < 2 || tr[0].StageID != s.OtherStageID || tr[len(tr)-1].StageID != "1001" || tr[0].EnteredAt.Before(tr[1].EnteredAt) {
		t.Fatalf("transitions = %+v", tr)
	}
	if _, err := c.StageTransitions(context.Background(), "no-such-application"); !errors.Is(err, ats.ErrNotFound) {
		t.Fatalf("unknown application: %v", err)
	}
}

// TestVendorErrors: Personio's problem body reaches the error message,
// with the trace id as the code.
func TestVendorErrors(t *testing.T) {
	c, f := newPair(t, atstest.Options{}, nil)
	f.Inject(atstest.Fault{Kind: atstest.FaultInvalid, Message: "limit must be between 1 and 200."})
	_, err := countJobs(t, c)
	var iie *ats.InvalidInputError
	var e *ats.Error
	if !errors.As(err, &iie) || ats.VendorMessage(err) != "Bad Request: limit must be between 1 and 200." ||
		!errors.As(err, &e) || !strings.HasPrefix(e.Code, "trace ") {
		t.Fatalf("err = %v", err)
	}
	f.Inject(atstest.Fault{Kind: atstest.FaultNotFound, Message: "gone"})
	if _, err := countJobs(t, c); !errors.Is(err, ats.ErrNotFound) {
		t.Fatalf("404: %v", err)
	}
}

// TestPagingGuards: a next link that repeats is a malformed response, and
// a page without rows ends paging even with a next link.
func TestPagingGuards(t *testing.T) {
	for _, tc := range []struct {
		name string
		page func(base string, n int) string
		want func(error, int) bool
	}{
		{"loop", func(base string, n int) string {
			return `{"_data":[{"id":"` + strconv.Itoa(n) + `","name":"J"}],"_meta":{"links":{"next":{"href":"` + base + `/v2/recruiting/jobs?cursor=same"}}}}`
		}, func(err error, _ int) bool {
			return errors.Is(err, ats.ErrMalformedResponse) && strings.Contains(err.Error(), "paging loop")
		}},
		{"empty page", func(base string, n int) string {
			data := `[{"id":"` + strconv.Itoa(n) + `","name":"J"}]`
			if n > 1 {
				data = `[]`
			}
			return `{"_data":` + data + `,"_meta":{"links":{"next":{"href":"` + base + `/v2/recruiting/jobs?cursor=c` + strconv.Itoa(n) + `"}}}}`
		}, func(err error, n int) bool { return err == nil && n == 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var srv *httptest.Server
			n := 0
			srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/v2/auth/token" {
					w.Header().Set("Content-Type", "application/json")
					io.WriteString(w, `{"access_token":"papi-x","token_type":"Bearer","expires_in":86400}`)
					return
				}
				n++
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, tc.page(srv.URL, n))
			}))
			defer srv.Close()
			c, err := personio.New(ats.Config{BaseURL: srv.URL, APIKey: "s", IntegrationID: "i",
				RateLimit: ats.RateLimit{Requests: 1000, Per: time.Second}})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := countJobs(t, c)
			if !tc.want(err, rows) {
				t.Fatalf("rows=%d err=%v", rows, err)
			}
		})
	}
}

// BenchmarkSync10k syncs every model of a 10,000-application account
// while the fake enforces Personio's 150 requests per window. The real
// window is a minute; it is scaled to HIRELOOP_BENCH_WINDOW (default 5s,
// long enough that the fake's own JSON work does not dominate the ~1.4
// windows a 10k sync needs at 200 rows per page).
// HIRELOOP_BENCH_PAGESIZE overrides the page size (default 200, the max).
//
//	go test -run '^$' -bench Sync10k -benchtime 1x ./ats/personio/
func BenchmarkSync10k(b *testing.B) {
	window := atstest.BenchWindow(b, 5*time.Second)
	pageSize := 200
	if v := os.Getenv("HIRELOOP_BENCH_PAGESIZE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			b.Fatal(err)
		}
		pageSize = n
	}
	atstest.BenchFloor(b, harness(), 10_000, ats.RateLimit{Requests: personio.DefaultRateLimit.Requests, Per: window}, pageSize, 1.2)
}
