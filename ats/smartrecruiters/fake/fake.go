// Package fake is an in-process SmartRecruiters Customer API for tests. It
// speaks the wire format the connector relies on (see the smartrecruiters
// package doc for which parts are confirmed and which inferred):
// X-SmartToken auth; {totalFound, content[]} lists paged by limit (1–100)
// and an opaque pageId → nextPageId (/jobs, /candidates) or by limit +
// offset (/users); updatedAfter on /jobs and /candidates; candidates with
// primaryAssignment + secondaryAssignments[]; the fixed statuses; error
// bodies {"message"} and {"errors":[{"code","message"}]}; X-RateLimit-Limit
// and X-RateLimit-Remaining when a limit is set; 429 with Retry-After in
// seconds; the write endpoints hireloop uses, with their side effects
// (every candidate write bumps the candidate's updatedOn); and the webhook
// subscriptions API, whose activation performs the X-Hook-Secret handshake
// against the callback URL as SmartRecruiters does.
//
// Screening questions: the Posting API list GET /v1/companies/{company}/
// postings (limit ≤ 100 + offset, 404 for a company other than Company,
// no authentication needed) has one posting per job ad, each with its
// jobAdId and defaultJobAd; GET /postings/{uuid}/configuration returns the
// posting's questions (see Questions). Job 0 has a second, non-default ad
// whose ad and posting are listed first and ask a different question, so
// a client that ignores defaultJobAd gets the wrong set.
//
// Webhook signatures are headers over timestamp.body.event-id.event-name.
// event-version.link; SignWebhook takes those headers from RegisterDelivery
// (or defaults) so a test can choose the event of each sample body.
package fake

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
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

// Seed sizes the generated data. Generation is deterministic.
// ExtraAssignments gives the first candidates a secondary assignment.
type Seed struct {
	Jobs, Candidates, ExtraAssignments, Tags, RejectionReasons, Users int
}

// SmallSeed is what the conformance suite uses: 23 candidates with 26
// assignments (candidates 0–2 have two), 3 jobs.
var SmallSeed = Seed{Jobs: 3, Candidates: 23, ExtraAssignments: 3, Tags: 4, RejectionReasons: 3, Users: 3}

// SeedFor returns a seed with at least n applications (one per candidate).
func SeedFor(n int) Seed {
	return Seed{Jobs: max(3, n/500), Candidates: n, Tags: 4, RejectionReasons: 3, Users: 3}
}

