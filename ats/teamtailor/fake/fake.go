// Package fake is an in-process Teamtailor JSON:API server for tests. It
// speaks the wire format the connector relies on (see the teamtailor
// package doc for which parts are confirmed and which inferred):
// "Authorization: Token token=<key>" plus a required X-Api-Version header,
// JSON:API documents {data, included, links, meta} with dasherized
// attributes and timestamps with a +01:00 offset, relationship linkage only
// for relations named in ?include=, page[size] (1–30) and page[number]
// paging with links.first/next/last and meta.record-count/page-count,
// filter[updated-at][from] on /candidates and /job-applications,
// filter[status] on /jobs (open only without it), JSON:API error bodies,
// X-Rate-Limit-Limit/-Remaining/-Reset on every response, 429 with
// Retry-After, and the write endpoints hireloop uses with their side effects
// (every write bumps updated-at so incremental sync sees it).
//
// Fault injection: faults are consumed by every request except the
// single-resource look-ups writes make first (GET /candidates/{id} for
// AddTag's read-modify-write, GET /job-applications/{id} for a note's
// candidate), so the conformance suite's write fault cases reach the write
// itself. Tests of the look-ups' own failures use FailLookups.
package fake

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
)

// Seed sizes the generated data. Generation is deterministic. Candidate i
// applies to job i % Jobs; ExtraApplications gives the first candidates a
// second application (to the next job).
type Seed struct {
	Jobs, Candidates, ExtraApplications, Tags, RejectReasons, Users int
}

// SmallSeed is what the conformance suite uses: 4 jobs (open, open,
// archived, draft) with 4 stages each, 23 candidates, 26 applications.
var SmallSeed = Seed{Jobs: 4, Candidates: 23, ExtraApplications: 3, Tags: 4, RejectReasons: 3, Users: 3}

// Base is the first generated timestamp; row i changes at Base + i s.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// cet renders timestamps as Teamtailor does (local offset, milliseconds).
var cet = time.FixedZone("CET", 3600)

// Id ranges per resource type (Teamtailor ids are numeric strings).
const (
	userBase      = 1
	reasonBase    = 100
	jobBase       = 1000
	questionBase  = 5000
	stageBase     = 20000
	candidateBase = 1_000_000
	appBase       = 5_000_000
	noteBase      = 9_000_000
	uploadBase    = 9_500_000
)

func id(base, i int) string { return strconv.Itoa(base + i) }

// UserID is the id of the i-th seeded user (use UserID(0) as acting user).
func UserID(i int) string { return id(userBase, i) }

// CandidateID is the id of the i-th seeded candidate.
func CandidateID(i int) string { return id(candidateBase, i) }

// ApplicationID is the id of the i-th seeded application.
func ApplicationID(i int) string { return id(appBase, i) }

// JobID is the id of the i-th seeded job.
func JobID(i int) string { return id(jobBase, i) }

// Job is a seeded job.
type Job struct {
	ID, Title, Status, HumanStatus, Body string
	Tags                                 []string
	Questions                            []Question
	CreatedAt, UpdatedAt                 time.Time
}

// Question is a job question.
type Question struct {
	ID, Title, Type string
	Multiple        bool
	Alternatives    []string
}

// Stage is a job's pipeline stage.
type Stage struct {
	ID, JobID, Name, Type string
	RowOrder              int
}

// Candidate is a seeded candidate.
type Candidate struct {
	ID, First, Last, Email, Phone string
	Tags                          []string
	CreatedAt, UpdatedAt          time.Time
}

// Application is a job application.
type Application struct {
	ID, CandidateID, JobID, StageID, ReasonID string
	RejectedAt, ChangedStageAt                time.Time
	CreatedAt, UpdatedAt                      time.Time
}

// Reason is a reject reason.
type Reason struct {
	ID, Reason string
	ByCompany  bool
}

// User is a Teamtailor user.
type User struct{ ID, Name, Email string }

// Note is a recorded candidate note.
type Note struct{ ID, CandidateID, UserID, Text string }

// Upload is a recorded upload.
type Upload struct{ ID, CandidateID, URL, FileName string }

// Fake is the server.
type Fake struct {
	atstest.Kit
	Server *httptest.Server
	APIKey string

	mu          sync.Mutex
	clock       time.Time
	jobs        []*Job
	stages      []*Stage
	cands       []*Candidate
	apps        []*Application
	candIdx     map[string]*Candidate
	cache       map[string]cacheEntry
	reasons     []*Reason
	users       []*User
	notes       []Note
	uploads     []Upload
	nextID      int
	failLookups atstest.Countdown
}

var _ atstest.Fake = (*Fake)(nil)

// New starts a fake seeded with s. Close it with Close.
func New(apiKey string, s Seed) *Fake {
	f := &Fake{APIKey: apiKey}
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	f.warm()
	return f
}

// warm renders every candidate, job and application (with all relations
// included) once, so large benchmark seeds measure the connector rather
// than the fake's JSON encoding.
func (f *Fake) warm() {
	f.mu.Lock()
	defer f.mu.Unlock()
	counts := f.stageCounts()
	all := map[string]bool{"candidate": true, "job": true, "stage": true, "reject-reason": true}
	for _, a := range f.apps {
		f.renderApp(a, all, counts)
	}
	for _, c := range f.cands {
		f.renderCandidate(c)
	}
}

