// Package fake is an in-process Greenhouse Harvest v3 server for tests
// and benchmarks. The protocol (token endpoint, Bearer tokens that
// expire, cursor paging with the cursor-only rule, updated_at=gte|...
// filters, the v3 wire shapes and the validation of every write) comes
// from ats/greenhouse/harvestv3, which the demo Sandbox ATS shares, so the
// two refuse the same requests with the same bodies; this package holds
// the seeded data, the state changes of writes, and what the conformance
// suite needs (atstest.Kit: fault injection, a rolling-window rate limit
// answered with Greenhouse's documented 429 headers, recorded writes).
//
// Options a test can change: the token lifetime and how the token answer
// states it (expires_in, expires_at or both), which reading of
// application.stage_id is served (harvestv3.StageReading) and the rate
// limit's budget and window (SetRateLimit, e.g. 50 per 30 s against the
// connector's 10 s default).
package fake

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/greenhouse/harvestv3"
)

// Seed sizes the generated data. Generation is deterministic.
type Seed struct {
	Jobs, StagesPerJob, Candidates, Applications, Tags, RejectionReasons, Users int
}

// SmallSeed is what the conformance suite uses.
var SmallSeed = Seed{Jobs: 3, StagesPerJob: 4, Candidates: 23, Applications: 23, Tags: 4, RejectionReasons: 3, Users: 3}

// Base is the first generated timestamp; row i changes at Base + i s.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// DefaultTokenTTL is the documented access-token lifetime (1 h).
const DefaultTokenTTL = harvestv3.DefaultTokenTTL

// The model. Reads render it as harvestv3 wire shapes.

// Job is a seeded job: its department and offices by id, as v3 lists them.
type Job struct {
	ID           int64
	Name, Status string
	DepartmentID int64
	OfficeIDs    []int64
	CreatedAt    ats.FlexTime
	UpdatedAt    ats.FlexTime
}

// Stage is a job interview stage.
type Stage struct {
	ID        int64
	Name      string
	JobID     int64
	Priority  int
	Active    bool
	UpdatedAt ats.FlexTime
}

// Candidate is a seeded candidate; Tags are the names of its applied tags.
type Candidate struct {
	ID                  int64
	FirstName, LastName string
	CreatedAt           ats.FlexTime
	UpdatedAt           ats.FlexTime
	LastActivity        ats.FlexTime
	PhoneNumbers        []harvestv3.Contact
	EmailAddresses      []harvestv3.Contact
	Tags                []string
}

// Application is a seeded application. StageID is its job interview
// stage (0: none); StageRow its current application_stages row, which
// changes with every move.
type Application struct {
	ID, CandidateID, JobID, JobPostID int64
	StageID, StageRow                 int64
	Status                            string
	Prospect                          bool
	RejectionReasonID                 int64
	CreatedAt                         ats.FlexTime
	RejectedAt                        ats.FlexTime
	LastActivityAt                    ats.FlexTime
	Answers                           []harvestv3.Answer
}

// Note is a written note.
type Note struct {
	ID, CandidateID, ApplicationID, UserID int64
	Body, Visibility                       string
	At                                     ats.FlexTime
}

type attachment struct {
	harvestv3.Attachment
}

type rejection struct {
	ID, ApplicationID, ReasonID int64
	At                          ats.FlexTime
}

// Fake is the server. Exported fields may be read under Lock/Unlock.
type Fake struct {
	atstest.Kit
	Server       *httptest.Server
	ClientID     string
	ClientSecret string
	tokens       *harvestv3.Tokens

	mu          sync.Mutex
	clock       time.Time
	reading     harvestv3.StageReading
	jobs        []*Job
	posts       []*harvestv3.JobPost
	depts       []harvestv3.Department
	offices     []harvestv3.Office
	stages      []*Stage
	cands       []*Candidate
	apps        []*Application
	tags        []*harvestv3.Named
	applied     []harvestv3.AppliedTag
	reasons     []*harvestv3.Named
	users       []*harvestv3.User
	notes       []Note
	attachments []attachment
	rejections  []rejection
	nextID      int64
	stageIdx    map[int64]*Stage
	appIdx      map[int64]*Application
	candIdx     map[int64]*Candidate
}

var _ atstest.Fake = (*Fake)(nil)

// New starts a Harvest v3 fake seeded with s that issues tokens for
// clientID/clientSecret to any seeded user as sub. Close it with Close.
func New(clientID, clientSecret string, s Seed) *Fake {
	f := &Fake{ClientID: clientID, ClientSecret: clientSecret, stageIdx: map[int64]*Stage{}, appIdx: map[int64]*Application{},
		candIdx: map[int64]*Candidate{}}
	f.tokens = harvestv3.NewTokens(clientID, clientSecret, func(sub int64) bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		for _, u := range f.users {
			if u.ID == sub && !u.Deactivated {
				return true
			}
		}
		return false
	})
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the Harvest base URL of the fake, .../v3; its token endpoint is
// /token on the same host.
func (f *Fake) URL() string { return f.Server.URL + "/v3" }

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