// Base is the first generated timestamp; row i changes at Base + i s.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// ID builds a deterministic UUID-shaped id.
func ID(kind, i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", kind, i) }

const (
	kindJob = iota + 1
	kindCandidate
	kindUser
	kindReason
	kindAd
	kindMessage
	kindAttachment
	kindSubscription
	kindPosting
)

// CompanyIdentifier is the career-site company identifier the fake's
// Posting API answers for (Fake.Company starts as this).
const CompanyIdentifier = "AcmeCo"

// PostingUUID is the uuid of the posting of the i-th job's default ad.
func PostingUUID(i int) string { return ID(kindPosting, i) }

// extraAd is the index of job 0's second, non-default ad and its posting.
const extraAd = 1_000_000

// JobID is the id of the i-th seeded job.
func JobID(i int) string { return ID(kindJob, i) }

// CandidateID is the id of the i-th seeded candidate.
func CandidateID(i int) string { return ID(kindCandidate, i) }

// Job is a seeded job.
type Job struct {
	ID, Title, Status, Dept string
	HasAd                   bool
	// NoConfiguration makes the job's postings' configuration answer 404
	// (a posting unpublished after the list was read).
	NoConfiguration      bool
	CreatedOn, UpdatedOn time.Time
}

// Assignment is a candidate's candidacy in one job.
type Assignment struct {
	JobID, Status, SubStatus, ReasonID string
}

// Candidate is a seeded candidate.
type Candidate struct {
	ID, FirstName, LastName, Email, Phone string
	Tags                                  []string
	Assignments                           []*Assignment
	CreatedOn, UpdatedOn                  time.Time
}

// Reason is a rejection reason.
type Reason struct{ ID, Label string }

// User is a SmartRecruiters user.
type User struct{ ID, FirstName, LastName, Email string }

// Message is a recorded POST /messages/shares.
type Message struct {
	CandidateID string
	Content     string
	ShareWith   map[string]any
}

// Attachment is a recorded upload.
type Attachment struct {
	CandidateID, Type, Name, ContentType string
	Data                                 []byte
}

// Subscription is a webhook subscription.
type Subscription struct {
	ID, CallbackURL string
	Events          []map[string]string
	Keys            []string
	Active          bool
}

// Fake is the server.
type Fake struct {
	atstest.Kit
	Server *httptest.Server
	APIKey string
	// Company is the company identifier the Posting API knows; set it
	// before use.
	Company string

	mu         sync.Mutex
	clock      time.Time
	jobs       []*Job
	cands      []*Candidate
	reasons    []*Reason
	users      []*User
	messages   []Message
	files      []Attachment
	subs       []*Subscription
	deliveries map[string]http.Header
	rendered   map[*Candidate]cachedJSON
	nextID     int
	// HandshakeClient performs the activation handshake (default: a client
	// with a 20 s timeout, as SmartRecruiters allows).
	HandshakeClient *http.Client
}

var _ atstest.Fake = (*Fake)(nil)

// New starts a fake seeded with s. Close it with Close.
func New(apiKey string, s Seed) *Fake {
	f := &Fake{APIKey: apiKey, Company: CompanyIdentifier, deliveries: map[string]http.Header{}, rendered: map[*Candidate]cachedJSON{}, HandshakeClient: &http.Client{Timeout: 20 * time.Second}}
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the API root of the fake.
func (f *Fake) URL() string { return f.Server.URL }

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

func ts(i int) time.Time { return Base.Add(time.Duration(i) * time.Second) }

var jobStatuses = []string{"SOURCING", "FILLED", "INTERVIEW", "CREATED"}

// seedStatuses are the statuses candidates are spread over (REJECTED and
// HIRED appear at fixed indexes, below).
var seedStatuses = []string{"NEW", "IN_REVIEW", "INTERVIEW", "LEAD", "OFFERED"}

func (f *Fake) seed(s Seed) {
	for j := 0; j < s.Jobs; j++ {
		f.jobs = append(f.jobs, &Job{ID: JobID(j), Title: fmt.Sprintf("Engineer %d", j), Status: jobStatuses[j%len(jobStatuses)],
			Dept: "Research & Development", HasAd: j%3 != 2, CreatedOn: ts(j), UpdatedOn: ts(j)})
	}
	for i := 0; i < s.RejectionReasons; i++ {
		f.reasons = append(f.reasons, &Reason{ID: ID(kindReason, i), Label: fmt.Sprintf("Reason %d", i)})
	}
	for i := 0; i < s.Users; i++ {
		f.users = append(f.users, &User{ID: ID(kindUser, i), FirstName: "User", LastName: strconv.Itoa(i), Email: fmt.Sprintf("user%d@example.com", i)})
	}
	for i := 0; i < s.Candidates && s.Jobs > 0; i++ {
		c := &Candidate{ID: CandidateID(i), FirstName: fmt.Sprintf("First%d", i), LastName: fmt.Sprintf("Last%d", i),
			Email: fmt.Sprintf("cand%d@example.com", i), Phone: fmt.Sprintf("+1 555 %07d", i), Tags: []string{},
			CreatedOn: ts(i), UpdatedOn: ts(i)}
		if s.Tags > 0 && (i%2 == 0 || i < 2*s.Tags) {
			c.Tags = append(c.Tags, fmt.Sprintf("tag-%d", i%s.Tags))
		}
		a := &Assignment{JobID: f.jobs[i%s.Jobs].ID, Status: seedStatuses[i%len(seedStatuses)]}
		switch {
		case i == 5 && s.RejectionReasons > 0:
			a.Status, a.ReasonID = "REJECTED", f.reasons[0].ID
		case i == 7:
			a.Status = "HIRED"
		case i == 9:
			a.Status, a.SubStatus = "INTERVIEW", "Phone screen"
		}
		c.Assignments = append(c.Assignments, a)
		if i < s.ExtraAssignments && s.Jobs > 1 {
			c.Assignments = append(c.Assignments, &Assignment{JobID: f.jobs[(i+1)%s.Jobs].ID, Status: "NEW"})
		}
		f.cands = append(f.cands, c)
	}
	f.clock = ts(max(s.Candidates, s.Jobs))
}

func (f *Fake) tick() time.Time {
	f.clock = f.clock.Add(time.Minute)
	return f.clock
}

func (f *Fake) tagSet() []string {
	var out []string
	for _, c := range f.cands {
		for _, t := range c.Tags {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// Expect implements atstest.Fake. Tags are the distinct tags in use
// (SmartRecruiters has no separate tag list).
func (f *Fake) Expect() atstest.Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	apps := 0
	for _, c := range f.cands {
		apps += len(c.Assignments)
	}
	return atstest.Counts{Jobs: len(f.jobs), Stages: 9, Candidates: len(f.cands), Applications: apps,
		Tags: len(f.tagSet()), RejectionReasons: len(f.reasons), Users: len(f.users)}
}

// Samples implements atstest.Fake: candidate 0's primary assignment (NEW),
// INTERVIEW as the other stage, the first rejection reason.
func (f *Fake) Samples() atstest.Samples {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cands[0]
	a := c.Assignments[0]
	other := "INTERVIEW"
	if a.Status == other {
		other = "IN_REVIEW"
	}
	return atstest.Samples{ApplicationID: c.ID + ":" + a.JobID, CandidateID: c.ID, JobID: a.JobID, StageID: a.Status,
		OtherStageID: other, RejectionReasonID: f.reasons[0].ID}
}

func (f *Fake) cand(id string) *Candidate {
	for _, c := range f.cands {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (c *Candidate) assignment(jobID string) *Assignment {
	for _, a := range c.Assignments {
		if a.JobID == jobID {
			return a
		}
	}
	return nil
}

// MoveApplication implements atstest.Fake: appID is "<candidateId>:<jobId>".
func (f *Fake) MoveApplication(appID, status string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	cid, jid, _ := strings.Cut(appID, ":")
	c := f.cand(cid)
	if c == nil || c.assignment(jid) == nil || !validStatus(status) {
		panic("fake: MoveApplication: unknown application or status")
	}
	c.assignment(jid).Status = status
	c.UpdatedOn = f.tick()
}

// TouchCandidate implements atstest.Fake.
func (f *Fake) TouchCandidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cand(id)
	if c == nil {
		panic("fake: TouchCandidate: unknown candidate")
	}
	c.UpdatedOn = f.tick()
}

// DeleteCandidate implements atstest.Fake: the candidate is gone.
func (f *Fake) DeleteCandidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cands = slices.DeleteFunc(f.cands, func(c *Candidate) bool { return c.ID == id })
}

// Candidate returns a deep copy of a candidate.
func (f *Fake) Candidate(id string) (Candidate, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cand(id)
	if c == nil {
		return Candidate{}, false
	}
	out := *c
	out.Tags = slices.Clone(c.Tags)
	out.Assignments = nil
	for _, a := range c.Assignments {
		x := *a
		out.Assignments = append(out.Assignments, &x)
	}
	return out, true
}

// HideConfiguration makes GET /postings/{uuid}/configuration answer 404
// for every posting of the job.
func (f *Fake) HideConfiguration(jobID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, j := range f.jobs {
		if j.ID == jobID {
			j.NoConfiguration = true
			return
		}
	}
	panic("fake: HideConfiguration: unknown job")
}

// Messages returns the shared messages so far.
func (f *Fake) Messages() []Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.messages)
}

// Attachments returns the uploads so far.
func (f *Fake) Attachments() []Attachment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.files)
}