// URL is the v1 base URL of the fake.
func (f *Fake) URL() string { return f.Server.URL + "/v1" }

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

func ts(i int) time.Time { return Base.Add(time.Duration(i) * time.Second) }

func (f *Fake) seed(s Seed) {
	statuses := [][2]string{{"open", "published"}, {"open", "unlisted"}, {"archived", "archived"}, {"draft", "draft"}}
	body := "<p>We’re hiring a <strong>Go engineer</strong> &amp; more.</p><ul><li>Remote</li><li>Equity</li></ul>"
	stageNames := [][2]string{{"Inbox", "Inbox"}, {"Screening", "In process"}, {"AI Interview", "In process"}, {"Hired", "Hired"}}
	for j := 0; j < s.Jobs; j++ {
		st := statuses[j%len(statuses)]
		job := &Job{ID: id(jobBase, j), Title: fmt.Sprintf("Engineer %d", j), Status: st[0], HumanStatus: st[1], Body: body,
			Tags: []string{"engineering"}, CreatedAt: ts(j), UpdatedAt: ts(j)}
		if j%2 == 0 {
			job.Questions = []Question{
				{ID: id(questionBase, 2*j), Title: "Why do you want to work with us?", Type: "Text"},
				{ID: id(questionBase, 2*j+1), Title: "Preferred stack", Type: "Choice", Multiple: true, Alternatives: []string{"Go", "Rust"}},
			}
		}
		f.jobs = append(f.jobs, job)
		for k, sn := range stageNames {
			f.stages = append(f.stages, &Stage{ID: id(stageBase, j*len(stageNames)+k), JobID: job.ID, Name: sn[0], Type: sn[1], RowOrder: k})
		}
	}
	for i := 0; i < s.RejectReasons; i++ {
		f.reasons = append(f.reasons, &Reason{ID: id(reasonBase, i), Reason: fmt.Sprintf("Reason %d", i), ByCompany: i%2 == 0})
	}
	for i := 0; i < s.Users; i++ {
		f.users = append(f.users, &User{ID: id(userBase, i), Name: fmt.Sprintf("User %d", i), Email: fmt.Sprintf("user%d@example.com", i)})
	}
	for i := 0; i < s.Candidates; i++ {
		c := &Candidate{ID: id(candidateBase, i), First: fmt.Sprintf("First%d", i), Last: fmt.Sprintf("Last%d", i),
			Email: fmt.Sprintf("cand%d@example.com", i), Tags: []string{}, CreatedAt: ts(i), UpdatedAt: ts(i)}
		if i%3 != 1 {
			c.Phone = fmt.Sprintf("+46 70 %07d", i)
		}
		if s.Tags > 0 && i%2 == 0 {
			c.Tags = append(c.Tags, fmt.Sprintf("tag-%d", (i/2)%s.Tags))
		}
		f.cands = append(f.cands, c)
	}
	n := s.Candidates + min(s.ExtraApplications, s.Candidates)
	for i := 0; i < n && s.Jobs > 0; i++ {
		ci, ji := i, i%s.Jobs
		if i >= s.Candidates {
			ci, ji = i-s.Candidates, (i+1)%s.Jobs
		}
		stages := f.jobStages(f.jobs[ji].ID)
		a := &Application{ID: id(appBase, i), CandidateID: f.cands[ci].ID, JobID: f.jobs[ji].ID, StageID: stages[(i/s.Jobs)%3].ID,
			CreatedAt: ts(i), UpdatedAt: ts(i), ChangedStageAt: ts(i)}
		switch {
		case i == 5 && s.RejectReasons > 0:
			a.RejectedAt, a.ReasonID = ts(i), f.reasons[0].ID
		case i == 7:
			a.StageID = stages[3].ID
		}
		f.apps = append(f.apps, a)
	}
	f.clock = ts(max(n, s.Jobs))
}

func (f *Fake) jobStages(jobID string) []*Stage {
	var out []*Stage
	for _, s := range f.stages {
		if s.JobID == jobID {
			out = append(out, s)
		}
	}
	return out
}

func (f *Fake) tick() time.Time {
	f.clock = f.clock.Add(time.Minute)
	return f.clock
}

// Expect implements atstest.Fake.
func (f *Fake) Expect() atstest.Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	tags := map[string]bool{}
	for _, c := range f.cands {
		for _, t := range c.Tags {
			tags[t] = true
		}
	}
	return atstest.Counts{Jobs: len(f.jobs), Stages: len(f.stages), Candidates: len(f.cands), Applications: len(f.apps),
		Tags: len(tags), RejectionReasons: len(f.reasons), Users: len(f.users)}
}

// Samples implements atstest.Fake: the first application (active, Inbox),
// the job's next stage and the first reject reason.
func (f *Fake) Samples() atstest.Samples {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.apps[0]
	other := ""
	for _, s := range f.jobStages(a.JobID) {
		if s.ID != a.StageID {
			other = s.ID
			break
		}
	}
	return atstest.Samples{ApplicationID: a.ID, CandidateID: a.CandidateID, JobID: a.JobID, StageID: a.StageID,
		OtherStageID: other, RejectionReasonID: f.reasons[0].ID}
}

