// Package fake is an in-process Kombo unified ATS API for tests. It speaks
// Kombo's wire format: Bearer key + X-Integration-Id, {"status","data"}
// envelopes, cursor paging (data.next → ?cursor=, page_size ≤ 250),
// updated_after / include_deleted, {"status":"error","error":{code,title,
// message,log_url}} errors, the seven ATS write endpoints with their side
// effects, GET /integrations/{id} with configurable write_actions, and
// POST /force-sync.
package fake

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
)

// Seed sizes the generated data.
type Seed struct {
	Jobs, StagesPerJob, Candidates, Applications, Tags, RejectionReasons, Users int
}

// SmallSeed is what the conformance suite uses.
var SmallSeed = Seed{Jobs: 3, StagesPerJob: 4, Candidates: 23, Applications: 23, Tags: 4, RejectionReasons: 3, Users: 3}

// Base is the first generated change time.
var Base = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Stage is a job stage.
type Stage struct {
	ID       string `json:"id"`
	RemoteID string `json:"remote_id"`
	Name     string `json:"name"`
	Index    int    `json:"index"`
}

// Common holds fields every Kombo model has.
type Common struct {
	ID              string         `json:"id"`
	RemoteID        string         `json:"remote_id"`
	ChangedAt       ats.FlexTime   `json:"changed_at"`
	RemoteDeletedAt ats.FlexTime   `json:"remote_deleted_at"`
	RemoteCreatedAt ats.FlexTime   `json:"remote_created_at"`
	RemoteUpdatedAt ats.FlexTime   `json:"remote_updated_at"`
	RemoteData      map[string]any `json:"remote_data"`
	CustomFields    map[string]any `json:"custom_fields"`
}

type Option struct {
	ID       string `json:"id"`
	RemoteID string `json:"remote_id"`
	Name     string `json:"name"`
}

type Question struct {
	ID       string `json:"id"`
	RemoteID string `json:"remote_id"`
	Title    string `json:"title"`
	Required bool   `json:"required"`
	Format   struct {
		Type    string   `json:"type"`
		Options []Option `json:"options,omitempty"`
	} `json:"format"`
	Category string `json:"category"`
}

type Job struct {
	Common
	Name               string     `json:"name"`
	JobCode            string     `json:"job_code"`
	Description        string     `json:"description"`
	Status             string     `json:"status"`
	Visibility         string     `json:"visibility"`
	Department         string     `json:"department"`
	Location           any        `json:"location"`
	Stages             []Stage    `json:"stages"`
	ScreeningQuestions []Question `json:"screening_questions"`
}

type Tag struct {
	ID       string `json:"id"`
	RemoteID string `json:"remote_id"`
	Name     string `json:"name"`
}

type Email struct {
	EmailAddress string `json:"email_address"`
	Type         string `json:"type"`
}

type Phone struct {
	PhoneNumber string `json:"phone_number"`
	Type        string `json:"type"`
}

type Candidate struct {
	Common
	FirstName      string  `json:"first_name"`
	LastName       string  `json:"last_name"`
	EmailAddresses []Email `json:"email_addresses"`
	PhoneNumbers   []Phone `json:"phone_numbers"`
	Tags           []Tag   `json:"tags"`
}

type Answer struct {
	Question struct {
		RemoteID string `json:"remote_id"`
		Title    string `json:"title"`
		Type     string `json:"type"`
	} `json:"question"`
	Answer map[string]any `json:"answer"`
}

type Application struct {
	Common
	Outcome             *string  `json:"outcome"`
	RejectionReasonName *string  `json:"rejection_reason_name"`
	RejectedAt          any      `json:"rejected_at"`
	CurrentStageID      string   `json:"current_stage_id"`
	JobID               string   `json:"job_id"`
	CandidateID         string   `json:"candidate_id"`
	CurrentStage        *Stage   `json:"current_stage"`
	Answers             []Answer `json:"screening_question_answers"`
}

type Reason struct {
	Common
	Name string `json:"name"`
}

type User struct {
	Common
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Email     string `json:"email"`
}

