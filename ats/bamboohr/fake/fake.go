// Package fake is an in-process BambooHR applicant tracking server for
// tests. It speaks the wire format the connector relies on (see the
// bamboohr package doc for which parts are confirmed and which inferred):
// the API under /api/gateway.php/{companyDomain}/v1 with Basic auth (the API
// key as user name, any password), JSON only when the client sends
// Accept: application/json (XML otherwise, as BambooHR does), the statuses
// list and application rows exactly as in the recorded samples, the
// {paginationComplete, applications, nextPageUrl} envelope with a
// server-chosen page size and an absolute nextPageUrl on
// https://api.bamboohr.com (which clients must re-base), the
// applicationStatus / jobStatusGroups / sortBy / sortOrder filters,
// errors as a status code plus an X-BambooHR-Error-Message header, 429
// with Retry-After when throttled (or the legacy 503 with Retry-After, see
// Legacy503), and the comment and status writes.
//
// The public careers site (GET /careers/{id}/detail) is served on the same
// host without credentials. It is not part of the API: requests to it are
// not counted, rate limited or given injected faults; FailCareers makes it
// answer 500.
package fake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats/atstest"
)

// Domain is the company domain the fake serves.
const Domain = "acme"

// Seed sizes the generated data. Generation is deterministic.
// ExtraApplications gives the first applicants a second application.
type Seed struct {
	Jobs, Applicants, ExtraApplications, HiringLeads int
	// PageSize is the server's page size (BambooHR picks it; default 100).
	PageSize int
}

// SmallSeed is what the conformance suite uses: 23 applicants with 26
// applications (applicants 0–2 have two) over 4 jobs.
var SmallSeed = Seed{Jobs: 4, Applicants: 23, ExtraApplications: 3, HiringLeads: 3}

// Base is the first generated timestamp; row i is created at Base + i min.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Status is one row of GET /applicant_tracking/statuses, field order as in
// the recorded sample.
type Status struct {
	Code           string  `json:"code"`
	Description    *string `json:"description"`
	Enabled        bool    `json:"enabled"`
	ID             string  `json:"id"`
	Manageable     bool    `json:"manageable"`
	Name           string  `json:"name"`
	TranslatedName string  `json:"translatedName"`
}

// DefaultStatuses is the recorded statuses sample.
func DefaultStatuses() []Status {
	rows := []struct {
		code, name string
		enabled    bool
	}{
		{"NEW", "New", true}, {"REVIEWED", "Reviewed", true}, {"SCHEDPHONE", "Schedule Phone Screen", true},
		{"PHONED", "Phone Screened", true}, {"SCHEDINT", "Schedule Interview", true}, {"INTERVIEW", "Interviewed", true},
		{"ONHOLD", "Put on Hold", true}, {"REFCHECK", "Checking References", true}, {"OFFER", "Made an Offer", false},
		{"NOFIT", "Not a Fit", true}, {"DECLINED", "Declined Offer", true}, {"NOQUAL", "Not Qualified", true},
		{"OVERQUAL", "Over Qualified", true}, {"POACHED", "Hired Elsewhere", true}, {"HIRED", "Hired", true},
		{"OLSENT", "Offer Sent", true}, {"OLSIGNED", "Offer Signed", true}, {"DELETED", "Deleted", false},
		{"MOVED", "Moved", false},
	}
	out := make([]Status, len(rows))
	for i, r := range rows {
		out[i] = Status{Code: r.code, Enabled: r.enabled, ID: strconv.Itoa(i + 1), Name: r.name, TranslatedName: r.name}
	}
	return out
}

// Job is a job opening.
type Job struct {
	ID         int
	Title      string
	Status     string // Open, Filled, Draft, On Hold, Canceled, Deleted
	Department string
	Location   string
	HTML       string
	PostedAt   time.Time
}

// Applicant is a person.
type Applicant struct {
	ID                 int
	First, Last, Email string
}

// Application links an applicant to a job.
type Application struct {
	ID          int
	ApplicantID int
	JobID       int
	StatusID    int
	Rating      *int
	AppliedAt   time.Time
	ChangedAt   time.Time
}