// Subscriptions returns copies of the webhook subscriptions.
func (f *Fake) Subscriptions() []Subscription {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Subscription
	for _, s := range f.subs {
		out = append(out, *s)
	}
	return out
}

// ---- webhooks ----

// RegisterDelivery sets the delivery headers (event-id, event-name,
// event-version, link, smartrecruiters-timestamp) SignWebhook uses for
// body; unset ones take defaults.
func (f *Fake) RegisterDelivery(body []byte, h http.Header) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deliveries[string(body)] = h.Clone()
}

// SignWebhook implements atstest.Fake: the delivery headers of body (see
// RegisterDelivery; defaults: event application.created v201910, an
// event-id derived from the body, timestamp 1574080897, no Link) plus
// smartrecruiters-signature "v1=<hex>" under secret.
func (f *Fake) SignWebhook(body []byte, secret string) http.Header {
	f.mu.Lock()
	h := f.deliveries[string(body)].Clone()
	f.mu.Unlock()
	if h == nil {
		h = http.Header{}
	}
	sum := sha256.Sum256(body)
	defaults := map[string]string{"Content-Type": "application/json", "smartrecruiters-timestamp": "1574080897",
		"event-id": hex.EncodeToString(sum[:8]), "event-name": "application.created", "event-version": "v201910"}
	for k, v := range defaults {
		if h.Get(k) == "" {
			h.Set(k, v)
		}
	}
	h.Set("smartrecruiters-signature", "v1="+hex.EncodeToString(ats.HMACSHA256(secret, SignedString(h, body))))
	return h
}

// SignedString is timestamp.body.event-id.event-name.event-version.link.
func SignedString(h http.Header, body []byte) []byte {
	s := h.Get("smartrecruiters-timestamp") + "." + string(body) + "." + h.Get("event-id") + "." +
		h.Get("event-name") + "." + h.Get("event-version") + "." + h.Get("link")
	return []byte(s)
}

