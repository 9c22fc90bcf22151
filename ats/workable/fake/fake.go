// Package fake is an in-process Workable SPI v3 server for tests. It speaks
// the wire format the connector relies on (see the workable package doc
// for which parts are confirmed and which inferred): Bearer auth, the
// {<rows>:[…], paging:{next: full URL}} envelope with limit (1–100) and
// since_id, updated_after on /candidates and /jobs (ISO 8601), the
// candidate list and details shapes of the recorded samples (stage by
// name), per-job stages with slugs, {"error": "..."} bodies,
// X-Rate-Limit-Limit/-Remaining/-Reset headers and 429s, member_id on
// writes, the write routes hireloop uses with their side effects (every
// write bumps the candidate's updated_at), the comment activities feed
// and webhook subscriptions.
//
// X-Rate-Limit-Reset is a Unix timestamp in whole seconds (Workable's
// resolution): the instant the oldest request of the rolling window
// expires, rounded down, and on a 429 the instant a request is admitted
// again, rounded up (so a client that waits for it never arrives early).
//
// Fault injection: faults are consumed by every request except the tag
// look-up (GET /candidates/{id}) that AddTag makes before writing, so the
// conformance suite's write fault cases reach the write itself. Tests of
// the look-up's own failures use FailLookups.
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
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
)

// Seed sizes the generated data. Generation is deterministic.
type Seed struct {
	Jobs, Candidates, RejectionReasons, Members int
}

// SmallSeed is what the conformance suite uses: 3 jobs (published,
// closed, published), 23 candidates, 3 disqualification reasons, 3
// members.
var SmallSeed = Seed{Jobs: 3, Candidates: 23, RejectionReasons: 3, Members: 3}

// Base is the first generated timestamp; row i changes at Base + i s.
var Base = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// CandidateID is the id of the i-th seeded candidate.
func CandidateID(i int) string { return fmt.Sprintf("%08x", 0x27273038+i) }

// MemberID is the id of the i-th seeded member (use MemberID(0) as the
// acting member).
func MemberID(i int) string { return fmt.Sprintf("%06x", 0x1f395d+i) }

// Shortcode is the shortcode of the i-th seeded job.
func Shortcode(i int) string { return fmt.Sprintf("%010X", 0x9CD658E13E+i) }

// ReasonID is the id of the i-th seeded disqualification reason.
func ReasonID(i int) string { return fmt.Sprintf("%06x", 0xb29c63+i) }

// Stage is a job's pipeline stage.
type Stage struct {
	ID       int
	Slug     string
	Name     string
	Kind     string
	Position int
}

// Job is a seeded job.
type Job struct {
	ID, Shortcode, Title, State, Department, HTML string
	Stages                                        []Stage
	HasQuestions                                  bool
	CreatedAt, UpdatedAt                          time.Time
}

// Candidate is a Workable candidate (one person in one job).
type Candidate struct {
	ID, First, Last, Email, Phone string
	Job                           string // shortcode
	StageSlug                     string
	Disqualified                  bool
	ReasonID                      string
	DisqualifiedAt, HiredAt       time.Time
	Tags                          []string
	CreatedAt, UpdatedAt          time.Time
}

// Reason is a disqualification reason.
type Reason struct {
	ID, Description string
	Withdrew        bool
}

// Member is an account member.
type Member struct{ ID, Name, Email string }

// Comment is a recorded comment.
type Comment struct {
	ID, CandidateID, MemberID, Body string
	AttachmentName                  string
	AttachmentData                  []byte
	CreatedAt                       time.Time
}

// Subscription is a registered webhook subscription.
type Subscription struct {
	ID            int
	Target, Event string
	Args          map[string]any
}

// Fake is the server.
type Fake struct {
	atstest.Kit
	Server *httptest.Server
	Token  string

	mu          sync.Mutex
	clock       time.Time
	jobs        []*Job
	cands       []*Candidate
	reasons     []*Reason
	members     []*Member
	comments    []Comment
	subs        []Subscription
	nextID      int
	failLookups atstest.Countdown
	hits        []time.Time // admitted requests, for X-Rate-Limit-Remaining/-Reset
}

var _ atstest.Fake = (*Fake)(nil)

