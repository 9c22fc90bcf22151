package harvestv3

import "github.com/hireloop/hireloop/ats"

// Harvest v3 wire shapes, as both servers render them. Standardizations
// guide (confirmed): ISO 8601 UTC timestamps ending in _at, parent ids on
// children (application.candidate_id, job_id), priorities named
// sort_order. The renames from v1 are in the package doc (inferred).

// Named is an {id, name} row (candidate tags, rejection reasons).
type Named struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Contact is an email address or phone number of a candidate.
type Contact struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

// Job is GET /v3/jobs: the department and offices by id only.
type Job struct {
	ID            int64        `json:"id"`
	Name          string       `json:"name"`
	RequisitionID *string      `json:"requisition_id"`
	Status        string       `json:"status"`
	Confidential  bool         `json:"confidential"`
	DepartmentID  *int64       `json:"department_id"`
	OfficeIDs     []int64      `json:"office_ids"`
	CreatedAt     ats.FlexTime `json:"created_at"`
	UpdatedAt     ats.FlexTime `json:"updated_at"`
	OpenedAt      ats.FlexTime `json:"opened_at"`
	ClosedAt      ats.FlexTime `json:"closed_at"`
}

// Department is GET /v3/departments.
type Department struct {
	ID         int64        `json:"id"`
	Name       string       `json:"name"`
	ParentID   *int64       `json:"parent_id"`
	ExternalID *string      `json:"external_id"`
	CreatedAt  ats.FlexTime `json:"created_at"`
	UpdatedAt  ats.FlexTime `json:"updated_at"`
}

// OfficeLocation is an office's location (v1's {"name"} shape, inferred
// unchanged).
type OfficeLocation struct {
	Name string `json:"name"`
}

// Office is GET /v3/offices.
type Office struct {
	ID         int64          `json:"id"`
	Name       string         `json:"name"`
	Location   OfficeLocation `json:"location"`
	ParentID   *int64         `json:"parent_id"`
	ExternalID *string        `json:"external_id"`
	CreatedAt  ats.FlexTime   `json:"created_at"`
	UpdatedAt  ats.FlexTime   `json:"updated_at"`
}

// QuestionValue is an option of a job post question.
type QuestionValue struct {
	Value int64  `json:"value"`
	Label string `json:"label"`
}