func find[T any](rows []*T, match func(*T) bool) *T {
	for _, r := range rows {
		if match(r) {
			return r
		}
	}
	return nil
}

func (f *Fake) app(appID string) *Application {
	return find(f.apps, func(a *Application) bool { return a.ID == appID })
}

func (f *Fake) cand(candID string) *Candidate {
	if f.candIdx == nil {
		f.candIdx = make(map[string]*Candidate, len(f.cands))
		for _, c := range f.cands {
			f.candIdx[c.ID] = c
		}
	}
	return f.candIdx[candID]
}

// MoveApplication implements atstest.Fake.
func (f *Fake) MoveApplication(appID, stageID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.app(appID)
	if a == nil || find(f.stages, func(s *Stage) bool { return s.ID == stageID && s.JobID == a.JobID }) == nil {
		panic("fake: MoveApplication: unknown application or stage")
	}
	a.StageID = stageID
	a.UpdatedAt = f.tick()
	a.ChangedStageAt = a.UpdatedAt
}

// TouchCandidate implements atstest.Fake.
func (f *Fake) TouchCandidate(candID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cand(candID)
	if c == nil {
		panic("fake: TouchCandidate: unknown candidate")
	}
	c.UpdatedAt = f.tick()
}

// DeleteCandidate implements atstest.Fake: the candidate and its
// applications are gone (Teamtailor lists no deletions).
func (f *Fake) DeleteCandidate(candID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cands = slices.DeleteFunc(f.cands, func(c *Candidate) bool { return c.ID == candID })
	f.candIdx = nil
	f.apps = slices.DeleteFunc(f.apps, func(a *Application) bool { return a.CandidateID == candID })
}

// Application returns a copy of an application.
func (f *Fake) Application(appID string) (Application, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a := f.app(appID); a != nil {
		return *a, true
	}
	return Application{}, false
}

// Candidate returns a copy of a candidate.
func (f *Fake) Candidate(candID string) (Candidate, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c := f.cand(candID); c != nil {
		cp := *c
		cp.Tags = slices.Clone(c.Tags)
		return cp, true
	}
	return Candidate{}, false
}

// SetCandidateTags replaces a candidate's tags.
func (f *Fake) SetCandidateTags(candID string, tags []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c := f.cand(candID); c != nil {
		c.Tags = slices.Clone(tags)
	}
}

// Notes returns the notes written so far.
func (f *Fake) Notes() []Note {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.notes)
}

// Uploads returns the uploads created so far.
func (f *Fake) Uploads() []Upload {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.uploads)
}

// FailLookups makes the next n write look-ups answer 500.
func (f *Fake) FailLookups(n int) { f.failLookups.Set(n) }

// SignWebhook implements atstest.Fake: TT-Signature v2 =
// base64("t=<now>,v2=<hex HMAC-SHA256(secret, t + "." + payload)>"), payload
// being the "payload" member of body as sent.
func (f *Fake) SignWebhook(body []byte, secret string) http.Header {
	return SignV2(body, secret, time.Now())
}

// SignV2 signs a delivery body as Teamtailor's v2 scheme does, at t.
func SignV2(body []byte, secret string, t time.Time) http.Header {
	var w struct {
		Payload json.RawMessage `json:"payload"`
	}
	_ = json.Unmarshal(body, &w)
	sec := t.Unix()
	mac := ats.HMACSHA256(secret, append([]byte(strconv.FormatInt(sec, 10)+"."), w.Payload...))
	sig := fmt.Sprintf("t=%d,v2=%x", sec, mac)
	return http.Header{"Content-Type": {"application/json"}, "Tt-Signature": {base64Std(sig)}}
}

// ---- HTTP ----

func (f *Fake) isLookup(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	parts := splitPath(r.URL.Path)
	return len(parts) == 2 && (parts[0] == "candidates" || parts[0] == "job-applications")
}

func splitPath(p string) []string {
	return strings.Split(strings.Trim(strings.TrimPrefix(p, "/v1"), "/"), "/")
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	var d atstest.Decision
	if f.isLookup(r) {
		if f.failLookups.Take() {
			f.writeErr(w, http.StatusInternalServerError, "Internal Server Error", "look-up failed")
			return
		}
	} else {
		d = f.Admit(r)
	}
	if d.Throttled {
		f.write429(w, d.RetryAt)
		return
	}
	if r.Header.Get("Authorization") != "Token token="+f.APIKey {
		f.writeErr(w, http.StatusUnauthorized, "Unauthorized", "Invalid API key")
		return
	}
	if r.Header.Get("X-Api-Version") == "" {
		f.writeErr(w, http.StatusNotAcceptable, "Not Acceptable", "X-Api-Version header is required")
		return
	}
	if d.Fault != nil {
		f.writeFault(w, *d.Fault)
		return
	}
	parts := splitPath(r.URL.Path)
	if r.Method != http.MethodGet {
		f.serveWrite(w, r, parts, d.Body)
		return
	}
	f.serveRead(w, r, parts)
}

