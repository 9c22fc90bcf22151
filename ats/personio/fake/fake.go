// Package fake is an in-process Personio API v2 server for tests. It
// speaks the wire format the personio connector relies on (see the
// personio package doc for what is confirmed and what inferred):
//
//   - POST /v2/auth/token: OAuth 2.0 client credentials, form-encoded
//     grant_type, client_id, client_secret; answers {access_token
//     ("papi-…"), token_type, expires_in, scope}, or 400
//     {error, error_description, error_uri, timestamp, trace_id} for a wrong
//     client id (invalid_client) or secret (unauthorized_client). Tokens
//     expire after TokenTTL (SetTokenTTL) and are then refused with 401, so
//     tests can prove the connector refreshes them. Token requests are
//     counted separately (TokenRequests) and do not consume injected faults
//     or the rate limit, as Personio limits that endpoint on its own.
//   - GET /v2/recruiting/{jobs,candidates,applications,categories} (+ /{id})
//     and /applications/{id}/stage-transitions with Bearer auth; lists are
//     sorted by last update, newest first, paged with limit (1–200, default
//     100) and an opaque cursor returned in _meta.links.next.href (absolute
//     URL carrying only the cursor); candidates and applications filter by
//     updated_at.gt / updated_at.lt (mutually exclusive).
//   - Timestamps: jobs, applications and stage transitions use
//     {"date-time": Berlin wall time, "timezone": "Europe/Berlin"};
//     candidates use RFC 3339 strings.
//   - Errors are application/problem+json {personio_trace_id, timestamp,
//     errors[{title, detail, type, _meta}]}; 429 carries Retry-After.
package fake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // Europe/Berlin on hosts without a zone database

	"github.com/hireloop/hireloop/ats/atstest"
)

// Seed sizes the generated data; generation is deterministic.
// ExtraApplications gives the first candidates a second application.
type Seed struct {
	Jobs, Candidates, ExtraApplications, HiringTeam int
}

// SmallSeed is what the conformance suite uses: 3 jobs, 23 candidates
// with 26 applications (candidates 0–2 have two), 7 phases in 2
// categories, 3 hiring-team members.
var SmallSeed = Seed{Jobs: 3, Candidates: 23, ExtraApplications: 3, HiringTeam: 3}

// Base is the first generated timestamp; row i changes at Base + i s.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// DefaultTokenTTL is Personio's token lifetime (24 h).
const DefaultTokenTTL = 24 * time.Hour

// Phase is a recruiting phase (stage).
type Phase struct{ ID, Name, Kind, Type string }

// Phases are the account's recruiting phases.
var Phases = []Phase{
	{"1001", "Unassigned", "system", "unassigned"},
	{"1002", "Screening", "custom", "screening"},
	{"1003", "AI Interview", "custom", "interview"},
	{"1004", "Onsite", "custom", "interview"},
	{"1005", "Offer", "custom", "offer"},
	{"1006", "Hired", "system", "hired"},
	{"1007", "Rejected", "system", "rejected"},
}

// Category is a recruiting category with the phases its jobs use.
type Category struct {
	ID, Name string
	Phases   []string
}

// Categories are the seeded categories: Engineering uses every phase,
// Sales a subset.
var Categories = []Category{
	{"51", "Engineering", []string{"1001", "1002", "1003", "1004", "1005", "1006", "1007"}},
	{"52", "Sales", []string{"1001", "1002", "1005", "1006", "1007"}},
}

// IDs of seeded rows.
func JobID(i int) string         { return strconv.Itoa(3_100_000 + i) }
func CandidateID(i int) string   { return strconv.Itoa(4_200_000 + i) }
func ApplicationID(i int) string { return strconv.Itoa(5_300_000 + i) }
func PersonID(i int) string      { return strconv.Itoa(9_000_000 + i) }