// Comment is a recorded application comment.
type Comment struct {
	ID, ApplicationID int
	Text              string
}

// Lead is a hiring lead.
type Lead struct {
	EmployeeID int
	Name       string
}

// Fake is the server.
type Fake struct {
	atstest.Kit
	Server *httptest.Server
	APIKey string
	// Legacy503 makes throttling answer 503 + Retry-After, as BambooHR did
	// before 2026-09-16.
	Legacy503 bool

	mu          sync.Mutex
	pageSize    int
	clock       time.Time
	statuses    []Status
	jobs        []*Job
	applicants  map[int]*Applicant
	apps        []*Application
	comments    []Comment
	leads       []Lead
	nextID      int
	failCareers int
}

var _ atstest.Fake = (*Fake)(nil)

// New starts a fake seeded with s. Close it with Close.
func New(apiKey string, s Seed) *Fake {
	f := &Fake{APIKey: apiKey, pageSize: s.PageSize, applicants: map[int]*Applicant{}}
	if f.pageSize <= 0 {
		f.pageSize = 100
	}
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// APIPrefix is the path of the API root.
const APIPrefix = "/api/gateway.php/" + Domain + "/v1"

// URL is the API base URL of the fake.
func (f *Fake) URL() string { return f.Server.URL + APIPrefix }

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

func ts(i int) time.Time { return Base.Add(time.Duration(i) * time.Minute) }

// ApplicationID is the id of the i-th seeded application.
func ApplicationID(i int) int { return 1000 + i }

// ApplicantID is the id of the i-th seeded applicant.
func ApplicantID(i int) int { return 5000 + i }

// JobID is the id of the j-th seeded job.
func JobID(j int) int { return 15 + j }

func (f *Fake) seed(s Seed) {
	f.statuses = DefaultStatuses()
	desc := "<p>We&rsquo;re hiring an <strong>IT Security Engineer</strong>.</p><ul><li>Remote</li><li>Benefits</li></ul>"
	states := []string{"Open", "Filled", "Open", "Draft", "On Hold"}
	for j := 0; j < s.Jobs; j++ {
		f.jobs = append(f.jobs, &Job{ID: JobID(j), Title: fmt.Sprintf("IT Security Engineer %d", j), Status: states[j%len(states)],
			Department: "IT", Location: "Lindon, Utah", HTML: desc, PostedAt: ts(j)})
	}
	for i := 0; i < s.HiringLeads; i++ {
		f.leads = append(f.leads, Lead{EmployeeID: 100 + i, Name: fmt.Sprintf("Lead %d", i)})
	}
	for i := 0; i < s.Applicants; i++ {
		f.applicants[ApplicantID(i)] = &Applicant{ID: ApplicantID(i), First: fmt.Sprintf("First%d", i), Last: fmt.Sprintf("Last%d", i),
			Email: fmt.Sprintf("cand%d@efficientoffice.com", i)}
	}
	// Active statuses the generator cycles through (New … Offer Signed).
	active := []int{1, 2, 3, 4, 5, 6, 7, 8, 16, 17}
	n := s.Applicants + min(s.ExtraApplications, s.Applicants)
	for i := 0; i < n && s.Jobs > 0; i++ {
		ai := i
		if i >= s.Applicants {
			ai = i - s.Applicants
		}
		a := &Application{ID: ApplicationID(i), ApplicantID: ApplicantID(ai), JobID: JobID(i % s.Jobs),
			StatusID: active[i%len(active)], AppliedAt: ts(i), ChangedAt: ts(i)}
		if i%3 != 0 {
			r := i%5 + 1
			a.Rating = &r
		}
		switch i {
		case 5:
			a.StatusID = 10 // Not a Fit
		case 7:
			a.StatusID = 15 // Hired
		case 9:
			a.StatusID = 19 // Moved
		}
		f.apps = append(f.apps, a)
	}
	f.nextID = 1
	f.clock = ts(n + s.Jobs)
}

func (f *Fake) tick() time.Time {
	f.clock = f.clock.Add(time.Minute)
	return f.clock
}

func (f *Fake) status(id int) *Status {
	for i := range f.statuses {
		if f.statuses[i].ID == strconv.Itoa(id) {
			return &f.statuses[i]
		}
	}
	return nil
}

func (f *Fake) app(id int) *Application {
	for _, a := range f.apps {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func rejectionCode(code string) bool {
	return slices.Contains([]string{"NOFIT", "NOQUAL", "OVERQUAL", "DECLINED", "POACHED"}, code)
}

// Expect implements atstest.Fake.
func (f *Fake) Expect() atstest.Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	people := map[int]bool{}
	for _, a := range f.apps {
		people[a.ApplicantID] = true
	}
	reasons := 0
	for _, s := range f.statuses {
		if rejectionCode(s.Code) {
			reasons++
		}
	}
	return atstest.Counts{Jobs: len(f.jobs), Stages: len(f.statuses), Candidates: len(people), Applications: len(f.apps),
		Tags: 0, RejectionReasons: reasons, Users: len(f.leads)}
}

// Samples implements atstest.Fake: the first application (status New),
// Reviewed as the other stage and Not a Fit as the rejection reason.
func (f *Fake) Samples() atstest.Samples {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.apps[0]
	other := "2"
	if a.StatusID == 2 {
		other = "3"
	}
	return atstest.Samples{ApplicationID: strconv.Itoa(a.ID), CandidateID: strconv.Itoa(a.ApplicantID),
		JobID: strconv.Itoa(a.JobID), StageID: strconv.Itoa(a.StatusID), OtherStageID: other, RejectionReasonID: "10"}
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic("fake: not an id: " + s)
	}
	return n
}

// MoveApplication implements atstest.Fake.
func (f *Fake) MoveApplication(appID, stageID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.app(atoi(appID))
	if a == nil || f.status(atoi(stageID)) == nil {
		panic("fake: MoveApplication: unknown application or status")
	}
	a.StatusID = atoi(stageID)
	a.ChangedAt = f.tick()
}

// TouchCandidate implements atstest.Fake: the applicant's email changes.
func (f *Fake) TouchCandidate(applicantID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.applicants[atoi(applicantID)]
	if p == nil {
		panic("fake: TouchCandidate: unknown applicant")
	}
	p.Email = "changed-" + p.Email
	f.tick()
}

// DeleteCandidate implements atstest.Fake: the applicant and its
// applications disappear (BambooHR reports no deletions).
func (f *Fake) DeleteCandidate(applicantID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := atoi(applicantID)
	delete(f.applicants, id)
	f.apps = slices.DeleteFunc(f.apps, func(a *Application) bool { return a.ApplicantID == id })
}

// SignWebhook implements atstest.Fake. BambooHR sends no ATS webhooks.
func (f *Fake) SignWebhook([]byte, string) http.Header { return http.Header{} }

// Application returns a copy of an application.
func (f *Fake) Application(id int) (Application, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.app(id)
	if a == nil {
		return Application{}, false
	}
	return *a, true
}

// Comments returns the comments written so far.
func (f *Fake) Comments() []Comment {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Comment(nil), f.comments...)
}