// WriteAction is an entry of the integration's write_actions.
type WriteAction struct {
	ID                 string `json:"id"`
	Label              string `json:"label"`
	IsAvailable        bool   `json:"is_available"`
	CoverageStatus     string `json:"coverage_status"`
	ScopeConfigSetting string `json:"scope_config_setting"`
	OptedOutByCustomer bool   `json:"opted_out_by_customer"`
	Fields             []any  `json:"fields"`
}

// Fake is the server.
type Fake struct {
	atstest.Kit
	Server        *httptest.Server
	APIKey        string
	IntegrationID string

	mu           sync.Mutex
	clock        time.Time
	jobs         []*Job
	cands        []*Candidate
	apps         []*Application
	tags         []*Tag
	reasons      []*Reason
	users        []*User
	writeActions []WriteAction
	status       string
	syncs        int
	nextID       int
	Notes        []string
}

var _ atstest.Fake = (*Fake)(nil)

// New starts a seeded fake.
func New(apiKey, integrationID string, s Seed) *Fake {
	f := &Fake{APIKey: apiKey, IntegrationID: integrationID, status: "ACTIVE"}
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the API root.
func (f *Fake) URL() string { return f.Server.URL + "/v1" }

// Close stops the server.
func (f *Fake) Close() { f.Server.Close() }

func ts(i int) ats.FlexTime { return ats.FlexTime{Time: Base.Add(time.Duration(i) * time.Second)} }

func kid(prefix string, i int) string { return fmt.Sprintf("%s%06dKmb", prefix, i) }

func common(prefix string, i int) Common {
	return Common{ID: kid(prefix, i), RemoteID: strconv.Itoa(10000 + i), ChangedAt: ts(i), RemoteCreatedAt: ts(i), RemoteUpdatedAt: ts(i),
		RemoteData: map[string]any{}, CustomFields: map[string]any{}}
}

func (f *Fake) seed(s Seed) {
	for j := 0; j < s.Jobs; j++ {
		job := &Job{Common: common("Job", j), Name: fmt.Sprintf("Engineer %d", j), JobCode: fmt.Sprintf("ENG-%d", j),
			Description: "<p>Build <b>hireloop</b>.</p><ul><li>Go</li><li>SQLite</li></ul>",
			Status:      []string{"OPEN", "CLOSED", "DRAFT", "ARCHIVED"}[j%4], Visibility: "PUBLIC", Department: "Engineering",
			Location: map[string]any{"city": "Berlin", "country": "DE", "raw": nil}}
		for k := 0; k < s.StagesPerJob; k++ {
			job.Stages = append(job.Stages, Stage{ID: kid(fmt.Sprintf("Stg%d_", j), k), RemoteID: strconv.Itoa(70000 + j*100 + k),
				Name: []string{"Applied", "AI Interview", "Onsite", "Offer", "Hired"}[k%5], Index: k})
		}
		q := Question{ID: kid("Q", j), RemoteID: "q" + strconv.Itoa(j), Title: "Work permit?", Required: true, Category: "SCREENING"}
		q.Format.Type = "SINGLE_SELECT"
		q.Format.Options = []Option{{ID: "opt1", RemoteID: "1", Name: "Yes"}, {ID: "opt2", RemoteID: "2", Name: "No"}}
		job.ScreeningQuestions = []Question{q}
		f.jobs = append(f.jobs, job)
	}
	for i := 0; i < s.Tags; i++ {
		f.tags = append(f.tags, &Tag{ID: kid("Tag", i), RemoteID: strconv.Itoa(300 + i), Name: fmt.Sprintf("tag-%d", i)})
	}
	for i := 0; i < s.RejectionReasons; i++ {
		f.reasons = append(f.reasons, &Reason{Common: common("Rsn", i), Name: fmt.Sprintf("Reason %d", i)})
	}
	for i := 0; i < s.Users; i++ {
		f.users = append(f.users, &User{Common: common("Usr", i), FirstName: "User", LastName: strconv.Itoa(i), Email: fmt.Sprintf("user%d@example.com", i)})
	}
	for i := 0; i < s.Candidates; i++ {
		c := &Candidate{Common: common("Cnd", i), FirstName: fmt.Sprintf("First%d", i), LastName: fmt.Sprintf("Last%d", i),
			EmailAddresses: []Email{{EmailAddress: fmt.Sprintf("cand%d@example.com", i), Type: "PERSONAL"}},
			PhoneNumbers:   []Phone{{PhoneNumber: fmt.Sprintf("+4930%07d", i), Type: "MOBILE"}}, Tags: []Tag{}}
		if s.Tags > 0 && i%2 == 0 {
			c.Tags = append(c.Tags, *f.tags[i%s.Tags])
		}
		f.cands = append(f.cands, c)
	}
	for i := 0; i < s.Applications && s.Jobs > 0 && s.Candidates > 0; i++ {
		job := f.jobs[i%s.Jobs]
		a := &Application{Common: common("App", i), JobID: job.ID, CandidateID: f.cands[i%s.Candidates].ID}
		if len(job.Stages) > 0 {
			st := job.Stages[i%max(1, len(job.Stages)-1)]
			a.CurrentStageID, a.CurrentStage = st.ID, &st
		}
		ans := Answer{Answer: map[string]any{"choice": "Yes"}}
		ans.Question.RemoteID, ans.Question.Title, ans.Question.Type = "q0", "Work permit?", "SINGLE_SELECT"
		a.Answers = []Answer{ans}
		f.apps = append(f.apps, a)
	}
	f.clock = ts(max(s.Jobs, s.Candidates, s.Applications)).Time
	f.writeActions = []WriteAction{}
	for _, id := range []string{"ats_add_result_link_to_application", "ats_add_note_to_application", "ats_add_application_attachment",
		"ats_move_application_to_stage", "ats_reject_application", "ats_add_candidate_tag"} {
		f.writeActions = append(f.writeActions, WriteAction{ID: id, Label: strings.ReplaceAll(strings.TrimPrefix(id, "ats_"), "_", " "),
			IsAvailable: true, CoverageStatus: "SUPPORTED", ScopeConfigSetting: "ENABLED", Fields: []any{}})
	}
}

func (f *Fake) tick() ats.FlexTime {
	f.clock = f.clock.Add(time.Minute)
	return ats.FlexTime{Time: f.clock}
}

// SetWriteAction overrides one write_actions entry.
func (f *Fake) SetWriteAction(w WriteAction) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.writeActions {
		if f.writeActions[i].ID == w.ID {
			f.writeActions[i] = w
			return
		}
	}
	f.writeActions = append(f.writeActions, w)
}

