package greenhouse

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// filterKind is a change filter; pagers map it to their API's parameter
// (v1 updated_after / last_activity_after, v3 updated_at=gte|...).
type filterKind int

const (
	filterNone filterKind = iota
	filterUpdated
	filterLastActivity
)

type filter struct {
	kind filterKind
	at   time.Time
}

// pager is the paging strategy. v1 pages with per_page + Link headers
// (next/prev/last); v3 puts only a cursor in the rel="next" link and
// expresses filters as "updated_at=gte|<ts>" (v3.go).
type pager interface {
	first(path string, perPage int, f filter, extra url.Values) ats.Request
	each(ctx context.Context, c *Client, req ats.Request, fn func(*ats.Response) error) error
}

type v1Pager struct{}

func (v1Pager) first(path string, perPage int, f filter, extra url.Values) ats.Request {
	q := url.Values{"per_page": {strconv.Itoa(perPage)}, "skip_count": {"true"}}
	for k, v := range extra {
		q[k] = v
	}
	if !f.at.IsZero() {
		ts := f.at.UTC().Format("2006-01-02T15:04:05.000Z")
		switch f.kind {
		case filterUpdated:
			q.Set("updated_after", ts)
		case filterLastActivity:
			q.Set("last_activity_after", ts)
		}
	}
	return ats.Request{Method: http.MethodGet, Path: path, Query: q}
}

func (v1Pager) each(ctx context.Context, c *Client, req ats.Request, fn func(*ats.Response) error) error {
	return c.http.EachLinkPage(ctx, req, fn)
}

