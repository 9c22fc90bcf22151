package ats

import (
	"encoding/json"
	"time"
)

// The unified model is shaped after Kombo's (which already spans ~100 ATSs)
// and checked against every vendor in shared/reference/ats-apis.md:
// per-job records (Workable, Lever, Homerun) are split into Candidate +
// Application by their connectors, account-wide stages (Lever, BambooHR)
// carry an empty JobID, and fixed-status systems (SmartRecruiters, Zoho)
// expose their statuses as stages with Kind set. Every row keeps its raw
// vendor JSON so fields we do not map today can be backfilled without a
// re-sync. Vendor ids are strings everywhere: Greenhouse uses integers,
// Lever UUIDs, Kombo opaque strings.

// Model names a synced data set; values double as store table suffixes and
// are what webhooks report as changed.
type Model string

// Models every connector may list.
const (
	ModelJobs             Model = "jobs"
	ModelStages           Model = "stages"
	ModelCandidates       Model = "candidates"
	ModelApplications     Model = "applications"
	ModelTags             Model = "tags"
	ModelRejectionReasons Model = "rejection_reasons"
	ModelUsers            Model = "users"
)

// AllModels lists the models in dependency order (jobs before applications).
var AllModels = []Model{ModelUsers, ModelTags, ModelRejectionReasons, ModelJobs, ModelStages, ModelCandidates, ModelApplications}

// JobStatus is a normalized job state.
type JobStatus string

// Job states. Unknown keeps the raw vendor value in Job.Raw.
const (
	JobOpen     JobStatus = "open"
	JobClosed   JobStatus = "closed"
	JobDraft    JobStatus = "draft"
	JobArchived JobStatus = "archived"
	JobUnknown  JobStatus = "unknown"
)

// Job is an open or past requisition.
type Job struct {
	ID       string // id used in API calls (Kombo id, or vendor id)
	RemoteID string // id in the underlying ATS (== ID for native connectors)
	Title    string
	// DescriptionHTML is the vendor's HTML; DescriptionText is derived
	// from it with HTMLToText for prompts and search.
	DescriptionHTML    string
	DescriptionText    string
	Status             JobStatus
	Department         string
	Location           string
	ScreeningQuestions []Question
	Stages             []Stage // empty when the vendor lists stages separately or account-wide
	CreatedAt          time.Time
	UpdatedAt          time.Time
	Deleted            bool
	DeletedAt          time.Time
	Raw                json.RawMessage
}

// QuestionType is a normalized screening question type.
type QuestionType string

// Question types.
const (
	QuestionText         QuestionType = "text"
	QuestionLongText     QuestionType = "long_text"
	QuestionSingleChoice QuestionType = "single_choice"
	QuestionMultiChoice  QuestionType = "multi_choice"
	QuestionYesNo        QuestionType = "yes_no"
	QuestionNumber       QuestionType = "number"
	QuestionDate         QuestionType = "date"
	QuestionFile         QuestionType = "file"
	QuestionUnknown      QuestionType = "unknown"
)

// Question is a screening/application-form question of a job.
//
// The JSON tags are the stored and API form of a position's questions.
type Question struct {
	ID       string       `json:"id"`
	Label    string       `json:"label"`
	Type     QuestionType `json:"type"`
	Options  []Option     `json:"options"`
	Required bool         `json:"required"`
}

// Option is one choice of a choice question.
type Option struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// StageKind classifies stages where the vendor says so (Teamtailor
// stage-type, Ashby Archived, SmartRecruiters statuses). Most are "".
type StageKind string

// Stage kinds.
const (
	StageKindNone     StageKind = ""
	StageKindInbox    StageKind = "inbox"
	StageKindActive   StageKind = "active"
	StageKindHired    StageKind = "hired"
	StageKindRejected StageKind = "rejected"
)

// Stage is a pipeline step. JobID is "" for account-wide stages.
type Stage struct {
	ID        string
	RemoteID  string
	Name      string
	Order     int
	JobID     string
	Kind      StageKind
	Active    bool // false when the vendor marks the stage deleted/inactive
	UpdatedAt time.Time
	Raw       json.RawMessage
}