// ---- HTTP ----

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	d := f.Admit(r)
	f.rateHeaders(w)
	if d.Throttled {
		f.write429(w, d.RetryAt)
		return
	}
	// The Posting API is public: it needs no X-SmartToken.
	if r.Header.Get("X-SmartToken") != f.APIKey && !strings.HasPrefix(r.URL.Path, "/v1/companies/") {
		writeMsg(w, http.StatusUnauthorized, "Unauthorized")
		return
	}
	if d.Fault != nil && d.Fault.Kind != 0 { // a zero Fault lets one request through
		f.writeFault(w, *d.Fault)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) >= 3 && parts[0] == "webhooks-api" && parts[1] == "v201907" && parts[2] == "subscriptions" {
		f.serveSubscriptions(w, r, parts[3:], d.Body)
		return
	}
	if r.Method != http.MethodGet {
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

func (f *Fake) write429(w http.ResponseWriter, at time.Time) {
	f.RetryAfter(w, at)
	writeMsg(w, http.StatusTooManyRequests, "Too many requests")
}

func (f *Fake) writeFault(w http.ResponseWriter, ft atstest.Fault) {
	switch ft.Kind {
	case atstest.FaultServer:
		writeMsg(w, http.StatusInternalServerError, ft.Message)
	case atstest.FaultUnauthorized:
		writeMsg(w, http.StatusUnauthorized, ft.Message)
	case atstest.FaultNotFound:
		writeMsg(w, http.StatusNotFound, ft.Message)
	case atstest.FaultInvalid:
		writeInvalid(w, "INVALID_ARGUMENT", ft.Message)
	case atstest.FaultRateLimited:
		f.write429(w, time.Now().Add(ft.RetryAfter))
	case atstest.FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"totalFound": 3, "content": [{"id": "x", "firstName": `)
	}
}

func writeMsg(w http.ResponseWriter, status int, msg string) {
	atstest.WritePlainJSON(w, status, map[string]string{"message": msg})
}

func writeInvalid(w http.ResponseWriter, code, msg string) {
	atstest.WritePlainJSON(w, http.StatusBadRequest, map[string]any{"errors": []any{map[string]string{"code": code, "message": msg}}})
}

func (f *Fake) writeBody(w http.ResponseWriter, status int, v any) {
	if err := f.WriteJSON(w, status, v); err != nil {
		writeMsg(w, http.StatusInternalServerError, err.Error())
	}
}

func iso(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

func pageToken(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(off)))
}

func parsePageToken(s string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !bytes.HasPrefix(b, []byte("o:")) {
		return 0, false
	}
	n, err := strconv.Atoi(string(b[2:]))
	return n, err == nil && n >= 0
}

func parseLimit(w http.ResponseWriter, v string) (int, bool) {
	if v == "" {
		return 10, true
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		writeInvalid(w, "INVALID_LIMIT", "limit must be between 1 and 100")
		return 0, false
	}
	return n, true
}

// pageByID serves limit + pageId → nextPageId.
func pageByID[T any](f *Fake, w http.ResponseWriter, r *http.Request, rows []T, render func(T) any) {
	q := r.URL.Query()
	limit, ok := parseLimit(w, q.Get("limit"))
	if !ok {
		return
	}
	start := 0
	if v := q.Get("pageId"); v != "" {
		if start, ok = parsePageToken(v); !ok {
			writeInvalid(w, "INVALID_PAGE_ID", "invalid pageId")
			return
		}
	}
	start = min(start, len(rows))
	end := min(start+limit, len(rows))
	content := make([]any, 0, end-start)
	for _, x := range rows[start:end] {
		content = append(content, render(x))
	}
	next := ""
	if end < len(rows) {
		next = pageToken(end)
	}
	if !f.ExtraFields() && writeRawPage(w, len(rows), limit, next, content) {
		return
	}
	out := map[string]any{"totalFound": len(rows), "limit": limit, "content": content}
	if next != "" {
		out["nextPageId"] = next
	}
	f.writeBody(w, http.StatusOK, out)
}

// writeRawPage writes a page whose rows are all pre-rendered JSON without
// re-validating them (json.Marshal would compact every row again); it
// reports false when some row is not pre-rendered.
func writeRawPage(w http.ResponseWriter, total, limit int, next string, content []any) bool {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"totalFound":%d,"limit":%d,`, total, limit)
	if next != "" {
		fmt.Fprintf(&b, `"nextPageId":%q,`, next)
	}
	b.WriteString(`"content":[`)
	for i, x := range content {
		raw, ok := x.(json.RawMessage)
		if !ok {
			return false
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(raw)
	}
	b.WriteString("]}")
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b.Bytes())
	return true
}

// pageByOffset serves limit + offset.
func pageByOffset[T any](f *Fake, w http.ResponseWriter, r *http.Request, rows []T, render func(T) any) {
	q := r.URL.Query()
	limit, ok := parseLimit(w, q.Get("limit"))
	if !ok {
		return
	}
	off := 0
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			writeInvalid(w, "INVALID_OFFSET", "invalid offset")
			return
		}
		off = n
	}
	off = min(off, len(rows))
	end := min(off+limit, len(rows))
	content := make([]any, 0, end-off)
	for _, x := range rows[off:end] {
		content = append(content, render(x))
	}
	f.writeBody(w, http.StatusOK, map[string]any{"offset": off, "limit": limit, "totalFound": len(rows), "content": content})
}

func updatedAfter(w http.ResponseWriter, r *http.Request) (time.Time, bool) {
	v := r.URL.Query().Get("updatedAfter")
	if v == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		writeInvalid(w, "INVALID_DATE", "updatedAfter must be an ISO 8601 date-time")
		return time.Time{}, false
	}
	return t, true
}

func (f *Fake) renderJob(j *Job) any {
	return map[string]any{"id": j.ID, "title": j.Title, "refNumber": "REF" + j.ID[len(j.ID)-4:],
		"createdOn": iso(j.CreatedOn), "updatedOn": iso(j.UpdatedOn), "lastActivityOn": iso(j.UpdatedOn),
		"department": map[string]any{"id": "dept-1", "label": j.Dept},
		"location":   map[string]any{"country": "United States", "countryCode": "us", "region": "CA", "city": "San Francisco", "remote": false},
		"status":     j.Status, "postingStatus": "PUBLIC", "targetHiringDate": nil,
		"actions": map[string]any{"details": map[string]any{"url": "https://api.smartrecruiters.com/jobs/" + j.ID, "method": "GET"}}}
}

func (f *Fake) jobTitle(id string) string {
	for _, j := range f.jobs {
		if j.ID == id {
			return j.Title
		}
	}
	return ""
}

type wireRef struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
	Label string `json:"label,omitempty"`
}