// FailCareers makes the next n careers-site requests answer 500.
func (f *Fake) FailCareers(n int) { f.mu.Lock(); f.failCareers = n; f.mu.Unlock() }

// AddApplication appends a new application of applicant 0 (created now).
func (f *Fake) AddApplication() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := ApplicationID(len(f.apps) + 10_000)
	t := f.tick()
	f.apps = append(f.apps, &Application{ID: id, ApplicantID: f.apps[0].ApplicantID, JobID: f.apps[0].JobID, StatusID: 1,
		AppliedAt: t, ChangedAt: t})
	return id
}

// ---- HTTP ----

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/careers/") {
		f.serveCareers(w, r)
		return
	}
	d := f.Admit(r)
	if d.Throttled {
		f.writeThrottled(w, d.RetryAt)
		return
	}
	user, _, ok := r.BasicAuth()
	if !ok || user != f.APIKey {
		writeErr(w, http.StatusUnauthorized, "Invalid API key")
		return
	}
	if d.Fault != nil {
		f.writeFault(w, *d.Fault)
		return
	}
	if !strings.HasPrefix(r.URL.Path, APIPrefix+"/") {
		writeErr(w, http.StatusNotFound, "Unknown company domain or path")
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), "application/json") {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `<?xml version="1.0"?><response/>`)
		return
	}
	parts := strings.Split(strings.Trim(strings.TrimPrefix(r.URL.Path, APIPrefix), "/"), "/")
	if len(parts) < 2 || parts[0] != "applicant_tracking" {
		writeErr(w, http.StatusNotFound, "Not found")
		return
	}
	parts = parts[1:]
	if r.Method == http.MethodPost {
		f.serveWrite(w, r, parts, d.Body)
		return
	}
	if r.Method != http.MethodGet {
		writeErr(w, http.StatusMethodNotAllowed, "Method not allowed")
		return
	}
	f.serveRead(w, r, parts)
}