// New starts a fake seeded with s. Close it with Close.
func New(token string, s Seed) *Fake {
	f := &Fake{Token: token}
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the SPI v3 base URL of the fake.
func (f *Fake) URL() string { return f.Server.URL + "/spi/v3" }

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

func ts(i int) time.Time { return Base.Add(time.Duration(i) * time.Second) }

var pipeline = []Stage{
	{Slug: "sourced", Name: "Sourced", Kind: "sourced"},
	{Slug: "applied", Name: "Applied", Kind: "applied"},
	{Slug: "phone-screen", Name: "Phone Screen", Kind: "phone-screen"},
	{Slug: "interview", Name: "Interview", Kind: "interview"},
	{Slug: "offer", Name: "Offer", Kind: "offer"},
	{Slug: "hired", Name: "Hired", Kind: "hired"},
}

func (f *Fake) seed(s Seed) {
	desc := "<p>We’re looking for a <strong>Go engineer</strong>.</p><ul><li>Remote</li><li>Equity &amp; more</li></ul>"
	states := []string{"published", "closed", "published", "draft", "archived"}
	sid := 5500000
	for j := 0; j < s.Jobs; j++ {
		job := &Job{ID: fmt.Sprintf("%06x", 0x5b5ce9+j), Shortcode: Shortcode(j), Title: fmt.Sprintf("Engineer %d", j),
			State: states[j%len(states)], Department: "Research & Development", HTML: desc, HasQuestions: j%3 != 2,
			CreatedAt: ts(j), UpdatedAt: ts(j)}
		stages := slices.Clone(pipeline)
		if j%2 == 1 {
			stages = slices.Insert(stages, 3, Stage{Slug: "ai-interview", Name: "AI Interview", Kind: "assessment"})
		}
		for k := range stages {
			sid++
			stages[k].ID, stages[k].Position = sid, k
		}
		job.Stages = stages
		f.jobs = append(f.jobs, job)
	}
	for i := 0; i < s.RejectionReasons; i++ {
		f.reasons = append(f.reasons, &Reason{ID: ReasonID(i), Description: fmt.Sprintf("Reason %d", i)})
	}
	if s.RejectionReasons > 0 {
		f.reasons = append(f.reasons, &Reason{ID: ReasonID(99), Description: "Candidate withdrew", Withdrew: true})
	}
	for i := 0; i < s.Members; i++ {
		f.members = append(f.members, &Member{ID: MemberID(i), Name: fmt.Sprintf("Member %d", i), Email: fmt.Sprintf("member%d@example.com", i)})
	}
	for i := 0; i < s.Candidates && s.Jobs > 0; i++ {
		job := f.jobs[i%s.Jobs]
		c := &Candidate{ID: CandidateID(i), First: fmt.Sprintf("First%d", i), Last: fmt.Sprintf("Last%d", i),
			Email: fmt.Sprintf("cand%d@example.com", i), Phone: fmt.Sprintf("+30 210 %07d", i), Job: job.Shortcode,
			StageSlug: job.Stages[i%(len(job.Stages)-1)].Slug, Tags: []string{}, CreatedAt: ts(i), UpdatedAt: ts(i)}
		if i%2 == 0 {
			c.Tags = append(c.Tags, "tag-"+strconv.Itoa(i%4))
		}
		switch {
		case i == 5 && len(f.reasons) > 0:
			c.Disqualified, c.ReasonID, c.DisqualifiedAt = true, f.reasons[0].ID, ts(i)
		case i == 7:
			c.StageSlug, c.HiredAt = "hired", ts(i)
		}
		f.cands = append(f.cands, c)
	}
	f.clock = ts(max(s.Candidates, s.Jobs))
}

func (f *Fake) tick() time.Time {
	f.clock = f.clock.Add(time.Minute)
	return f.clock
}

func (f *Fake) job(sc string) *Job {
	for _, j := range f.jobs {
		if j.Shortcode == sc {
			return j
		}
	}
	return nil
}

func (f *Fake) cand(id string) *Candidate {
	i, ok := slices.BinarySearchFunc(f.cands, id, func(c *Candidate, id string) int { return strings.Compare(c.ID, id) })
	if !ok {
		return nil
	}
	return f.cands[i]
}

func (j *Job) stage(slug string) *Stage {
	for k := range j.Stages {
		if j.Stages[k].Slug == slug {
			return &j.Stages[k]
		}
	}
	return nil
}

// Expect implements atstest.Fake.
func (f *Fake) Expect() atstest.Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	stages := 0
	for _, j := range f.jobs {
		stages += len(j.Stages)
	}
	return atstest.Counts{Jobs: len(f.jobs), Stages: stages, Candidates: len(f.cands), Applications: len(f.cands),
		Tags: 0, RejectionReasons: len(f.reasons), Users: len(f.members)}
}