type wireAssignment struct {
	Job               wireRef  `json:"job"`
	Status            string   `json:"status"`
	SubStatus         string   `json:"subStatus,omitempty"`
	StartsOn          *string  `json:"startsOn"`
	ReasonOfRejection *wireRef `json:"reasonOfRejection,omitempty"`
}

type wireLink struct {
	URL    string `json:"url"`
	Method string `json:"method"`
}

// wireCandidate is a candidate list item (structs, not maps: the
// benchmark renders 10,000 of them per pass).
type wireCandidate struct {
	ID                   string              `json:"id"`
	Internal             bool                `json:"internal"`
	FirstName            string              `json:"firstName"`
	LastName             string              `json:"lastName"`
	Email                string              `json:"email"`
	PhoneNumber          string              `json:"phoneNumber"`
	Location             map[string]string   `json:"location"`
	Web                  struct{}            `json:"web"`
	AverageRating        float64             `json:"averageRating"`
	Tags                 []string            `json:"tags"`
	CreatedOn            any                 `json:"createdOn"`
	UpdatedOn            any                 `json:"updatedOn"`
	PrimaryAssignment    *wireAssignment     `json:"primaryAssignment"`
	SecondaryAssignments []wireAssignment    `json:"secondaryAssignments"`
	Actions              map[string]wireLink `json:"actions"`
}

var candidateLocation = map[string]string{"city": "Berlin", "country": "Germany"}

func (f *Fake) renderAssignment(a *Assignment) wireAssignment {
	w := wireAssignment{Job: wireRef{ID: a.JobID, Title: f.jobTitle(a.JobID)}, Status: a.Status, SubStatus: a.SubStatus}
	if a.ReasonID != "" {
		for _, r := range f.reasons {
			if r.ID == a.ReasonID {
				w.ReasonOfRejection = &wireRef{ID: r.ID, Label: r.Label}
			}
		}
	}
	return w
}

type cachedJSON struct {
	at  time.Time
	raw json.RawMessage
}

// renderCandidate returns the candidate's list item. Every change to a
// candidate bumps UpdatedOn, so the JSON is cached per candidate and
// updatedOn: the benchmark renders 10,000 candidates per pass, and the
// fake's own latency would otherwise count against the client.
func (f *Fake) renderCandidate(c *Candidate) any {
	if hit, ok := f.rendered[c]; ok && hit.at.Equal(c.UpdatedOn) {
		return hit.raw
	}
	raw, err := json.Marshal(f.candidateWire(c))
	if err != nil {
		panic(err)
	}
	f.rendered[c] = cachedJSON{at: c.UpdatedOn, raw: raw}
	return json.RawMessage(raw)
}

func (f *Fake) candidateWire(c *Candidate) wireCandidate {
	w := wireCandidate{ID: c.ID, FirstName: c.FirstName, LastName: c.LastName, Email: c.Email, PhoneNumber: c.Phone,
		Location: candidateLocation, Tags: c.Tags, CreatedOn: iso(c.CreatedOn), UpdatedOn: iso(c.UpdatedOn),
		SecondaryAssignments: []wireAssignment{},
		Actions:              map[string]wireLink{"details": {URL: "https://api.smartrecruiters.com/candidates/" + c.ID, Method: "GET"}}}
	for i, a := range c.Assignments {
		ra := f.renderAssignment(a)
		if i == 0 {
			w.PrimaryAssignment = &ra
		} else {
			w.SecondaryAssignments = append(w.SecondaryAssignments, ra)
		}
	}
	return w
}

