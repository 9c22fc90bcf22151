package teamtailor

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// JSON:API wire types.

// document is one JSON:API response.
type document struct {
	Data     json.RawMessage `json:"data"`
	Included []resource      `json:"included"`
	Links    struct {
		Next string `json:"next"`
	} `json:"links"`
	Meta struct {
		RecordCount int `json:"record-count"`
		PageCount   int `json:"page-count"`
	} `json:"meta"`
}

// resource is one JSON:API resource object. Relationships stay raw and are
// decoded only by readers that need linkage (most do not).
type resource struct {
	ID            ats.FlexID      `json:"id"`
	Type          string          `json:"type"`
	Attributes    json.RawMessage `json:"attributes"`
	Relationships json.RawMessage `json:"relationships"`
}

// listDocument is a list response decoded in one pass: each row keeps its
// raw JSON (for Raw) next to its decoded form with typed attributes A.
type listDocument[A any] struct {
	Data     []row[A]      `json:"data"`
	Included []includedRes `json:"included"`
	Links    struct {
		Next string `json:"next"`
	} `json:"links"`
	Meta struct {
		PageCount int `json:"page-count"`
	} `json:"meta"`
}

// typed is a resource object with typed attributes.
type typed[A any] struct {
	ID            ats.FlexID      `json:"id"`
	Type          string          `json:"type"`
	Attributes    A               `json:"attributes"`
	Relationships json.RawMessage `json:"relationships"`
}

// row is a typed resource with its raw JSON.
type row[A any] struct {
	Raw json.RawMessage
	typed[A]
}

func (r *row[A]) UnmarshalJSON(b []byte) error {
	r.Raw = append(json.RawMessage(nil), b...)
	return json.Unmarshal(b, &r.typed)
}

func (r typed[A]) rels() map[string]relationship { return relsOf(r.Relationships) }

func relsOf(raw json.RawMessage) map[string]relationship {
	var m map[string]relationship
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &m)
	}
	return m
}

// relationship keeps the linkage, present only for included relations.
type relationship struct {
	Data json.RawMessage `json:"data"`
}

// id returns the to-one linkage id, or "".
func (r relationship) id() string {
	d := bytes.TrimSpace(r.Data)
	if len(d) == 0 || d[0] != '{' {
		return ""
	}
	var l struct {
		ID ats.FlexID `json:"id"`
	}
	_ = json.Unmarshal(d, &l)
	return l.ID.String()
}

func (r resource) rel(name string) string { return relsOf(r.Relationships)[name].id() }

// includedRes is an included resource, decoded only as far as readers use
// it (stage name and type, reject reason text); the rest is skipped.
type includedRes struct {
	ID         ats.FlexID `json:"id"`
	Type       string     `json:"type"`
	Attributes struct {
		Name      string `json:"name"`
		StageType string `json:"stage-type"`
		Reason    string `json:"reason"`
	} `json:"attributes"`
}

// includedIndex maps "type/id" to included resources.
type includedIndex map[string]includedRes

func indexIncluded(rs []includedRes) includedIndex {
	m := make(includedIndex, len(rs))
	for _, r := range rs {
		m[r.Type+"/"+r.ID.String()] = r
	}
	return m
}

func (ix includedIndex) get(typ, id string) (includedRes, bool) {
	r, ok := ix[typ+"/"+id]
	return r, ok
}

func malformed(op, msg string) error {
	return &ats.Error{Provider: Name, Op: op, Message: msg, Err: ats.ErrMalformedResponse}
}

