// Package fake is an in-process Greenhouse Harvest server for tests and
// benchmarks, in two modes over the same seeded data: New serves Harvest
// v1 under /v1 and NewV3 serves Harvest v3 under /v3 (see v3.go for the
// v3 wire format: OAuth token endpoint, Bearer tokens that expire, cursor
// paging with the cursor-only rule, updated_at=gte|... filters).
//
// In v1 mode it speaks the documented wire format: Basic auth with the key
// as username, JSON arrays, Link-header paging (per_page 1–500, page,
// skip_count), updated_after / last_activity_after filters, X-RateLimit-*
// headers with a configurable rolling-window limit answering 429 with a
// Unix-timestamp Retry-After, {"message","errors":[...]} error bodies,
// On-Behalf-Of on writes, and the write endpoints hireloop uses with their
// side effects (moves bump last_activity_at so incremental sync sees them).
package fake

import (
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
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
)

// Seed sizes the generated data. Generation is deterministic.
type Seed struct {
	Jobs, StagesPerJob, Candidates, Applications, Tags, RejectionReasons, Users int
}

// SmallSeed is what the conformance suite uses.
var SmallSeed = Seed{Jobs: 3, StagesPerJob: 4, Candidates: 23, Applications: 23, Tags: 4, RejectionReasons: 3, Users: 3}

// Base is the first generated timestamp; row i changes at Base + i s.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Wire types, exactly as Harvest renders them.

type Named struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type Value struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

type Office struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Location struct {
		Name string `json:"name"`
	} `json:"location"`
}

type Job struct {
	ID           int64        `json:"id"`
	Name         string       `json:"name"`
	Status       string       `json:"status"`
	Confidential bool         `json:"confidential"`
	CreatedAt    ats.FlexTime `json:"created_at"`
	UpdatedAt    ats.FlexTime `json:"updated_at"`
	OpenedAt     ats.FlexTime `json:"opened_at"`
	Departments  []Named      `json:"departments"`
	Offices      []Office     `json:"offices"`
}

type QuestionValue struct {
	Value int64  `json:"value"`
	Label string `json:"label"`
}