func (f *Fake) serveRead(w http.ResponseWriter, r *http.Request, parts []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case len(parts) == 1 && parts[0] == "jobs":
		t, ok := updatedAfter(w, r)
		if !ok {
			return
		}
		pageByID(f, w, r, atstest.Filter(f.jobs, func(j *Job) bool { return !j.UpdatedOn.Before(t) }), f.renderJob)
	case len(parts) == 3 && parts[0] == "jobs" && parts[2] == "jobads":
		for i, j := range f.jobs {
			if j.ID != parts[1] {
				continue
			}
			content := []any{}
			for _, ad := range jobAds(i, j) {
				content = append(content, map[string]any{"id": ID(kindAd, ad), "title": j.Title, "language": map[string]any{"code": "en"},
					"postingStatus": "PUBLIC", "jobAd": map[string]any{"sections": map[string]any{
						"companyDescription":    map[string]any{"title": "Company Description", "text": "<p>Acme & Co builds things.</p>"},
						"jobDescription":        map[string]any{"title": "Job Description", "text": "<p>We’re looking for a <b>Go engineer</b>.</p>"},
						"qualifications":        map[string]any{"title": "Qualifications", "text": "<ul><li>Go</li><li>SQL</li></ul>"},
						"additionalInformation": map[string]any{"title": "Additional Information", "text": ""},
					}}})
			}
			f.writeBody(w, http.StatusOK, map[string]any{"totalFound": len(content), "content": content})
			return
		}
		writeMsg(w, http.StatusNotFound, "Job not found")
	case len(parts) == 4 && parts[0] == "v1" && parts[1] == "companies" && parts[3] == "postings":
		if parts[2] != f.Company {
			writeMsg(w, http.StatusNotFound, "Company not found")
			return
		}
		pageByOffset(f, w, r, f.postings(), func(p posting) any { return p })
	case len(parts) == 3 && parts[0] == "postings" && parts[2] == "configuration":
		for _, p := range f.postings() {
			if p.UUID == parts[1] && !f.jobs[p.job].NoConfiguration {
				qs := Questions()
				if p.ad == extraAd {
					qs = extraAdQuestions()
				}
				f.writeBody(w, http.StatusOK, map[string]any{"questions": qs,
					"settings":        map[string]any{"avatarUploadAvailable": false, "conditionals": []any{}},
					"privacyPolicies": []any{map[string]string{"url": "https://example.com/privacy", "orgName": "Acme & Co"}}})
				return
			}
		}
		writeMsg(w, http.StatusNotFound, "Posting not found")
	case len(parts) == 1 && parts[0] == "candidates":
		t, ok := updatedAfter(w, r)
		if !ok {
			return
		}
		pageByID(f, w, r, atstest.Filter(f.cands, func(c *Candidate) bool { return !c.UpdatedOn.Before(t) }), f.renderCandidate)
	case len(parts) == 3 && parts[0] == "candidates" && parts[2] == "attachments":
		if f.cand(parts[1]) == nil {
			writeMsg(w, http.StatusNotFound, "Candidate not found")
			return
		}
		content := []any{}
		for i, a := range f.files {
			if a.CandidateID == parts[1] {
				content = append(content, map[string]any{"id": ID(kindAttachment, i), "name": a.Name, "type": a.Type, "contentType": a.ContentType})
			}
		}
		f.writeBody(w, http.StatusOK, map[string]any{"totalFound": len(content), "content": content})
	case len(parts) == 2 && parts[0] == "configuration" && parts[1] == "rejection-reasons":
		content := []any{}
		for _, x := range f.reasons {
			content = append(content, map[string]any{"id": x.ID, "label": x.Label})
		}
		f.writeBody(w, http.StatusOK, map[string]any{"totalFound": len(content), "content": content})
	case len(parts) == 1 && parts[0] == "users":
		pageByOffset(f, w, r, f.users, func(u *User) any {
			return map[string]any{"id": u.ID, "email": u.Email, "firstName": u.FirstName, "lastName": u.LastName,
				"role": "EMPLOYEE", "active": true, "updatedOn": iso(Base)}
		})
	default:
		writeMsg(w, http.StatusNotFound, "Not found")
	}
}

func validStatus(s string) bool {
	return slices.Contains([]string{"LEAD", "NEW", "IN_REVIEW", "INTERVIEW", "OFFERED", "HIRED", "REJECTED", "WITHDRAWN", "TRANSFERRED"}, s)
}

func (f *Fake) serveWrite(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var in map[string]any
	isMultipart := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/")
	if !isMultipart && len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			writeInvalid(w, "MALFORMED_JSON", "Malformed JSON")
			return
		}
	}
	str := func(k string) string { s, _ := in[k].(string); return s }
	switch {
	case r.Method == http.MethodPost && len(parts) == 2 && parts[0] == "messages" && parts[1] == "shares":
		content := str("content")
		share, _ := in["shareWith"].(map[string]any)
		var target *Candidate
		for _, c := range f.cands {
			if strings.Contains(content, "#[CANDIDATE:"+c.ID+"]") {
				target = c
			}
		}
		if content == "" || share == nil {
			writeInvalid(w, "INVALID_MESSAGE", "content and shareWith are required")
			return
		}
		if target == nil {
			writeInvalid(w, "INVALID_MENTION", "content mentions no existing candidate")
			return
		}
		f.messages = append(f.messages, Message{CandidateID: target.ID, Content: content, ShareWith: share})
		f.nextID++
		f.writeBody(w, http.StatusCreated, map[string]any{"id": ID(kindMessage, f.nextID), "content": content})
	case len(parts) >= 2 && parts[0] == "candidates":
		c := f.cand(parts[1])
		if c == nil {
			writeMsg(w, http.StatusNotFound, "Candidate not found")
			return
		}
		f.serveCandidateWrite(w, r, c, parts[2:], in, body)
	default:
		writeMsg(w, http.StatusNotFound, "Not found")
	}
}

