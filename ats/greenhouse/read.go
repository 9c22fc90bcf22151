package greenhouse

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// filter is a list's change filter: rows updated at or after at
// (updated_at=gte|<ts>, the filter every v3 list documents); zero means
// none.
type filter struct {
	at time.Time
}

// listRaw pages path and hands each page's elements, still raw, to fn.
func (c *Client) listRaw(ctx context.Context, path string, f filter, extra url.Values, fn func([]json.RawMessage) error) error {
	req := firstPage(path, c.perPage, f, extra)
	return c.eachPage(ctx, req, func(r *ats.Response) error {
		var rows []json.RawMessage
		if err := c.http.DecodeJSON(r, &rows); err != nil {
			return err
		}
		return fn(rows)
	})
}

// list decodes every page into T and maps it with conv (which may drop
// rows by returning ok=false).
func list[T, U any](ctx context.Context, c *Client, path string, f filter, extra url.Values,
	conv func(T, json.RawMessage) (U, bool), fn func([]U) error) error {
	return c.listRaw(ctx, path, f, extra, func(rows []json.RawMessage) error {
		out := make([]U, 0, len(rows))
		for _, raw := range rows {
			var w T
			if err := json.Unmarshal(raw, &w); err != nil {
				return &ats.Error{Provider: Name, Op: "GET " + path, Message: "invalid JSON in response: " + err.Error(), Err: ats.ErrMalformedResponse}
			}
			if u, ok := conv(w, raw); ok {
				out = append(out, u)
			}
		}
		if len(out) == 0 { // empty, or only skipped rows
			return nil
		}
		return fn(out)
	})
}

func since(o ats.ListOptions) filter { return filter{at: o.UpdatedAfter} }

// Wire types: Harvest v3 JSON (ids are integers; ats.FlexID keeps them
// exact). Field names per the package doc; the fake and the sandbox
// render the same shapes from harvestv3.

type named struct {
	ID   ats.FlexID `json:"id"`
	Name string     `json:"name"`
}

type wireJob struct {
	ID        ats.FlexID   `json:"id"`
	Name      string       `json:"name"`
	Status    string       `json:"status"`
	CreatedAt ats.FlexTime `json:"created_at"`
	UpdatedAt ats.FlexTime `json:"updated_at"`
	// The department and offices by id; names come from GET
	// /v3/departments and /v3/offices (v3_read.go).
	DepartmentID ats.FlexID   `json:"department_id"`
	OfficeIDs    []ats.FlexID `json:"office_ids"`
}

type wireJobPost struct {
	ID        ats.FlexID     `json:"id"`
	JobID     ats.FlexID     `json:"job_id"`
	Title     string         `json:"title"`
	Content   string         `json:"content"`
	Live      bool           `json:"live"`
	Active    bool           `json:"active"`
	External  *bool          `json:"external"`
	Questions []wireQuestion `json:"questions"`
}