// SetTokenTTL sets the lifetime of tokens issued from now on.
func (f *Fake) SetTokenTTL(d time.Duration) { f.tokens.SetTTL(d) }

// SetTokenExpiryFields chooses how token answers state the lifetime.
func (f *Fake) SetTokenExpiryFields(e harvestv3.ExpiryFields) { f.tokens.SetExpiryFields(e) }

// RevokeTokens invalidates every issued token.
func (f *Fake) RevokeTokens() { f.tokens.Revoke() }

// TokenRequests returns the token requests received.
func (f *Fake) TokenRequests() []harvestv3.TokenRequest { return f.tokens.Requests() }

// SetStageReading chooses how applications carry their stage.
func (f *Fake) SetStageReading(r harvestv3.StageReading) { f.mu.Lock(); f.reading = r; f.mu.Unlock() }

func ts(i int) ats.FlexTime { return ats.FlexTime{Time: Base.Add(time.Duration(i) * time.Second)} }

func (f *Fake) seed(s Seed) {
	desc := "<p>We’re looking for a <strong>Go engineer</strong>.</p><ul><li>Remote</li><li>Equity</li></ul>"
	f.depts = []harvestv3.Department{{ID: 50, Name: "Engineering", CreatedAt: ts(0), UpdatedAt: ts(0)}}
	f.offices = []harvestv3.Office{{ID: 60, Name: "Berlin", Location: harvestv3.OfficeLocation{Name: "Berlin, Germany"}, CreatedAt: ts(0), UpdatedAt: ts(0)}}
	for j := 0; j < s.Jobs; j++ {
		jid := int64(1000 + j)
		f.jobs = append(f.jobs, &Job{ID: jid, Name: fmt.Sprintf("Engineer %d", j), Status: []string{"open", "closed", "draft"}[j%3],
			DepartmentID: 50, OfficeIDs: []int64{60}, CreatedAt: ts(j), UpdatedAt: ts(j)})
		f.posts = append(f.posts, &harvestv3.JobPost{ID: 5000 + int64(j), Title: fmt.Sprintf("Engineer %d", j), JobID: jid, Live: true, Active: true,
			External: true, Content: desc, CreatedAt: ts(j), UpdatedAt: ts(j), Questions: []harvestv3.Question{
				{Required: true, Label: "Resume", Name: "resume", Type: "attachment", Values: []harvestv3.QuestionValue{}},
				{Required: false, Label: "Have you worked for us before?", Name: "question_234567", Type: "boolean",
					Values: []harvestv3.QuestionValue{{Value: 0, Label: "No"}, {Value: 1, Label: "Yes"}}},
				{Required: true, Label: "Why us?", Name: "question_56789", Type: "long_text", Values: []harvestv3.QuestionValue{}},
			}})
		for k := 0; k < s.StagesPerJob; k++ {
			st := &Stage{ID: 70000 + int64(j*100+k), Name: []string{"Application Review", "AI Interview", "Onsite", "Offer", "Reference Check"}[k%5],
				UpdatedAt: ts(j), Active: true, JobID: jid, Priority: k}
			f.stages = append(f.stages, st)
			f.stageIdx[st.ID] = st
		}
	}
	for i := 0; i < s.Tags; i++ {
		f.tags = append(f.tags, &harvestv3.Named{ID: 300 + int64(i), Name: fmt.Sprintf("tag-%d", i)})
	}
	for i := 0; i < s.RejectionReasons; i++ {
		f.reasons = append(f.reasons, &harvestv3.Named{ID: 8 + int64(i), Name: fmt.Sprintf("Reason %d", i)})
	}
	for i := 0; i < s.Users; i++ {
		f.users = append(f.users, &harvestv3.User{ID: 4000 + int64(i), Name: fmt.Sprintf("User %d", i), FirstName: "User", LastName: strconv.Itoa(i),
			PrimaryEmail: fmt.Sprintf("user%d@example.com", i), CreatedAt: ts(0), UpdatedAt: ts(0)})
	}
	f.nextID = 10_000_000
	for i := 0; i < s.Candidates; i++ {
		c := &Candidate{ID: 900000 + int64(i), FirstName: fmt.Sprintf("First%d", i), LastName: fmt.Sprintf("Last%d", i),
			CreatedAt: ts(i), UpdatedAt: ts(i), LastActivity: ts(i),
			PhoneNumbers:   []harvestv3.Contact{{Value: fmt.Sprintf("+49 30 %07d", i), Type: "mobile"}},
			EmailAddresses: []harvestv3.Contact{{Value: fmt.Sprintf("cand%d@example.com", i), Type: "personal"}}}
		if s.Tags > 0 && i%2 == 0 {
			t := f.tags[i%s.Tags]
			c.Tags = append(c.Tags, t.Name)
			f.nextID++
			f.applied = append(f.applied, harvestv3.AppliedTag{ID: f.nextID, CandidateID: c.ID, CandidateTagID: t.ID, CreatedAt: ts(i)})
		}
		f.cands = append(f.cands, c)
		f.candIdx[c.ID] = c
	}
	for i := 0; i < s.Applications && s.Candidates > 0 && s.Jobs > 0; i++ {
		c := f.cands[i%s.Candidates]
		j := f.jobs[i%s.Jobs]
		a := &Application{ID: 2000000 + int64(i), CandidateID: c.ID, JobID: j.ID, JobPostID: 5000 + j.ID - 1000, CreatedAt: ts(i),
			LastActivityAt: ts(i), Status: "active", StageRow: 30_000_000 + int64(i),
			Answers: []harvestv3.Answer{{Question: "Why us?", Answer: "I heard you're awesome!"}}}
		if s.StagesPerJob > 0 {
			a.StageID = f.stages[(i%s.Jobs)*s.StagesPerJob+(i%max(1, s.StagesPerJob-1))].ID
		}
		f.apps = append(f.apps, a)
		f.appIdx[a.ID] = a
	}
	f.clock = ts(max(s.Jobs, s.Candidates, s.Applications)).Time
}