// Samples implements atstest.Fake: the first candidate, the next stage of
// its job and the first disqualification reason.
func (f *Fake) Samples() atstest.Samples {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cands[0]
	j := f.job(c.Job)
	other := ""
	for _, st := range j.Stages {
		if st.Slug != c.StageSlug {
			other = st.Slug
			break
		}
	}
	return atstest.Samples{ApplicationID: c.ID, CandidateID: c.ID, JobID: c.Job,
		StageID: c.Job + "/" + c.StageSlug, OtherStageID: c.Job + "/" + other, RejectionReasonID: f.reasons[0].ID}
}

// MoveApplication implements atstest.Fake; stageID is "<shortcode>/<slug>".
func (f *Fake) MoveApplication(appID, stageID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cand(appID)
	if c == nil {
		panic("fake: MoveApplication: unknown candidate")
	}
	slug := stageID[strings.LastIndex(stageID, "/")+1:]
	if f.job(c.Job).stage(slug) == nil {
		panic("fake: MoveApplication: unknown stage " + stageID)
	}
	c.StageSlug = slug
	c.UpdatedAt = f.tick()
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
}

// DeleteCandidate implements atstest.Fake: the candidate is gone (Workable
// lists no deletions).
func (f *Fake) DeleteCandidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cands = slices.DeleteFunc(f.cands, func(c *Candidate) bool { return c.ID == id })
}

// Candidate returns a copy of a candidate.
func (f *Fake) Candidate(id string) (Candidate, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cand(id)
	if c == nil {
		return Candidate{}, false
	}
	out := *c
	out.Tags = slices.Clone(c.Tags)
	return out, true
}

// Comments returns the comments written so far.
func (f *Fake) Comments() []Comment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.comments)
}

// Subscriptions returns the live webhook subscriptions.
func (f *Fake) Subscriptions() []Subscription {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.subs)
}

// FailLookups makes the next n tag look-ups (GET /candidates/{id}) answer 500.
func (f *Fake) FailLookups(n int) { f.failLookups.Set(n) }

// SignWebhook implements atstest.Fake: X-Workable-Signature is the hex
// HMAC-SHA256 of the body keyed with secret (the account token).
func (f *Fake) SignWebhook(body []byte, secret string) http.Header {
	return http.Header{"Content-Type": {"application/json"}, "X-Workable-Signature": {fmt.Sprintf("%x", ats.HMACSHA256(secret, body))}}
}

// Delivery renders a webhook delivery for candidate id as Workable posts
// it: {event_type, id, data:<candidate details>}.
func (f *Fake) Delivery(event, deliveryID, candidateID string) []byte {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cand(candidateID)
	if c == nil {
		panic("fake: Delivery: unknown candidate")
	}
	b, _ := json.Marshal(map[string]any{"event_type": event, "id": deliveryID, "data": f.renderCandidate(c, true)})
	return b
}

// ---- HTTP ----

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/spi/v3")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var d atstest.Decision
	lookup := r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "candidates"
	if lookup {
		if f.failLookups.Take() {
			writeErr(w, http.StatusInternalServerError, "look-up failed")
			return
		}
	} else {
		d = f.Admit(r)
	}
	if d.Throttled {
		f.write429(w, d.RetryAt)
		return
	}
	if !lookup {
		f.rateHeaders(w)
	}
	if r.Header.Get("Authorization") != "Bearer "+f.Token {
		writeErr(w, http.StatusUnauthorized, "Not authorized")
		return
	}
	if d.Fault != nil && d.Fault.Kind != 0 { // a zero Fault lets one request through
		f.writeFault(w, *d.Fault)
		return
	}
	if r.Method != http.MethodGet {
		f.serveWrite(w, r, parts, d.Body)
		return
	}
	f.serveRead(w, r, parts)
}