// Job is a seeded job.
type Job struct {
	ID, Name, Category string
	Team               []string
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Candidate is a seeded candidate.
type Candidate struct {
	ID, FirstName, LastName, Email, Phone string
	CreatedAt, UpdatedAt                  time.Time
}

// Transition is one stage change of an application.
type Transition struct {
	Phase     string
	EnteredAt time.Time
}

// Application is a seeded application.
type Application struct {
	ID, CandidateID, JobID, Phase string
	History                       []Transition
	CreatedAt, UpdatedAt          time.Time
}

// Fake is the server.
type Fake struct {
	atstest.Kit
	Server       *httptest.Server
	ClientID     string
	ClientSecret string

	mu       sync.Mutex
	clock    time.Time
	jobs     []*Job
	cands    []*Candidate
	apps     []*Application
	candIx   map[string]*Candidate
	jobIx    map[string]*Job
	appIx    map[string]*Application
	appsOf   map[string][]*Application
	version  int // bumped by every change; sorted views follow it
	sortedV  int
	jobsS    []*Job
	candsS   []*Candidate
	appsS    []*Application
	tokens   map[string]time.Time
	tokenTTL time.Duration
	tokenReq int
	nextTok  int
	traceN   atomic.Int64
}

var _ atstest.Fake = (*Fake)(nil)

var berlin = mustZone("Europe/Berlin")

func mustZone(n string) *time.Location {
	l, err := time.LoadLocation(n)
	if err != nil {
		panic(err)
	}
	return l
}

// New starts a fake seeded with s. Close it with Close.
func New(clientID, clientSecret string, s Seed) *Fake {
	f := &Fake{ClientID: clientID, ClientSecret: clientSecret, tokens: map[string]time.Time{}, tokenTTL: DefaultTokenTTL}
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the API root (paths carry /v2/...).
func (f *Fake) URL() string { return f.Server.URL }

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

func ts(i int) time.Time { return Base.Add(time.Duration(i) * time.Second) }

func (f *Fake) seed(s Seed) {
	for j := 0; j < s.Jobs; j++ {
		job := &Job{ID: JobID(j), Name: fmt.Sprintf("Go Engineer %d", j), Category: Categories[j%len(Categories)].ID,
			CreatedAt: ts(j), UpdatedAt: ts(j)}
		for k := 0; k < min(2, s.HiringTeam); k++ {
			job.Team = append(job.Team, PersonID((j+k)%s.HiringTeam))
		}
		f.jobs = append(f.jobs, job)
	}
	for i := 0; i < s.Candidates; i++ {
		f.cands = append(f.cands, &Candidate{ID: CandidateID(i), FirstName: fmt.Sprintf("First%d", i), LastName: fmt.Sprintf("Last%d", i),
			Email: fmt.Sprintf("cand%d@example.com", i), Phone: fmt.Sprintf("+49 30 %07d", i), CreatedAt: ts(i), UpdatedAt: ts(i)})
	}
	n := s.Candidates + min(s.ExtraApplications, s.Candidates)
	for i := 0; i < n && s.Jobs > 0; i++ {
		ci := i
		if i >= s.Candidates {
			ci = i - s.Candidates
		}
		job := f.jobs[i%s.Jobs]
		phases := f.category(job.Category).Phases
		active := phases[:len(phases)-2] // not hired, not rejected
		ph := active[i%len(active)]
		switch i {
		case 5:
			ph = "1007"
		case 7:
			ph = "1006"
		}
		a := &Application{ID: ApplicationID(i), CandidateID: CandidateID(ci), JobID: job.ID, Phase: ph,
			CreatedAt: ts(i), UpdatedAt: ts(i)}
		a.History = []Transition{{Phase: "1001", EnteredAt: ts(i)}}
		if ph != "1001" {
			a.History = append(a.History, Transition{Phase: ph, EnteredAt: ts(i)})
		}
		f.apps = append(f.apps, a)
	}
	f.clock = ts(max(n, s.Candidates, s.Jobs))
	f.reindex()
}

// reindex rebuilds the id look-ups. Callers hold mu (or own f).
func (f *Fake) reindex() {
	f.version++
	f.candIx, f.jobIx, f.appIx, f.appsOf = map[string]*Candidate{}, map[string]*Job{}, map[string]*Application{}, map[string][]*Application{}
	for _, c := range f.cands {
		f.candIx[c.ID] = c
	}
	for _, j := range f.jobs {
		f.jobIx[j.ID] = j
	}
	for _, a := range f.apps {
		f.appIx[a.ID] = a
		f.appsOf[a.CandidateID] = append(f.appsOf[a.CandidateID], a)
	}
}

func (f *Fake) category(id string) Category {
	for _, c := range Categories {
		if c.ID == id {
			return c
		}
	}
	return Categories[0]
}

func phase(id string) Phase {
	for _, p := range Phases {
		if p.ID == id {
			return p
		}
	}
	panic("fake: unknown phase " + id)
}

func (f *Fake) tick() time.Time {
	f.clock = f.clock.Add(time.Minute)
	return f.clock
}

// Expect implements atstest.Fake.
func (f *Fake) Expect() atstest.Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	stages := map[string]bool{}
	for _, c := range Categories {
		for _, p := range c.Phases {
			stages[p] = true
		}
	}
	for _, a := range f.apps {
		stages[a.Phase] = true
	}
	users := map[string]bool{}
	for _, j := range f.jobs {
		for _, p := range j.Team {
			users[p] = true
		}
	}
	return atstest.Counts{Jobs: len(f.jobs), Stages: len(stages), Candidates: len(f.cands), Applications: len(f.apps),
		Users: len(users)}
}

// Samples implements atstest.Fake: the first application and another
// phase of its job's category. Personio has no rejection reasons.
func (f *Fake) Samples() atstest.Samples {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.apps[0]
	other := ""
	for _, p := range f.category(f.job(a.JobID).Category).Phases {
		if p != a.Phase {
			other = p
			break
		}
	}
	return atstest.Samples{ApplicationID: a.ID, CandidateID: a.CandidateID, JobID: a.JobID, StageID: a.Phase, OtherStageID: other}
}

func (f *Fake) job(id string) *Job         { return f.jobIx[id] }
func (f *Fake) cand(id string) *Candidate  { return f.candIx[id] }
func (f *Fake) app(id string) *Application { return f.appIx[id] }

// MoveApplication implements atstest.Fake.
func (f *Fake) MoveApplication(appID, stageID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.app(appID)
	if a == nil {
		panic("fake: MoveApplication: unknown application")
	}
	phase(stageID)
	t := f.tick()
	a.Phase, a.UpdatedAt = stageID, t
	f.version++
	a.History = append(a.History, Transition{Phase: stageID, EnteredAt: t})
}

// TouchCandidate implements atstest.Fake.
func (f *Fake) TouchCandidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cand(id)
	if c == nil {
		panic("fake: TouchCandidate: unknown candidate")
	}
	c.UpdatedAt = f.tick()
	f.version++
}