func (f *Fake) rateHeaders(w http.ResponseWriter) {
	limit, window := f.RateLimit()
	if limit == 0 {
		limit, window = 50, 10*time.Second
		w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(limit))
	} else {
		w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(f.Remaining()))
	}
	w.Header().Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	// Seconds left in the period, rounded down (a scaled test window of
	// 200 ms reports 0).
	w.Header().Set("X-Rate-Limit-Reset", strconv.Itoa(int(window/time.Second)))
}

func (f *Fake) write429(w http.ResponseWriter, at time.Time) {
	f.RetryAfter(w, at)
	f.writeErr(w, http.StatusTooManyRequests, "Too Many Requests", "Rate limit exceeded")
}

func (f *Fake) writeFault(w http.ResponseWriter, ft atstest.Fault) {
	switch ft.Kind {
	case atstest.FaultServer:
		f.writeErr(w, http.StatusInternalServerError, "Internal Server Error", ft.Message)
	case atstest.FaultUnauthorized:
		f.writeErr(w, http.StatusUnauthorized, "Unauthorized", ft.Message)
	case atstest.FaultNotFound:
		f.writeErr(w, http.StatusNotFound, "Record not found", ft.Message)
	case atstest.FaultInvalid:
		f.writeErrPointer(w, http.StatusUnprocessableEntity, "Unprocessable Entity", ft.Message, "/data/attributes/base")
	case atstest.FaultRateLimited:
		f.write429(w, time.Now().Add(ft.RetryAfter))
	case atstest.FaultMalformed:
		f.rateHeaders(w)
		w.Header().Set("Content-Type", "application/vnd.api+json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"data": [{"id": "1", "type": "candidates", "attributes": {"first-name": `)
	}
}

func (f *Fake) writeErr(w http.ResponseWriter, status int, title, detail string) {
	f.writeErrPointer(w, status, title, detail, "")
}

func (f *Fake) writeErrPointer(w http.ResponseWriter, status int, title, detail, pointer string) {
	e := map[string]any{"status": strconv.Itoa(status), "code": strings.ToLower(strings.ReplaceAll(title, " ", "_")), "title": title, "detail": detail}
	if pointer != "" {
		e["source"] = map[string]string{"pointer": pointer}
	}
	f.rateHeaders(w)
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{e}})
}