func (f *Fake) writeThrottled(w http.ResponseWriter, at time.Time) {
	f.RetryAfter(w, at)
	status := http.StatusTooManyRequests
	if f.Legacy503 {
		status = http.StatusServiceUnavailable
	}
	writeErr(w, status, "Rate limit exceeded")
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
		writeErr(w, http.StatusBadRequest, ft.Message)
	case atstest.FaultRateLimited:
		f.writeThrottled(w, time.Now().Add(ft.RetryAfter))
	case atstest.FaultMalformed:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, `{"paginationComplete": false, "applications": [{"id": 33, "applicant": `)
	}
}

// writeErr renders a BambooHR error: the status and the
// X-BambooHR-Error-Message header, with an empty body.
func writeErr(w http.ResponseWriter, status int, msg string) {
	if msg != "" {
		w.Header().Set("X-BambooHR-Error-Message", msg)
	}
	w.WriteHeader(status)
}

func (f *Fake) writeBody(w http.ResponseWriter, v any) {
	if err := f.WriteJSON(w, http.StatusOK, v); err != nil {
		writeErr(w, http.StatusInternalServerError, err.Error())
	}
}

func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05-07:00") }

type labelRef struct {
	ID    *int   `json:"id"`
	Label string `json:"label"`
}

func ref(id int, l string) labelRef { return labelRef{ID: &id, Label: l} }