// DeleteCandidate implements atstest.Fake: the candidate and its
// applications disappear (Personio reports no deletions).
func (f *Fake) DeleteCandidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cands = slices.DeleteFunc(f.cands, func(c *Candidate) bool { return c.ID == id })
	f.apps = slices.DeleteFunc(f.apps, func(a *Application) bool { return a.CandidateID == id })
	f.reindex()
}

// SignWebhook implements atstest.Fake. Personio sends no recruiting
// webhooks; nothing is signed.
func (f *Fake) SignWebhook([]byte, string) http.Header { return http.Header{} }

// SetTokenTTL sets the lifetime (and expires_in) of tokens issued from now on.
func (f *Fake) SetTokenTTL(d time.Duration) { f.mu.Lock(); f.tokenTTL = d; f.mu.Unlock() }

// RevokeTokens invalidates every issued token (as POST /v2/auth/revoke or
// rotated credentials would).
func (f *Fake) RevokeTokens() { f.mu.Lock(); f.tokens = map[string]time.Time{}; f.mu.Unlock() }

// TokenRequests is the number of POST /v2/auth/token requests received.
func (f *Fake) TokenRequests() int { f.mu.Lock(); defer f.mu.Unlock(); return f.tokenReq }

// ---- HTTP ----

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/v2/auth/token" {
		f.serveToken(w, r)
		return
	}
	d := f.Admit(r)
	if d.Throttled {
		f.write429(w, d.RetryAt)
		return
	}
	if !f.authorized(r) {
		f.problem(w, http.StatusUnauthorized, "Unauthorized", "The access token is invalid or has expired.", "unauthorized")
		return
	}
	if d.Fault != nil {
		f.writeFault(w, *d.Fault)
		return
	}
	if r.Method != http.MethodGet {
		f.problem(w, http.StatusNotFound, "Not Found", "The endpoint with "+r.URL.Path+" was not found.", "apinot_found")
		return
	}
	f.serveRead(w, r)
}