func (f *Fake) writeDoc(w http.ResponseWriter, status int, v any) {
	var b []byte
	var err error
	if d, ok := v.(listDoc); ok && !f.ExtraFields() {
		b, err = d.MarshalJSON()
	} else {
		b, err = f.Encode(v)
	}
	if err != nil {
		f.writeErr(w, http.StatusInternalServerError, "Internal Server Error", err.Error())
		return
	}
	f.rateHeaders(w)
	w.Header().Set("Content-Type", "application/vnd.api+json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func tt(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.In(cet).Format("2006-01-02T15:04:05.000-07:00")
}

// res renders a JSON:API resource. rels lists its relations; linkage holds
// the {type,id} of those named in ?include= (nil linkage renders null).
func (f *Fake) res(typ, rid string, attrs map[string]any, rels []string, linkage map[string]*[2]string) json.RawMessage {
	self := f.URL() + "/" + typ + "/" + rid
	relMap := map[string]any{}
	for _, rel := range rels {
		m := map[string]any{"links": map[string]string{"self": self + "/relationships/" + rel, "related": self + "/" + rel}}
		if l, ok := linkage[rel]; ok {
			if l == nil {
				m["data"] = nil
			} else {
				m["data"] = map[string]string{"type": l[0], "id": l[1]}
			}
		}
		relMap[rel] = m
	}
	b, _ := json.Marshal(map[string]any{"id": rid, "type": typ, "links": map[string]string{"self": self}, "attributes": attrs, "relationships": relMap})
	return b
}

// incl is an included resource, keyed "type/id".
type incl struct {
	key string
	raw json.RawMessage
}

type cacheEntry struct {
	version string
	raw     json.RawMessage
}

// cached returns the rendering of key at version, building it once: the
// 10,000-application benchmark would otherwise spend its time marshalling.
func (f *Fake) cached(key, version string, build func() json.RawMessage) json.RawMessage {
	if e, ok := f.cache[key]; ok && e.version == version {
		return e.raw
	}
	if f.cache == nil {
		f.cache = map[string]cacheEntry{}
	}
	raw := build()
	f.cache[key] = cacheEntry{version: version, raw: raw}
	return raw
}

func (f *Fake) renderJob(j *Job) json.RawMessage {
	return f.cached("jobs/"+j.ID, j.UpdatedAt.String(), func() json.RawMessage { return f.renderJobNow(j) })
}

func (f *Fake) renderJobNow(j *Job) json.RawMessage {
	return f.res("jobs", j.ID, map[string]any{"title": j.Title, "body": j.Body, "status": j.Status, "human-status": j.HumanStatus,
		"internal": false, "pinned": false, "tags": j.Tags, "apply-button-text": "Apply", "remote-status": "none",
		"employment-type": "fulltime", "employment-level": "none", "created-at": tt(j.CreatedAt), "updated-at": tt(j.UpdatedAt),
		"start-date": nil, "end-date": nil},
		[]string{"department", "role", "location", "user", "questions", "picked-questions", "candidates", "stages", "colleagues"}, nil)
}

// stageCounts counts active and rejected applications per stage.
func (f *Fake) stageCounts() map[string][2]int {
	m := map[string][2]int{}
	for _, a := range f.apps {
		c := m[a.StageID]
		if a.RejectedAt.IsZero() {
			c[0]++
		} else {
			c[1]++
		}
		m[a.StageID] = c
	}
	return m
}

func (f *Fake) renderStage(s *Stage, inc map[string]bool, counts map[string][2]int) json.RawMessage {
	return f.cached("stages/"+s.ID, fmt.Sprint(counts[s.ID], inc["job"]), func() json.RawMessage { return f.renderStageNow(s, inc, counts) })
}

func (f *Fake) renderStageNow(s *Stage, inc map[string]bool, counts map[string][2]int) json.RawMessage {
	var link map[string]*[2]string
	if inc["job"] {
		link = map[string]*[2]string{"job": {"jobs", s.JobID}}
	}
	active, rejected := counts[s.ID][0], counts[s.ID][1]
	return f.res("stages", s.ID, map[string]any{"name": s.Name, "stage-type": s.Type, "row-order": s.RowOrder,
		"created-at": tt(Base), "updated-at": tt(Base), "active-job-applications-count": active, "rejected-job-applications-count": rejected},
		[]string{"job-applications", "triggers", "job"}, link)
}

func (f *Fake) renderCandidate(c *Candidate) json.RawMessage {
	return f.cached("candidates/"+c.ID, c.UpdatedAt.String()+"|"+strings.Join(c.Tags, "\x00"), func() json.RawMessage { return f.renderCandidateNow(c) })
}

func (f *Fake) renderCandidateNow(c *Candidate) json.RawMessage {
	var phone any = c.Phone
	if c.Phone == "" {
		phone = ""
	}
	return f.res("candidates", c.ID, map[string]any{"connected": false, "created-at": tt(c.CreatedAt), "email": c.Email,
		"facebook-id": nil, "first-name": c.First, "internal": false, "last-name": c.Last, "linkedin-uid": nil, "linkedin-url": nil,
		"original-resume": nil, "phone": phone, "picture": nil, "pitch": nil, "referring-site": "Teamtailor",
		"referring-url": "https://career.example.com", "referred": false, "resume": nil, "sourced": false, "unsubscribed": false,
		"updated-at": tt(c.UpdatedAt), "facebook-profile": nil, "linkedin-profile": nil, "tags": c.Tags},
		[]string{"activities", "department", "role", "job-applications", "questions", "answers", "custom-field-values", "partner-results", "regions"}, nil)
}

func (f *Fake) renderReason(x *Reason) json.RawMessage {
	return f.res("reject-reasons", x.ID, map[string]any{"reason": x.Reason, "rejected-by-company": x.ByCompany}, []string{"job-applications"}, nil)
}

// renderApp renders an application and the included resources asked for.
func (f *Fake) renderApp(a *Application, inc map[string]bool, counts map[string][2]int) (json.RawMessage, []incl) {
	link := map[string]*[2]string{}
	var included []incl
	add := func(rel, typ, rid string, render func() json.RawMessage) {
		if !inc[rel] {
			return
		}
		if rid == "" {
			link[rel] = nil
			return
		}
		link[rel] = &[2]string{typ, rid}
		included = append(included, incl{key: typ + "/" + rid, raw: render()})
	}
	add("candidate", "candidates", a.CandidateID, func() json.RawMessage { return f.renderCandidate(f.cand(a.CandidateID)) })
	add("job", "jobs", a.JobID, func() json.RawMessage {
		return f.renderJob(find(f.jobs, func(j *Job) bool { return j.ID == a.JobID }))
	})
	add("stage", "stages", a.StageID, func() json.RawMessage {
		return f.renderStage(find(f.stages, func(s *Stage) bool { return s.ID == a.StageID }), nil, counts)
	})
	add("reject-reason", "reject-reasons", a.ReasonID, func() json.RawMessage {
		return f.renderReason(find(f.reasons, func(x *Reason) bool { return x.ID == a.ReasonID }))
	})
	version := fmt.Sprint(a.UpdatedAt.UnixNano(), inc["candidate"], inc["job"], inc["stage"], inc["reject-reason"])
	raw := f.cached("job-applications/"+a.ID, version, func() json.RawMessage {
		return f.res("job-applications", a.ID, map[string]any{"created-at": tt(a.CreatedAt), "cover-letter": "", "updated-at": tt(a.UpdatedAt),
			"rejected-at": tt(a.RejectedAt), "referring-url": "https://career.example.com", "referring-site": "Teamtailor", "sourced": false,
			"changed-stage-at": tt(a.ChangedStageAt)}, []string{"candidate", "job", "stage", "reject-reason"}, link)
	})
	return raw, included
}

// includes parses ?include= and rejects relations the resource lacks, as
// JSON:API servers do.
func includes(q url.Values, allowed ...string) (map[string]bool, string) {
	m := map[string]bool{}
	for _, v := range strings.Split(q.Get("include"), ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if !slices.Contains(allowed, v) {
			return nil, v
		}
		m[v] = true
	}
	return m, ""
}

// list renders one page of n rows with JSON:API paging.
func (f *Fake) list(w http.ResponseWriter, r *http.Request, n int, render func(i int) (json.RawMessage, []incl)) {
	q := r.URL.Query()
	size, number := 10, 1
	if v := q.Get("page[size]"); v != "" {
		s, err := strconv.Atoi(v)
		if err != nil || s < 1 || s > 30 {
			f.writeErrPointer(w, http.StatusBadRequest, "Invalid page value", v+" is not a valid value for size (1-30).", "")
			return
		}
		size = s
	}
	if v := q.Get("page[number]"); v != "" {
		s, err := strconv.Atoi(v)
		if err != nil || s < 1 {
			f.writeErr(w, http.StatusBadRequest, "Invalid page value", v+" is not a valid value for number.")
			return
		}
		number = s
	}
	pages := max(1, (n+size-1)/size)
	start := min((number-1)*size, n)
	end := min(start+size, n)
	data := make([]json.RawMessage, 0, end-start)
	var included []json.RawMessage
	seen := map[string]bool{}
	for i := start; i < end; i++ {
		row, inc := render(i)
		data = append(data, row)
		for _, x := range inc {
			if !seen[x.key] {
				seen[x.key] = true
				included = append(included, x.raw)
			}
		}
	}
	link := func(p int) string {
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = v
		}
		q2.Set("page[number]", strconv.Itoa(p))
		q2.Set("page[size]", strconv.Itoa(size))
		return f.Server.URL + r.URL.Path + "?" + q2.Encode()
	}
	links := map[string]any{"first": link(1), "last": link(pages)}
	if number < pages {
		links["next"] = link(number + 1)
	}
	if number > 1 {
		links["prev"] = link(number - 1)
	}
	f.writeDoc(w, http.StatusOK, listDoc{data: data, included: included,
		meta: map[string]any{"record-count": n, "page-count": pages}, links: links})
}