// timeParam renders the filter[updated-at][from] value.
func timeParam(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// pages GETs path with page[size] and page[number] = 1, 2, … and calls fn
// with the rows (attributes decoded as A) and included resources of every
// non-empty page, until a page is empty, has no links.next, or reaches
// meta.page-count. Page numbers are used instead of following links.next
// verbatim because the documented example links carry no page parameters.
func pages[A any](ctx context.Context, c *Client, path, opName string, q url.Values, fn func([]row[A], includedIndex) error) error {
	return c.pageLoop(ctx, path, opName, q, func(resp *ats.Response) (pageInfo, error) {
		var doc listDocument[A]
		if err := c.http.DecodeJSON(resp, &doc); err != nil {
			return pageInfo{}, err
		}
		if len(doc.Data) > 0 {
			if err := fn(doc.Data, indexIncluded(doc.Included)); err != nil {
				return pageInfo{}, err
			}
		}
		return pageInfo{rows: len(doc.Data), next: doc.Links.Next != "", pageCount: doc.Meta.PageCount}, nil
	})
}

// pageInfo is what the pager needs from a decoded page.
type pageInfo struct {
	rows      int
	next      bool
	pageCount int
}

// pageLoop requests page 1, 2, … of path and hands each response to page,
// which decodes it. It stops at an empty page, a page without links.next,
// or the last page by meta.page-count.
func (c *Client) pageLoop(ctx context.Context, path, opName string, q url.Values, page func(*ats.Response) (pageInfo, error)) error {
	for n := 1; n <= ats.MaxPages; n++ {
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = v
		}
		q2.Set("page[size]", strconv.Itoa(c.pageSize))
		q2.Set("page[number]", strconv.Itoa(n))
		resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: path, Query: q2, OpName: opName})
		if err != nil {
			return err
		}
		pi, err := page(resp)
		if err != nil {
			return err
		}
		if pi.rows == 0 || !pi.next || (pi.pageCount > 0 && n >= pi.pageCount) {
			return nil
		}
	}
	return fmt.Errorf("%s: more than %d pages", Name, ats.MaxPages)
}

func attrs[T any](op string, r resource) (T, error) {
	var a T
	if len(r.Attributes) == 0 {
		return a, nil
	}
	if err := json.Unmarshal(r.Attributes, &a); err != nil {
		return a, malformed(op, "invalid JSON in response: attributes of "+r.Type+" "+r.ID.String()+": "+err.Error())
	}
	return a, nil
}

// Wire attribute types (dasherized names).

type jobAttrs struct {
	Title       string       `json:"title"`
	Body        string       `json:"body"`
	Status      string       `json:"status"`
	HumanStatus string       `json:"human-status"`
	CreatedAt   ats.FlexTime `json:"created-at"`
	CreatedAtV1 ats.FlexTime `json:"created_at"`
	UpdatedAt   ats.FlexTime `json:"updated-at"`
}

type stageAttrs struct {
	Name      string       `json:"name"`
	StageType string       `json:"stage-type"`
	RowOrder  *int         `json:"row-order"`
	UpdatedAt ats.FlexTime `json:"updated-at"`
}

type candidateAttrs struct {
	FirstName string       `json:"first-name"`
	LastName  string       `json:"last-name"`
	Email     string       `json:"email"`
	Phone     string       `json:"phone"`
	Tags      []string     `json:"tags"`
	CreatedAt ats.FlexTime `json:"created-at"`
	UpdatedAt ats.FlexTime `json:"updated-at"`
}

type applicationAttrs struct {
	CreatedAt    ats.FlexTime    `json:"created-at"`
	UpdatedAt    ats.FlexTime    `json:"updated-at"`
	RejectedAt   ats.FlexTime    `json:"rejected-at"`
	RejectReason json.RawMessage `json:"reject-reason"`
}

type questionAttrs struct {
	Title        string          `json:"title"`
	QuestionType string          `json:"question-type"`
	Multiple     *bool           `json:"multiple"`
	Alternatives json.RawMessage `json:"alternatives"`
}