// tick advances the fake clock past every existing timestamp.
func (f *Fake) tick() ats.FlexTime {
	f.clock = f.clock.Add(time.Minute)
	return ats.FlexTime{Time: f.clock}
}

func (f *Fake) newID() int64 { f.nextID++; return f.nextID }

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
		if st.JobID == a.JobID && st.ID != a.StageID {
			other = st.ID
			break
		}
	}
	return atstest.Samples{ApplicationID: id(a.ID), CandidateID: id(a.CandidateID), JobID: id(a.JobID),
		StageID: id(a.StageID), OtherStageID: id(other), RejectionReasonID: id(f.reasons[0].ID)}
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func parse(s string) int64 { n, _ := strconv.ParseInt(s, 10, 64); return n }

// MoveApplication implements atstest.Fake.
func (f *Fake) MoveApplication(appID, stageID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.appIdx[parse(appID)]
	st := f.stageIdx[parse(stageID)]
	if a == nil || st == nil {
		panic("fake: MoveApplication: unknown application or stage")
	}
	a.StageID, a.StageRow = st.ID, f.newID()
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

// Candidate returns a copy of a candidate.
func (f *Fake) Candidate(candID string) (Candidate, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.candIdx[parse(candID)]
	if c == nil {
		return Candidate{}, false
	}
	return *c, true
}

// Attachments returns the file names attached to an application.
func (f *Fake) Attachments(appID string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, a := range f.attachments {
		if id(a.ApplicationID) == appID {
			out = append(out, a.Filename)
		}
	}
	return out
}

// SignWebhook implements atstest.Fake: "Signature: sha256 <hex>".
func (f *Fake) SignWebhook(body []byte, secret string) http.Header {
	return http.Header{"Signature": {fmt.Sprintf("sha256 %x", ats.HMACSHA256(secret, body))}, "Content-Type": {"application/json"}}
}

// ---- HTTP ----

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/token" {
		f.tokens.Serve(w, r)
		return
	}
	d := f.Admit(r)
	limit, _ := f.RateLimit()
	if d.Throttled {
		harvestv3.Throttle(w, limit, d.RetryAt)
		return
	}
	sub, ok := f.tokens.Bearer(r)
	if !ok {
		harvestv3.WriteUnauthorized(w)
		return
	}
	if d.Fault != nil {
		f.writeFault(w, *d.Fault, limit)
		return
	}
	harvestv3.RateHeaders(w.Header(), limit, f.Remaining())
	path, ok := strings.CutPrefix(r.URL.Path, "/v3/")
	if !ok {
		harvestv3.WriteNotFound(w)
		return
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if r.Method == http.MethodGet {
		f.serveRead(w, r, parts)
		return
	}
	f.serveWrite(w, r, parts, d.Body, sub)
}

func (f *Fake) writeFault(w http.ResponseWriter, ft atstest.Fault, limit int) {
	switch ft.Kind {
	case atstest.FaultServer:
		harvestv3.WriteError(w, http.StatusInternalServerError, ft.Message)
	case atstest.FaultUnauthorized:
		harvestv3.WriteError(w, http.StatusUnauthorized, ft.Message)
	case atstest.FaultNotFound:
		harvestv3.WriteError(w, http.StatusNotFound, ft.Message)
	case atstest.FaultInvalid:
		harvestv3.WriteInvalid(w, "type", ft.Message)
	case atstest.FaultRateLimited:
		at := harvestv3.Throttle(w, limit, time.Now().Add(ft.RetryAfter))
		f.MarkRetryAfter(at.Add(-50 * time.Millisecond))
	case atstest.FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `[{"id": 1, "first_name": `)
	}
}

func (f *Fake) writeBody(w http.ResponseWriter, status int, v any) {
	if err := f.WriteJSON(w, status, v); err != nil {
		harvestv3.WriteError(w, http.StatusInternalServerError, err.Error())
	}
}