// Question is a job post's application question.
type Question struct {
	Required    bool            `json:"required"`
	Private     bool            `json:"private"`
	Label       string          `json:"label"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Values      []QuestionValue `json:"values"`
	Description *string         `json:"description"`
}

// JobPost is GET /v3/job_posts (content and questions[] inferred present
// without v1's full_content).
type JobPost struct {
	ID        int64        `json:"id"`
	Title     string       `json:"title"`
	JobID     int64        `json:"job_id"`
	Live      bool         `json:"live"`
	Active    bool         `json:"active"`
	Internal  bool         `json:"internal"`
	External  bool         `json:"external"`
	Content   string       `json:"content"`
	CreatedAt ats.FlexTime `json:"created_at"`
	UpdatedAt ats.FlexTime `json:"updated_at"`
	Questions []Question   `json:"questions"`
}

// Stage is GET /v3/job_interview_stages.
type Stage struct {
	ID        int64        `json:"id"`
	Name      string       `json:"name"`
	JobID     int64        `json:"job_id"`
	SortOrder int          `json:"sort_order"`
	Active    bool         `json:"active"`
	CreatedAt ats.FlexTime `json:"created_at"`
	UpdatedAt ats.FlexTime `json:"updated_at"`
}

// Candidate is GET /v3/candidates: no attachments, applications or tags
// (separate resources in v3).
type Candidate struct {
	ID             int64        `json:"id"`
	FirstName      string       `json:"first_name"`
	LastName       string       `json:"last_name"`
	Company        *string      `json:"company"`
	Title          *string      `json:"title"`
	IsPrivate      bool         `json:"is_private"`
	CreatedAt      ats.FlexTime `json:"created_at"`
	UpdatedAt      ats.FlexTime `json:"updated_at"`
	LastActivityAt ats.FlexTime `json:"last_activity_at"`
	PhoneNumbers   []Contact    `json:"phone_numbers"`
	EmailAddresses []Contact    `json:"email_addresses"`
}

// Answer is an application's answer to a job post question.
type Answer struct {
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Application is GET /v3/applications. Sources disagree whether stage_id
// is the job interview stage or the application's current
// application_stages row; servers choose with StageReading, and
// job_interview_stage_id, when present, is the stage definition.
type Application struct {
	ID                  int64        `json:"id"`
	CandidateID         int64        `json:"candidate_id"`
	JobID               int64        `json:"job_id"`
	JobPostID           *int64       `json:"job_post_id"`
	StageID             *int64       `json:"stage_id"`
	JobInterviewStageID *int64       `json:"job_interview_stage_id,omitempty"`
	Status              string       `json:"status"`
	Prospect            bool         `json:"prospect"`
	CreatedAt           ats.FlexTime `json:"created_at"`
	UpdatedAt           ats.FlexTime `json:"updated_at"`
	LastActivityAt      ats.FlexTime `json:"last_activity_at"`
	RejectedAt          ats.FlexTime `json:"rejected_at"`
	Answers             []Answer     `json:"answers"`
}

// StageReading is how a server fills an application's stage fields.
type StageReading int

// Stage readings.
const (
	// StageRowWithDefinition: stage_id is the application_stages row and
	// job_interview_stage_id the stage definition (the reading the
	// connector must survive; the default).
	StageRowWithDefinition StageReading = iota
	// StageIDIsDefinition: stage_id is the job interview stage, and no
	// job_interview_stage_id is sent.
	StageIDIsDefinition
)

// SetStage fills a's stage fields for the reading: stage is the job
// interview stage (0: none, e.g. hired), row the application_stages row.
func (a *Application) SetStage(reading StageReading, stage, row int64) {
	a.StageID, a.JobInterviewStageID = nil, nil
	if stage == 0 {
		return
	}
	s := stage
	if reading == StageIDIsDefinition {
		a.StageID = &s
		return
	}
	r := row
	a.StageID, a.JobInterviewStageID = &r, &s
}

// RejectionDetail is GET /v3/rejection_details: one per rejected
// application.
type RejectionDetail struct {
	ID                int64        `json:"id"`
	ApplicationID     int64        `json:"application_id"`
	RejectionReasonID *int64       `json:"rejection_reason_id"` // null: rejected without a reason in the UI
	RejectedAt        ats.FlexTime `json:"rejected_at"`
	CreatedAt         ats.FlexTime `json:"created_at"`
	UpdatedAt         ats.FlexTime `json:"updated_at"`
}

// User is GET /v3/users.
type User struct {
	ID           int64        `json:"id"`
	Name         string       `json:"name"`
	FirstName    string       `json:"first_name"`
	LastName     string       `json:"last_name"`
	PrimaryEmail string       `json:"primary_email"`
	Deactivated  bool         `json:"deactivated"`
	SiteAdmin    bool         `json:"site_admin"`
	CreatedAt    ats.FlexTime `json:"created_at"`
	UpdatedAt    ats.FlexTime `json:"updated_at"`
}

// Note is GET /v3/notes (and the answer to POST /v3/notes).
type Note struct {
	ID            int64        `json:"id"`
	CandidateID   int64        `json:"candidate_id"`
	ApplicationID *int64       `json:"application_id"`
	UserID        int64        `json:"user_id"`
	Body          string       `json:"body"`
	NoteType      string       `json:"note_type"`
	Visibility    string       `json:"visibility"`
	CreatedAt     ats.FlexTime `json:"created_at"`
	UpdatedAt     ats.FlexTime `json:"updated_at"`
}

// Attachment is GET /v3/attachments (and the answer to POST).
type Attachment struct {
	ID            int64        `json:"id"`
	ApplicationID int64        `json:"application_id"`
	CandidateID   int64        `json:"candidate_id"`
	Filename      string       `json:"filename"`
	Type          string       `json:"type"`
	URL           string       `json:"url"`
	CreatedAt     ats.FlexTime `json:"created_at"`
}

// AppliedTag is GET /v3/applied_candidate_tags: a tag on a candidate.
type AppliedTag struct {
	ID             int64        `json:"id"`
	CandidateID    int64        `json:"candidate_id"`
	CandidateTagID int64        `json:"candidate_tag_id"`
	CreatedAt      ats.FlexTime `json:"created_at"`
}