func (f *Fake) serveCandidateWrite(w http.ResponseWriter, r *http.Request, c *Candidate, rest []string, in map[string]any, body []byte) {
	str := func(k string) string { s, _ := in[k].(string); return s }
	switch {
	case r.Method == http.MethodPost && len(rest) == 1 && rest[0] == "attachments":
		a, err := readAttachment(r.Header.Get("Content-Type"), body)
		if err != nil {
			writeInvalid(w, "INVALID_ATTACHMENT", err.Error())
			return
		}
		a.CandidateID = c.ID
		f.files = append(f.files, a)
		c.UpdatedOn = f.tick()
		f.writeBody(w, http.StatusCreated, map[string]any{"id": ID(kindAttachment, len(f.files)-1), "name": a.Name, "type": a.Type,
			"contentType": a.ContentType, "createdOn": iso(c.UpdatedOn)})
	case r.Method == http.MethodPut && len(rest) == 3 && rest[0] == "jobs" && rest[2] == "status":
		a := c.assignment(rest[1])
		if a == nil {
			writeMsg(w, http.StatusNotFound, "Candidate is not assigned to this job")
			return
		}
		st := str("status")
		if !validStatus(st) {
			writeInvalid(w, "INVALID_STATUS", "status must be one of LEAD, NEW, IN_REVIEW, INTERVIEW, OFFERED, HIRED, REJECTED, WITHDRAWN, TRANSFERRED")
			return
		}
		reason := str("reason")
		if st == "REJECTED" && !slices.ContainsFunc(f.reasons, func(x *Reason) bool { return x.ID == reason }) {
			writeInvalid(w, "INVALID_REASON", "reason must be a rejection reason id")
			return
		}
		a.Status, a.SubStatus, a.ReasonID = st, "", ""
		if st == "REJECTED" {
			a.ReasonID = reason
		}
		c.UpdatedOn = f.tick()
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPost && len(rest) == 1 && rest[0] == "tags":
		arr, _ := in["tags"].([]any)
		if len(arr) == 0 {
			writeInvalid(w, "INVALID_TAGS", "tags is required")
			return
		}
		for _, v := range arr {
			if s, ok := v.(string); ok && s != "" && !slices.Contains(c.Tags, s) {
				c.Tags = append(c.Tags, s)
			}
		}
		c.UpdatedOn = f.tick()
		f.writeBody(w, http.StatusOK, map[string]any{"tags": c.Tags})
	default:
		writeMsg(w, http.StatusNotFound, "Not found")
	}
}

// readAttachment parses a multipart upload with attachmentType and file.
func readAttachment(contentType string, body []byte) (Attachment, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" || params["boundary"] == "" {
		return Attachment{}, fmt.Errorf("expected multipart/form-data, got %q", contentType)
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	var a Attachment
	gotFile := false
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Attachment{}, err
		}
		data, err := io.ReadAll(p)
		if err != nil {
			return Attachment{}, err
		}
		switch p.FormName() {
		case "attachmentType":
			a.Type = string(data)
		case "file":
			if p.FileName() == "" {
				return Attachment{}, fmt.Errorf("file name is required")
			}
			a.Name, a.ContentType, a.Data, gotFile = p.FileName(), p.Header.Get("Content-Type"), data, true
		}
	}
	if !gotFile {
		return Attachment{}, fmt.Errorf("multipart field \"file\" is required")
	}
	if !slices.Contains([]string{"GENERIC", "RESUME", "COVER_LETTER", "OFFER_LETTER"}, a.Type) {
		return Attachment{}, fmt.Errorf("attachmentType must be one of GENERIC, RESUME, COVER_LETTER, OFFER_LETTER")
	}
	return a, nil
}