// ListJobs implements ats.Reader from GET /jobs?filter[status]=all. Jobs
// have no documented change filter, so every sync reads them all (the sync
// engine diffs). Screening questions come from GET /jobs/{id}/questions for
// open jobs; a job whose questions cannot be read (403/404) has none.
func (c *Client) ListJobs(ctx context.Context, _ ats.ListOptions, fn func([]ats.Job) error) error {
	return pages(ctx, c, "/jobs", "/jobs", url.Values{"filter[status]": {"all"}}, func(rows []row[jobAttrs], _ includedIndex) error {
		out := make([]ats.Job, 0, len(rows))
		for _, r := range rows {
			id, a := r.ID.String(), r.Attributes
			if id == "" {
				continue
			}
			created := a.CreatedAt.Time
			if created.IsZero() {
				created = a.CreatedAtV1.Time
			}
			j := ats.Job{ID: id, RemoteID: id, Title: a.Title, Status: jobStatus(a.Status, a.HumanStatus),
				DescriptionHTML: a.Body, DescriptionText: ats.HTMLToText(a.Body), CreatedAt: created, UpdatedAt: a.UpdatedAt.Time, Raw: r.Raw}
			if j.Status == ats.JobOpen {
				var err error
				if j.ScreeningQuestions, err = c.questions(ctx, id); err != nil {
					return err
				}
			}
			out = append(out, j)
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

func jobStatus(status, human string) ats.JobStatus {
	switch strings.ToLower(status) {
	case "open", "unlisted":
		return ats.JobOpen
	case "draft", "temp":
		return ats.JobDraft
	case "archived":
		return ats.JobArchived
	}
	switch strings.ToLower(human) {
	case "published", "unlisted":
		return ats.JobOpen
	case "draft", "scheduled", "unsaved":
		return ats.JobDraft
	case "archived":
		return ats.JobArchived
	case "expired":
		return ats.JobClosed
	}
	return ats.JobUnknown
}

func (c *Client) questions(ctx context.Context, jobID string) ([]ats.Question, error) {
	var out []ats.Question
	err := pages(ctx, c, "/jobs/"+url.PathEscape(jobID)+"/questions", "/jobs/{id}/questions", nil, func(rows []row[questionAttrs], _ includedIndex) error {
		for _, r := range rows {
			a := r.Attributes
			q := ats.Question{ID: r.ID.String(), Label: a.Title, Type: questionType(a.QuestionType, a.Multiple)}
			for _, alt := range alternatives(a.Alternatives) {
				q.Options = append(q.Options, ats.Option{ID: alt, Label: alt})
			}
			out = append(out, q)
		}
		return nil
	})
	if errors.Is(err, ats.ErrNotFound) || errors.Is(err, ats.ErrForbidden) {
		return nil, nil
	}
	return out, err
}

// alternatives decodes choice alternatives sent as strings or {title|name}.
func alternatives(raw json.RawMessage) []string {
	var items []json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return nil
	}
	var out []string
	for _, it := range items {
		if s := ats.FlexName(it); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func questionType(t string, multiple *bool) ats.QuestionType {
	switch strings.ToLower(t) {
	case "text":
		return ats.QuestionText
	case "boolean":
		return ats.QuestionYesNo
	case "choice":
		if multiple != nil && *multiple {
			return ats.QuestionMultiChoice
		}
		return ats.QuestionSingleChoice
	case "range", "number":
		return ats.QuestionNumber
	case "date":
		return ats.QuestionDate
	case "file":
		return ats.QuestionFile
	}
	return ats.QuestionUnknown
}

// ListStages implements ats.Reader: GET /jobs/{id}/stages?sort=row_order
// for every job (stages are per job in Teamtailor).
func (c *Client) ListStages(ctx context.Context, _ ats.ListOptions, fn func([]ats.Stage) error) error {
	return pages(ctx, c, "/jobs", "/jobs", url.Values{"filter[status]": {"all"}}, func(jobs []row[struct{}], _ includedIndex) error {
		for _, j := range jobs {
			jobID := j.ID.String()
			if jobID == "" {
				continue
			}
			order := 0
			err := pages(ctx, c, "/jobs/"+url.PathEscape(jobID)+"/stages", "/jobs/{id}/stages", url.Values{"sort": {"row_order"}},
				func(rows []row[stageAttrs], _ includedIndex) error {
					out := make([]ats.Stage, 0, len(rows))
					for _, r := range rows {
						a := r.Attributes
						st := ats.Stage{ID: r.ID.String(), RemoteID: r.ID.String(), Name: a.Name, Order: order, JobID: jobID,
							Kind: stageKind(a.StageType), Active: true, UpdatedAt: a.UpdatedAt.Time, Raw: r.Raw}
						if a.RowOrder != nil {
							st.Order = *a.RowOrder
						}
						order++
						if st.ID != "" {
							out = append(out, st)
						}
					}
					if len(out) == 0 {
						return nil
					}
					return fn(out)
				})
			if err != nil {
				return err
			}
		}
		return nil
	})
}

func stageKind(t string) ats.StageKind {
	switch strings.ToLower(t) {
	case "inbox":
		return ats.StageKindInbox
	case "in process":
		return ats.StageKindActive
	case "hired":
		return ats.StageKindHired
	}
	return ats.StageKindNone
}

func updatedQuery(o ats.ListOptions) url.Values {
	q := url.Values{}
	if !o.UpdatedAfter.IsZero() {
		q.Set("filter[updated-at][from]", timeParam(o.UpdatedAfter))
	}
	return q
}

// ListCandidates implements ats.Reader from GET /candidates
// (filter[updated-at][from]).
func (c *Client) ListCandidates(ctx context.Context, o ats.ListOptions, fn func([]ats.Candidate) error) error {
	return pages(ctx, c, "/candidates", "/candidates", updatedQuery(o), func(rows []row[candidateAttrs], _ includedIndex) error {
		out := make([]ats.Candidate, 0, len(rows))
		for _, r := range rows {
			if r.ID != "" {
				out = append(out, candidateFromWire(r.ID.String(), r.Attributes, r.Raw))
			}
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

func candidateFromWire(id string, a candidateAttrs, raw json.RawMessage) ats.Candidate {
	cd := ats.Candidate{ID: id, RemoteID: id, FirstName: a.FirstName, LastName: a.LastName,
		CreatedAt: a.CreatedAt.Time, UpdatedAt: a.UpdatedAt.Time, Raw: raw}
	if e := strings.TrimSpace(a.Email); e != "" {
		cd.Emails = []string{e}
	}
	if ph := strings.TrimSpace(a.Phone); ph != "" {
		cd.Phones = []string{ph}
	}
	for _, t := range a.Tags {
		if t = strings.TrimSpace(t); t != "" {
			cd.Tags = append(cd.Tags, ats.Tag{ID: t, RemoteID: t, Name: t})
		}
	}
	return cd
}

// applicationInclude names the relations whose linkage (ids) and objects
// (stage name and type, reject reason text) a job application read needs.
const applicationInclude = "candidate,job,stage,reject-reason"

// ListApplications implements ats.Reader from GET /job-applications
// ?include=candidate,job,stage,reject-reason (filter[updated-at][from]).
// A set rejected-at means rejected; otherwise a stage of type Hired means
// hired.
func (c *Client) ListApplications(ctx context.Context, o ats.ListOptions, fn func([]ats.Application) error) error {
	q := updatedQuery(o)
	q.Set("include", applicationInclude)
	return pages(ctx, c, "/job-applications", "/job-applications", q, func(rows []row[applicationAttrs], inc includedIndex) error {
		out := make([]ats.Application, 0, len(rows))
		for _, r := range rows {
			if r.ID != "" {
				out = append(out, applicationFromWire(r, inc))
			}
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

func applicationFromWire(r row[applicationAttrs], inc includedIndex) ats.Application {
	id, a := r.ID.String(), r.Attributes
	rels := r.rels()
	app := ats.Application{ID: id, RemoteID: id, CandidateID: rels["candidate"].id(), JobID: rels["job"].id(), StageID: rels["stage"].id(),
		Status: ats.ApplicationActive, AppliedAt: a.CreatedAt.Time, UpdatedAt: a.UpdatedAt.Time, Raw: r.Raw}
	stageType := ""
	if st, ok := inc.get("stages", app.StageID); ok {
		app.StageName, stageType = st.Attributes.Name, st.Attributes.StageType
	}
	switch {
	case !a.RejectedAt.IsZero():
		app.Status, app.RejectedAt = ats.ApplicationRejected, a.RejectedAt.Time
		app.RejectionReasonID = rels["reject-reason"].id()
		if rr, ok := inc.get("reject-reasons", app.RejectionReasonID); ok {
			app.RejectionReasonName = rr.Attributes.Reason
		}
		if app.RejectionReasonName == "" {
			app.RejectionReasonName = ats.FlexName(a.RejectReason)
		}
	case strings.EqualFold(stageType, "hired"):
		app.Status = ats.ApplicationHired
	}
	return app
}

// ListTags implements ats.Reader. Teamtailor has no tags endpoint; the
// distinct candidate tag names are collected from GET /candidates (a full
// scan every time) and handed on page by page as they are first seen. A
// tag's name is its id.
func (c *Client) ListTags(ctx context.Context, _ ats.ListOptions, fn func([]ats.Tag) error) error {
	seen := map[string]bool{}
	return c.pageLoop(ctx, "/candidates", "/candidates", nil, func(resp *ats.Response) (pageInfo, error) {
		// Only the tags are decoded (no raw rows): this pass exists for them.
		var doc struct {
			Data []struct {
				Attributes struct {
					Tags []string `json:"tags"`
				} `json:"attributes"`
			} `json:"data"`
			Links struct {
				Next string `json:"next"`
			} `json:"links"`
			Meta struct {
				PageCount int `json:"page-count"`
			} `json:"meta"`
		}
		if err := c.http.DecodeJSON(resp, &doc); err != nil {
			return pageInfo{}, err
		}
		var out []ats.Tag
		for _, r := range doc.Data {
			for _, t := range r.Attributes.Tags {
				t = strings.TrimSpace(t)
				if t == "" || seen[t] {
					continue
				}
				seen[t] = true
				raw, _ := json.Marshal(map[string]string{"name": t, "source": "candidates.tags"})
				out = append(out, ats.Tag{ID: t, RemoteID: t, Name: t, Raw: raw})
			}
		}
		if len(out) > 0 {
			if err := fn(out); err != nil {
				return pageInfo{}, err
			}
		}
		return pageInfo{rows: len(doc.Data), next: doc.Links.Next != "", pageCount: doc.Meta.PageCount}, nil
	})
}

type reasonAttrs struct {
	Reason string `json:"reason"`
}

// ListRejectionReasons implements ats.Reader from GET /reject-reasons
// (reasons given by the company and by candidates alike).
func (c *Client) ListRejectionReasons(ctx context.Context, _ ats.ListOptions, fn func([]ats.RejectionReason) error) error {
	return pages(ctx, c, "/reject-reasons", "/reject-reasons", nil, func(rows []row[reasonAttrs], _ includedIndex) error {
		out := make([]ats.RejectionReason, 0, len(rows))
		for _, r := range rows {
			if r.ID != "" {
				out = append(out, ats.RejectionReason{ID: r.ID.String(), RemoteID: r.ID.String(), Name: r.Attributes.Reason, Raw: r.Raw})
			}
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

// ListUsers implements ats.Reader from GET /users.
func (c *Client) ListUsers(ctx context.Context, _ ats.ListOptions, fn func([]ats.User) error) error {
	return pages(ctx, c, "/users", "/users", nil, func(rows []row[struct {
		Name       string `json:"name"`
		Email      string `json:"email"`
		LoginEmail string `json:"login-email"`
	}], _ includedIndex) error {
		out := make([]ats.User, 0, len(rows))
		for _, r := range rows {
			if r.ID == "" {
				continue
			}
			email := r.Attributes.Email
			if email == "" {
				email = r.Attributes.LoginEmail
			}
			out = append(out, ats.User{ID: r.ID.String(), RemoteID: r.ID.String(), Name: r.Attributes.Name, Email: email, Raw: r.Raw})
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}