// SetStatus sets the integration status (ACTIVE, INVALID, INACTIVE).
func (f *Fake) SetStatus(s string) { f.mu.Lock(); f.status = s; f.mu.Unlock() }

// Syncs is the number of force-sync calls accepted.
func (f *Fake) Syncs() int { f.mu.Lock(); defer f.mu.Unlock(); return f.syncs }

// Expect implements atstest.Fake.
func (f *Fake) Expect() atstest.Counts {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := 0
	for _, j := range f.jobs {
		if j.RemoteDeletedAt.IsZero() {
			st += len(j.Stages)
		}
	}
	return atstest.Counts{Jobs: len(f.jobs), Stages: st, Candidates: live(f.cands), Applications: len(f.apps),
		Tags: len(f.tags), RejectionReasons: len(f.reasons), Users: len(f.users)}
}

func live(cs []*Candidate) int {
	n := 0
	for _, c := range cs {
		if c.RemoteDeletedAt.IsZero() {
			n++
		}
	}
	return n
}

// Samples implements atstest.Fake.
func (f *Fake) Samples() atstest.Samples {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.apps[0]
	job := f.job(a.JobID)
	other := ""
	for _, st := range job.Stages {
		if st.ID != a.CurrentStageID {
			other = st.ID
			break
		}
	}
	return atstest.Samples{ApplicationID: a.ID, CandidateID: a.CandidateID, JobID: a.JobID, StageID: a.CurrentStageID,
		OtherStageID: other, RejectionReasonID: f.reasons[0].ID}
}

func (f *Fake) job(id string) *Job {
	for _, j := range f.jobs {
		if j.ID == id {
			return j
		}
	}
	return nil
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

// MoveApplication implements atstest.Fake.
func (f *Fake) MoveApplication(appID, stageID string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.move(appID, stageID) {
		panic("fake: MoveApplication: unknown application or stage")
	}
}

func (f *Fake) move(appID, stageID string) bool {
	a := f.app(appID)
	if a == nil {
		return false
	}
	for _, st := range f.job(a.JobID).Stages {
		if st.ID == stageID {
			st := st
			a.CurrentStageID, a.CurrentStage = st.ID, &st
			a.ChangedAt = f.tick()
			return true
		}
	}
	return false
}

// TouchCandidate implements atstest.Fake.
func (f *Fake) TouchCandidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cand(id).ChangedAt = f.tick()
}