type wireQuestion struct {
	Required bool   `json:"required"`
	Label    string `json:"label"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Values   []struct {
		Value json.RawMessage `json:"value"`
		Label string          `json:"label"`
	} `json:"values"`
}

type wireStage struct {
	ID        ats.FlexID   `json:"id"`
	Name      string       `json:"name"`
	JobID     ats.FlexID   `json:"job_id"`
	SortOrder int          `json:"sort_order"`
	Active    *bool        `json:"active"`
	UpdatedAt ats.FlexTime `json:"updated_at"`
}

type wireValue struct {
	Value string `json:"value"`
	Type  string `json:"type"`
}

type wireCandidate struct {
	ID             ats.FlexID   `json:"id"`
	FirstName      string       `json:"first_name"`
	LastName       string       `json:"last_name"`
	CreatedAt      ats.FlexTime `json:"created_at"`
	UpdatedAt      ats.FlexTime `json:"updated_at"`
	EmailAddresses []wireValue  `json:"email_addresses"`
	PhoneNumbers   []wireValue  `json:"phone_numbers"`
}

type wireApplication struct {
	ID          ats.FlexID `json:"id"`
	CandidateID ats.FlexID `json:"candidate_id"`
	JobID       ats.FlexID `json:"job_id"`
	// StageID is either the job interview stage or the application's
	// current application_stages row (sources disagree);
	// JobInterviewStageID, when sent, is the stage itself.
	StageID             ats.FlexID   `json:"stage_id"`
	JobInterviewStageID ats.FlexID   `json:"job_interview_stage_id"`
	Status              string       `json:"status"`
	Prospect            bool         `json:"prospect"`
	CreatedAt           ats.FlexTime `json:"created_at"`
	UpdatedAt           ats.FlexTime `json:"updated_at"`
	LastActivityAt      ats.FlexTime `json:"last_activity_at"`
	RejectedAt          ats.FlexTime `json:"rejected_at"`
	Answers             []struct {
		Question string `json:"question"`
		Answer   string `json:"answer"`
	} `json:"answers"`
}

// currentStage is the application's job interview stage: the one
// job_interview_stage_id names, else stage_id.
func (w wireApplication) currentStage() string {
	if id := w.JobInterviewStageID.String(); id != "" {
		return id
	}
	return w.StageID.String()
}

type wireUser struct {
	ID           ats.FlexID `json:"id"`
	Name         string     `json:"name"`
	FirstName    string     `json:"first_name"`
	LastName     string     `json:"last_name"`
	PrimaryEmail string     `json:"primary_email"`
}

// ListJobs implements ats.Reader. Jobs carry neither description nor
// questions (those live on job posts) nor department and office names
// (v3 gives their ids), so one pass over /job_posts, /departments and
// /offices (a few pages for a whole account) is joined in. Jobs are few
// (hundreds at most), so they are collected first and the rest is read
// only when some job is returned: an incremental sync with nothing
// changed costs one request for this model instead of four. A post
// edited without its job changing is picked up by the next full sync or
// by the job_post_updated webhook's refresh.
func (c *Client) ListJobs(ctx context.Context, o ats.ListOptions, fn func([]ats.Job) error) error {
	type jobRow struct {
		w   wireJob
		raw json.RawMessage
	}
	var rows []jobRow
	err := list(ctx, c, "/jobs", since(o), nil, func(w wireJob, raw json.RawMessage) (jobRow, bool) { return jobRow{w, raw}, true },
		func(p []jobRow) error {
			rows = append(rows, p...)
			return nil
		})
	if err != nil || len(rows) == 0 {
		return err
	}
	depts, offices, err := c.departmentsAndOffices(ctx)
	if err != nil {
		return err
	}
	jobs := make([]ats.Job, 0, len(rows))
	for _, r := range rows {
		w := r.w
		j := ats.Job{ID: w.ID.String(), RemoteID: w.ID.String(), Title: w.Name, Status: jobStatus(w.Status),
			CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: r.raw, Department: depts[w.DepartmentID.String()]}
		if len(w.OfficeIDs) > 0 {
			j.Location = offices[w.OfficeIDs[0].String()]
		}
		jobs = append(jobs, j)
	}
	// Job posts carry content and questions[] without v1's full_content
	// (inferred).
	posts := map[string]wireJobPost{}
	err = list(ctx, c, "/job_posts", filter{}, nil,
		func(p wireJobPost, _ json.RawMessage) (wireJobPost, bool) { return p, true },
		func(ps []wireJobPost) error {
			for _, p := range ps {
				if cur, ok := posts[p.JobID.String()]; !ok || postRank(p) > postRank(cur) {
					posts[p.JobID.String()] = p
				}
			}
			return nil
		})
	if err != nil {
		return err
	}
	for i := range jobs {
		if p, ok := posts[jobs[i].ID]; ok {
			jobs[i].DescriptionHTML = p.Content
			jobs[i].DescriptionText = ats.HTMLToText(p.Content)
			for _, q := range p.Questions {
				jobs[i].ScreeningQuestions = append(jobs[i].ScreeningQuestions, question(q))
			}
		}
	}
	size := max(c.perPage, 1)
	for len(jobs) > 0 {
		n := min(size, len(jobs))
		if err := fn(jobs[:n:n]); err != nil {
			return err
		}
		jobs = jobs[n:]
	}
	return nil
}

// postRank prefers the live external post as the job's description.
func postRank(p wireJobPost) int {
	r := 0
	if p.Live {
		r += 4
	}
	if p.External == nil || *p.External {
		r += 2
	}
	if p.Active {
		r++
	}
	return r
}

func jobStatus(s string) ats.JobStatus {
	switch strings.ToLower(s) {
	case "open":
		return ats.JobOpen
	case "closed":
		return ats.JobClosed
	case "draft":
		return ats.JobDraft
	}
	return ats.JobUnknown
}

func question(q wireQuestion) ats.Question {
	out := ats.Question{ID: q.Name, Label: q.Label, Required: q.Required, Type: ats.QuestionUnknown}
	switch q.Type {
	case "short_text", "input_text":
		out.Type = ats.QuestionText
	case "long_text", "textarea":
		out.Type = ats.QuestionLongText
	case "attachment", "input_file":
		out.Type = ats.QuestionFile
	case "boolean":
		out.Type = ats.QuestionYesNo
	case "multi_select", "multi_value_multi_select":
		out.Type = ats.QuestionMultiChoice
	case "single_select", "multi_value_single_select":
		out.Type = ats.QuestionSingleChoice
	case "number":
		out.Type = ats.QuestionNumber
	case "date":
		out.Type = ats.QuestionDate
	}
	for _, v := range q.Values {
		out.Options = append(out.Options, ats.Option{ID: strings.Trim(string(v.Value), `"`), Label: v.Label})
	}
	return out
}

// ListStages implements ats.Reader via GET /job_interview_stages, which
// returns every job's stages with job_id in a few pages (READ migration
// guide and the application stages reference: "look up the stages on a
// job via GET /v3/job_interview_stages?job_ids=...").
func (c *Client) ListStages(ctx context.Context, o ats.ListOptions, fn func([]ats.Stage) error) error {
	return list(ctx, c, "/job_interview_stages", since(o), nil, stageFromWire, fn)
}

