package sandbox

import (
	"cmp"
	"slices"
	"time"
)

// stateVersion is written into the state file; a file with another
// version is refused rather than misread.
const stateVersion = 1

// The internal model. It is what the state file holds; the Harvest v3
// wire shapes are rendered from it per request (wire.go), so derived
// fields (applied tags, attachment lists, rejection details) never go
// stale.

type user struct {
	ID        int64     `json:"id"`
	FirstName string    `json:"first_name"`
	LastName  string    `json:"last_name"`
	Email     string    `json:"email"`
	SiteAdmin bool      `json:"site_admin"`
	Service   bool      `json:"service"` // the "hireloop Integration" user
	EmpID     string    `json:"employee_id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (u *user) name() string { return u.FirstName + " " + u.LastName }

type question struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Type     string   `json:"type"` // Harvest type: boolean, single_select, multi_select, number, short_text, long_text
	Required bool     `json:"required"`
	Options  []string `json:"options,omitempty"`
	// Answers are canned free-text answers for seeding.
	Answers []string `json:"-"`
}

type job struct {
	ID           int64      `json:"id"`
	Title        string     `json:"title"`
	Requisition  string     `json:"requisition_id"`
	Status       string     `json:"status"`
	DeptID       int64      `json:"department_id"`
	Department   string     `json:"department"`
	OfficeID     int64      `json:"office_id"`
	Office       string     `json:"office"`
	Location     string     `json:"location"`
	Employment   string     `json:"employment_type"`
	ManagerID    int64      `json:"hiring_manager_id"`
	RecruiterID  int64      `json:"recruiter_id"`
	CreatedAt    time.Time  `json:"created_at"`
	OpenedAt     time.Time  `json:"opened_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	PostID       int64      `json:"post_id"`
	PostContent  string     `json:"post_content"`
	PostCreated  time.Time  `json:"post_created_at"`
	PostUpdated  time.Time  `json:"post_updated_at"`
	Questions    []question `json:"questions"`
	OpeningCount int        `json:"openings"`
}

type stage struct {
	ID        int64     `json:"id"`
	JobID     int64     `json:"job_id"`
	Name      string    `json:"name"`
	Priority  int       `json:"priority"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type contact struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

type candidate struct {
	ID           int64     `json:"id"`
	FirstName    string    `json:"first_name"`
	LastName     string    `json:"last_name"`
	Company      string    `json:"company,omitempty"`
	Title        string    `json:"title,omitempty"`
	Emails       []contact `json:"emails"`
	Phones       []contact `json:"phones"`
	City         string    `json:"city,omitempty"`
	TagIDs       []int64   `json:"tag_ids,omitempty"`
	RecruiterID  int64     `json:"recruiter_id,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	LastActivity time.Time `json:"last_activity"`
}

func (c *candidate) name() string { return c.FirstName + " " + c.LastName }

type answer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Application statuses as Harvest spells them.
const (
	statusActive   = "active"
	statusRejected = "rejected"
	statusHired    = "hired"
)

type application struct {
	ID             int64     `json:"id"`
	CandidateID    int64     `json:"candidate_id"`
	JobID          int64     `json:"job_id"`
	StageID        int64     `json:"stage_id"`
	StageRow       int64     `json:"stage_row_id,omitempty"` // the current application_stages row (v3 stage_id)
	Status         string    `json:"status"`
	ReasonID       int64     `json:"rejection_reason_id,omitempty"`
	RejectNote     string    `json:"rejection_note,omitempty"`
	SourceID       int64     `json:"source_id"`
	Source         string    `json:"source"`
	CreditedToID   int64     `json:"credited_to_id,omitempty"`
	AppliedAt      time.Time `json:"applied_at"`
	RejectedAt     time.Time `json:"rejected_at,omitzero"`
	LastActivityAt time.Time `json:"last_activity_at"`
	Answers        []answer  `json:"answers"`
}

type tag struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type reason struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	TypeID   int64  `json:"type_id"`
	TypeName string `json:"type_name"`
}

type note struct {
	ID            int64     `json:"id"`
	CandidateID   int64     `json:"candidate_id"`
	ApplicationID int64     `json:"application_id,omitempty"`
	UserID        int64     `json:"user_id"`
	Body          string    `json:"body"`
	Visibility    string    `json:"visibility"`
	CreatedAt     time.Time `json:"created_at"`
}

type attachment struct {
	ID            int64     `json:"id"`
	CandidateID   int64     `json:"candidate_id"`
	ApplicationID int64     `json:"application_id,omitempty"`
	UserID        int64     `json:"user_id"`
	Filename      string    `json:"filename"`
	Type          string    `json:"type"`
	ContentType   string    `json:"content_type,omitempty"`
	Data          []byte    `json:"data,omitempty"`
	URL           string    `json:"url,omitempty"` // set when the writer passed a URL instead of content
	CreatedAt     time.Time `json:"created_at"`
}

// activity is one entry of a candidate's write-back log: what an API
// client (hireloop) wrote, shown on the page next to the candidate.
type activity struct {
	CandidateID  int64     `json:"candidate_id"`
	UserID       int64     `json:"user_id"`
	At           time.Time `json:"at"`
	Kind         string    `json:"kind"` // note, attachment, tag, move, reject
	Text         string    `json:"text"`
	AttachmentID int64     `json:"attachment_id,omitempty"`
}