// DeleteCandidate implements atstest.Fake: Kombo keeps the row with
// remote_deleted_at, returned only with include_deleted=true.
func (f *Fake) DeleteCandidate(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cand(id)
	c.ChangedAt = f.tick()
	c.RemoteDeletedAt = c.ChangedAt
}

// Application returns a copy of an application.
func (f *Fake) Application(id string) (Application, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.app(id)
	if a == nil {
		return Application{}, false
	}
	return *a, true
}

// SignWebhook implements atstest.Fake.
func (f *Fake) SignWebhook(body []byte, secret string) http.Header {
	return http.Header{"X-Kombo-Signature": {base64.RawURLEncoding.EncodeToString(ats.HMACSHA256(secret, body))},
		"Content-Type": {"application/json"}}
}

// ---- HTTP ----

func writeError(w http.ResponseWriter, status int, code, title, msg string) {
	var c any
	if code != "" {
		c = code
	}
	atstest.WritePlainJSON(w, status, map[string]any{"status": "error", "error": map[string]any{
		"code": c, "title": title, "message": msg, "log_url": "https://app.kombo.dev/test/logs?interactionId=1"}})
}

func (f *Fake) ok(w http.ResponseWriter, data any, warnings ...string) {
	env := map[string]any{"status": "success", "data": data}
	if warnings != nil {
		ws := []map[string]string{}
		for _, m := range warnings {
			ws = append(ws, map[string]string{"message": m})
		}
		env["warnings"] = ws
	}
	if err := f.WriteJSON(w, http.StatusOK, env); err != nil {
		writeError(w, 500, "", "internal", err.Error())
	}
}

func (f *Fake) write429(w http.ResponseWriter, at time.Time) {
	secs := max(1, int(time.Until(at).Seconds()+0.999))
	f.MarkRetryAfter(time.Now().Add(time.Duration(secs) * time.Second))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeError(w, http.StatusTooManyRequests, "PLATFORM.RATE_LIMIT_EXCEEDED", "Rate limit exceeded.", "You have exceeded the rate limit. Please retry later.")
}