func (f *Fake) sub(id string) *Subscription {
	for _, s := range f.subs {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// serveSubscriptions serves the webhooks subscriptions API.
func (f *Fake) serveSubscriptions(w http.ResponseWriter, r *http.Request, rest []string, body []byte) {
	f.mu.Lock()
	switch {
	case r.Method == http.MethodPost && len(rest) == 0:
		var in struct {
			CallbackURL string              `json:"callbackUrl"`
			Events      []map[string]string `json:"events"`
		}
		if json.Unmarshal(body, &in) != nil || in.CallbackURL == "" || len(in.Events) == 0 {
			f.mu.Unlock()
			writeInvalid(w, "INVALID_SUBSCRIPTION", "callbackUrl and events are required")
			return
		}
		for _, e := range in.Events {
			if e["name"] == "" || e["version"] == "" {
				f.mu.Unlock()
				writeInvalid(w, "INVALID_SUBSCRIPTION", "every event needs a name and a version")
				return
			}
		}
		f.nextID++
		s := &Subscription{ID: ID(kindSubscription, f.nextID), CallbackURL: in.CallbackURL, Events: in.Events}
		f.subs = append(f.subs, s)
		f.mu.Unlock()
		f.writeBody(w, http.StatusCreated, map[string]any{"id": s.ID, "callbackUrl": s.CallbackURL, "events": s.Events, "status": "inactive"})
	case len(rest) >= 1:
		s := f.sub(rest[0])
		if s == nil {
			f.mu.Unlock()
			writeMsg(w, http.StatusNotFound, "Subscription not found")
			return
		}
		switch {
		case r.Method == http.MethodDelete && len(rest) == 1:
			f.subs = slices.DeleteFunc(f.subs, func(x *Subscription) bool { return x.ID == s.ID })
			f.mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		case r.Method == http.MethodPost && len(rest) == 2 && rest[1] == "secret-key":
			f.nextID++
			sum := sha256.Sum256([]byte(s.ID + strconv.Itoa(f.nextID)))
			key := base64.RawURLEncoding.EncodeToString(sum[:16])
			s.Keys = append(s.Keys, key)
			f.mu.Unlock()
			f.writeBody(w, http.StatusCreated, map[string]any{"secretKey": key})
		case r.Method == http.MethodPut && len(rest) == 2 && rest[1] == "activation":
			cb := s.CallbackURL
			f.nextID++
			token := fmt.Sprintf("hs%x", sha256.Sum256([]byte(s.ID+strconv.Itoa(f.nextID))))[:20]
			f.mu.Unlock()
			if err := f.handshake(cb, token); err != nil {
				writeInvalid(w, "HANDSHAKE_FAILED", err.Error())
				return
			}
			f.mu.Lock()
			s.Active = true
			f.mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		default:
			f.mu.Unlock()
			writeMsg(w, http.StatusNotFound, "Not found")
		}
	default:
		f.mu.Unlock()
		writeMsg(w, http.StatusNotFound, "Not found")
	}
}

// handshake POSTs the callback URL with X-Hook-Secret and requires a 200
// echoing it.
func (f *Fake) handshake(callbackURL, token string) error {
	req, err := http.NewRequest(http.MethodPost, callbackURL, nil)
	if err != nil {
		return err
	}
	req.Header.Set("X-Hook-Secret", token)
	resp, err := f.HandshakeClient.Do(req)
	if err != nil {
		return fmt.Errorf("handshake with %s failed: %v", callbackURL, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Hook-Secret") != token {
		return fmt.Errorf("handshake with %s failed: HTTP %d, X-Hook-Secret %q", callbackURL, resp.StatusCode, resp.Header.Get("X-Hook-Secret"))
	}
	return nil
}

// jobAds are the ad indexes of the i-th job: one ad when it has ads; job 0
// has a second, non-default one, listed first (same sections, so the
// description does not change).
func jobAds(i int, j *Job) []int {
	switch {
	case !j.HasAd:
		return nil
	case i == 0:
		return []int{extraAd, i}
	}
	return []int{i}
}

// posting is a Posting API list item (the fields the documentation shows).
type posting struct {
	ID           string            `json:"id"`
	UUID         string            `json:"uuid"`
	Name         string            `json:"name"`
	JobAdID      string            `json:"jobAdId"`
	DefaultJobAd bool              `json:"defaultJobAd"`
	RefNumber    string            `json:"refNumber"`
	Company      map[string]string `json:"company"`
	ReleasedDate any               `json:"releasedDate"`
	job, ad      int
}

// postings lists one posting per job ad, job 0's non-default one first.
func (f *Fake) postings() []posting {
	var out []posting
	for i, j := range f.jobs {
		for _, ad := range jobAds(i, j) {
			p := posting{ID: strconv.Itoa(74983486 + ad), UUID: PostingUUID(ad), Name: j.Title, JobAdID: ID(kindAd, ad),
				DefaultJobAd: ad != extraAd, RefNumber: "REF" + j.ID[len(j.ID)-4:],
				Company: map[string]string{"identifier": f.Company, "name": "Acme & Co"}, ReleasedDate: iso(j.CreatedOn), job: i, ad: ad}
			if ad == extraAd {
				out = append([]posting{p}, out...)
			} else {
				out = append(out, p)
			}
		}
	}
	return out
}

// Questions is the configuration of every default-ad posting: a
// single-choice question, a repeatable two-field question, a date, a long
// text, a yes/no checkbox, and a diversity question whose field carries a
// complianceType beside a multi-select field (clients must skip the
// former and keep the latter). The type names are the fake's
// guesses; SmartRecruiters does not document them.
func Questions() []map[string]any {
	val := func(id, label string) map[string]string { return map[string]string{"id": id, "label": label} }
	field := func(id, label, typ string, required bool, compliance string, values ...map[string]string) map[string]any {
		m := map[string]any{"id": id, "label": label, "type": typ, "required": required}
		if compliance != "" {
			m["complianceType"] = compliance
		}
		if len(values) > 0 {
			m["values"] = values
		}
		return m
	}
	q := func(id, label string, repeatable bool, fields ...map[string]any) map[string]any {
		return map[string]any{"id": id, "label": label, "repeatable": repeatable, "fields": fields}
	}
	return []map[string]any{
		q("work-permit", "Do you have a work permit for the US?", false,
			field("work-permit", "Do you have a work permit for the US?", "SINGLE_SELECT", true, "", val("yes", "Yes"), val("no", "No"))),
		q("languages", "Languages", true,
			field("language", "Language", "INPUT_TEXT", true, ""),
			field("level", "Level", "SINGLE_SELECT", false, "", val("basic", "Basic"), val("fluent", "Fluent"), val("native", "Native"))),
		q("start-date", "Earliest start date", false, field("start-date", "Earliest start date", "DATE", false, "")),
		q("motivation", "Why do you want to join us?", false, field("motivation", "", "TEXTAREA", false, "")),
		q("relocate", "Willing to relocate?", false, field("relocate", "Willing to relocate?", "CHECKBOX", false, "")),
		q("about-you", "About you", false,
			field("gender", "Gender", "SINGLE_SELECT", false, "DIVERSITY", val("f", "Female"), val("m", "Male"), val("x", "Prefer not to say")),
			field("skills", "Tools you use", "MULTI_SELECT", false, "", val("go", "Go"), val("sql", "SQL"))),
	}
}

// extraAdQuestions is the configuration of job 0's non-default ad.
func extraAdQuestions() []map[string]any {
	return []map[string]any{{"id": "other-ad", "label": "Question of the non-default ad", "repeatable": false,
		"fields": []map[string]any{{"id": "other-ad", "label": "", "type": "INPUT_TEXT", "required": true}}}}
}
