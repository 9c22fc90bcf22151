// Package fake is an in-process Merge unified ATS API for tests. It speaks
// Merge's wire format under /api/ats/v1: Authorization: Bearer <key> plus
// X-Account-Token, {next, previous, results} pages with opaque cursors
// (page_size ≤ 100), modified_after / include_deleted_data filters on
// modified_at / remote_was_deleted, expand (jobs: departments,offices;
// applications: current_stage,reject_reason,screening_question_answers[.question];
// screening questions: options), Django-REST-style {"detail"} errors for
// 401/404/429/5xx with Retry-After on 429, write validation errors as
// {model:null, warnings:[], errors:[{source,title,detail,problem_type}]},
// GET /available-actions, the writes Merge offers (POST /activities, POST /attachments,
// POST /applications/{id}/change-stage, PATCH /candidates/{id}) with their
// side effects, GET /account-details, GET /sync-status and
// POST /sync-status/resync.
package fake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
)

// Prefix is the API path prefix.
const Prefix = "/api/ats/v1"

// Seed sizes the generated data.
type Seed struct {
	Jobs, StagesPerJob, Candidates, Applications, Tags, RejectionReasons, Users int
}

// SmallSeed is what the conformance suite uses.
var SmallSeed = Seed{Jobs: 5, StagesPerJob: 4, Candidates: 23, Applications: 23, Tags: 4, RejectionReasons: 3, Users: 3}

// Base is the first generated modified_at.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Common holds the fields every Merge common model has.
type Common struct {
	ID               string         `json:"id"`
	RemoteID         *string        `json:"remote_id"`
	CreatedAt        ats.FlexTime   `json:"created_at"`
	ModifiedAt       ats.FlexTime   `json:"modified_at"`
	RemoteWasDeleted bool           `json:"remote_was_deleted"`
	FieldMappings    map[string]any `json:"field_mappings"`
	RemoteData       any            `json:"remote_data"`
}

// Named is Department, Office, RejectReason and Tag (Tag has no id).
type Named struct {
	Common
	Name string `json:"name"`
}

// Job is Merge's Job.
type Job struct {
	Common
	Name            string       `json:"name"`
	Description     string       `json:"description"`
	Code            string       `json:"code"`
	Status          string       `json:"status"`
	JobPostingURLs  []any        `json:"job_posting_urls"`
	RemoteCreatedAt ats.FlexTime `json:"remote_created_at"`
	RemoteUpdatedAt ats.FlexTime `json:"remote_updated_at"`
	Confidential    bool         `json:"confidential"`
	Departments     []string     `json:"departments"`
	Offices         []string     `json:"offices"`
	HiringManagers  []string     `json:"hiring_managers"`
	Recruiters      []string     `json:"recruiters"`
}

// Stage is Merge's JobInterviewStage.
type Stage struct {
	Common
	Name       string `json:"name"`
	Job        string `json:"job"`
	StageOrder int    `json:"stage_order"`
}

// Option is a ScreeningQuestionOption.
type Option struct {
	ID       string `json:"id"`
	RemoteID string `json:"remote_id"`
	Label    string `json:"label"`
}

// Question is Merge's ScreeningQuestion.
type Question struct {
	Common
	Job         string   `json:"job"`
	Description string   `json:"description"`
	Title       string   `json:"title"`
	Type        string   `json:"type"`
	Required    bool     `json:"required"`
	Options     []Option `json:"options"`
}

// Value is an EmailAddress or PhoneNumber.
type Value struct {
	Value string `json:"value"`
	Type  string `json:"-"`
}

// Candidate is Merge's Candidate.
type Candidate struct {
	Common
	FirstName       string           `json:"first_name"`
	LastName        string           `json:"last_name"`
	Company         string           `json:"company"`
	Title           string           `json:"title"`
	RemoteCreatedAt ats.FlexTime     `json:"remote_created_at"`
	IsPrivate       bool             `json:"is_private"`
	CanEmail        bool             `json:"can_email"`
	Locations       []string         `json:"locations"`
	EmailAddresses  []map[string]any `json:"email_addresses"`
	PhoneNumbers    []map[string]any `json:"phone_numbers"`
	Tags            []string         `json:"tags"`
	Applications    []string         `json:"applications"`
	Attachments     []string         `json:"attachments"`
}