func (f *Fake) serve(w http.ResponseWriter, r *http.Request) {
	d := f.Admit(r)
	if d.Throttled {
		f.write429(w, d.RetryAt)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+f.APIKey {
		writeError(w, http.StatusUnauthorized, "PLATFORM.AUTHENTICATION_INVALID", "Invalid API key.", "The API key is invalid.")
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/v1")
	if !strings.HasPrefix(path, "/integrations/") && r.Header.Get("X-Integration-Id") != f.IntegrationID {
		writeError(w, http.StatusNotFound, "PLATFORM.INTEGRATION_NOT_FOUND", "Integration not found.", "No integration with this X-Integration-Id.")
		return
	}
	if ft := d.Fault; ft != nil {
		switch ft.Kind {
		case atstest.FaultServer:
			writeError(w, http.StatusServiceUnavailable, "REMOTE.SERVICE_UNAVAILABLE", "The ATS is unavailable.", ft.Message)
		case atstest.FaultUnauthorized:
			writeError(w, http.StatusUnauthorized, "PLATFORM.AUTHENTICATION_INVALID", "Invalid API key.", ft.Message)
		case atstest.FaultNotFound:
			writeError(w, http.StatusNotFound, "PLATFORM.UNKNOWN_RESOURCE_NOT_FOUND", "Not found.", ft.Message)
		case atstest.FaultInvalid:
			writeError(w, http.StatusBadRequest, "REMOTE.INPUT_INVALID", "The ATS rejected the input.", ft.Message)
		case atstest.FaultRateLimited:
			f.write429(w, time.Now().Add(ft.RetryAfter))
		case atstest.FaultMalformed:
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"status":"success","data":{"next":null,"results":[{"id":`)
		}
		return
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "integrations":
		if parts[1] != f.IntegrationID {
			writeError(w, http.StatusNotFound, "PLATFORM.INTEGRATION_NOT_FOUND", "Integration not found.", "Unknown integration.")
			return
		}
		f.ok(w, map[string]any{"id": f.IntegrationID, "tool": map[string]any{"id": "greenhouse", "label": "Greenhouse"},
			"category": "ATS", "status": f.status, "setup_status": "COMPLETED", "write_actions": f.writeActions, "read_models": []any{}})
	case r.Method == http.MethodPost && path == "/force-sync":
		var in struct{ Type string }
		_ = json.Unmarshal(d.Body, &in)
		if in.Type == "" {
			in.Type = "FULL"
		}
		f.syncs++
		f.ok(w, map[string]any{"already_queued": f.syncs > 1, "sync_id": fmt.Sprintf("sync%04d", f.syncs), "type": in.Type})
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "ats":
		f.list(w, r, parts[1])
	case len(parts) >= 3 && parts[0] == "ats":
		f.serveWrite(w, r, parts[1:], d.Body)
	default:
		writeError(w, http.StatusNotFound, "", "Not found.", "Unknown route "+path)
	}
}

// cursor encodes an offset opaquely, as Kombo's cursors are opaque.
func cursor(off int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o:" + strconv.Itoa(off)))
}

func uncursor(s string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), "o:") {
		return 0, false
	}
	n, err := strconv.Atoi(string(b[2:]))
	return n, err == nil
}

func (f *Fake) list(w http.ResponseWriter, r *http.Request, model string) {
	q := r.URL.Query()
	size := 100
	if v := q.Get("page_size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 250 {
			writeError(w, http.StatusBadRequest, "PLATFORM.INPUT_INVALID", "Invalid input.", "page_size must be between 1 and 250")
			return
		}
		size = n
	}
	var after time.Time
	if v := q.Get("updated_after"); v != "" {
		t, err := time.Parse("2006-01-02T15:04:05.000Z", v)
		if err != nil {
			writeError(w, http.StatusBadRequest, "PLATFORM.INPUT_INVALID", "Invalid input.", "updated_after must be YYYY-MM-DDTHH:mm:ss.sssZ")
			return
		}
		after = t
	}
	incDel := q.Get("include_deleted") == "true"
	keep := func(c Common) bool {
		return !c.ChangedAt.Before(after) && (incDel || c.RemoteDeletedAt.IsZero())
	}
	var rows []any
	switch model {
	case "jobs":
		for _, x := range f.jobs {
			if keep(x.Common) {
				rows = append(rows, x)
			}
		}
	case "candidates":
		for _, x := range f.cands {
			if keep(x.Common) {
				rows = append(rows, x)
			}
		}
	case "applications":
		for _, x := range f.apps {
			if keep(x.Common) {
				rows = append(rows, x)
			}
		}
	case "tags":
		for _, x := range f.tags {
			rows = append(rows, x)
		}
	case "rejection-reasons":
		for _, x := range f.reasons {
			if keep(x.Common) {
				rows = append(rows, x)
			}
		}
	case "users":
		for _, x := range f.users {
			if keep(x.Common) {
				rows = append(rows, x)
			}
		}
	case "application-stages":
		writeError(w, http.StatusGone, "", "Deprecated.", "Use jobs[].stages")
		return
	default:
		writeError(w, http.StatusNotFound, "", "Not found.", "Unknown model "+model)
		return
	}
	off := 0
	if c := q.Get("cursor"); c != "" {
		var ok bool
		if off, ok = uncursor(c); !ok {
			writeError(w, http.StatusBadRequest, "PLATFORM.INPUT_INVALID", "Invalid input.", "invalid cursor")
			return
		}
	}
	start := min(off, len(rows))
	end := min(start+size, len(rows))
	var next any
	if end < len(rows) {
		next = cursor(end)
	}
	results := rows[start:end]
	if results == nil {
		results = []any{}
	}
	f.ok(w, map[string]any{"next": next, "results": results})
}

func (f *Fake) serveWrite(w http.ResponseWriter, r *http.Request, parts []string, body []byte) {
	var in map[string]any
	if err := json.Unmarshal(body, &in); err != nil {
		writeError(w, http.StatusBadRequest, "PLATFORM.INPUT_INVALID", "Invalid input.", "body must be JSON")
		return
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	bad := func(msg string) {
		writeError(w, http.StatusBadRequest, "PLATFORM.INPUT_INVALID", "Invalid input.", msg)
	}
	notFound := func(what string) {
		writeError(w, http.StatusNotFound, "PLATFORM.UNKNOWN_RESOURCE_NOT_FOUND", "Not found.", what+" not found")
	}
	if parts[0] == "candidates" && len(parts) == 3 && parts[2] == "tags" {
		c := f.cand(parts[1])
		if c == nil {
			notFound("candidate")
			return
		}
		tag, _ := in["tag"].(map[string]any)
		name := str(tag, "name")
		if name == "" {
			bad("tag.name is required")
			return
		}
		switch r.Method {
		case http.MethodPost:
			for _, t := range c.Tags {
				if strings.EqualFold(t.Name, name) {
					f.ok(w, map[string]any{})
					return
				}
			}
			f.nextID++
			c.Tags = append(c.Tags, Tag{ID: kid("NTag", f.nextID), Name: name})
		case http.MethodDelete:
			for i, t := range c.Tags {
				if strings.EqualFold(t.Name, name) {
					c.Tags = append(c.Tags[:i], c.Tags[i+1:]...)
					break
				}
			}
		}
		c.ChangedAt = f.tick()
		f.ok(w, map[string]any{})
		return
	}
	if parts[0] != "applications" || len(parts) != 3 {
		writeError(w, http.StatusNotFound, "", "Not found.", "unknown route")
		return
	}
	a := f.app(parts[1])
	if a == nil {
		notFound("application")
		return
	}
	switch {
	case r.Method == http.MethodPost && parts[2] == "result-links":
		if str(in, "label") == "" || str(in, "url") == "" {
			bad("label and url are required")
			return
		}
		if d, ok := in["details"].(map[string]any); ok && str(d, "custom_field_name_prefix") == "" {
			bad("details.custom_field_name_prefix is required")
			return
		}
		f.ok(w, map[string]any{}, "Greenhouse has no link field; the link was written to a custom field.")
	case r.Method == http.MethodPost && parts[2] == "notes":
		if str(in, "content") == "" || str(in, "content_type") != "PLAIN_TEXT" {
			bad("content and content_type PLAIN_TEXT are required")
			return
		}
		f.Notes = append(f.Notes, str(in, "content"))
		f.nextID++
		f.ok(w, map[string]any{"id": kid("Note", f.nextID)})
	case r.Method == http.MethodPost && parts[2] == "attachments":
		att, _ := in["attachment"].(map[string]any)
		typ := str(att, "type")
		if str(att, "name") == "" || (typ != "CV" && typ != "COVER_LETTER" && typ != "OTHER") {
			bad("attachment.name and attachment.type (CV, COVER_LETTER, OTHER) are required")
			return
		}
		if data := str(att, "data"); data != "" {
			if _, err := base64.StdEncoding.DecodeString(data); err != nil {
				bad("attachment.data must be base64")
				return
			}
		} else if str(att, "data_url") == "" {
			bad("attachment.data or attachment.data_url is required")
			return
		}
		f.ok(w, map[string]any{})
	case r.Method == http.MethodPut && parts[2] == "stage":
		if !f.move(a.ID, str(in, "stage_id")) {
			writeError(w, http.StatusBadRequest, "PLATFORM.INPUT_INVALID", "Invalid input.", "Stage not found for this job")
			return
		}
		f.ok(w, map[string]any{})
	case r.Method == http.MethodPost && parts[2] == "reject":
		var reason *Reason
		for _, x := range f.reasons {
			if x.ID == str(in, "rejection_reason_id") {
				reason = x
			}
		}
		if reason == nil {
			bad("rejection_reason_id is required and must exist")
			return
		}
		out := "DECLINED"
		a.Outcome, a.RejectionReasonName = &out, &reason.Name
		a.ChangedAt = f.tick()
		a.RejectedAt = a.ChangedAt
		f.ok(w, map[string]any{})
	default:
		writeError(w, http.StatusNotFound, "", "Not found.", "unknown route")
	}
}