func (f *Fake) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	exp, ok := f.tokens[tok]
	return ok && time.Now().Before(exp)
}

func (f *Fake) serveToken(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.tokenReq++
	f.mu.Unlock()
	oauthErr := func(code, desc string) {
		trace := fmt.Sprintf("trace-%06d", f.traceN.Add(1))
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": code, "error_description": desc,
			"error_uri": "https://developer.personio.de/reference/post_v2-auth-token",
			"timestamp": time.Now().UTC().Format(time.RFC3339), "trace_id": trace})
	}
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		oauthErr("invalid_request", "The request must be a POST with an application/x-www-form-urlencoded body.")
		return
	}
	if err := r.ParseForm(); err != nil {
		oauthErr("invalid_request", "The request body could not be parsed.")
		return
	}
	form := r.PostForm
	switch {
	case form.Get("grant_type") == "" || form.Get("client_id") == "" || form.Get("client_secret") == "":
		oauthErr("invalid_request", "Required parameters are missing: grant_type, client_id and client_secret.")
		return
	case form.Get("grant_type") != "client_credentials":
		oauthErr("unsupported_grant_type", "Only the client_credentials grant type is supported.")
		return
	case form.Get("client_id") != f.ClientID:
		oauthErr("invalid_client", "The client is unknown.")
		return
	case form.Get("client_secret") != f.ClientSecret:
		oauthErr("unauthorized_client", "The client credentials are invalid.")
		return
	}
	f.mu.Lock()
	f.nextTok++
	tok := fmt.Sprintf("papi-%08d-%x", f.nextTok, time.Now().UnixNano())
	ttl := f.tokenTTL
	f.tokens[tok] = time.Now().Add(ttl)
	f.mu.Unlock()
	atstest.WritePlainJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer",
		"expires_in": int64(math.Ceil(ttl.Seconds())), "scope": "personio:recruiting:read"})
}

func (f *Fake) write429(w http.ResponseWriter, at time.Time) {
	f.RetryAfter(w, at)
	f.problem(w, http.StatusTooManyRequests, "Too Many Requests", "The rate limit has been exceeded.", "too_many_requests")
}