// Answer is a ScreeningQuestionAnswer.
type Answer struct {
	Common
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Application is Merge's Application.
type Application struct {
	Common
	Candidate    string       `json:"candidate"`
	Job          string       `json:"job"`
	AppliedAt    ats.FlexTime `json:"applied_at"`
	RejectedAt   ats.FlexTime `json:"rejected_at"`
	Offers       []string     `json:"offers"`
	Source       string       `json:"source"`
	CreditedTo   *string      `json:"credited_to"`
	Answers      []Answer     `json:"screening_question_answers"`
	CurrentStage *string      `json:"current_stage"`
	RejectReason *string      `json:"reject_reason"`
}

// User is Merge's RemoteUser.
type User struct {
	Common
	FirstName  string `json:"first_name"`
	LastName   string `json:"last_name"`
	Email      string `json:"email"`
	Disabled   bool   `json:"disabled"`
	AccessRole string `json:"access_role"`
}

// Activity is Merge's Activity.
type Activity struct {
	Common
	User         string `json:"user"`
	ActivityType string `json:"activity_type"`
	Subject      string `json:"subject"`
	Body         string `json:"body"`
	Visibility   string `json:"visibility"`
	Candidate    string `json:"candidate"`
}

// Attachment is Merge's Attachment.
type Attachment struct {
	Common
	FileName       string `json:"file_name"`
	FileURL        string `json:"file_url"`
	Candidate      string `json:"candidate"`
	AttachmentType string `json:"attachment_type"`
}

// Fake is the server.
type Fake struct {
	atstest.Kit
	Server       *httptest.Server
	APIKey       string
	AccountToken string

	mu          sync.Mutex
	clock       time.Time
	jobs        []*Job
	stages      []*Stage
	stageByID   map[string]*Stage
	questions   []*Question
	depts       map[string]*Named
	offices     map[string]*Named
	cands       []*Candidate
	apps        []*Application
	tags        []*Named
	reasons     []*Named
	users       []*User
	activities  []*Activity
	attachments []*Attachment
	status      string
	syncing     bool
	resyncs     int
	nextID      int
	failLookups atstest.Countdown
	ops         map[string][]string
}

var _ atstest.Fake = (*Fake)(nil)

// New starts a seeded fake.
func New(apiKey, accountToken string, s Seed) *Fake {
	f := &Fake{APIKey: apiKey, AccountToken: accountToken, status: "COMPLETE"}
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the API root including the version path.
func (f *Fake) URL() string { return f.Server.URL + Prefix }

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

func ts(i int) ats.FlexTime { return ats.FlexTime{Time: Base.Add(time.Duration(i) * time.Second)} }

// uuid makes a deterministic UUID-shaped id.
func uuid(kind, i int) string {
	return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", kind, i>>16&0xffff, i>>4&0xfff, i&0xf, 0xabc000000000+i)
}

func str(s string) *string { return &s }

func common(kind, i int) Common {
	return Common{ID: uuid(kind, i), RemoteID: str(strconv.Itoa(10000*kind + i)), CreatedAt: ts(i), ModifiedAt: ts(i),
		FieldMappings: map[string]any{"organization_defined_targets": map[string]any{}, "linked_account_defined_targets": map[string]any{}}}
}

// Kinds used in generated ids.
const (
	kJob = iota + 1
	kStage
	kQuestion
	kDept
	kOffice
	kCand
	kApp
	kTag
	kReason
	kUser
	kAnswer
	kActivity
	kAttachment
)

func (f *Fake) seed(s Seed) {
	f.depts, f.offices, f.stageByID = map[string]*Named{}, map[string]*Named{}, map[string]*Stage{}
	dept := &Named{Common: common(kDept, 0), Name: "Engineering"}
	office := &Named{Common: common(kOffice, 0), Name: "Berlin"}
	f.depts[dept.ID], f.offices[office.ID] = dept, office
	names := []string{"Application Review", "AI Interview", "Onsite", "Offer", "Hired"}
	for j := 0; j < s.Jobs; j++ {
		job := &Job{Common: common(kJob, j), Name: fmt.Sprintf("Engineer %d", j), Code: fmt.Sprintf("ENG-%d", j),
			Description: "<p>Build <b>hireloop</b>.</p><ul><li>Go</li><li>SQLite</li></ul>",
			Status:      []string{"OPEN", "CLOSED", "DRAFT", "ARCHIVED", "PENDING"}[j%5], JobPostingURLs: []any{},
			RemoteCreatedAt: ts(j), RemoteUpdatedAt: ts(j), Departments: []string{dept.ID}, Offices: []string{office.ID},
			HiringManagers: []string{}, Recruiters: []string{}}
		f.jobs = append(f.jobs, job)
		for k := 0; k < s.StagesPerJob; k++ {
			n := j*s.StagesPerJob + k
			st := &Stage{Common: common(kStage, n), Name: names[k%len(names)], Job: job.ID, StageOrder: k}
			f.stages = append(f.stages, st)
			f.stageByID[st.ID] = st
		}
		q := &Question{Common: common(kQuestion, j), Job: job.ID, Title: "Work permit?", Description: "Do you hold an EU work permit?",
			Type: "SINGLE_SELECT", Required: true,
			Options: []Option{{ID: uuid(kQuestion, 1000+2*j), RemoteID: "1", Label: "Yes"}, {ID: uuid(kQuestion, 1001+2*j), RemoteID: "2", Label: "No"}}}
		f.questions = append(f.questions, q)
	}
	for i := 0; i < s.Tags; i++ {
		t := &Named{Common: common(kTag, i), Name: fmt.Sprintf("tag-%d", i)}
		t.ID = "" // Merge tags have no id
		f.tags = append(f.tags, t)
	}
	for i := 0; i < s.RejectionReasons; i++ {
		f.reasons = append(f.reasons, &Named{Common: common(kReason, i), Name: fmt.Sprintf("Reason %d", i)})
	}
	for i := 0; i < s.Users; i++ {
		f.users = append(f.users, &User{Common: common(kUser, i), FirstName: "User", LastName: strconv.Itoa(i),
			Email: fmt.Sprintf("user%d@example.com", i), AccessRole: "ADMIN"})
	}
	for i := 0; i < s.Candidates; i++ {
		c := &Candidate{Common: common(kCand, i), FirstName: fmt.Sprintf("First%d", i), LastName: fmt.Sprintf("Last%d", i),
			RemoteCreatedAt: ts(i), CanEmail: true, Locations: []string{},
			EmailAddresses: []map[string]any{{"value": fmt.Sprintf("cand%d@example.com", i), "email_address_type": "PERSONAL"}},
			PhoneNumbers:   []map[string]any{{"value": fmt.Sprintf("+4930%07d", i), "phone_number_type": "MOBILE"}},
			Tags:           []string{}, Applications: []string{}, Attachments: []string{}}
		if s.Tags > 0 && i%2 == 1 {
			c.Tags = append(c.Tags, f.tags[i%s.Tags].Name)
		}
		f.cands = append(f.cands, c)
	}
	for i := 0; i < s.Applications && s.Jobs > 0 && s.Candidates > 0; i++ {
		job := f.jobs[i%s.Jobs]
		cand := f.cands[i%s.Candidates]
		a := &Application{Common: common(kApp, i), Candidate: cand.ID, Job: job.ID, AppliedAt: ts(i), Offers: []string{}, Source: "Careers page"}
		if st := f.jobStages(job.ID); len(st) > 0 {
			a.CurrentStage = &st[i%max(1, len(st)-1)].ID
		}
		if j := i % s.Jobs; j < len(f.questions) {
			a.Answers = []Answer{{Common: common(kAnswer, i), Question: f.questions[j].ID, Answer: "Yes"}}
		}
		if s.RejectionReasons > 0 && i%7 == 6 {
			a.RejectReason, a.RejectedAt = &f.reasons[i%s.RejectionReasons].ID, ts(i)
		}
		cand.Applications = append(cand.Applications, a.ID)
		f.apps = append(f.apps, a)
	}
	f.clock = ts(max(s.Jobs*max(1, s.StagesPerJob), s.Candidates, s.Applications)).Time
}

func (f *Fake) tick() ats.FlexTime {
	f.clock = f.clock.Add(time.Minute)
	return ats.FlexTime{Time: f.clock}
}

func (f *Fake) jobStages(jobID string) []*Stage {
	var out []*Stage
	for _, s := range f.stages {
		if s.Job == jobID {
			out = append(out, s)
		}
	}
	return out
}

// SetAccountStatus sets GET /account-details status (COMPLETE,
// INCOMPLETE, RELINK_NEEDED).
func (f *Fake) SetAccountStatus(s string) { f.mu.Lock(); f.status = s; f.mu.Unlock() }

// SetOperations overrides one model's available_operations in GET
// /available-actions (an empty list drops the model).
func (f *Fake) SetOperations(model string, ops ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.ops == nil {
		f.ops = map[string][]string{}
	}
	f.ops[model] = ops
}

// SetSyncing makes GET /sync-status report a running sync.
func (f *Fake) SetSyncing(on bool) { f.mu.Lock(); f.syncing = on; f.mu.Unlock() }

// Resyncs is the number of POST /sync-status/resync calls accepted.
func (f *Fake) Resyncs() int { f.mu.Lock(); defer f.mu.Unlock(); return f.resyncs }

// FailLookups makes the next n single-candidate reads (GET
// /candidates/{id}) fail with 500. Those reads bypass the kit (no fault
// injection, no rate-limit accounting) so that the suite's injected faults
// land on the write that follows the read.
func (f *Fake) FailLookups(n int) { f.failLookups.Set(n) }

// Activities returns copies of the activities written so far.
func (f *Fake) Activities() []Activity {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Activity, 0, len(f.activities))
	for _, a := range f.activities {
		out = append(out, *a)
	}
	return out
}

// CandidateTags returns a candidate's tags.
func (f *Fake) CandidateTags(id string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c := f.cand(id); c != nil {
		return slices.Clone(c.Tags)
	}
	return nil
}

// Application returns a copy of an application.
func (f *Fake) Application(id string) (Application, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a := f.app(id); a != nil {
		return *a, true
	}
	return Application{}, false
}

// Expect implements atstest.Fake.
func (f *Fake) Expect() atstest.Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	live := 0
	for _, c := range f.cands {
		if !c.RemoteWasDeleted {
			live++
		}
	}
	return atstest.Counts{Jobs: len(f.jobs), Stages: len(f.stages), Candidates: live, Applications: len(f.apps),
		Tags: len(f.tags), RejectionReasons: len(f.reasons), Users: len(f.users)}
}