// JobStages returns one job's stages (GET
// /job_interview_stages?job_ids=<id>), e.g. to refresh a job after a
// job_interview_stage_deleted webhook.
func (c *Client) JobStages(ctx context.Context, jobID string) ([]ats.Stage, error) {
	if err := numericID("job", jobID); err != nil {
		return nil, err
	}
	var out []ats.Stage
	err := list(ctx, c, "/job_interview_stages", filter{}, url.Values{"job_ids": {jobID}}, stageFromWire, func(p []ats.Stage) error {
		out = append(out, p...)
		return nil
	})
	return out, err
}

func stageFromWire(w wireStage, raw json.RawMessage) (ats.Stage, bool) {
	return ats.Stage{ID: w.ID.String(), RemoteID: w.ID.String(), Name: w.Name, Order: w.SortOrder, JobID: w.JobID.String(),
		Active: w.Active == nil || *w.Active, UpdatedAt: w.UpdatedAt.Time, Raw: raw}, true
}

// ListCandidates implements ats.Reader.
func (c *Client) ListCandidates(ctx context.Context, o ats.ListOptions, fn func([]ats.Candidate) error) error {
	return list(ctx, c, "/candidates", since(o), nil, func(w wireCandidate, raw json.RawMessage) (ats.Candidate, bool) {
		cd := ats.Candidate{ID: w.ID.String(), RemoteID: w.ID.String(), FirstName: w.FirstName, LastName: w.LastName,
			CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
		for _, e := range w.EmailAddresses {
			cd.Emails = append(cd.Emails, e.Value)
		}
		for _, p := range w.PhoneNumbers {
			cd.Phones = append(cd.Phones, p.Value)
		}
		return cd, true
	}, fn)
}

// ListApplications implements ats.Reader. UpdatedAfter maps to
// updated_at=gte|<ts>, the filter every v3 list documents. Prospect
// applications (not applied to a job) are skipped: hireloop only
// interviews applicants. v3 keeps rejection reasons in their own
// resource, so rejected rows of each page are completed from GET
// /rejection_details (v3_read.go).
func (c *Client) ListApplications(ctx context.Context, o ats.ListOptions, fn func([]ats.Application) error) error {
	return list(ctx, c, "/applications", since(o), nil, applicationFromWire, func(p []ats.Application) error {
		if err := c.fillRejections(ctx, p); err != nil {
			return err
		}
		return fn(p)
	})
}

func applicationFromWire(w wireApplication, raw json.RawMessage) (ats.Application, bool) {
	jobID := w.JobID.String()
	if w.Prospect || jobID == "" {
		return ats.Application{}, false
	}
	// updated_at is what the updated_at filter compares, so the watermark
	// and the filter agree.
	updated := w.UpdatedAt.Time
	if updated.IsZero() {
		updated = w.LastActivityAt.Time
	}
	a := ats.Application{
		ID: w.ID.String(), RemoteID: w.ID.String(), CandidateID: w.CandidateID.String(), JobID: jobID,
		StageID: w.currentStage(), AppliedAt: w.CreatedAt.Time, RejectedAt: w.RejectedAt.Time, UpdatedAt: updated, Raw: raw,
	}
	switch w.Status {
	case "rejected":
		a.Status = ats.ApplicationRejected
	case "hired":
		a.Status = ats.ApplicationHired
	default:
		a.Status = ats.ApplicationActive
	}
	for _, an := range w.Answers {
		a.Answers = append(a.Answers, ats.Answer{QuestionID: an.Question, Question: an.Question, Value: an.Answer})
	}
	return a, true
}

// ListTags implements ats.Reader (GET /candidate_tags).
func (c *Client) ListTags(ctx context.Context, _ ats.ListOptions, fn func([]ats.Tag) error) error {
	return list(ctx, c, tagsPath, filter{}, nil, func(w named, raw json.RawMessage) (ats.Tag, bool) {
		return ats.Tag{ID: w.ID.String(), RemoteID: w.ID.String(), Name: w.Name, Raw: raw}, true
	}, fn)
}

// ListRejectionReasons implements ats.Reader.
func (c *Client) ListRejectionReasons(ctx context.Context, _ ats.ListOptions, fn func([]ats.RejectionReason) error) error {
	return list(ctx, c, "/rejection_reasons", filter{}, nil, func(w named, raw json.RawMessage) (ats.RejectionReason, bool) {
		return ats.RejectionReason{ID: w.ID.String(), RemoteID: w.ID.String(), Name: w.Name, Raw: raw}, true
	}, fn)
}

// ListUsers implements ats.Reader.
func (c *Client) ListUsers(ctx context.Context, _ ats.ListOptions, fn func([]ats.User) error) error {
	return list(ctx, c, "/users", filter{}, nil, func(w wireUser, raw json.RawMessage) (ats.User, bool) {
		u := ats.User{ID: w.ID.String(), RemoteID: w.ID.String(), Name: w.Name, Email: w.PrimaryEmail, Raw: raw}
		if u.Name == "" {
			u.Name = strings.TrimSpace(w.FirstName + " " + w.LastName)
		}
		return u, true
	}, fn)
}