type wireApplicant struct {
	ID        int    `json:"id"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Avatar    string `json:"avatar"`
	Email     string `json:"email"`
}

type wireApplication struct {
	ID          int           `json:"id"`
	AppliedDate string        `json:"appliedDate"`
	Status      labelRef      `json:"status"`
	Rating      *int          `json:"rating"`
	Applicant   wireApplicant `json:"applicant"`
	Job         struct {
		ID    int      `json:"id"`
		Title labelRef `json:"title"`
	} `json:"job"`
}

type wirePage struct {
	PaginationComplete bool              `json:"paginationComplete"`
	Applications       []wireApplication `json:"applications"`
	NextPageURL        *string           `json:"nextPageUrl"`
}

func (f *Fake) renderApp(a *Application) wireApplication {
	p := f.applicants[a.ApplicantID]
	st := f.status(a.StatusID)
	w := wireApplication{ID: a.ID, AppliedDate: iso(a.AppliedAt), Status: ref(a.StatusID, st.Name), Rating: a.Rating,
		Applicant: wireApplicant{ID: p.ID, FirstName: p.First, LastName: p.Last, Email: p.Email,
			Avatar: "https://resources.bamboohr.com/employees/photos/initials.php?initials=" + p.First[:1] + p.Last[:1]}}
	w.Job.ID = a.JobID
	for _, j := range f.jobs {
		if j.ID == a.JobID {
			w.Job.Title = labelRef{Label: j.Title}
		}
	}
	return w
}

func (f *Fake) job(id int) *Job {
	for _, j := range f.jobs {
		if j.ID == id {
			return j
		}
	}
	return nil
}

// inGroup reports whether an application with status code is in a
// BambooHR application status group (default ALL_ACTIVE, inferred).
func inGroup(group, code string) bool {
	closed := rejectionCode(code) || code == "HIRED" || code == "DELETED" || code == "MOVED"
	switch strings.ToUpper(group) {
	case "ALL":
		return true
	case "NEW":
		return code == "NEW"
	case "HIRED":
		return code == "HIRED"
	case "INACTIVE":
		return closed && code != "HIRED"
	case "ACTIVE":
		return !closed && code != "NEW"
	default: // ALL_ACTIVE
		return !closed
	}
}

// jobInGroups reports whether a job status is in the groups (default
// DRAFT_AND_OPEN, inferred).
func jobInGroups(groups, status string) bool {
	if groups == "" {
		groups = "DRAFT_AND_OPEN"
	}
	for _, g := range strings.Split(groups, ",") {
		g = strings.TrimSpace(g)
		switch {
		case strings.EqualFold(g, "ALL"):
			return true
		case strings.EqualFold(g, "DRAFT_AND_OPEN") && (status == "Open" || status == "Draft"):
			return true
		case strings.EqualFold(g, status):
			return true
		}
	}
	return false
}

func (f *Fake) serveRead(w http.ResponseWriter, r *http.Request, parts []string) {
	q := r.URL.Query()
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case len(parts) == 1 && parts[0] == "statuses":
		f.writeBody(w, f.statuses)
	case len(parts) == 1 && parts[0] == "hiring_leads":
		out := make([]any, 0, len(f.leads))
		for _, l := range f.leads {
			out = append(out, map[string]any{"employeeId": l.EmployeeID, "preferredFullName": l.Name})
		}
		f.writeBody(w, out)
	case len(parts) == 1 && parts[0] == "jobs":
		out := make([]any, 0, len(f.jobs))
		for _, j := range f.jobs {
			if !jobInGroups(q.Get("statusGroups"), j.Status) {
				continue
			}
			n := 0
			for _, a := range f.apps {
				if a.JobID == j.ID {
					n++
				}
			}
			out = append(out, map[string]any{"id": j.ID, "title": labelRef{Label: j.Title}, "postedDate": iso(j.PostedAt),
				"location": ref(2, j.Location), "department": ref(18264, j.Department), "status": ref(jobStatusID(j.Status), j.Status),
				"newApplicantsCount": 0, "activeApplicantsCount": n, "totalApplicantsCount": n,
				"postingUrl": "https://" + Domain + ".bamboohr.com/careers/" + strconv.Itoa(j.ID)})
		}
		f.writeBody(w, out)
	case len(parts) == 1 && parts[0] == "applications":
		f.serveApplications(w, r)
	default:
		writeErr(w, http.StatusNotFound, "Not found")
	}
}

func jobStatusID(s string) int {
	return map[string]int{"Open": 1, "Filled": 2, "Draft": 3, "Deleted": 4, "On Hold": 5, "Canceled": 6}[s]
}

func (f *Fake) serveApplications(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeErr(w, http.StatusBadRequest, "page must be a positive integer")
			return
		}
		page = n
	}
	rows := make([]*Application, 0, len(f.apps))
	for _, a := range f.apps {
		j := f.job(a.JobID)
		if !inGroup(q.Get("applicationStatus"), f.status(a.StatusID).Code) || j == nil || !jobInGroups(q.Get("jobStatusGroups"), j.Status) {
			continue
		}
		if v := q.Get("jobId"); v != "" && v != strconv.Itoa(a.JobID) {
			continue
		}
		rows = append(rows, a)
	}
	asc := strings.EqualFold(q.Get("sortOrder"), "ASC")
	switch by := q.Get("sortBy"); by {
	case "", "created_date":
		sort.SliceStable(rows, func(i, j int) bool {
			if asc {
				return rows[i].ID < rows[j].ID
			}
			return rows[i].ID > rows[j].ID
		})
	case "last_updated":
		sort.SliceStable(rows, func(i, j int) bool {
			if asc {
				return rows[i].ChangedAt.Before(rows[j].ChangedAt)
			}
			return rows[i].ChangedAt.After(rows[j].ChangedAt)
		})
	default:
		writeErr(w, http.StatusBadRequest, "Invalid sortBy "+by)
		return
	}
	start := min((page-1)*f.pageSize, len(rows))
	end := min(start+f.pageSize, len(rows))
	out := wirePage{PaginationComplete: end >= len(rows), Applications: make([]wireApplication, 0, end-start)}
	for _, a := range rows[start:end] {
		out.Applications = append(out.Applications, f.renderApp(a))
	}
	if !out.PaginationComplete {
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = v
		}
		q2.Set("page", strconv.Itoa(page+1))
		next := "https://api.bamboohr.com" + APIPrefix + "/applicant_tracking/applications?" + q2.Encode()
		out.NextPageURL = &next
	}
	f.writeBody(w, out)
}

func (f *Fake) serveCareers(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failCareers > 0 {
		f.failCareers--
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if r.Method != http.MethodGet || len(parts) != 3 || parts[2] != "detail" {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	j := f.job(atoiOr(parts[1]))
	if j == nil || j.Status != "Open" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"meta":{},"result":null}`)
		return
	}
	f.writeBody(w, map[string]any{"meta": map[string]any{"isMobile": false}, "result": map[string]any{"jobOpening": map[string]any{
		"jobOpeningShareUrl": "https://" + Domain + ".bamboohr.com/careers/" + strconv.Itoa(j.ID),
		"jobOpeningName":     j.Title, "jobOpeningStatus": j.Status, "departmentId": "18264", "departmentLabel": j.Department,
		"employmentStatusLabel": "Full-Time", "location": map[string]any{"city": "Lindon", "state": "Utah", "postalCode": nil, "addressCountry": "United States"},
		"atsLocation": map[string]any{"city": "Lindon", "state": "Utah", "country": "United States"},
		"description": j.HTML, "datePosted": j.PostedAt.Format("2006-01-02"), "minimumExperience": "Mid-Level",
		"compensation": nil, "isRemote": nil, "locationType": "0"}}})
}

