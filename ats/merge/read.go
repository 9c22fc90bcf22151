package merge

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// page is a Merge list response.
type page struct {
	Next     *string           `json:"next"`
	Previous *string           `json:"previous"`
	Results  []json.RawMessage `json:"results"`
}

// common holds the fields every Merge common model has.
type common struct {
	ID               string       `json:"id"`
	RemoteID         ats.FlexID   `json:"remote_id"`
	CreatedAt        ats.FlexTime `json:"created_at"`
	ModifiedAt       ats.FlexTime `json:"modified_at"`
	RemoteWasDeleted *bool        `json:"remote_was_deleted"`
}

func (c common) deleted() bool { return c.RemoteWasDeleted != nil && *c.RemoteWasDeleted }

// ref is a related object that Merge sends as an id, or as the object
// itself when expanded.
type ref struct {
	ID   string
	Obj  json.RawMessage
	Name string
}

func (r *ref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*r = ref{}
	switch {
	case len(b) == 0 || string(b) == "null":
	case b[0] == '"':
		return json.Unmarshal(b, &r.ID)
	case b[0] == '{':
		var o struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		r.ID, r.Name, r.Obj = o.ID, o.Name, append(json.RawMessage(nil), b...)
	}
	return nil
}

// listRaw pages a Merge list endpoint with cursors.
func (c *Client) listRaw(ctx context.Context, path string, extra url.Values, o ats.ListOptions, fn func([]json.RawMessage) error) error {
	q := url.Values{"page_size": {strconv.Itoa(c.pageSize)}}
	for k, v := range extra {
		q[k] = v
	}
	if !o.UpdatedAfter.IsZero() {
		q.Set("modified_after", o.UpdatedAfter.UTC().Format("2006-01-02T15:04:05.000Z"))
	}
	if o.IncludeDeleted {
		q.Set("include_deleted_data", "true")
	}
	return c.http.EachRowsPage(ctx, ats.Request{Method: http.MethodGet, Path: path, Query: q, OpName: opName(path)}, "cursor",
		func(r *ats.Response) (*string, []json.RawMessage, error) {
			var cur page
			err := c.http.DecodeJSON(r, &cur)
			return cur.Next, cur.Results, err
		}, fn)
}

// opName hides ids in paths for logs and errors.
func opName(path string) string {
	if strings.HasPrefix(path, "/jobs/") {
		return "/jobs/{id}/screening-questions"
	}
	return path
}

func list[T, U any](ctx context.Context, c *Client, path string, extra url.Values, o ats.ListOptions,
	conv func(T, json.RawMessage) (U, bool), fn func([]U) error) error {
	return c.listRaw(ctx, path, extra, o, ats.DecodePages(Name, "GET "+opName(path), conv, fn))
}

// deletedAt is Merge's best deletion time: it reports only the flag, so
// the time Merge recorded the change stands in.
func deletedAt(c common) (bool, ats.FlexTime) {
	if c.deleted() {
		return true, c.ModifiedAt
	}
	return false, ats.FlexTime{}
}

type wireJob struct {
	common
	Name            string            `json:"name"`
	Description     *string           `json:"description"`
	Code            *string           `json:"code"`
	Status          *string           `json:"status"`
	Departments     []ref             `json:"departments"`
	Offices         []json.RawMessage `json:"offices"`
	RemoteCreatedAt ats.FlexTime      `json:"remote_created_at"`
	RemoteUpdatedAt ats.FlexTime      `json:"remote_updated_at"`
}

func jobStatus(s *string) ats.JobStatus {
	if s == nil {
		return ats.JobUnknown
	}
	switch strings.ToUpper(*s) {
	case "OPEN":
		return ats.JobOpen
	case "CLOSED":
		return ats.JobClosed
	case "DRAFT", "PENDING":
		return ats.JobDraft
	case "ARCHIVED":
		return ats.JobArchived
	}
	return ats.JobUnknown
}