func (f *Fake) writeFault(w http.ResponseWriter, ft atstest.Fault) {
	switch ft.Kind {
	case atstest.FaultServer:
		f.problem(w, http.StatusInternalServerError, "Internal Server Error", ft.Message, "internal_error")
	case atstest.FaultUnauthorized:
		f.problem(w, http.StatusUnauthorized, "Unauthorized", ft.Message, "unauthorized")
	case atstest.FaultNotFound:
		f.problem(w, http.StatusNotFound, "Not Found", ft.Message, "apinot_found")
	case atstest.FaultInvalid:
		f.problem(w, http.StatusBadRequest, "Bad Request", ft.Message, "bad_request")
	case atstest.FaultRateLimited:
		f.write429(w, time.Now().Add(ft.RetryAfter))
	case atstest.FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"_data": [{"id": "x", "first_name": `)
	}
}

// problem writes Personio's application/problem+json error body.
func (f *Fake) problem(w http.ResponseWriter, status int, title, detail, code string) {
	trace := fmt.Sprintf("trace-%06d", f.traceN.Add(1))
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"personio_trace_id": trace, "timestamp": time.Now().UTC().Format(time.RFC3339),
		"errors": []any{map[string]any{"title": title, "detail": detail,
			"type": "https://developer.personio.de/v2.0/page/public-api-error-codes#" + code, "_meta": map[string]any{}}}})
}

func (f *Fake) writeBody(w http.ResponseWriter, v any) {
	if err := f.WriteJSON(w, http.StatusOK, v); err != nil {
		f.problem(w, http.StatusInternalServerError, "Internal Server Error", err.Error(), "internal_error")
	}
}

// zoned renders Personio's {"date-time", "timezone"} timestamp object.
func zoned(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return map[string]any{"date-time": t.In(berlin).Format("2006-01-02T15:04:05"), "timezone": "Europe/Berlin"}
}

func rfc(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func renderPhase(id string) any {
	p := phase(id)
	return map[string]any{"id": p.ID, "name": p.Name, "kind": p.Kind, "type": p.Type}
}

// cursorState is what the opaque cursor encodes.
type cursorState struct {
	Offset int    `json:"o"`
	Limit  int    `json:"l"`
	Gt     string `json:"gt,omitempty"`
	Lt     string `json:"lt,omitempty"`
	Email  string `json:"e,omitempty"`
}

func encodeCursor(c cursorState) string {
	b, _ := json.Marshal(c)
	return "cur_" + base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursorState, bool) {
	var c cursorState
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, "cur_"))
	if !strings.HasPrefix(s, "cur_") || err != nil || json.Unmarshal(b, &c) != nil || c.Offset < 0 || c.Limit < 1 {
		return cursorState{}, false
	}
	return c, true
}

// listState reads limit/cursor/filters; ok=false means an error was written.
func (f *Fake) listState(w http.ResponseWriter, r *http.Request, filters bool) (cursorState, bool) {
	q := r.URL.Query()
	if cur := q.Get("cursor"); cur != "" {
		c, ok := decodeCursor(cur)
		if !ok {
			f.problem(w, http.StatusBadRequest, "Bad Request", "The cursor is malformed.", "bad_request")
		}
		return c, ok
	}
	c := cursorState{Limit: 100}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 200 {
			f.problem(w, http.StatusBadRequest, "Bad Request", "limit must be between 1 and 200.", "bad_request")
			return c, false
		}
		c.Limit = n
	}
	if filters {
		c.Gt, c.Lt, c.Email = q.Get("updated_at.gt"), q.Get("updated_at.lt"), q.Get("email")+q.Get("candidate.email")
		if c.Gt != "" && c.Lt != "" {
			f.problem(w, http.StatusBadRequest, "Bad Request", "updated_at.gt and updated_at.lt are mutually exclusive.", "bad_request")
			return c, false
		}
		for _, v := range []string{c.Gt, c.Lt} {
			if _, err := time.Parse(time.RFC3339, v); v != "" && err != nil {
				f.problem(w, http.StatusBadRequest, "Bad Request", "updated_at filters must be RFC 3339 date-times.", "bad_request")
				return c, false
			}
		}
	}
	return c, true
}

func (c cursorState) keep(updated time.Time, email string) bool {
	if c.Gt != "" {
		gt, _ := time.Parse(time.RFC3339, c.Gt)
		if !updated.After(gt) {
			return false
		}
	}
	if c.Lt != "" {
		lt, _ := time.Parse(time.RFC3339, c.Lt)
		if !updated.Before(lt) {
			return false
		}
	}
	return c.Email == "" || strings.EqualFold(c.Email, email)
}

// newestFirst sorts by last update, newest first (ties by id, descending).
func newestFirst[T any](rows []T, upd func(T) time.Time, id func(T) string) []T {
	out := slices.Clone(rows)
	slices.SortFunc(out, func(a, b T) int {
		if c := upd(b).Compare(upd(a)); c != 0 {
			return c
		}
		return strings.Compare(id(b), id(a))
	})
	return out
}

// sorted refreshes the newest-first views after a change. Callers hold mu.
func (f *Fake) sorted() {
	if f.sortedV == f.version && f.appsS != nil {
		return
	}
	f.jobsS = newestFirst(f.jobs, func(j *Job) time.Time { return j.UpdatedAt }, func(j *Job) string { return j.ID })
	f.candsS = newestFirst(f.cands, func(c *Candidate) time.Time { return c.UpdatedAt }, func(c *Candidate) string { return c.ID })
	f.appsS = newestFirst(f.apps, func(a *Application) time.Time { return a.UpdatedAt }, func(a *Application) string { return a.ID })
	f.sortedV = f.version
}

// pageOf writes one page of rows (already filtered and sorted) with a next
// link carrying the cursor.
func pageOf[T any](f *Fake, w http.ResponseWriter, r *http.Request, c cursorState, rows []T, render func(T) any) {
	start := min(c.Offset, len(rows))
	end := min(start+c.Limit, len(rows))
	data := make([]any, 0, end-start)
	for _, x := range rows[start:end] {
		data = append(data, render(x))
	}
	self := f.Server.URL + r.URL.Path + "?" + r.URL.RawQuery
	links := map[string]any{"self": map[string]any{"href": self}}
	if end < len(rows) {
		next := c
		next.Offset = end
		links["next"] = map[string]any{"href": f.Server.URL + r.URL.Path + "?" + url.Values{"cursor": {encodeCursor(next)}}.Encode()}
	}
	f.writeBody(w, map[string]any{"_data": data, "_meta": map[string]any{"links": links}})
}

// filtered keeps the rows c's filters admit (the slice itself when none).
func filtered[T any](c cursorState, rows []T, upd func(T) time.Time, email func(T) string) []T {
	if c.Gt == "" && c.Lt == "" && c.Email == "" {
		return rows
	}
	var out []T
	for _, x := range rows {
		if c.keep(upd(x), email(x)) {
			out = append(out, x)
		}
	}
	return out
}

func (f *Fake) renderJob(j *Job) any {
	cat := f.category(j.Category)
	team := []any{}
	for _, p := range j.Team {
		team = append(team, map[string]any{"person": map[string]any{"id": p}, "role": map[string]any{"id": "1", "name": "Recruiter"}})
	}
	return map[string]any{"id": j.ID, "name": j.Name, "department": map[string]any{"id": "71", "name": "Research & Development"},
		"category": map[string]any{"id": cat.ID, "name": cat.Name}, "hiring_team": team, "company": map[string]any{"id": "777"},
		"created_at": zoned(j.CreatedAt), "updated_at": zoned(j.UpdatedAt)}
}

func (f *Fake) renderCandidate(c *Candidate) any {
	apps := []any{}
	for _, a := range f.appsOf[c.ID] {
		apps = append(apps, map[string]any{"id": a.ID, "application_date": a.CreatedAt.Format("2006-01-02")})
	}
	return map[string]any{"id": c.ID, "first_name": c.FirstName, "last_name": c.LastName, "email": c.Email, "gender": "diverse",
		"phone": c.Phone, "location": "Berlin", "birthday": nil, "linkedin_profile": nil, "available_from": nil,
		"applications": apps, "created_at": rfc(c.CreatedAt), "updated_at": rfc(c.UpdatedAt)}
}

func (f *Fake) renderApplication(a *Application) any {
	c := f.cand(a.CandidateID)
	j := f.job(a.JobID)
	cand := map[string]any{"id": a.CandidateID}
	if c != nil {
		cand = map[string]any{"id": c.ID, "email": c.Email, "first_name": c.FirstName, "last_name": c.LastName, "gender": "diverse"}
	}
	var job any
	if j != nil {
		job = map[string]any{"id": j.ID, "name": j.Name, "department": map[string]any{"id": "71", "name": "Research & Development"}}
	}
	return map[string]any{"id": a.ID, "application_date": a.CreatedAt.Format("2006-01-02"), "candidate": cand, "job": job,
		"current_stage": renderPhase(a.Phase), "channel": map[string]any{"id": "1", "name": "Career page"},
		"is_anonymized": false, "created_at": zoned(a.CreatedAt), "updated_at": zoned(a.UpdatedAt)}
}

func (f *Fake) serveRead(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, "/v2/recruiting"), "/"), "/")
	if !strings.HasPrefix(r.URL.Path, "/v2/recruiting/") {
		parts = nil
	}
	notFound := func(what string) {
		f.problem(w, http.StatusNotFound, "Not Found", "Resource not found: There is no "+what+" for the specified id.", "resource_not_found")
	}
	switch {
	case len(parts) == 1 && parts[0] == "jobs":
		c, ok := f.listState(w, r, false)
		if !ok {
			return
		}
		f.sorted()
		pageOf(f, w, r, c, f.jobsS, f.renderJob)
	case len(parts) == 2 && parts[0] == "jobs":
		if j := f.job(parts[1]); j != nil {
			f.writeBody(w, f.renderJob(j))
			return
		}
		notFound("job")
	case len(parts) == 1 && parts[0] == "categories":
		data := []any{}
		for _, cat := range Categories {
			st := []any{}
			for _, p := range cat.Phases {
				st = append(st, renderPhase(p))
			}
			data = append(data, map[string]any{"id": cat.ID, "name": cat.Name, "stages": st, "company": map[string]any{"id": "777"}})
		}
		f.writeBody(w, map[string]any{"_data": data, "_meta": map[string]any{"links": map[string]any{
			"self": map[string]any{"href": f.Server.URL + r.URL.Path}}}})
	case len(parts) == 1 && parts[0] == "candidates":
		c, ok := f.listState(w, r, true)
		if !ok {
			return
		}
		f.sorted()
		rows := filtered(c, f.candsS, func(x *Candidate) time.Time { return x.UpdatedAt }, func(x *Candidate) string { return x.Email })
		pageOf(f, w, r, c, rows, f.renderCandidate)
	case len(parts) == 2 && parts[0] == "candidates":
		if cd := f.cand(parts[1]); cd != nil {
			f.writeBody(w, f.renderCandidate(cd))
			return
		}
		notFound("candidate")
	case len(parts) == 1 && parts[0] == "applications":
		c, ok := f.listState(w, r, true)
		if !ok {
			return
		}
		f.sorted()
		rows := filtered(c, f.appsS, func(x *Application) time.Time { return x.UpdatedAt }, func(x *Application) string {
			if cd := f.cand(x.CandidateID); cd != nil {
				return cd.Email
			}
			return ""
		})
		pageOf(f, w, r, c, rows, f.renderApplication)
	case len(parts) == 2 && parts[0] == "applications":
		if a := f.app(parts[1]); a != nil {
			f.writeBody(w, f.renderApplication(a))
			return
		}
		notFound("application")
	case len(parts) == 3 && parts[0] == "applications" && parts[2] == "stage-transitions":
		a := f.app(parts[1])
		if a == nil {
			notFound("application")
			return
		}
		c, ok := f.listState(w, r, false)
		if !ok {
			return
		}
		hist := slices.Clone(a.History)
		slices.Reverse(hist) // latest first
		pageOf(f, w, r, c, hist, func(t Transition) any {
			return map[string]any{"stage": renderPhase(t.Phase), "entered_at": zoned(t.EnteredAt)}
		})
	default:
		f.problem(w, http.StatusNotFound, "Not Found", "The endpoint with "+r.URL.Path+" was not found.", "apinot_found")
	}
}