func atoiOr(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

func (f *Fake) serveWrite(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(parts) != 3 || parts[0] != "applications" {
		writeErr(w, http.StatusNotFound, "Not found")
		return
	}
	a := f.app(atoiOr(parts[1]))
	if a == nil {
		writeErr(w, http.StatusNotFound, "Application not found")
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		writeErr(w, http.StatusBadRequest, "Content-Type must be application/json")
		return
	}
	var in map[string]json.RawMessage
	if err := json.Unmarshal(body, &in); err != nil {
		writeErr(w, http.StatusBadRequest, "Malformed JSON")
		return
	}
	switch parts[2] {
	case "comments":
		var typ, text string
		_ = json.Unmarshal(in["type"], &typ)
		if err := json.Unmarshal(in["comment"], &text); err != nil || strings.TrimSpace(text) == "" {
			writeErr(w, http.StatusBadRequest, "comment is required")
			return
		}
		if typ != "" && typ != "comment" {
			writeErr(w, http.StatusBadRequest, "type must be comment")
			return
		}
		f.nextID++
		f.comments = append(f.comments, Comment{ID: f.nextID, ApplicationID: a.ID, Text: text})
		f.writeBody(w, map[string]any{"type": "comment", "id": f.nextID})
	case "status":
		var id int
		if err := json.Unmarshal(in["status"], &id); err != nil {
			writeErr(w, http.StatusBadRequest, "status must be an integer status id")
			return
		}
		st := f.status(id)
		if st == nil || !st.Enabled {
			writeErr(w, http.StatusBadRequest, "Invalid status id")
			return
		}
		a.StatusID = id
		a.ChangedAt = f.tick()
		w.WriteHeader(http.StatusOK)
	default:
		writeErr(w, http.StatusNotFound, "Not found")
	}
}