func jobFromWire(w wireJob, raw json.RawMessage) ats.Job {
	del, at := deletedAt(w.common)
	j := ats.Job{ID: w.ID, RemoteID: w.RemoteID.String(), Title: w.Name, Status: jobStatus(w.Status),
		CreatedAt: w.RemoteCreatedAt.Time, UpdatedAt: w.ModifiedAt.Time, Deleted: del, DeletedAt: at.Time, Raw: raw}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = w.CreatedAt.Time
	}
	if w.Description != nil {
		j.DescriptionHTML = *w.Description
		j.DescriptionText = ats.HTMLToText(*w.Description)
	}
	var deps []string
	for _, d := range w.Departments {
		if d.Name != "" {
			deps = append(deps, d.Name)
		}
	}
	j.Department = strings.Join(deps, ", ")
	var locs []string
	for _, o := range w.Offices {
		if len(o) > 0 && o[0] == '{' { // expanded; a bare id has no name
			if n := ats.FlexName(o); n != "" {
				locs = append(locs, n)
			}
		}
	}
	j.Location = strings.Join(locs, "; ")
	return j
}

type wireQuestion struct {
	ID          string     `json:"id"`
	RemoteID    ats.FlexID `json:"remote_id"`
	Title       *string    `json:"title"`
	Description *string    `json:"description"`
	Type        *string    `json:"type"`
	Required    *bool      `json:"required"`
	Options     []struct {
		ID       string     `json:"id"`
		RemoteID ats.FlexID `json:"remote_id"`
		Label    string     `json:"label"`
	} `json:"options"`
}

func question(q wireQuestion) ats.Question {
	out := ats.Question{ID: q.ID, Required: q.Required != nil && *q.Required, Type: ats.QuestionUnknown}
	if q.Title != nil {
		out.Label = *q.Title
	}
	if out.Label == "" && q.Description != nil {
		out.Label = *q.Description
	}
	if q.Type != nil {
		switch strings.ToUpper(*q.Type) {
		case "SINGLE_LINE_TEXT":
			out.Type = ats.QuestionText
		case "MULTI_LINE_TEXT":
			out.Type = ats.QuestionLongText
		case "SINGLE_SELECT":
			out.Type = ats.QuestionSingleChoice
		case "MULTI_SELECT":
			out.Type = ats.QuestionMultiChoice
		case "BOOLEAN":
			out.Type = ats.QuestionYesNo
		case "NUMERIC":
			out.Type = ats.QuestionNumber
		case "DATE":
			out.Type = ats.QuestionDate
		case "FILE":
			out.Type = ats.QuestionFile
		}
	}
	for _, o := range q.Options {
		out.Options = append(out.Options, ats.Option{ID: o.ID, Label: o.Label})
	}
	return out
}

// screeningQuestions reads GET /jobs/{id}/screening-questions?expand=options.
func (c *Client) screeningQuestions(ctx context.Context, jobID string) ([]ats.Question, error) {
	var out []ats.Question
	err := list(ctx, c, "/jobs/"+pathEsc(jobID)+"/screening-questions", url.Values{"expand": {"options"}}, ats.ListOptions{},
		func(w wireQuestion, _ json.RawMessage) (ats.Question, bool) { return question(w), true },
		func(p []ats.Question) error { out = append(out, p...); return nil })
	return out, err
}

// ListJobs implements ats.Reader. Departments and offices are expanded for
// their names, and each live job's screening questions are read from
// /jobs/{id}/screening-questions (one request per job).
func (c *Client) ListJobs(ctx context.Context, o ats.ListOptions, fn func([]ats.Job) error) error {
	return list(ctx, c, "/jobs", url.Values{"expand": {"departments,offices"}}, o,
		func(w wireJob, raw json.RawMessage) (ats.Job, bool) { return jobFromWire(w, raw), true },
		func(jobs []ats.Job) error {
			for i := range jobs {
				if jobs[i].Deleted {
					continue
				}
				qs, err := c.screeningQuestions(ctx, jobs[i].ID)
				if err != nil {
					return err
				}
				jobs[i].ScreeningQuestions = qs
			}
			return fn(jobs)
		})
}

type wireStage struct {
	common
	Name       *string `json:"name"`
	Job        ref     `json:"job"`
	StageOrder *int    `json:"stage_order"`
}