type Question struct {
	Required    bool            `json:"required"`
	Private     bool            `json:"private"`
	Label       string          `json:"label"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Values      []QuestionValue `json:"values"`
	Description *string         `json:"description"`
}

type JobPost struct {
	ID        int64        `json:"id"`
	Title     string       `json:"title"`
	JobID     int64        `json:"job_id"`
	Live      bool         `json:"live"`
	Active    bool         `json:"active"`
	Internal  bool         `json:"internal"`
	External  bool         `json:"external"`
	Content   string       `json:"content"`
	UpdatedAt ats.FlexTime `json:"updated_at"`
	CreatedAt ats.FlexTime `json:"created_at"`
	Questions []Question   `json:"questions"`
}

type Stage struct {
	ID         int64        `json:"id"`
	Name       string       `json:"name"`
	CreatedAt  ats.FlexTime `json:"created_at"`
	UpdatedAt  ats.FlexTime `json:"updated_at"`
	Active     bool         `json:"active"`
	JobID      int64        `json:"job_id"`
	Priority   int          `json:"priority"`
	Interviews []any        `json:"interviews"`
}

type Candidate struct {
	ID             int64        `json:"id"`
	FirstName      string       `json:"first_name"`
	LastName       string       `json:"last_name"`
	Company        *string      `json:"company"`
	Title          *string      `json:"title"`
	CreatedAt      ats.FlexTime `json:"created_at"`
	UpdatedAt      ats.FlexTime `json:"updated_at"`
	LastActivity   ats.FlexTime `json:"last_activity"`
	IsPrivate      bool         `json:"is_private"`
	PhoneNumbers   []Value      `json:"phone_numbers"`
	EmailAddresses []Value      `json:"email_addresses"`
	Tags           []string     `json:"tags"`
	ApplicationIDs []int64      `json:"application_ids"`
}

type Answer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

type Application struct {
	ID              int64        `json:"id"`
	CandidateID     int64        `json:"candidate_id"`
	Prospect        bool         `json:"prospect"`
	AppliedAt       ats.FlexTime `json:"applied_at"`
	RejectedAt      ats.FlexTime `json:"rejected_at"`
	LastActivityAt  ats.FlexTime `json:"last_activity_at"`
	Status          string       `json:"status"`
	CurrentStage    *Named       `json:"current_stage"`
	RejectionReason *Named       `json:"rejection_reason"`
	Jobs            []Named      `json:"jobs"`
	JobPostID       int64        `json:"job_post_id"`
	Answers         []Answer     `json:"answers"`
}

type User struct {
	ID           int64    `json:"id"`
	Name         string   `json:"name"`
	FirstName    string   `json:"first_name"`
	LastName     string   `json:"last_name"`
	PrimaryEmail string   `json:"primary_email_address"`
	Emails       []string `json:"emails"`
	Disabled     bool     `json:"disabled"`
	SiteAdmin    bool     `json:"site_admin"`
}

// Note is a recorded activity-feed note.
type Note struct {
	CandidateID int64
	UserID      int64
	Body        string
	Visibility  string
}

// Fake is the server. Exported fields may be read under Lock/Unlock.
type Fake struct {
	atstest.Kit
	Server *httptest.Server
	APIKey string

	mu      sync.Mutex
	clock   time.Time
	jobs    []*Job
	posts   []*JobPost
	stages  []*Stage
	cands   []*Candidate
	apps    []*Application
	tags    []*Named
	reasons []*Named
	users   []*User
	notes   []Note
	// attachments holds uploaded file names per candidate.
	attachments map[int64][]string
	nextID      int64
	stageIdx    map[int64]*Stage
	appIdx      map[int64]*Application
	candIdx     map[int64]*Candidate

	// v3 mode (NewV3).
	v3           bool
	ClientID     string
	ClientSecret string
	tokens       map[string]v3Token
	tokenTTL     time.Duration
	tokenReqs    []TokenRequest
	v3Attach     []v3Attachment
	rejections   []v3Rejection
	appliedTags  int64
}

var _ atstest.Fake = (*Fake)(nil)

// New starts a fake seeded with s. Close it with Close.
func New(apiKey string, s Seed) *Fake {
	f := &Fake{APIKey: apiKey, stageIdx: map[int64]*Stage{}, appIdx: map[int64]*Application{}, candIdx: map[int64]*Candidate{}}
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the Harvest base URL of the fake: .../v1, or .../v3 for NewV3.
func (f *Fake) URL() string {
	if f.v3 {
		return f.Server.URL + "/v3"
	}
	return f.Server.URL + "/v1"
}

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

func ts(i int) ats.FlexTime { return ats.FlexTime{Time: Base.Add(time.Duration(i) * time.Second)} }

func (f *Fake) seed(s Seed) {
	desc := "<p>We’re looking for a <strong>Go engineer</strong>.</p><ul><li>Remote</li><li>Equity</li></ul>"
	for j := 0; j < s.Jobs; j++ {
		jid := int64(1000 + j)
		f.jobs = append(f.jobs, &Job{ID: jid, Name: fmt.Sprintf("Engineer %d", j), Status: []string{"open", "closed", "draft"}[j%3],
			CreatedAt: ts(j), UpdatedAt: ts(j), OpenedAt: ts(j),
			Departments: []Named{{ID: 50, Name: "Engineering"}},
			Offices: []Office{{ID: 60, Name: "Berlin", Location: struct {
				Name string `json:"name"`
			}{Name: "Berlin, Germany"}}}})
		f.posts = append(f.posts, &JobPost{ID: 5000 + int64(j), Title: fmt.Sprintf("Engineer %d", j), JobID: jid, Live: true, Active: true,
			External: true, Content: desc, CreatedAt: ts(j), UpdatedAt: ts(j), Questions: []Question{
				{Required: true, Label: "Resume", Name: "resume", Type: "attachment", Values: []QuestionValue{}},
				{Required: false, Label: "Have you worked for us before?", Name: "question_234567", Type: "boolean",
					Values: []QuestionValue{{0, "No"}, {1, "Yes"}}},
				{Required: true, Label: "Why us?", Name: "question_56789", Type: "long_text", Values: []QuestionValue{}},
			}})
		for k := 0; k < s.StagesPerJob; k++ {
			st := &Stage{ID: 70000 + int64(j*100+k), Name: []string{"Application Review", "AI Interview", "Onsite", "Offer", "Reference Check"}[k%5],
				CreatedAt: ts(j), UpdatedAt: ts(j), Active: true, JobID: jid, Priority: k, Interviews: []any{}}
			f.stages = append(f.stages, st)
			f.stageIdx[st.ID] = st
		}
	}
	for i := 0; i < s.Tags; i++ {
		f.tags = append(f.tags, &Named{ID: 300 + int64(i), Name: fmt.Sprintf("tag-%d", i)})
	}
	for i := 0; i < s.RejectionReasons; i++ {
		f.reasons = append(f.reasons, &Named{ID: 8 + int64(i), Name: fmt.Sprintf("Reason %d", i)})
	}
	for i := 0; i < s.Users; i++ {
		e := fmt.Sprintf("user%d@example.com", i)
		f.users = append(f.users, &User{ID: 4000 + int64(i), Name: fmt.Sprintf("User %d", i), FirstName: "User", LastName: strconv.Itoa(i),
			PrimaryEmail: e, Emails: []string{e}})
	}
	for i := 0; i < s.Candidates; i++ {
		c := &Candidate{ID: 900000 + int64(i), FirstName: fmt.Sprintf("First%d", i), LastName: fmt.Sprintf("Last%d", i),
			CreatedAt: ts(i), UpdatedAt: ts(i), LastActivity: ts(i),
			PhoneNumbers:   []Value{{Value: fmt.Sprintf("+49 30 %07d", i), Type: "mobile"}},
			EmailAddresses: []Value{{Value: fmt.Sprintf("cand%d@example.com", i), Type: "personal"}}, Tags: []string{}}
		if s.Tags > 0 && i%2 == 0 {
			c.Tags = append(c.Tags, f.tags[i%s.Tags].Name)
		}
		f.cands = append(f.cands, c)
		f.candIdx[c.ID] = c
	}
	for i := 0; i < s.Applications && s.Candidates > 0 && s.Jobs > 0; i++ {
		c := f.cands[i%s.Candidates]
		j := f.jobs[i%s.Jobs]
		var st *Stage
		if s.StagesPerJob > 0 {
			st = f.stages[(i%s.Jobs)*s.StagesPerJob+(i%max(1, s.StagesPerJob-1))]
		}
		a := &Application{ID: 2000000 + int64(i), CandidateID: c.ID, AppliedAt: ts(i), LastActivityAt: ts(i), Status: "active",
			Jobs: []Named{{ID: j.ID, Name: j.Name}}, JobPostID: 5000 + j.ID - 1000,
			Answers: []Answer{{Question: "Why us?", Answer: "I heard you're awesome!"}}}
		if st != nil {
			a.CurrentStage = &Named{ID: st.ID, Name: st.Name}
		}
		f.apps = append(f.apps, a)
		f.appIdx[a.ID] = a
		c.ApplicationIDs = append(c.ApplicationIDs, a.ID)
	}
	n := max(s.Jobs, s.Candidates, s.Applications)
	f.clock = ts(n).Time
	f.nextID = 10_000_000
}

// tick advances the fake clock past every existing timestamp.
func (f *Fake) tick() ats.FlexTime {
	f.clock = f.clock.Add(time.Minute)
	return ats.FlexTime{Time: f.clock}
}

// Expect implements atstest.Fake.
func (f *Fake) Expect() atstest.Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	return atstest.Counts{Jobs: len(f.jobs), Stages: len(f.stages), Candidates: len(f.cands), Applications: len(f.apps),
		Tags: len(f.tags), RejectionReasons: len(f.reasons), Users: len(f.users)}
}

// Samples implements atstest.Fake: the first active application, a later
// stage of its job and the first rejection reason.
func (f *Fake) Samples() atstest.Samples {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.apps[0]
	var other int64
	for _, st := range f.stages {
		if st.JobID == a.Jobs[0].ID && st.ID != a.CurrentStage.ID {
			other = st.ID
			break
		}
	}
	return atstest.Samples{ApplicationID: id(a.ID), CandidateID: id(a.CandidateID), JobID: id(a.Jobs[0].ID),
		StageID: id(a.CurrentStage.ID), OtherStageID: id(other), RejectionReasonID: id(f.reasons[0].ID)}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// MoveApplication implements atstest.Fake.
func (f *Fake) MoveApplication(appID, stageID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.appIdx[parse(appID)]
	st := f.stageIdx[parse(stageID)]
	if a == nil || st == nil {
		panic("fake: MoveApplication: unknown application or stage")
	}
	a.CurrentStage = &Named{ID: st.ID, Name: st.Name}
	a.LastActivityAt = f.tick()
}

// TouchCandidate implements atstest.Fake.
func (f *Fake) TouchCandidate(candID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.candIdx[parse(candID)]
	if c == nil {
		panic("fake: TouchCandidate: unknown candidate")
	}
	c.UpdatedAt = f.tick()
}

// DeleteCandidate implements atstest.Fake. Harvest does not report
// deletions, so the candidate just disappears.
func (f *Fake) DeleteCandidate(candID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := parse(candID)
	delete(f.candIdx, n)
	for i, c := range f.cands {
		if c.ID == n {
			f.cands = append(f.cands[:i], f.cands[i+1:]...)
			break
		}
	}
}

// Notes returns the notes written so far.
func (f *Fake) Notes() []Note {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Note(nil), f.notes...)
}

// Application returns a copy of an application.
func (f *Fake) Application(appID string) (Application, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.appIdx[parse(appID)]
	if a == nil {
		return Application{}, false
	}
	return *a, true
}

// SignWebhook implements atstest.Fake: "Signature: sha256 <hex>".
func (f *Fake) SignWebhook(body []byte, secret string) http.Header {
	return http.Header{"Signature": {fmt.Sprintf("sha256 %x", ats.HMACSHA256(secret, body))}, "Content-Type": {"application/json"}}
}

func parse(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

// ---- HTTP ----

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if f.v3 {
		f.serveV3(w, r)
		return
	}
	d := f.Admit(r)
	if d.Throttled {
		f.write429(w, d.RetryAt)
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != f.APIKey || pass != "" {
		writeErr(w, http.StatusUnauthorized, "Invalid Basic Auth credentials")
		return
	}
	if d.Fault != nil {
		f.writeFault(w, *d.Fault)
		return
	}
	f.rateHeaders(w)
	path := strings.TrimPrefix(r.URL.Path, "/v1")
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if r.Method != http.MethodGet {
		if _, err := strconv.ParseInt(r.Header.Get("On-Behalf-Of"), 10, 64); err != nil {
			writeErr(w, http.StatusForbidden, "The On-Behalf-Of header is required and must be a user id")
			return
		}
		f.serveWrite(w, r, parts, d.Body)
		return
	}
	f.serveRead(w, r, parts)
}

func (f *Fake) rateHeaders(w http.ResponseWriter) {
	if limit, _ := f.RateLimit(); limit > 0 {
		w.Header().Set("X-RateLimit-Limit", strconv.Itoa(limit))
		w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(f.Remaining()))
	}
}

// write429 answers like Harvest: no X-RateLimit-Limit/Remaining, a
// Retry-After holding a Unix timestamp (2023+ docs) and X-RateLimit-Reset.
func (f *Fake) write429(w http.ResponseWriter, at time.Time) {
	sec := int64(math.Ceil(float64(at.UnixNano()) / 1e9))
	f.MarkRetryAfter(time.Unix(sec, 0))
	w.Header().Set("Retry-After", strconv.FormatInt(sec, 10))
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(sec, 10))
	writeErr(w, http.StatusTooManyRequests, "Too Many Requests")
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
		atstest.WritePlainJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation error",
			"errors": []map[string]string{{"message": ft.Message, "field": "type"}}})
	case atstest.FaultRateLimited:
		f.write429(w, time.Now().Add(ft.RetryAfter))
	case atstest.FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `[{"id": 1, "first_name": `)
	}
}

func writeErr(w http.ResponseWriter, status int, msg string) {
	atstest.WritePlainJSON(w, status, map[string]string{"message": msg})
}

func (f *Fake) writeBody(w http.ResponseWriter, status int, v any) {
	if err := f.WriteJSON(w, status, v); err != nil {
		writeErr(w, 500, err.Error())
	}
}

func after(q url.Values, key string) (time.Time, bool, error) {
	v := q.Get(key)
	if v == "" {
		return time.Time{}, false, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil, err
}

// page applies Harvest paging to rows and writes the Link header.
func page[T any](f *Fake, w http.ResponseWriter, r *http.Request, rows []T) {
	q := r.URL.Query()
	per := 100
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			atstest.WritePlainJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation error",
				"errors": []map[string]string{{"message": "must be an integer between 1 and 500", "field": "per_page"}}})
			return
		}
		per = n
	}
	p := 1
	if v := q.Get("page"); v != "" {
		p, _ = strconv.Atoi(v)
		if p < 1 {
			p = 1
		}
	}
	start := min((p-1)*per, len(rows))
	end := min(start+per, len(rows))
	last := max(1, (len(rows)+per-1)/per)
	link := func(n int) string {
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = v
		}
		q2.Set("page", strconv.Itoa(n))
		q2.Set("per_page", strconv.Itoa(per))
		return "<" + f.Server.URL + r.URL.Path + "?" + q2.Encode() + ">"
	}
	var links []string
	if end < len(rows) {
		links = append(links, link(p+1)+`; rel="next"`)
	}
	if p > 1 {
		links = append(links, link(p-1)+`; rel="prev"`)
	}
	if q.Get("skip_count") != "true" {
		links = append(links, link(last)+`; rel="last"`)
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ",\n "))
	}
	f.writeBody(w, http.StatusOK, rows[start:end])
}

func (f *Fake) serveRead(w http.ResponseWriter, r *http.Request, parts []string) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	filterBy := func(key string) (time.Time, bool) {
		t, ok, err := after(q, key)
		if err != nil {
			atstest.WritePlainJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation error",
				"errors": []map[string]string{{"message": "must be an ISO-8601 timestamp", "field": key}}})
			return time.Time{}, false
		}
		if !ok {
			return time.Time{}, true
		}
		return t, true
	}
	switch {
	case len(parts) == 1 && parts[0] == "jobs":
		t, ok := filterBy("updated_after")
		if !ok {
			return
		}
		page(f, w, r, atstest.Filter(f.jobs, func(j *Job) bool { return !j.UpdatedAt.Before(t) }))
	case len(parts) == 1 && parts[0] == "job_posts":
		page(f, w, r, f.posts)
	case len(parts) == 1 && parts[0] == "job_stages":
		t, ok := filterBy("updated_after")
		if !ok {
			return
		}
		page(f, w, r, atstest.Filter(f.stages, func(s *Stage) bool { return !s.UpdatedAt.Before(t) }))
	case len(parts) == 3 && parts[0] == "jobs" && parts[2] == "stages":
		jid := parse(parts[1])
		rows := atstest.Filter(f.stages, func(s *Stage) bool { return s.JobID == jid })
		if len(rows) == 0 {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		f.writeBody(w, http.StatusOK, rows)
	case len(parts) == 1 && parts[0] == "candidates":
		t, ok := filterBy("updated_after")
		if !ok {
			return
		}
		page(f, w, r, atstest.Filter(f.cands, func(c *Candidate) bool { return !c.UpdatedAt.Before(t) }))
	case len(parts) == 1 && parts[0] == "applications":
		t, ok := filterBy("last_activity_after")
		if !ok {
			return
		}
		page(f, w, r, atstest.Filter(f.apps, func(a *Application) bool { return !a.LastActivityAt.Before(t) }))
	case len(parts) == 3 && parts[0] == "candidates" && parts[2] == "activity_feed":
		c := f.candIdx[parse(parts[1])]
		if c == nil {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		notes := []map[string]any{}
		for i, n := range f.notes {
			if n.CandidateID == c.ID {
				notes = append(notes, map[string]any{"id": 500000 + i, "body": n.Body, "visibility": n.Visibility,
					"user": map[string]any{"id": n.UserID}, "created_at": c.LastActivity})
			}
		}
		f.writeBody(w, http.StatusOK, map[string]any{"notes": notes, "emails": []any{}, "activities": []any{}})
	case len(parts) == 2 && parts[0] == "candidates":
		c := f.candIdx[parse(parts[1])]
		if c == nil {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		atts := []map[string]any{}
		for _, name := range f.attachments[c.ID] {
			atts = append(atts, map[string]any{"filename": name, "url": f.Server.URL + "/attachments/" + name, "type": "other"})
		}
		f.writeBody(w, http.StatusOK, struct {
			*Candidate
			Attachments []map[string]any `json:"attachments"`
		}{c, atts})
	case len(parts) == 2 && parts[0] == "applications":
		a := f.appIdx[parse(parts[1])]
		if a == nil {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		f.writeBody(w, http.StatusOK, a)
	case len(parts) == 2 && parts[0] == "tags" && parts[1] == "candidate":
		page(f, w, r, f.tags)
	case len(parts) == 1 && parts[0] == "rejection_reasons":
		page(f, w, r, f.reasons)
	case len(parts) == 1 && parts[0] == "users":
		page(f, w, r, f.users)
	case len(parts) == 2 && parts[0] == "users":
		for _, u := range f.users {
			if id(u.ID) == parts[1] {
				f.writeBody(w, http.StatusOK, u)
				return
			}
		}
		writeErr(w, http.StatusNotFound, "Resource not found")
	default:
		writeErr(w, http.StatusNotFound, "Resource not found")
	}
}

func invalid(w http.ResponseWriter, field, msg string) {
	atstest.WritePlainJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation error",
		"errors": []map[string]string{{"message": msg, "field": field}}})
}

// writeArgs decodes a write's JSON body (answering 400 when it is not
// JSON) and returns accessors for its integer and string fields; an
// integer field must be a whole number.
func writeArgs(w http.ResponseWriter, body []byte) (num func(string) (int64, bool), str func(string) string, ok bool) {
	var in map[string]any
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			writeErr(w, http.StatusBadRequest, "Malformed JSON")
			return nil, nil, false
		}
	}
	num = func(k string) (int64, bool) {
		v, ok := in[k].(float64)
		return int64(v), ok && v == math.Trunc(v)
	}
	str = func(k string) string { s, _ := in[k].(string); return s }
	return num, str, true
}

// reason returns the rejection reason with id rid, or nil.
func (f *Fake) reason(rid int64) *Named {
	for _, x := range f.reasons {
		if x.ID == rid {
			return x
		}
	}
	return nil
}

func (f *Fake) serveWrite(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	num, str, ok := writeArgs(w, body)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == http.MethodPost && len(parts) == 4 && parts[0] == "candidates" && parts[2] == "activity_feed" && parts[3] == "notes":
		c := f.candIdx[parse(parts[1])]
		if c == nil {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		uid, ok := num("user_id")
		vis := str("visibility")
		if !ok || str("body") == "" || (vis != "admin_only" && vis != "private" && vis != "public") {
			invalid(w, "visibility", "user_id, body and visibility (admin_only, private, public) are required")
			return
		}
		f.notes = append(f.notes, Note{CandidateID: c.ID, UserID: uid, Body: str("body"), Visibility: vis})
		f.nextID++
		c.LastActivity = f.tick()
		f.writeBody(w, http.StatusCreated, map[string]any{"id": f.nextID, "body": str("body"), "user": map[string]any{"id": uid},
			"visibility": vis, "visiblity": vis, "created_at": c.LastActivity})
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "candidates" && parts[2] == "attachments":
		c := f.candIdx[parse(parts[1])]
		if c == nil {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		typ := str("type")
		switch typ {
		case "resume", "cover_letter", "admin_only", "other", "take_home_test", "offer_letter", "signed_offer_letter":
		default:
			invalid(w, "type", "Must be one of: resume, cover_letter, admin_only, other, take_home_test, offer_letter, signed_offer_letter")
			return
		}
		if str("filename") == "" || (str("content") == "" && str("url") == "") || (str("content") != "" && str("content_type") == "") {
			invalid(w, "content", "filename and content (with content_type) or url are required")
			return
		}
		c.UpdatedAt = f.tick()
		if f.attachments == nil {
			f.attachments = map[int64][]string{}
		}
		f.attachments[c.ID] = append(f.attachments[c.ID], str("filename"))
		f.writeBody(w, http.StatusCreated, map[string]any{"filename": str("filename"), "type": typ,
			"url": f.Server.URL + "/attachments/" + str("filename"), "content_type": str("content_type")})
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "applications" && parts[2] == "move":
		a := f.appIdx[parse(parts[1])]
		if a == nil {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		from, ok1 := num("from_stage_id")
		to, ok2 := num("to_stage_id")
		st := f.stageIdx[to]
		switch {
		case !ok1 || !ok2:
			invalid(w, "to_stage_id", "from_stage_id and to_stage_id must be integers")
		case a.Status != "active":
			invalid(w, "application_id", "Only active applications can be moved")
		case a.CurrentStage == nil || a.CurrentStage.ID != from:
			invalid(w, "from_stage_id", "from_stage_id does not match the application's current stage")
		case st == nil || st.JobID != a.Jobs[0].ID:
			invalid(w, "to_stage_id", "to_stage_id is not a stage of this job")
		default:
			a.CurrentStage = &Named{ID: st.ID, Name: st.Name}
			a.LastActivityAt = f.tick()
			f.writeBody(w, http.StatusOK, a)
		}
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "applications" && parts[2] == "reject":
		a := f.appIdx[parse(parts[1])]
		if a == nil {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		if a.Status != "active" {
			invalid(w, "application_id", "Application is not active")
			return
		}
		if rid, ok := num("rejection_reason_id"); ok {
			reason := f.reason(rid)
			if reason == nil {
				invalid(w, "rejection_reason_id", "Rejection reason not found")
				return
			}
			a.RejectionReason = &Named{ID: reason.ID, Name: reason.Name}
		}
		a.Status = "rejected"
		a.LastActivityAt = f.tick()
		a.RejectedAt = a.LastActivityAt
		f.writeBody(w, http.StatusOK, a)
	case r.Method == http.MethodPost && len(parts) == 2 && parts[0] == "tags" && parts[1] == "candidate":
		name := strings.TrimSpace(str("name"))
		if name == "" {
			invalid(w, "name", "Name is required")
			return
		}
		for _, t := range f.tags {
			if strings.EqualFold(t.Name, name) {
				f.writeBody(w, http.StatusOK, t)
				return
			}
		}
		f.nextID++
		t := &Named{ID: f.nextID, Name: name}
		f.tags = append(f.tags, t)
		f.writeBody(w, http.StatusCreated, t)
	case r.Method == http.MethodPut && len(parts) == 4 && parts[0] == "candidates" && parts[2] == "tags":
		c := f.candIdx[parse(parts[1])]
		var tag *Named
		for _, t := range f.tags {
			if id(t.ID) == parts[3] {
				tag = t
			}
		}
		if c == nil || tag == nil {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		if !slices.Contains(c.Tags, tag.Name) {
			c.Tags = append(c.Tags, tag.Name)
		}
		c.UpdatedAt = f.tick()
		f.writeBody(w, http.StatusOK, map[string]string{"message": fmt.Sprintf("Tag %d, '%s', has been applied to candidate %d", tag.ID, tag.Name, c.ID)})
	default:
		writeErr(w, http.StatusNotFound, "Resource not found")
	}
}