// listDoc is a list document assembled from pre-rendered resources
// (json.Marshal would re-validate every one of them).
type listDoc struct {
	data, included []json.RawMessage
	meta, links    map[string]any
}

func (d listDoc) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	arr := func(rs []json.RawMessage) {
		b.WriteByte('[')
		for i, r := range rs {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(r)
		}
		b.WriteByte(']')
	}
	b.WriteString(`{"data":`)
	arr(d.data)
	if d.included != nil {
		b.WriteString(`,"included":`)
		arr(d.included)
	}
	meta, err := json.Marshal(d.meta)
	if err != nil {
		return nil, err
	}
	links, err := json.Marshal(d.links)
	if err != nil {
		return nil, err
	}
	b.WriteString(`,"meta":`)
	b.Write(meta)
	b.WriteString(`,"links":`)
	b.Write(links)
	b.WriteByte('}')
	return b.Bytes(), nil
}

func listOf[T any](f *Fake, w http.ResponseWriter, r *http.Request, rows []*T, render func(*T) json.RawMessage) {
	f.list(w, r, len(rows), func(i int) (json.RawMessage, []incl) { return render(rows[i]), nil })
}

func (f *Fake) updatedFrom(w http.ResponseWriter, q url.Values) (time.Time, bool) {
	v := q.Get("filter[updated-at][from]")
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		f.writeErr(w, http.StatusBadRequest, "Invalid filter value", v+" is not a valid value for updated-at.")
		return time.Time{}, false
	}
	return t, true
}