// ListStages reads GET /job-interview-stages. Stages Merge marks as
// generic (no job) keep an empty JobID and apply to every job.
func (c *Client) ListStages(ctx context.Context, o ats.ListOptions, fn func([]ats.Stage) error) error {
	return list(ctx, c, "/job-interview-stages", nil, o, func(w wireStage, raw json.RawMessage) (ats.Stage, bool) {
		s := ats.Stage{ID: w.ID, RemoteID: w.RemoteID.String(), JobID: w.Job.ID, Active: !w.deleted(), UpdatedAt: w.ModifiedAt.Time, Raw: raw}
		if w.Name != nil {
			s.Name = *w.Name
		}
		if w.StageOrder != nil {
			s.Order = *w.StageOrder
		}
		return s, true
	}, fn)
}

type wireCandidate struct {
	common
	FirstName      *string `json:"first_name"`
	LastName       *string `json:"last_name"`
	EmailAddresses []struct {
		Value string `json:"value"`
	} `json:"email_addresses"`
	PhoneNumbers []struct {
		Value string `json:"value"`
	} `json:"phone_numbers"`
	Tags            []string     `json:"tags"`
	RemoteCreatedAt ats.FlexTime `json:"remote_created_at"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ListCandidates implements ats.Reader. Merge reports tags by name only,
// so each ats.Tag's ID is its name.
func (c *Client) ListCandidates(ctx context.Context, o ats.ListOptions, fn func([]ats.Candidate) error) error {
	return list(ctx, c, "/candidates", nil, o, func(w wireCandidate, raw json.RawMessage) (ats.Candidate, bool) {
		del, at := deletedAt(w.common)
		cd := ats.Candidate{ID: w.ID, RemoteID: w.RemoteID.String(), FirstName: deref(w.FirstName), LastName: deref(w.LastName),
			CreatedAt: w.RemoteCreatedAt.Time, UpdatedAt: w.ModifiedAt.Time, Deleted: del, DeletedAt: at.Time, Raw: raw}
		if cd.CreatedAt.IsZero() {
			cd.CreatedAt = w.CreatedAt.Time
		}
		for _, e := range w.EmailAddresses {
			if e.Value != "" {
				cd.Emails = append(cd.Emails, e.Value)
			}
		}
		for _, p := range w.PhoneNumbers {
			if p.Value != "" {
				cd.Phones = append(cd.Phones, p.Value)
			}
		}
		for _, t := range w.Tags {
			if t != "" {
				cd.Tags = append(cd.Tags, ats.Tag{ID: t, Name: t})
			}
		}
		return cd, true
	}, fn)
}

type wireAnswer struct {
	ID       string          `json:"id"`
	Question json.RawMessage `json:"question"`
	Answer   json.RawMessage `json:"answer"`
}

type wireApplication struct {
	common
	Candidate    ref               `json:"candidate"`
	Job          ref               `json:"job"`
	CurrentStage ref               `json:"current_stage"`
	RejectReason ref               `json:"reject_reason"`
	AppliedAt    ats.FlexTime      `json:"applied_at"`
	RejectedAt   ats.FlexTime      `json:"rejected_at"`
	Answers      []json.RawMessage `json:"screening_question_answers"`
}

// answer decodes an expanded ScreeningQuestionAnswer; bare ids are skipped.
func answer(raw json.RawMessage) (ats.Answer, bool) {
	var w wireAnswer
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &w) != nil {
		return ats.Answer{}, false
	}
	var a ats.Answer
	q := bytes.TrimSpace(w.Question)
	switch {
	case len(q) > 0 && q[0] == '"':
		_ = json.Unmarshal(q, &a.QuestionID)
	case len(q) > 0 && q[0] == '{':
		var wq struct {
			ID          string  `json:"id"`
			Title       *string `json:"title"`
			Description *string `json:"description"`
		}
		_ = json.Unmarshal(q, &wq)
		a.QuestionID, a.Question = wq.ID, deref(wq.Title)
		if a.Question == "" {
			a.Question = deref(wq.Description)
		}
	}
	v := bytes.TrimSpace(w.Answer)
	switch {
	case len(v) == 0 || string(v) == "null":
	case v[0] == '"':
		_ = json.Unmarshal(v, &a.Value)
	case v[0] == '[':
		var parts []any
		_ = json.Unmarshal(v, &parts)
		var ss []string
		for _, p := range parts {
			ss = append(ss, ats.FlexName(mustJSON(p)))
		}
		a.Value = strings.Join(ss, ", ")
	default:
		a.Value = strings.Trim(string(v), `"`)
	}
	if a.QuestionID == "" {
		a.QuestionID = a.Question
	}
	return a, a.QuestionID != ""
}