// Candidate is a person. Applications link a candidate to a job.
type Candidate struct {
	ID        string
	RemoteID  string
	FirstName string
	LastName  string
	Emails    []string
	Phones    []string
	Tags      []Tag // ID may be "" where the vendor only reports names
	CreatedAt time.Time
	UpdatedAt time.Time
	Deleted   bool
	DeletedAt time.Time
	Raw       json.RawMessage
}

// ApplicationStatus is a normalized application outcome.
type ApplicationStatus string

// Application states.
const (
	ApplicationActive   ApplicationStatus = "active"
	ApplicationRejected ApplicationStatus = "rejected"
	ApplicationHired    ApplicationStatus = "hired"
)

// Application is one candidate in one job.
type Application struct {
	ID                  string
	RemoteID            string
	CandidateID         string
	JobID               string
	StageID             string
	StageName           string
	Status              ApplicationStatus
	RejectionReasonID   string // "" where the vendor only reports a name (Kombo)
	RejectionReasonName string
	RejectedAt          time.Time
	AppliedAt           time.Time
	UpdatedAt           time.Time
	Answers             []Answer
	Deleted             bool
	DeletedAt           time.Time
	Raw                 json.RawMessage
}

// Answer is a screening answer. QuestionID matches Question.ID where the
// vendor links them; Greenhouse only reports the question text, which is
// then used as the id. Value is rendered as text (choices joined by ", ").
type Answer struct {
	QuestionID string
	Question   string
	Value      string
}

// Tag is a candidate tag.
type Tag struct {
	ID       string
	RemoteID string
	Name     string
	Raw      json.RawMessage
}

// RejectionReason is a vendor-defined reason for Reject.
type RejectionReason struct {
	ID       string
	RemoteID string
	Name     string
	Raw      json.RawMessage
}

// User is an ATS user (recruiter, hiring manager); the acting user for
// writes is picked from these.
type User struct {
	ID       string
	RemoteID string
	Name     string
	Email    string
	Raw      json.RawMessage
}

// ResultLink asks the ATS to show a link to an interview result.
type ResultLink struct {
	ApplicationID string
	CandidateID   string
	Label         string
	URL           string
	// Attributes are shown next to the link where the vendor supports it
	// (Kombo details.attributes), e.g. {"Score", "82%"}.
	Attributes []KeyValue
	// AttributePrefix namespaces attributes in custom fields (Kombo
	// custom_field_name_prefix, e.g. "hireloop:").
	AttributePrefix string
}

// KeyValue is an ordered attribute.
type KeyValue struct {
	Key   string
	Value string
}

// Note is a plain-text note. Connectors pick the target the vendor
// supports (Capabilities says which), so pass both ids when known.
type Note struct {
	ApplicationID string
	CandidateID   string
	Body          string
	// Visibility is a vendor hint: "private", "admin_only" or "public"
	// (Greenhouse). Empty picks the connector default.
	Visibility string
}

// AttachmentKind is the document type.
type AttachmentKind string

// Attachment kinds.
const (
	AttachmentOther       AttachmentKind = "other"
	AttachmentResume      AttachmentKind = "resume"
	AttachmentCoverLetter AttachmentKind = "cover_letter"
)

// Attachment uploads a file. Push-transport vendors need Data; pull
// vendors (Teamtailor, Merge) need a URL they can fetch.
type Attachment struct {
	ApplicationID string
	CandidateID   string
	Name          string // file name, e.g. "interview-report.pdf"
	ContentType   string // e.g. "application/pdf"
	Kind          AttachmentKind
	Data          []byte
	URL           string
}

// StageMove moves an application. FromStageID is required by some vendors
// (Greenhouse); connectors look it up when empty.
type StageMove struct {
	ApplicationID string
	FromStageID   string
	ToStageID     string
}

// Rejection rejects an application with a vendor reason id.
type Rejection struct {
	ApplicationID string
	ReasonID      string
	Note          string
}

// TagAssignment adds a tag to a candidate, by id when known or by name
// (connectors find or create it).
type TagAssignment struct {
	CandidateID string
	TagID       string
	Name        string
}

// WriteResult is what a write returned.
type WriteResult struct {
	// RemoteID of the created object, when the vendor returns one.
	RemoteID string
	// Warnings the vendor attached (Kombo "warnings"), for the UI.
	Warnings []string
}