func (f *Fake) serveRead(w http.ResponseWriter, r *http.Request, parts []string) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	notFound := func(what string) {
		f.writeErr(w, http.StatusNotFound, "Record not found", "The record identified by "+what+" could not be found.")
	}
	switch {
	case len(parts) == 1 && parts[0] == "jobs":
		status := q.Get("filter[status]")
		listOf(f, w, r, atstest.Filter(f.jobs, func(j *Job) bool { return status == "all" || j.Status == or(status, "open") }), f.renderJob)
	case len(parts) == 3 && parts[0] == "jobs" && (parts[2] == "questions" || parts[2] == "stages"):
		j := find(f.jobs, func(j *Job) bool { return j.ID == parts[1] })
		if j == nil {
			notFound(parts[1])
			return
		}
		if parts[2] == "questions" {
			f.list(w, r, len(j.Questions), func(i int) (json.RawMessage, []incl) {
				qu := j.Questions[i]
				var alts any
				if qu.Alternatives != nil {
					alts = qu.Alternatives
				}
				return f.res("questions", qu.ID, map[string]any{"title": qu.Title, "question-type": qu.Type, "multiple": qu.Multiple,
					"alternatives": alts, "start-with": nil, "end-with": nil, "unit": nil}, []string{"answers"}, nil), nil
			})
			return
		}
		inc, bad := includes(q, "job", "job-applications", "triggers")
		if bad != "" {
			f.writeErr(w, http.StatusBadRequest, "Invalid field", bad+" is not a valid relationship of stages")
			return
		}
		stages := f.jobStages(j.ID)
		if s := q.Get("sort"); s != "" && s != "row_order" && s != "id" {
			f.writeErr(w, http.StatusBadRequest, "Invalid sort criteria", s+" is not a valid sort criteria for stages")
			return
		}
		counts := f.stageCounts()
		listOf(f, w, r, stages, func(s *Stage) json.RawMessage { return f.renderStage(s, inc, counts) })
	case len(parts) == 1 && parts[0] == "candidates":
		t, ok := f.updatedFrom(w, q)
		if !ok {
			return
		}
		listOf(f, w, r, atstest.Filter(f.cands, func(c *Candidate) bool { return !c.UpdatedAt.Before(t) }), f.renderCandidate)
	case len(parts) == 2 && parts[0] == "candidates":
		c := f.cand(parts[1])
		if c == nil {
			notFound(parts[1])
			return
		}
		f.writeDoc(w, http.StatusOK, map[string]any{"data": f.renderCandidate(c)})
	case len(parts) == 1 && parts[0] == "job-applications":
		t, ok := f.updatedFrom(w, q)
		if !ok {
			return
		}
		inc, bad := includes(q, "candidate", "job", "stage", "reject-reason")
		if bad != "" {
			f.writeErr(w, http.StatusBadRequest, "Invalid field", bad+" is not a valid relationship of job-applications")
			return
		}
		rows := atstest.Filter(f.apps, func(a *Application) bool { return !a.UpdatedAt.Before(t) })
		var counts map[string][2]int
		if inc["stage"] {
			counts = f.stageCounts()
		}
		f.list(w, r, len(rows), func(i int) (json.RawMessage, []incl) { return f.renderApp(rows[i], inc, counts) })
	case len(parts) == 2 && parts[0] == "job-applications":
		a := f.app(parts[1])
		if a == nil {
			notFound(parts[1])
			return
		}
		inc, bad := includes(q, "candidate", "job", "stage", "reject-reason")
		if bad != "" {
			f.writeErr(w, http.StatusBadRequest, "Invalid field", bad+" is not a valid relationship of job-applications")
			return
		}
		row, included := f.renderApp(a, inc, f.stageCounts())
		doc := map[string]any{"data": row}
		if included != nil {
			var raws []json.RawMessage
			for _, x := range included {
				raws = append(raws, x.raw)
			}
			doc["included"] = raws
		}
		f.writeDoc(w, http.StatusOK, doc)
	case len(parts) == 1 && parts[0] == "reject-reasons":
		listOf(f, w, r, f.reasons, f.renderReason)
	case len(parts) == 1 && parts[0] == "users":
		listOf(f, w, r, f.users, f.renderUser)
	case len(parts) == 2 && parts[0] == "users":
		u := find(f.users, func(u *User) bool { return u.ID == parts[1] })
		if u == nil {
			notFound(parts[1])
			return
		}
		f.writeDoc(w, http.StatusOK, map[string]any{"data": f.renderUser(u)})
	case len(parts) == 1 && parts[0] == "notes":
		cand := q.Get("filter[candidate]")
		rows := slices.DeleteFunc(slices.Clone(f.notes), func(n Note) bool { return cand != "" && n.CandidateID != cand })
		f.list(w, r, len(rows), func(i int) (json.RawMessage, []incl) { return f.renderNote(rows[i]), nil })
	default:
		f.writeErr(w, http.StatusNotFound, "Not found", "No route matches "+r.URL.Path)
	}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (f *Fake) renderUser(u *User) json.RawMessage {
	return f.res("users", u.ID, map[string]any{"name": u.Name, "email": u.Email, "login-email": u.Email, "role": "admin",
		"title": "Recruiter", "username": strings.ToLower(strings.ReplaceAll(u.Name, " ", "")), "visible": true, "hide-email": false,
		"external-id": nil, "picture": map[string]any{"standard": nil}}, []string{"activities", "department", "location", "jobs"}, nil)
}

func (f *Fake) renderNote(n Note) json.RawMessage {
	cid, _ := strconv.Atoi(n.CandidateID)
	uid, _ := strconv.Atoi(n.UserID)
	return f.res("notes", n.ID, map[string]any{"note": n.Text, "user-id": uid, "candidate-id": cid, "created-by-trigger": false,
		"mentioned-user-ids": []int{}, "private-note": false, "created-at": tt(f.clock), "updated-at": tt(f.clock)},
		[]string{"candidate", "user"}, nil)
}

// wireDoc is a JSON:API write body.
type wireDoc struct {
	Data struct {
		ID            string                     `json:"id"`
		Type          string                     `json:"type"`
		Attributes    map[string]json.RawMessage `json:"attributes"`
		Relationships map[string]struct {
			Data *struct {
				ID   json.RawMessage `json:"id"`
				Type string          `json:"type"`
			} `json:"data"`
		} `json:"relationships"`
	} `json:"data"`
}

// relID returns the id of a to-one relationship ("" when absent).
func (d wireDoc) relID(name string) (string, bool) {
	rel, ok := d.Data.Relationships[name]
	if !ok || rel.Data == nil {
		return "", ok
	}
	var s string
	if json.Unmarshal(rel.Data.ID, &s) == nil {
		return s, true
	}
	return strings.Trim(string(rel.Data.ID), `"`), true
}