// Samples implements atstest.Fake.
func (f *Fake) Samples() atstest.Samples {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.apps[0]
	other := ""
	for _, st := range f.jobStages(a.Job) {
		if a.CurrentStage == nil || st.ID != *a.CurrentStage {
			other = st.ID
			break
		}
	}
	s := atstest.Samples{ApplicationID: a.ID, CandidateID: a.Candidate, JobID: a.Job, OtherStageID: other}
	if a.CurrentStage != nil {
		s.StageID = *a.CurrentStage
	}
	if len(f.reasons) > 0 {
		s.RejectionReasonID = f.reasons[0].ID
	}
	return s
}

func (f *Fake) app(id string) *Application {
	for _, a := range f.apps {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func (f *Fake) cand(id string) *Candidate {
	for _, c := range f.cands {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (f *Fake) user(id string) *User {
	for _, u := range f.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

func (f *Fake) move(appID, stageID string) bool {
	a := f.app(appID)
	if a == nil {
		return false
	}
	for _, st := range f.jobStages(a.Job) {
		if st.ID == stageID {
			id := st.ID
			a.CurrentStage = &id
			a.ModifiedAt = f.tick()
			return true
		}
	}
	return false
}

// MoveApplication implements atstest.Fake.
func (f *Fake) MoveApplication(appID, stageID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.move(appID, stageID) {
		panic("fake: MoveApplication: unknown application or stage")
	}
}

// TouchCandidate implements atstest.Fake.
func (f *Fake) TouchCandidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cand(id).ModifiedAt = f.tick()
}

// DeleteCandidate implements atstest.Fake: Merge keeps the row with
// remote_was_deleted=true, listed only with include_deleted_data=true.
func (f *Fake) DeleteCandidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cand(id)
	c.ModifiedAt = f.tick()
	c.RemoteWasDeleted = true
}

// Sign returns base64url(HMAC-SHA256(key, body)) as Merge sends it.
func Sign(body []byte, key string) string {
	return base64.URLEncoding.EncodeToString(ats.HMACSHA256(key, body))
}

// SignWebhook implements atstest.Fake.
func (f *Fake) SignWebhook(body []byte, secret string) http.Header {
	return http.Header{"X-Merge-Webhook-Signature": {Sign(body, secret)}, "Content-Type": {"application/json"}}
}

// ---- HTTP ----

func detail(w http.ResponseWriter, status int, msg string) {
	atstest.WritePlainJSON(w, status, map[string]any{"detail": msg})
}

// problems answers a failed write the way Merge does.
func problems(w http.ResponseWriter, pointer, title, msg, typ string) {
	atstest.WritePlainJSON(w, http.StatusBadRequest, map[string]any{"model": nil, "warnings": []any{},
		"errors": []any{map[string]any{"source": map[string]any{"pointer": pointer}, "title": title, "detail": msg, "problem_type": typ}}})
}

func (f *Fake) ok(w http.ResponseWriter, status int, v any) {
	if err := f.WriteJSON(w, status, v); err != nil {
		detail(w, 500, err.Error())
	}
}

func (f *Fake) write429(w http.ResponseWriter, at time.Time) {
	secs := max(1, int(time.Until(at).Seconds()+0.999))
	f.MarkRetryAfter(time.Now().Add(time.Duration(secs) * time.Second))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	detail(w, http.StatusTooManyRequests, fmt.Sprintf("Request was throttled. Expected available in %d seconds.", secs))
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, Prefix)
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var d atstest.Decision
	if r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "candidates" {
		if f.failLookups.Take() {
			detail(w, http.StatusInternalServerError, "look-up failed")
			return
		}
	} else {
		d = f.Admit(r)
	}
	if d.Throttled {
		f.write429(w, d.RetryAt)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+f.APIKey {
		detail(w, http.StatusUnauthorized, "Invalid API key.")
		return
	}
	if r.Header.Get("X-Account-Token") != f.AccountToken {
		detail(w, http.StatusUnauthorized, "Invalid account token.")
		return
	}
	if ft := d.Fault; ft != nil {
		switch ft.Kind {
		case atstest.FaultServer:
			detail(w, http.StatusInternalServerError, ft.Message)
		case atstest.FaultUnauthorized:
			detail(w, http.StatusUnauthorized, ft.Message)
		case atstest.FaultNotFound:
			detail(w, http.StatusNotFound, ft.Message)
		case atstest.FaultInvalid:
			problems(w, "/model", "Invalid Field", ft.Message, "INVALID_FIELD")
		case atstest.FaultRateLimited:
			f.write429(w, time.Now().Add(ft.RetryAfter))
		case atstest.FaultMalformed:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"next":null,"previous":null,"results":[{"id":`)
		}
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == http.MethodGet:
		f.serveRead(w, r, parts)
	case r.Method == http.MethodPost && path == "/sync-status/resync":
		f.resyncs++
		f.syncing = true
		f.ok(w, http.StatusOK, f.syncStatuses())
	default:
		f.serveWrite(w, r, parts, d.Body)
	}
}

func (f *Fake) syncStatuses() []map[string]any {
	status := "DONE"
	if f.syncing {
		status = "SYNCING"
	}
	var out []map[string]any
	for _, m := range []string{"Job", "JobInterviewStage", "Candidate", "Application", "Tag", "RejectReason", "RemoteUser"} {
		out = append(out, map[string]any{"model_name": m, "model_id": "ats." + m, "last_sync_start": ts(0), "next_sync_start": f.clock.Add(time.Hour),
			"last_sync_result": "DONE", "last_sync_finished": ts(1), "status": status, "is_initial_sync": false,
			"selective_sync_configurations_usage": "IN_NEXT_SYNC"})
	}
	return out
}

// cursor encodes an offset opaquely, as Merge's cursors are.
func cursor(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("p=" + strconv.Itoa(off)))
}

func uncursor(s string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), "p=") {
		return 0, false
	}
	n, err := strconv.Atoi(string(b[2:]))
	return n, err == nil
}

func expands(r *http.Request) map[string]bool {
	m := map[string]bool{}
	for _, e := range strings.Split(r.URL.Query().Get("expand"), ",") {
		if e != "" {
			m[e] = true
		}
	}
	return m
}

func (f *Fake) serveRead(w http.ResponseWriter, r *http.Request, parts []string) {
	q := r.URL.Query()
	switch {
	case len(parts) == 1 && parts[0] == "account-details":
		f.ok(w, 200, map[string]any{"id": uuid(99, 1), "integration": "Greenhouse", "integration_slug": "greenhouse", "category": "ats",
			"end_user_origin_id": "hireloop-1", "end_user_organization_name": "Acme", "end_user_email_address": "hr@acme.example",
			"status": f.status, "webhook_listener_url": "https://api.merge.dev/api/integrations/webhook-listener/x", "is_duplicate": nil,
			"account_type": "PRODUCTION"})
		return
	case len(parts) == 1 && parts[0] == "available-actions":
		ops := []any{}
		for _, m := range []string{"Activity", "Application", "Attachment", "Candidate", "Job", "JobInterviewStage", "RejectReason", "RemoteUser", "Tag"} {
			o, ok := f.ops[m]
			if !ok {
				o = []string{"FETCH", "CREATE"}
			}
			if len(o) > 0 {
				ops = append(ops, map[string]any{"model_name": m, "available_operations": o, "required_post_parameters": []string{"remote_user_id"},
					"supported_fields": []string{}})
			}
		}
		f.ok(w, 200, map[string]any{"integration": map[string]any{"name": "Greenhouse", "categories": []string{"ats"}, "slug": "greenhouse",
			"passthrough_available": true}, "passthrough_available": true, "available_model_operations": ops})
		return
	case len(parts) == 2 && parts[0] == "candidates":
		c := f.cand(parts[1])
		if c == nil {
			detail(w, http.StatusNotFound, "Not found.")
			return
		}
		f.ok(w, 200, c)
		return
	case len(parts) == 2 && parts[0] == "applications":
		a := f.app(parts[1])
		if a == nil {
			detail(w, http.StatusNotFound, "Not found.")
			return
		}
		f.ok(w, 200, a)
		return
	}
	size := 100
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			detail(w, http.StatusBadRequest, "page_size must be between 1 and 100")
			return
		}
		size = n
	}
	var after time.Time
	if v := q.Get("modified_after"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			detail(w, http.StatusBadRequest, "modified_after must be an ISO 8601 datetime")
			return
		}
		after = t
	}
	incDel := q.Get("include_deleted_data") == "true"
	keep := func(c Common) bool { return !c.ModifiedAt.Before(after) && (incDel || !c.RemoteWasDeleted) }
	ex := expands(r)
	var rows []any
	// conv renders a row of the requested page (expansions), so only the
	// page is transformed, not every row.
	conv := func(v any) any { return v }
	switch {
	case len(parts) == 1 && parts[0] == "jobs":
		for _, x := range f.jobs {
			if keep(x.Common) {
				rows = append(rows, x)
			}
		}
		if ex["departments"] || ex["offices"] {
			conv = func(v any) any {
				x := v.(*Job)
				m := toMap(x)
				if ex["departments"] {
					m["departments"] = lookup(x.Departments, f.depts)
				}
				if ex["offices"] {
					m["offices"] = lookup(x.Offices, f.offices)
				}
				return m
			}
		}
	case len(parts) == 3 && parts[0] == "jobs" && parts[2] == "screening-questions":
		for _, x := range f.questions {
			if x.Job != parts[1] || !keep(x.Common) {
				continue
			}
			if ex["options"] {
				rows = append(rows, x)
			} else {
				m := toMap(x)
				ids := []string{}
				for _, o := range x.Options {
					ids = append(ids, o.ID)
				}
				m["options"] = ids
				rows = append(rows, m)
			}
		}
	case len(parts) == 1 && parts[0] == "job-interview-stages":
		for _, x := range f.stages {
			if keep(x.Common) && (q.Get("job_id") == "" || q.Get("job_id") == x.Job) {
				rows = append(rows, x)
			}
		}
	case len(parts) == 1 && parts[0] == "candidates":
		for _, x := range f.cands {
			if keep(x.Common) {
				rows = append(rows, x)
			}
		}
	case len(parts) == 1 && parts[0] == "applications":
		for _, x := range f.apps {
			if keep(x.Common) {
				rows = append(rows, x)
			}
		}
		conv = func(v any) any { return f.expandApp(v.(*Application), ex) }
	case len(parts) == 1 && parts[0] == "tags":
		for _, x := range f.tags {
			if keep(x.Common) {
				m := toMap(x)
				delete(m, "id")
				delete(m, "created_at")
				rows = append(rows, m)
			}
		}
	case len(parts) == 1 && parts[0] == "reject-reasons":
		for _, x := range f.reasons {
			if keep(x.Common) {
				rows = append(rows, x)
			}
		}
	case len(parts) == 1 && parts[0] == "users":
		for _, x := range f.users {
			if keep(x.Common) {
				rows = append(rows, x)
			}
		}
	case len(parts) == 1 && parts[0] == "activities":
		for _, x := range f.activities {
			if keep(x.Common) && (q.Get("user_id") == "" || q.Get("user_id") == x.User) {
				rows = append(rows, x)
			}
		}
	case len(parts) == 1 && parts[0] == "attachments":
		for _, x := range f.attachments {
			if keep(x.Common) && (q.Get("candidate_id") == "" || q.Get("candidate_id") == x.Candidate) {
				rows = append(rows, x)
			}
		}
	case len(parts) == 1 && parts[0] == "sync-status":
		for _, x := range f.syncStatuses() {
			rows = append(rows, x)
		}
	default:
		detail(w, http.StatusNotFound, "Not found.")
		return
	}
	off := 0
	if c := q.Get("cursor"); c != "" {
		var ok bool
		if off, ok = uncursor(c); !ok {
			detail(w, http.StatusBadRequest, "Invalid cursor")
			return
		}
	}
	start := min(off, len(rows))
	end := min(start+size, len(rows))
	var next, prev any
	if end < len(rows) {
		next = cursor(end)
	}
	if start > 0 {
		prev = cursor(max(0, start-size))
	}
	results := make([]any, 0, end-start)
	for _, v := range rows[start:end] {
		results = append(results, conv(v))
	}
	f.ok(w, 200, map[string]any{"next": next, "previous": prev, "results": results})
}

func toMap(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func lookup(ids []string, in map[string]*Named) []any {
	out := []any{}
	for _, id := range ids {
		if n, ok := in[id]; ok {
			out = append(out, n)
		}
	}
	return out
}

// appOut renders an application with the requested expansions; the outer
// fields shadow the embedded ids in JSON.
type appOut struct {
	*Application
	CurrentStage any `json:"current_stage"`
	RejectReason any `json:"reject_reason"`
	Answers      any `json:"screening_question_answers"`
}

type answerOut struct {
	Answer
	Question any `json:"question"`
}

func (f *Fake) expandApp(a *Application, ex map[string]bool) any {
	out := appOut{Application: a, CurrentStage: a.CurrentStage, RejectReason: a.RejectReason}
	if ex["current_stage"] && a.CurrentStage != nil {
		out.CurrentStage = f.stageByID[*a.CurrentStage]
	}
	if ex["reject_reason"] && a.RejectReason != nil {
		for _, r := range f.reasons {
			if r.ID == *a.RejectReason {
				out.RejectReason = r
			}
		}
	}
	switch {
	case !ex["screening_question_answers"]:
		ids := []string{}
		for _, an := range a.Answers {
			ids = append(ids, an.ID)
		}
		out.Answers = ids
	case ex["screening_question_answers.question"]:
		ans := []answerOut{}
		for _, an := range a.Answers {
			ao := answerOut{Answer: an, Question: an.Question}
			for _, q := range f.questions {
				if q.ID == an.Question {
					ao.Question = q
				}
			}
			ans = append(ans, ao)
		}
		out.Answers = ans
	default:
		out.Answers = a.Answers
	}
	return out
}

func (f *Fake) serveWrite(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		detail(w, http.StatusBadRequest, "JSON parse error")
		return
	}
	s := func(m map[string]any, k string) string { v, _ := m[k].(string); return v }
	user := s(in, "remote_user_id")
	if f.user(user) == nil {
		problems(w, "/remote_user_id", "Missing Required Field", "remote_user_id must name an existing RemoteUser.", "MISSING_REQUIRED_FIELD")
		return
	}
	model, _ := in["model"].(map[string]any)
	created := func(v any) {
		f.ok(w, http.StatusCreated, map[string]any{"model": v, "warnings": []any{}, "errors": []any{}})
	}
	switch {
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "activities":
		if f.cand(s(model, "candidate")) == nil {
			problems(w, "/model/candidate", "Invalid Field", "Candidate not found.", "INVALID_FIELD")
			return
		}
		if s(model, "activity_type") != "NOTE" || s(model, "body") == "" {
			problems(w, "/model/body", "Missing Required Field", "activity_type NOTE and body are required.", "MISSING_REQUIRED_FIELD")
			return
		}
		if v := s(model, "visibility"); v != "PUBLIC" && v != "PRIVATE" && v != "ADMIN_ONLY" {
			problems(w, "/model/visibility", "Invalid Field", "visibility must be ADMIN_ONLY, PUBLIC or PRIVATE.", "INVALID_FIELD")
			return
		}
		f.nextID++
		a := &Activity{Common: common(kActivity, f.nextID), User: s(model, "user"), ActivityType: "NOTE", Subject: s(model, "subject"),
			Body: s(model, "body"), Visibility: s(model, "visibility"), Candidate: s(model, "candidate")}
		a.ModifiedAt = f.tick()
		f.activities = append(f.activities, a)
		created(a)
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "attachments":
		if f.cand(s(model, "candidate")) == nil {
			problems(w, "/model/candidate", "Invalid Field", "Candidate not found.", "INVALID_FIELD")
			return
		}
		if !strings.HasPrefix(s(model, "file_url"), "https://") && !strings.HasPrefix(s(model, "file_url"), "http://") {
			problems(w, "/model/file_url", "Invalid Field", "file_url must be a URL.", "INVALID_FIELD")
			return
		}
		if !slices.Contains([]string{"RESUME", "COVER_LETTER", "OFFER_LETTER", "OTHER"}, s(model, "attachment_type")) {
			problems(w, "/model/attachment_type", "Invalid Field", "attachment_type is invalid.", "INVALID_FIELD")
			return
		}
		f.nextID++
		a := &Attachment{Common: common(kAttachment, f.nextID), FileName: s(model, "file_name"), FileURL: s(model, "file_url"),
			Candidate: s(model, "candidate"), AttachmentType: s(model, "attachment_type")}
		a.ModifiedAt = f.tick()
		f.attachments = append(f.attachments, a)
		c := f.cand(a.Candidate)
		c.Attachments = append(c.Attachments, a.ID)
		created(a)
	case r.Method == http.MethodPost && len(parts) == 3 && parts[0] == "applications" && parts[2] == "change-stage":
		a := f.app(parts[1])
		if a == nil {
			detail(w, http.StatusNotFound, "Not found.")
			return
		}
		if !f.move(a.ID, s(in, "job_interview_stage")) {
			problems(w, "/job_interview_stage", "Invalid Field", "Stage does not belong to this application's job.", "INVALID_FIELD")
			return
		}
		f.ok(w, http.StatusOK, map[string]any{"model": a, "warnings": []any{}, "errors": []any{}})
	case r.Method == http.MethodPatch && len(parts) == 2 && parts[0] == "candidates":
		c := f.cand(parts[1])
		if c == nil {
			detail(w, http.StatusNotFound, "Not found.")
			return
		}
		raw, ok := model["tags"].([]any)
		if !ok {
			problems(w, "/model/tags", "Invalid Field", "tags must be a list of strings.", "INVALID_FIELD")
			return
		}
		tags := []string{}
		for _, t := range raw {
			if ts, ok := t.(string); ok {
				tags = append(tags, ts)
			}
		}
		c.Tags = tags
		c.ModifiedAt = f.tick()
		f.ok(w, http.StatusOK, map[string]any{"model": c, "warnings": []any{}, "errors": []any{}})
	default:
		detail(w, http.StatusNotFound, "Not found.")
	}
}