// listRaw pages path and hands each page's elements, still raw, to fn.
func (c *Client) listRaw(ctx context.Context, path string, f filter, extra url.Values, fn func([]json.RawMessage) error) error {
	req := c.pager.first(path, c.perPage, f, extra)
	return c.pager.each(ctx, c, req, func(r *ats.Response) error {
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

func since(kind filterKind, o ats.ListOptions) filter { return filter{kind: kind, at: o.UpdatedAfter} }

// Wire types: Harvest v1 JSON (ids are integers; ats.FlexID keeps them exact).

type named struct {
	ID   ats.FlexID `json:"id"`
	Name string     `json:"name"`
}

type wireJob struct {
	ID          ats.FlexID   `json:"id"`
	Name        string       `json:"name"`
	Status      string       `json:"status"`
	CreatedAt   ats.FlexTime `json:"created_at"`
	UpdatedAt   ats.FlexTime `json:"updated_at"`
	Departments []named      `json:"departments"`
	Offices     []struct {
		Name     string          `json:"name"`
		Location json.RawMessage `json:"location"`
	} `json:"offices"`
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
	ID       ats.FlexID `json:"id"`
	Name     string     `json:"name"`
	JobID    ats.FlexID `json:"job_id"`
	Priority int        `json:"priority"`
	// SortOrder is v3's name for priority (standardizations guide).
	SortOrder *int         `json:"sort_order"`
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
	Tags           []string     `json:"tags"`
}

type wireApplication struct {
	ID          ats.FlexID `json:"id"`
	CandidateID ats.FlexID `json:"candidate_id"`
	// v3 carries parent ids instead of nested objects: job_id, stage_id
	// (the current job interview stage) and updated_at.
	JobID           ats.FlexID   `json:"job_id"`
	StageID         ats.FlexID   `json:"stage_id"`
	UpdatedAt       ats.FlexTime `json:"updated_at"`
	Prospect        bool         `json:"prospect"`
	AppliedAt       ats.FlexTime `json:"applied_at"`
	RejectedAt      ats.FlexTime `json:"rejected_at"`
	LastActivityAt  ats.FlexTime `json:"last_activity_at"`
	Status          string       `json:"status"`
	CurrentStage    *named       `json:"current_stage"`
	RejectionReason *named       `json:"rejection_reason"`
	Jobs            []named      `json:"jobs"`
	Answers         []struct {
		Question string `json:"question"`
		Answer   string `json:"answer"`
	} `json:"answers"`
}

type wireUser struct {
	ID           ats.FlexID `json:"id"`
	Name         string     `json:"name"`
	FirstName    string     `json:"first_name"`
	LastName     string     `json:"last_name"`
	PrimaryEmail string     `json:"primary_email_address"`
	Emails       []string   `json:"emails"`
}

// ListJobs implements ats.Reader. Harvest jobs carry no description or
// questions; those live on job posts, so one pass over
// /job_posts?full_content=true (a few pages for a whole account) is
// joined in by job_id. The map holds only posts, never candidates.
func (c *Client) ListJobs(ctx context.Context, o ats.ListOptions, fn func([]ats.Job) error) error {
	// Jobs are few (hundreds at most), so they are collected first and the
	// job posts (descriptions and questions) are read only when some job
	// is returned: an incremental sync with nothing changed then costs one
	// request for this model instead of two. A post edited without its
	// job changing is picked up by the next full sync or by the
	// job_post_updated webhook's refresh.
	var jobs []ats.Job
	// v1 needs full_content=true for post bodies and questions; v3 job
	// posts are assumed to carry them by default (inferred).
	postsQuery := url.Values{"full_content": {"true"}}
	if c.v3 {
		postsQuery = nil
	}
	err := list(ctx, c, "/jobs", since(filterUpdated, o), nil, func(w wireJob, raw json.RawMessage) (ats.Job, bool) {
		j := ats.Job{
			ID: w.ID.String(), RemoteID: w.ID.String(), Title: w.Name, Status: jobStatus(w.Status),
			CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw,
		}
		if len(w.Departments) > 0 {
			j.Department = w.Departments[0].Name
		}
		if len(w.Offices) > 0 {
			j.Location = ats.FlexName(w.Offices[0].Location)
			if j.Location == "" {
				j.Location = w.Offices[0].Name
			}
		}
		return j, true
	}, func(p []ats.Job) error {
		jobs = append(jobs, p...)
		return nil
	})
	if err != nil || len(jobs) == 0 {
		return err
	}
	posts := map[string]wireJobPost{}
	err = list(ctx, c, "/job_posts", filter{}, postsQuery,
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

// ListStages implements ats.Reader via GET /job_stages, which returns
// every job's stages with job_id in a few pages (cheaper than one
// /jobs/{id}/stages call per job). Use JobStages for a single job.
//
// In v3 the same list is GET /job_interview_stages (READ migration guide
// and the application stages reference: "look up the stages on a job via
// GET /v3/job_interview_stages?job_ids=...").
func (c *Client) ListStages(ctx context.Context, o ats.ListOptions, fn func([]ats.Stage) error) error {
	path := "/job_stages"
	if c.v3 {
		path = "/job_interview_stages"
	}
	return list(ctx, c, path, since(filterUpdated, o), nil, stageFromWire, fn)
}

// JobStages returns one job's stages (GET /jobs/{id}/stages), e.g. to
// refresh a job after a job_interview_stage_deleted webhook.
func (c *Client) JobStages(ctx context.Context, jobID string) ([]ats.Stage, error) {
	if err := numericID("job", jobID); err != nil {
		return nil, err
	}
	var out []ats.Stage
	path, q := "/jobs/"+jobID+"/stages", url.Values(nil)
	if c.v3 {
		path, q = "/job_interview_stages", url.Values{"job_ids": {jobID}}
	}
	err := list(ctx, c, path, filter{}, q, stageFromWire, func(p []ats.Stage) error {
		out = append(out, p...)
		return nil
	})
	return out, err
}

func stageFromWire(w wireStage, raw json.RawMessage) (ats.Stage, bool) {
	order := w.Priority
	if w.SortOrder != nil {
		order = *w.SortOrder
	}
	return ats.Stage{ID: w.ID.String(), RemoteID: w.ID.String(), Name: w.Name, Order: order, JobID: w.JobID.String(),
		Active: w.Active == nil || *w.Active, UpdatedAt: w.UpdatedAt.Time, Raw: raw}, true
}

// ListCandidates implements ats.Reader.
func (c *Client) ListCandidates(ctx context.Context, o ats.ListOptions, fn func([]ats.Candidate) error) error {
	return list(ctx, c, "/candidates", since(filterUpdated, o), nil, func(w wireCandidate, raw json.RawMessage) (ats.Candidate, bool) {
		cd := ats.Candidate{ID: w.ID.String(), RemoteID: w.ID.String(), FirstName: w.FirstName, LastName: w.LastName,
			CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
		for _, e := range w.EmailAddresses {
			cd.Emails = append(cd.Emails, e.Value)
		}
		for _, p := range w.PhoneNumbers {
			cd.Phones = append(cd.Phones, p.Value)
		}
		for _, t := range w.Tags {
			cd.Tags = append(cd.Tags, ats.Tag{Name: t})
		}
		return cd, true
	}, fn)
}

// ListApplications implements ats.Reader. In v1 UpdatedAfter maps to
// last_activity_after, the only change filter Harvest v1 offers for
// applications; in v3 to updated_at=gte|<ts>, the filter every v3 list
// documents. Prospect applications (not applied to a job) are skipped:
// hireloop only interviews applicants. v3 keeps rejection reasons in
// their own resource, so rejected rows of each page are completed from
// GET /rejection_details (v3_read.go).
func (c *Client) ListApplications(ctx context.Context, o ats.ListOptions, fn func([]ats.Application) error) error {
	if c.v3 {
		return list(ctx, c, "/applications", since(filterUpdated, o), nil, applicationFromWire, func(p []ats.Application) error {
			if err := c.fillRejections(ctx, p); err != nil {
				return err
			}
			return fn(p)
		})
	}
	return list(ctx, c, "/applications", since(filterLastActivity, o), nil, applicationFromWire, fn)
}

func applicationFromWire(w wireApplication, raw json.RawMessage) (ats.Application, bool) {
	jobID := w.JobID.String()
	if len(w.Jobs) > 0 {
		jobID = w.Jobs[0].ID.String()
	}
	if w.Prospect || jobID == "" {
		return ats.Application{}, false
	}
	updated := w.LastActivityAt.Time
	if !w.UpdatedAt.IsZero() {
		// v3: the timestamp the updated_at filter compares, so the
		// watermark and the filter agree.
		updated = w.UpdatedAt.Time
	}
	a := ats.Application{
		ID: w.ID.String(), RemoteID: w.ID.String(), CandidateID: w.CandidateID.String(), JobID: jobID,
		AppliedAt: w.AppliedAt.Time, RejectedAt: w.RejectedAt.Time, UpdatedAt: updated, Raw: raw,
	}
	switch w.Status {
	case "rejected":
		a.Status = ats.ApplicationRejected
	case "hired":
		a.Status = ats.ApplicationHired
	default:
		a.Status = ats.ApplicationActive
	}
	if w.CurrentStage != nil {
		a.StageID, a.StageName = w.CurrentStage.ID.String(), w.CurrentStage.Name
	} else {
		a.StageID = w.StageID.String()
	}
	if w.RejectionReason != nil {
		a.RejectionReasonID, a.RejectionReasonName = w.RejectionReason.ID.String(), w.RejectionReason.Name
	}
	for _, an := range w.Answers {
		a.Answers = append(a.Answers, ats.Answer{QuestionID: an.Question, Question: an.Question, Value: an.Answer})
	}
	return a, true
}

// ListTags implements ats.Reader (candidate tags: v1 /tags/candidate, v3
// /candidate_tags).
func (c *Client) ListTags(ctx context.Context, _ ats.ListOptions, fn func([]ats.Tag) error) error {
	return list(ctx, c, c.tagsPath(), filter{}, nil, func(w named, raw json.RawMessage) (ats.Tag, bool) {
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
		if u.Email == "" && len(w.Emails) > 0 {
			u.Email = w.Emails[0]
		}
		return u, true
	}, fn)
}