// state is everything the sandbox knows; it is the JSON of the state file.
type state struct {
	Version      int            `json:"version"`
	SeededAt     time.Time      `json:"seeded_at"`
	Clock        time.Time      `json:"clock"` // latest timestamp handed out
	NextID       int64          `json:"next_id"`
	Users        []*user        `json:"users"`
	Jobs         []*job         `json:"jobs"`
	Stages       []*stage       `json:"stages"`
	Candidates   []*candidate   `json:"candidates"`
	Applications []*application `json:"applications"`
	Tags         []*tag         `json:"tags"`
	Reasons      []*reason      `json:"rejection_reasons"`
	Notes        []*note        `json:"notes"`
	Attachments  []*attachment  `json:"attachments"`
	Activities   []*activity    `json:"activities"`

	// Indexes, rebuilt by index().
	jobByID     map[int64]*job
	stageByID   map[int64]*stage
	stagesOf    map[int64][]*stage
	candByID    map[int64]*candidate
	appByID     map[int64]*application
	appsOf      map[int64][]*application
	tagByID     map[int64]*tag
	reasonByID  map[int64]*reason
	userByID    map[int64]*user
	attachByID  map[int64]*attachment
	activityOf  map[int64][]*activity
	attachOfApp map[int64][]*attachment
	attachOfCan map[int64][]*attachment
}

// index rebuilds the lookup maps after seeding or loading.
func (st *state) index() {
	st.jobByID = map[int64]*job{}
	st.stageByID = map[int64]*stage{}
	st.stagesOf = map[int64][]*stage{}
	st.candByID = map[int64]*candidate{}
	st.appByID = map[int64]*application{}
	st.appsOf = map[int64][]*application{}
	st.tagByID = map[int64]*tag{}
	st.reasonByID = map[int64]*reason{}
	st.userByID = map[int64]*user{}
	st.attachByID = map[int64]*attachment{}
	st.activityOf = map[int64][]*activity{}
	st.attachOfApp = map[int64][]*attachment{}
	st.attachOfCan = map[int64][]*attachment{}
	for _, j := range st.Jobs {
		st.jobByID[j.ID] = j
	}
	slices.SortStableFunc(st.Stages, func(a, b *stage) int {
		return cmp.Or(cmp.Compare(a.JobID, b.JobID), cmp.Compare(a.Priority, b.Priority))
	})
	for _, s := range st.Stages {
		st.stageByID[s.ID] = s
		st.stagesOf[s.JobID] = append(st.stagesOf[s.JobID], s)
	}
	for _, c := range st.Candidates {
		st.candByID[c.ID] = c
	}
	for _, a := range st.Applications {
		st.addAppIndex(a)
	}
	for _, t := range st.Tags {
		st.tagByID[t.ID] = t
	}
	for _, r := range st.Reasons {
		st.reasonByID[r.ID] = r
	}
	for _, u := range st.Users {
		st.userByID[u.ID] = u
	}
	for _, a := range st.Attachments {
		st.addAttachIndex(a)
	}
	for _, a := range st.Activities {
		st.activityOf[a.CandidateID] = append(st.activityOf[a.CandidateID], a)
	}
}

func (st *state) addAppIndex(a *application) {
	st.appByID[a.ID] = a
	st.appsOf[a.CandidateID] = append(st.appsOf[a.CandidateID], a)
}

func (st *state) addAttachIndex(a *attachment) {
	st.attachByID[a.ID] = a
	st.attachOfCan[a.CandidateID] = append(st.attachOfCan[a.CandidateID], a)
	if a.ApplicationID != 0 {
		st.attachOfApp[a.ApplicationID] = append(st.attachOfApp[a.ApplicationID], a)
	}
}

func (st *state) addActivity(a *activity) {
	st.Activities = append(st.Activities, a)
	st.activityOf[a.CandidateID] = append(st.activityOf[a.CandidateID], a)
}

func (st *state) newID() int64 {
	st.NextID++
	return st.NextID
}

// firstStage is the job's lowest-priority stage, or nil.
func (st *state) firstStage(jobID int64) *stage {
	if ss := st.stagesOf[jobID]; len(ss) > 0 {
		return ss[0]
	}
	return nil
}

func (st *state) serviceUser() *user {
	for _, u := range st.Users {
		if u.Service {
			return u
		}
	}
	return nil
}

// validate checks the references of a loaded state so a hand-edited or
// truncated file fails at Start instead of panicking later.
func (st *state) validate() string {
	if st.Version != stateVersion {
		return "unsupported state version " + itoa(int64(st.Version))
	}
	if len(st.Jobs) == 0 || len(st.Users) == 0 || st.serviceUser() == nil {
		return "no jobs or users (or no service user)"
	}
	for _, s := range st.Stages {
		if st.jobByID[s.JobID] == nil {
			return "stage " + itoa(s.ID) + " names an unknown job"
		}
	}
	for _, a := range st.Applications {
		if st.candByID[a.CandidateID] == nil || st.jobByID[a.JobID] == nil {
			return "application " + itoa(a.ID) + " names an unknown candidate or job"
		}
		if s := st.stageByID[a.StageID]; s == nil || s.JobID != a.JobID {
			return "application " + itoa(a.ID) + " is in a stage of another job"
		}
	}
	return ""
}