func mustJSON(v any) json.RawMessage { b, _ := json.Marshal(v); return b }

// applicationExpand asks Merge to inline the stage, reason and answers so
// names arrive without extra requests.
const applicationExpand = "current_stage,reject_reason,screening_question_answers,screening_question_answers.question"

// ListApplications implements ats.Reader. Merge has no hired flag: an
// application is rejected when it has a rejection date or reason and
// active otherwise.
func (c *Client) ListApplications(ctx context.Context, o ats.ListOptions, fn func([]ats.Application) error) error {
	return list(ctx, c, "/applications", url.Values{"expand": {applicationExpand}}, o, func(w wireApplication, raw json.RawMessage) (ats.Application, bool) {
		del, at := deletedAt(w.common)
		a := ats.Application{ID: w.ID, RemoteID: w.RemoteID.String(), CandidateID: w.Candidate.ID, JobID: w.Job.ID,
			StageID: w.CurrentStage.ID, StageName: w.CurrentStage.Name,
			RejectionReasonID: w.RejectReason.ID, RejectionReasonName: w.RejectReason.Name, RejectedAt: w.RejectedAt.Time,
			AppliedAt: w.AppliedAt.Time, UpdatedAt: w.ModifiedAt.Time, Deleted: del, DeletedAt: at.Time, Raw: raw,
			Status: ats.ApplicationActive}
		if !a.RejectedAt.IsZero() || a.RejectionReasonID != "" {
			a.Status = ats.ApplicationRejected
		}
		for _, r := range w.Answers {
			if an, ok := answer(r); ok {
				a.Answers = append(a.Answers, an)
			}
		}
		return a, true
	}, fn)
}

type wireNamed struct {
	common
	Name *string `json:"name"`
}

// ListTags implements ats.Reader. Merge tags have no id of their own, so
// the name is the id (matching Candidate.Tags).
func (c *Client) ListTags(ctx context.Context, o ats.ListOptions, fn func([]ats.Tag) error) error {
	return list(ctx, c, "/tags", nil, o, func(w wireNamed, raw json.RawMessage) (ats.Tag, bool) {
		n := deref(w.Name)
		if n == "" || w.deleted() {
			return ats.Tag{}, false
		}
		return ats.Tag{ID: n, RemoteID: w.RemoteID.String(), Name: n, Raw: raw}, true
	}, fn)
}

// ListRejectionReasons implements ats.Reader (GET /reject-reasons).
func (c *Client) ListRejectionReasons(ctx context.Context, o ats.ListOptions, fn func([]ats.RejectionReason) error) error {
	return list(ctx, c, "/reject-reasons", nil, o, func(w wireNamed, raw json.RawMessage) (ats.RejectionReason, bool) {
		return ats.RejectionReason{ID: w.ID, RemoteID: w.RemoteID.String(), Name: deref(w.Name), Raw: raw}, true
	}, fn)
}

// ListUsers implements ats.Reader (GET /users, Merge's RemoteUser).
func (c *Client) ListUsers(ctx context.Context, o ats.ListOptions, fn func([]ats.User) error) error {
	return list(ctx, c, "/users", nil, o, func(w struct {
		common
		FirstName *string `json:"first_name"`
		LastName  *string `json:"last_name"`
		Email     *string `json:"email"`
	}, raw json.RawMessage) (ats.User, bool) {
		return ats.User{ID: w.ID, RemoteID: w.RemoteID.String(), Name: strings.TrimSpace(deref(w.FirstName) + " " + deref(w.LastName)),
			Email: deref(w.Email), Raw: raw}, true
	}, fn)
}