// rateHeaders sets X-Rate-Limit-* for an admitted request when the kit
// enforces a limit.
func (f *Fake) rateHeaders(w http.ResponseWriter) {
	limit, window := f.RateLimit()
	if limit <= 0 {
		return
	}
	now := time.Now()
	f.mu.Lock()
	cut := now.Add(-window)
	i := 0
	for i < len(f.hits) && !f.hits[i].After(cut) {
		i++
	}
	f.hits = append(f.hits[i:], now)
	reset := f.hits[0].Add(window)
	f.mu.Unlock()
	w.Header().Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
	w.Header().Set("X-Rate-Limit-Remaining", strconv.Itoa(f.Remaining()))
	w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(reset.Unix(), 10))
}

func (f *Fake) write429(w http.ResponseWriter, at time.Time) {
	secs := int64(math.Ceil(float64(at.UnixNano()) / 1e9))
	f.MarkRetryAfter(at)
	if limit, _ := f.RateLimit(); limit > 0 {
		w.Header().Set("X-Rate-Limit-Limit", strconv.Itoa(limit))
		w.Header().Set("X-Rate-Limit-Remaining", "0")
	}
	w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(secs, 10))
	writeErr(w, http.StatusTooManyRequests, "Too many requests")
}

func (f *Fake) writeFault(w http.ResponseWriter, ft atstest.Fault) {
	switch ft.Kind {
	case atstest.FaultServer:
		writeErr(w, http.StatusInternalServerError, ft.Message)
	case atstest.FaultUnauthorized:
		writeErr(w, http.StatusUnauthorized, ft.Message)
	case atstest.FaultNotFound:
		writeErr(w, http.StatusNotFound, ft.Message)
	case atstest.FaultInvalid:
		writeErr(w, http.StatusUnprocessableEntity, ft.Message)
	case atstest.FaultRateLimited:
		f.write429(w, time.Now().Add(ft.RetryAfter))
	case atstest.FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"candidates": [{"id": "x", "name": `)
	}
}

func writeErr(w http.ResponseWriter, status int, msg string) {
	atstest.WritePlainJSON(w, status, map[string]string{"error": msg})
}

func (f *Fake) writeBody(w http.ResponseWriter, status int, v any) {
	if err := f.WriteJSON(w, status, v); err != nil {
		writeErr(w, 500, err.Error())
	}
}

func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

// page applies Workable paging (limit, since_id ≥, paging.next as a full
// URL) to rows sorted by id and writes {key: [...], paging}.
func page[T any](f *Fake, w http.ResponseWriter, r *http.Request, key string, rows []T, id func(T) string, render func(T) any) {
	q := r.URL.Query()
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			writeErr(w, http.StatusUnprocessableEntity, "limit must be between 1 and 100")
			return
		}
		limit = n
	}
	start := 0
	if s := q.Get("since_id"); s != "" {
		start = sort.Search(len(rows), func(i int) bool { return id(rows[i]) >= s })
	}
	end := min(start+limit, len(rows))
	data := make([]any, 0, end-start)
	for _, x := range rows[start:end] {
		data = append(data, render(x))
	}
	out := map[string]any{key: data}
	if end < len(rows) {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("since_id", id(rows[end]))
		nq.Set("limit", strconv.Itoa(limit))
		out["paging"] = map[string]any{"next": "https://acme.workable.com" + r.URL.Path + "?" + nq.Encode()}
	}
	f.writeBody(w, http.StatusOK, out)
}

func sinceFilter(w http.ResponseWriter, q url.Values) (time.Time, bool) {
	v := q.Get("updated_after")
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		writeErr(w, http.StatusUnprocessableEntity, "updated_after must be an ISO 8601 timestamp")
		return time.Time{}, false
	}
	return t, true
}

func (f *Fake) renderJob(j *Job, full bool) any {
	m := map[string]any{"id": j.ID, "title": j.Title, "full_title": j.Title + " - " + j.Shortcode, "shortcode": j.Shortcode,
		"code": nil, "state": j.State, "confidential": false, "department": j.Department, "department_hierarchy": []any{},
		"url": "https://acme.workable.com/jobs/" + j.ID, "application_url": "https://acme.workable.com/jobs/" + j.ID + "/candidates/new",
		"shortlink": "https://apply.workable.com/j/" + j.Shortcode, "workplace_type": "on_site",
		"location": map[string]any{"country": "Greece", "country_code": "GR", "region": "Attica", "region_code": "I",
			"city": "Athens", "zip_code": "10558", "telecommuting": false, "workplace_type": "on_site"},
		"created_at": stamp(j.CreatedAt), "updated_at": stamp(j.UpdatedAt)}
	if full {
		m["description"] = j.HTML
		m["full_description"] = j.HTML + "<p><strong>Requirements</strong></p><ul><li>Go</li></ul>"
		m["requirements"] = "<ul><li>Go</li></ul>"
		m["benefits"] = ""
	}
	return m
}

func (f *Fake) reasonText(id string) any {
	for _, r := range f.reasons {
		if r.ID == id {
			return r.Description
		}
	}
	return nil
}

func (f *Fake) renderCandidate(c *Candidate, details bool) map[string]any {
	j := f.job(c.Job)
	st := j.stage(c.StageSlug)
	m := map[string]any{"id": c.ID, "name": c.First + " " + c.Last, "firstname": c.First, "lastname": c.Last,
		"headline": "Engineer", "account": map[string]any{"subdomain": "acme", "name": "Acme"},
		"job": map[string]any{"shortcode": j.Shortcode, "title": j.Title}, "stage": st.Name, "stage_kind": st.Kind,
		"disqualified": c.Disqualified, "withdrew": false, "disqualification_reason": nil, "sourced": false,
		"profile_url": "https://acme.workable.com/backend/jobs/" + j.ID + "/candidates/" + c.ID,
		"email":       c.Email, "domain": nil, "created_at": stamp(c.CreatedAt), "updated_at": stamp(c.UpdatedAt),
		"hired_at": stamp(c.HiredAt), "address": nil, "phone": c.Phone}
	if c.Disqualified {
		m["disqualification_reason"] = f.reasonText(c.ReasonID)
	}
	if details {
		m["image_url"] = nil
		m["disqualified_at"] = stamp(c.DisqualifiedAt)
		m["moved_to_offer_at"] = nil
		m["outlet"] = "SPI"
		m["cover_letter"] = nil
		m["summary"] = nil
		m["education_entries"] = []any{}
		m["experience_entries"] = []any{}
		m["skills"] = []any{}
		m["answers"] = []any{}
		m["resume_url"] = nil
		m["tags"] = c.Tags
		m["location"] = map[string]any{"location_str": nil, "country": nil, "country_code": nil, "region": nil,
			"region_code": nil, "city": nil, "zip_code": nil}
	}
	return m
}

func (f *Fake) serveRead(w http.ResponseWriter, r *http.Request, parts []string) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case len(parts) == 1 && parts[0] == "jobs":
		t, ok := sinceFilter(w, q)
		if !ok {
			return
		}
		full := strings.Contains(q.Get("include_fields"), "full_description")
		rows := atstest.Filter(f.jobs, func(j *Job) bool { return !j.UpdatedAt.Before(t) })
		page(f, w, r, "jobs", rows, func(j *Job) string { return j.ID }, func(j *Job) any { return f.renderJob(j, full) })
	case len(parts) == 2 && parts[0] == "jobs":
		j := f.job(parts[1])
		if j == nil {
			writeErr(w, http.StatusNotFound, "Not found")
			return
		}
		f.writeBody(w, http.StatusOK, f.renderJob(j, true))
	case len(parts) == 3 && parts[0] == "jobs" && parts[2] == "stages":
		j := f.job(parts[1])
		if j == nil {
			writeErr(w, http.StatusNotFound, "Not found")
			return
		}
		out := make([]any, 0, len(j.Stages))
		for _, s := range j.Stages {
			out = append(out, map[string]any{"id": s.ID, "identifier": fmt.Sprintf("%x", s.ID), "slug": s.Slug, "name": s.Name,
				"kind": s.Kind, "position": s.Position})
		}
		f.writeBody(w, http.StatusOK, map[string]any{"stages": out})
	case len(parts) == 3 && parts[0] == "jobs" && parts[2] == "questions":
		j := f.job(parts[1])
		if j == nil {
			writeErr(w, http.StatusNotFound, "Not found")
			return
		}
		qs := []any{}
		if j.HasQuestions {
			qs = append(qs,
				map[string]any{"id": "q1", "body": "Why do you want to join us?", "type": "free_text", "required": true},
				map[string]any{"id": "q2", "body": "Are you authorized to work in the EU?", "type": "boolean", "required": true},
				map[string]any{"id": "q3", "body": "Which languages do you speak?", "type": "multiple_choice", "required": false,
					"single_answer": false, "choices": []any{map[string]any{"id": "c1", "body": "Greek"}, map[string]any{"id": "c2", "body": "English"}}})
		}
		f.writeBody(w, http.StatusOK, map[string]any{"questions": qs})
	case len(parts) == 1 && parts[0] == "candidates":
		t, ok := sinceFilter(w, q)
		if !ok {
			return
		}
		sc := q.Get("shortcode")
		rows := atstest.Filter(f.cands, func(c *Candidate) bool { return !c.UpdatedAt.Before(t) && (sc == "" || c.Job == sc) })
		page(f, w, r, "candidates", rows, func(c *Candidate) string { return c.ID }, func(c *Candidate) any { return f.renderCandidate(c, false) })
	case len(parts) == 2 && parts[0] == "candidates":
		c := f.cand(parts[1])
		if c == nil {
			writeErr(w, http.StatusNotFound, "Not found")
			return
		}
		f.writeBody(w, http.StatusOK, map[string]any{"candidate": f.renderCandidate(c, true)})
	case len(parts) == 3 && parts[0] == "candidates" && parts[2] == "activities":
		c := f.cand(parts[1])
		if c == nil {
			writeErr(w, http.StatusNotFound, "Not found")
			return
		}
		actions := q.Get("actions")
		rows := atstest.Filter(f.comments, func(cm Comment) bool {
			return cm.CandidateID == c.ID && (actions == "" || slices.Contains(strings.Split(actions, ","), "comment"))
		})
		page(f, w, r, "activities", rows, func(cm Comment) string { return cm.ID }, func(cm Comment) any {
			m := map[string]any{"id": cm.ID, "action": "comment", "stage_name": f.job(c.Job).stage(c.StageSlug).Name,
				"created_at": stamp(cm.CreatedAt), "updated_at": stamp(cm.CreatedAt), "body": cm.Body,
				"member": map[string]any{"id": cm.MemberID, "name": f.memberName(cm.MemberID)}}
			if cm.AttachmentName != "" {
				m["attachments"] = []any{map[string]any{"name": cm.AttachmentName}}
			}
			return m
		})
	case len(parts) == 1 && parts[0] == "members":
		page(f, w, r, "members", f.members, func(m *Member) string { return m.ID }, func(m *Member) any {
			return map[string]any{"id": m.ID, "name": m.Name, "headline": "Recruiter", "email": m.Email,
				"roles": []string{"simple"}, "active": true}
		})
	case len(parts) == 1 && parts[0] == "disqualification_reasons":
		out := make([]any, 0, len(f.reasons))
		for i, x := range f.reasons {
			out = append(out, map[string]any{"id": x.ID, "description": x.Description, "candidate_withdrew": x.Withdrew, "position": i})
		}
		f.writeBody(w, http.StatusOK, out)
	default:
		writeErr(w, http.StatusNotFound, "Not found")
	}
}

func (f *Fake) memberName(id string) string {
	for _, m := range f.members {
		if m.ID == id {
			return m.Name
		}
	}
	return ""
}

func (f *Fake) serveWrite(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var in map[string]any
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			writeErr(w, http.StatusBadRequest, "Malformed JSON")
			return
		}
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	switch {
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "subscriptions":
		target, event := str(in, "target"), str(in, "event")
		if target == "" || !slices.Contains([]string{"candidate_created", "candidate_moved"}, event) {
			writeErr(w, http.StatusUnprocessableEntity, "target and a known event are required")
			return
		}
		for _, s := range f.subs {
			if s.Target == target && s.Event == event {
				writeErr(w, http.StatusConflict, "target already subscribed")
				return
			}
		}
		f.nextID++
		args, _ := in["args"].(map[string]any)
		f.subs = append(f.subs, Subscription{ID: 104690 + f.nextID, Target: target, Event: event, Args: args})
		f.writeBody(w, http.StatusCreated, map[string]any{"id": 104690 + f.nextID})
		return
	case r.Method == http.MethodDelete && len(parts) == 2 && parts[0] == "subscriptions":
		id, _ := strconv.Atoi(parts[1])
		n := len(f.subs)
		f.subs = slices.DeleteFunc(f.subs, func(s Subscription) bool { return s.ID == id })
		if len(f.subs) == n {
			writeErr(w, http.StatusNotFound, "Not found")
			return
		}
		w.WriteHeader(http.StatusOK)
		return
	}
	if len(parts) != 3 || parts[0] != "candidates" {
		writeErr(w, http.StatusNotFound, "Not found")
		return
	}
	c := f.cand(parts[1])
	if c == nil {
		writeErr(w, http.StatusNotFound, "Not found")
		return
	}
	if r.Method == http.MethodPut && parts[2] == "tags" {
		raw, ok := in["tags"].([]any)
		if !ok {
			writeErr(w, http.StatusUnprocessableEntity, "tags is required")
			return
		}
		tags := []string{}
		for _, v := range raw {
			if s, ok := v.(string); ok && s != "" {
				tags = append(tags, s)
			}
		}
		c.Tags = tags
		c.UpdatedAt = f.tick()
		f.writeBody(w, http.StatusAccepted, map[string]any{"tags": tags})
		return
	}
	member := str(in, "member_id")
	if !slices.ContainsFunc(f.members, func(m *Member) bool { return m.ID == member }) {
		writeErr(w, http.StatusUnprocessableEntity, "member_id must be the id of a member")
		return
	}
	switch {
	case r.Method == http.MethodPost && parts[2] == "comments":
		cm, _ := in["comment"].(map[string]any)
		if str(cm, "body") == "" {
			writeErr(w, http.StatusUnprocessableEntity, "comment body is required")
			return
		}
		rec := Comment{CandidateID: c.ID, MemberID: member, Body: str(cm, "body")}
		if at, ok := cm["attachment"].(map[string]any); ok {
			data, err := base64.StdEncoding.DecodeString(str(at, "data"))
			if err != nil || str(at, "name") == "" || len(data) == 0 {
				writeErr(w, http.StatusUnprocessableEntity, "attachment needs a name and base64 data")
				return
			}
			rec.AttachmentName, rec.AttachmentData = str(at, "name"), data
		}
		f.nextID++
		rec.ID = fmt.Sprintf("%08x", 0x3a000000+f.nextID)
		rec.CreatedAt = f.tick()
		c.UpdatedAt = rec.CreatedAt
		f.comments = append(f.comments, rec)
		f.writeBody(w, http.StatusCreated, map[string]any{"id": rec.ID})
	case r.Method == http.MethodPost && parts[2] == "move":
		slug := str(in, "target_stage")
		if f.job(c.Job).stage(slug) == nil {
			writeErr(w, http.StatusUnprocessableEntity, "target_stage is not a stage of the job")
			return
		}
		c.StageSlug = slug
		c.UpdatedAt = f.tick()
		w.WriteHeader(http.StatusOK)
	case r.Method == http.MethodPost && parts[2] == "disqualify":
		reason := str(in, "disqualify_reason_id")
		if reason != "" && !slices.ContainsFunc(f.reasons, func(x *Reason) bool { return x.ID == reason }) {
			writeErr(w, http.StatusUnprocessableEntity, "disqualify_reason_id is not a disqualification reason")
			return
		}
		if len([]rune(str(in, "disqualify_note"))) > 256 {
			writeErr(w, http.StatusUnprocessableEntity, "disqualify_note is too long (maximum is 256 characters)")
			return
		}
		c.UpdatedAt = f.tick()
		c.Disqualified, c.ReasonID, c.DisqualifiedAt = true, reason, c.UpdatedAt
		w.WriteHeader(http.StatusOK)
	default:
		writeErr(w, http.StatusNotFound, "Not found")
	}
}