func (d wireDoc) str(name string) string {
	var s string
	_ = json.Unmarshal(d.Data.Attributes[name], &s)
	return s
}

func (f *Fake) serveWrite(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/vnd.api+json") {
		f.writeErr(w, http.StatusUnsupportedMediaType, "Unsupported media type", "All requests that create or update must use the 'application/vnd.api+json' Content-Type. This request specified '"+ct+"'.")
		return
	}
	var d wireDoc
	if err := json.Unmarshal(body, &d); err != nil {
		f.writeErr(w, http.StatusBadRequest, "Bad Request", "Malformed JSON: "+err.Error())
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	invalid := func(attr, msg string) {
		f.writeErrPointer(w, http.StatusUnprocessableEntity, msg, attr+" - "+msg, "/data/attributes/"+attr)
	}
	switch {
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "notes":
		cand, _ := d.relID("candidate")
		user, _ := d.relID("user")
		c := f.cand(cand)
		if d.Data.Type != "notes" || c == nil {
			invalid("candidate", "must exist")
			return
		}
		if find(f.users, func(u *User) bool { return u.ID == user }) == nil {
			invalid("user", "must exist")
			return
		}
		text := d.str("note")
		if text == "" {
			invalid("note", "can't be blank")
			return
		}
		f.nextID++
		n := Note{ID: id(noteBase, f.nextID), CandidateID: cand, UserID: user, Text: text}
		f.notes = append(f.notes, n)
		f.writeDoc(w, http.StatusCreated, map[string]any{"data": f.renderNote(n)})
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "uploads":
		cand, _ := d.relID("candidate")
		if d.Data.Type != "uploads" || f.cand(cand) == nil {
			invalid("candidate", "must exist")
			return
		}
		u, err := url.Parse(d.str("url"))
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			invalid("url", "is not a public URL")
			return
		}
		f.nextID++
		up := Upload{ID: id(uploadBase, f.nextID), CandidateID: cand, URL: u.String(), FileName: d.str("file-name")}
		f.uploads = append(f.uploads, up)
		f.writeDoc(w, http.StatusCreated, map[string]any{"data": f.res("uploads", up.ID,
			map[string]any{"url": up.URL, "file-name": up.FileName, "internal": true}, []string{"candidate", "job"}, nil)})
	case r.Method == http.MethodPatch && len(parts) == 2 && parts[0] == "job-applications":
		a := f.app(parts[1])
		if a == nil {
			f.writeErr(w, http.StatusNotFound, "Record not found", "The record identified by "+parts[1]+" could not be found.")
			return
		}
		if d.Data.Type != "job-applications" || d.Data.ID != a.ID {
			f.writeErr(w, http.StatusBadRequest, "Key is not included in URL", "The URL does not support the key "+d.Data.ID)
			return
		}
		if sid, ok := d.relID("stage"); ok {
			if find(f.stages, func(s *Stage) bool { return s.ID == sid && s.JobID == a.JobID }) == nil {
				invalid("stage", "must be a stage of the job")
				return
			}
		}
		if rid, ok := d.relID("reject-reason"); ok && rid != "" {
			if find(f.reasons, func(x *Reason) bool { return x.ID == rid }) == nil {
				invalid("reject-reason", "must exist")
				return
			}
		}
		var rejectedAt time.Time
		if raw, ok := d.Data.Attributes["rejected-at"]; ok && string(raw) != "null" {
			var s string
			_ = json.Unmarshal(raw, &s)
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				invalid("rejected-at", "is not a valid date")
				return
			}
			rejectedAt = t
		}
		now := f.tick()
		if sid, ok := d.relID("stage"); ok && sid != a.StageID {
			a.StageID, a.ChangedStageAt = sid, now
		}
		if !rejectedAt.IsZero() {
			a.RejectedAt = rejectedAt
		}
		if rid, ok := d.relID("reject-reason"); ok {
			a.ReasonID = rid
		}
		a.UpdatedAt = now
		row, _ := f.renderApp(a, nil, nil)
		f.writeDoc(w, http.StatusOK, map[string]any{"data": row})
	case r.Method == http.MethodPatch && len(parts) == 2 && parts[0] == "candidates":
		c := f.cand(parts[1])
		if c == nil {
			f.writeErr(w, http.StatusNotFound, "Record not found", "The record identified by "+parts[1]+" could not be found.")
			return
		}
		if d.Data.Type != "candidates" || d.Data.ID != c.ID {
			f.writeErr(w, http.StatusBadRequest, "Key is not included in URL", "The URL does not support the key "+d.Data.ID)
			return
		}
		if raw, ok := d.Data.Attributes["tags"]; ok {
			var tags []string
			if err := json.Unmarshal(raw, &tags); err != nil {
				invalid("tags", "must be an array of strings")
				return
			}
			c.Tags = tags
		}
		c.UpdatedAt = f.tick()
		f.writeDoc(w, http.StatusOK, map[string]any{"data": f.renderCandidate(c)})
	default:
		f.writeErr(w, http.StatusNotFound, "Not found", "No route matches "+r.Method+" "+r.URL.Path)
	}
}

func base64Std(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
