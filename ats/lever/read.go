package lever

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// envelope is Lever's list (and single-object) response.
type envelope struct {
	Data    json.RawMessage `json:"data"`
	HasNext bool            `json:"hasNext"`
	Next    string          `json:"next"`
}

// msParam renders t as the ms-epoch value Lever's *_start filters take.
func msParam(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// listRaw pages path ({data, hasNext, next} → ?offset=<next>) and hands
// each page's rows, still raw, to fn.
func (c *Client) listRaw(ctx context.Context, path string, q url.Values, fn func([]json.RawMessage) error) error {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	q2.Set("limit", strconv.Itoa(c.pageSize))
	req := ats.Request{Method: http.MethodGet, Path: path, Query: q2}
	var page envelope
	return c.http.EachCursorPage(ctx, req, "offset", func(r *ats.Response) (string, error) {
		page = envelope{}
		if err := c.http.DecodeJSON(r, &page); err != nil {
			return "", err
		}
		if !page.HasNext || page.Next == "" {
			return "", nil
		}
		// The recorded next token is already percent-encoded; decode it so
		// url.Values does not encode it twice.
		if dec, err := url.QueryUnescape(page.Next); err == nil {
			return dec, nil
		}
		return page.Next, nil
	}, func(r *ats.Response) error {
		var rows []json.RawMessage
		if d := bytes.TrimSpace(page.Data); len(d) > 0 && string(d) != "null" {
			if err := json.Unmarshal(d, &rows); err != nil {
				return malformed("GET "+path, "invalid JSON in response: data is not a list: "+err.Error())
			}
		}
		return fn(rows)
	})
}

func malformed(op, msg string) error {
	return &ats.Error{Provider: Name, Op: op, Message: msg, Err: ats.ErrMalformedResponse}
}

// list decodes every page into T and maps it with conv (which may drop
// rows by returning ok=false); empty pages are not passed to fn.
func list[T, U any](ctx context.Context, c *Client, path string, q url.Values,
	conv func(T, json.RawMessage) (U, bool), fn func([]U) error) error {
	return c.listRaw(ctx, path, q, ats.DecodePages(Name, "GET "+path, conv, fn))
}

// ref decodes a reference Lever sends either as an id string or, when
// expanded, as an object {id, text|name}.
type ref struct {
	ID   string
	Text string
}

func (r *ref) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	*r = ref{}
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '"':
		return json.Unmarshal(b, &r.ID)
	case b[0] == '{':
		var o struct {
			ID   ats.FlexID `json:"id"`
			Text string     `json:"text"`
			Name string     `json:"name"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		r.ID, r.Text = o.ID.String(), o.Text
		if r.Text == "" {
			r.Text = o.Name
		}
		return nil
	}
	var id ats.FlexID
	if err := json.Unmarshal(b, &id); err != nil {
		return err
	}
	r.ID = id.String()
	return nil
}

// Wire types (Lever v1 JSON; UUID string ids, ms-epoch timestamps).

type wirePosting struct {
	ID         string `json:"id"`
	Text       string `json:"text"`
	State      string `json:"state"`
	Categories struct {
		Department string `json:"department"`
		Team       string `json:"team"`
		Location   string `json:"location"`
	} `json:"categories"`
	Content struct {
		DescriptionHTML string `json:"descriptionHtml"`
	} `json:"content"`
	CreatedAt ats.FlexTime `json:"createdAt"`
	UpdatedAt ats.FlexTime `json:"updatedAt"`
}

type wireApply struct {
	CustomQuestions []struct {
		ID     string `json:"id"`
		Text   string `json:"text"`
		Fields []struct {
			ID       string `json:"id"`
			Type     string `json:"type"`
			Text     string `json:"text"`
			Required bool   `json:"required"`
			Options  []struct {
				ID       string `json:"id"`
				OptionID string `json:"optionId"`
				Text     string `json:"text"`
			} `json:"options"`
		} `json:"fields"`
	} `json:"customQuestions"`
}

type wireOpportunity struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Contact ref      `json:"contact"`
	Stage   ref      `json:"stage"`
	Emails  []string `json:"emails"`
	Phones  []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"phones"`
	Tags     []string `json:"tags"`
	Archived *struct {
		ArchivedAt ats.FlexTime `json:"archivedAt"`
		Reason     ref          `json:"reason"`
	} `json:"archived"`
	Applications []json.RawMessage `json:"applications"`
	CreatedAt    ats.FlexTime      `json:"createdAt"`
	UpdatedAt    ats.FlexTime      `json:"updatedAt"`
}

type wireReason struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Status string `json:"status"`
	Type   string `json:"type"`
}

// ListJobs implements ats.Reader from GET /postings (updated_at_start).
// Screening questions come from GET /postings/{id}/apply for postings that
// accept applications (published, internal); postings whose form cannot be
// read (403/404) are returned without questions.
func (c *Client) ListJobs(ctx context.Context, o ats.ListOptions, fn func([]ats.Job) error) error {
	q := url.Values{}
	if !o.UpdatedAfter.IsZero() {
		q.Set("updated_at_start", msParam(o.UpdatedAfter))
	}
	return list(ctx, c, "/postings", q, jobFromWire, func(jobs []ats.Job) error {
		for i := range jobs {
			if jobs[i].Status != ats.JobOpen {
				continue
			}
			qs, err := c.questions(ctx, jobs[i].ID)
			if err != nil {
				return err
			}
			jobs[i].ScreeningQuestions = qs
		}
		return fn(jobs)
	})
}

func jobFromWire(w wirePosting, raw json.RawMessage) (ats.Job, bool) {
	j := ats.Job{ID: w.ID, RemoteID: w.ID, Title: w.Text, Status: jobStatus(w.State),
		Department: w.Categories.Department, Location: w.Categories.Location,
		DescriptionHTML: w.Content.DescriptionHTML, DescriptionText: ats.HTMLToText(w.Content.DescriptionHTML),
		CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
	if j.Department == "" {
		j.Department = w.Categories.Team
	}
	return j, w.ID != ""
}

func jobStatus(s string) ats.JobStatus {
	switch strings.ToLower(s) {
	case "published", "internal":
		return ats.JobOpen
	case "closed":
		return ats.JobClosed
	case "draft", "pending", "rejected":
		return ats.JobDraft
	}
	return ats.JobUnknown
}

// questions reads a posting's custom questions.
func (c *Client) questions(ctx context.Context, postingID string) ([]ats.Question, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/postings/" + pathID(postingID) + "/apply", OpName: "/postings/{id}/apply"})
	if err != nil {
		if errors.Is(err, ats.ErrNotFound) || errors.Is(err, ats.ErrForbidden) {
			return nil, nil
		}
		return nil, err
	}
	var env struct {
		Data wireApply `json:"data"`
	}
	if err := c.http.DecodeJSON(resp, &env); err != nil {
		return nil, err
	}
	var out []ats.Question
	for _, form := range env.Data.CustomQuestions {
		for i, f := range form.Fields {
			q := ats.Question{ID: f.ID, Label: f.Text, Required: f.Required, Type: questionType(f.Type)}
			if q.ID == "" {
				q.ID = form.ID + ":" + strconv.Itoa(i)
			}
			for _, op := range f.Options {
				id := op.OptionID
				if id == "" {
					id = op.ID
				}
				if id == "" {
					id = op.Text
				}
				q.Options = append(q.Options, ats.Option{ID: id, Label: op.Text})
			}
			out = append(out, q)
		}
	}
	return out, nil
}

func questionType(t string) ats.QuestionType {
	switch t {
	case "text":
		return ats.QuestionText
	case "textarea":
		return ats.QuestionLongText
	case "multiple-choice", "dropdown":
		return ats.QuestionSingleChoice
	case "multiple-select":
		return ats.QuestionMultiChoice
	case "file-upload":
		return ats.QuestionFile
	case "date":
		return ats.QuestionDate
	case "number":
		return ats.QuestionNumber
	case "yes-no":
		return ats.QuestionYesNo
	}
	return ats.QuestionUnknown
}

// ListStages implements ats.Reader from GET /stages (account-wide).
func (c *Client) ListStages(ctx context.Context, _ ats.ListOptions, fn func([]ats.Stage) error) error {
	order := 0
	return list(ctx, c, "/stages", nil, func(w struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}, raw json.RawMessage) (ats.Stage, bool) {
		order++
		return ats.Stage{ID: w.ID, RemoteID: w.ID, Name: w.Text, Order: order - 1, Active: true, Raw: raw}, w.ID != ""
	}, fn)
}

// opportunityQuery is the /opportunities query for o: expanded
// applications (for the posting id) and stage (for its name).
func opportunityQuery(o ats.ListOptions) url.Values {
	q := url.Values{"expand": {"applications", "stage"}}
	if !o.UpdatedAfter.IsZero() {
		q.Set("updated_at_start", msParam(o.UpdatedAfter))
	}
	return q
}

// ListCandidates implements ats.Reader. Lever has no candidate list; each
// contact is derived from its opportunities (GET /opportunities), once per
// listing: contacts already returned are skipped on later pages (the set
// of seen contact ids is the only state kept). Name, emails and phones are
// contact-level in Lever; Tags and UpdatedAt come from the first listed
// opportunity of the contact, because a streaming pass cannot know the
// contact's later opportunities. For the same reason candidates are not
// incremental: a watermark taken from first-seen UpdatedAt values would be
// inexact, so UpdatedAfter is ignored and every sync reads all contacts.
func (c *Client) ListCandidates(ctx context.Context, _ ats.ListOptions, fn func([]ats.Candidate) error) error {
	seen := map[string]bool{}
	return list(ctx, c, "/opportunities", opportunityQuery(ats.ListOptions{}), func(w wireOpportunity, raw json.RawMessage) (ats.Candidate, bool) {
		id := w.Contact.ID
		if id == "" || seen[id] {
			return ats.Candidate{}, false
		}
		seen[id] = true
		first, last := splitName(w.Name)
		cd := ats.Candidate{ID: id, RemoteID: id, FirstName: first, LastName: last, Emails: w.Emails,
			CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
		for _, p := range w.Phones {
			if p.Value != "" {
				cd.Phones = append(cd.Phones, p.Value)
			}
		}
		for _, t := range w.Tags {
			cd.Tags = append(cd.Tags, ats.Tag{ID: t, RemoteID: t, Name: t})
		}
		return cd, true
	}, fn)
}

func splitName(n string) (string, string) {
	n = strings.TrimSpace(n)
	first, last, _ := strings.Cut(n, " ")
	return first, strings.TrimSpace(last)
}

// ListApplications implements ats.Reader: one application per opportunity
// with a posting (GET /opportunities?expand=applications&expand=stage,
// updated_at_start). Opportunities without a posting (general leads) are
// skipped. An archived opportunity is rejected, or hired when its archive
// reason has type "hired" (archive reasons are read once, on the first
// archived row). With IncludeDeleted, GET /opportunities/deleted follows.
func (c *Client) ListApplications(ctx context.Context, o ats.ListOptions, fn func([]ats.Application) error) error {
	var hired map[string]bool
	err := c.listRaw(ctx, "/opportunities", opportunityQuery(o), func(rows []json.RawMessage) error {
		ws, err := ats.DecodeRows(Name, "GET /opportunities", rows, func(w wireOpportunity, raw json.RawMessage) (wireOpportunity, bool) { return w, true })
		if err != nil {
			return err
		}
		out := make([]ats.Application, 0, len(ws))
		for i, w := range ws {
			if w.Archived != nil && hired == nil {
				if hired, err = c.hiredReasons(ctx); err != nil {
					return err
				}
			}
			if a, ok := applicationFromWire(w, rows[i], hired); ok {
				out = append(out, a)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
	if err != nil || !o.IncludeDeleted {
		return err
	}
	q := url.Values{}
	if !o.UpdatedAfter.IsZero() {
		q.Set("deleted_at_start", msParam(o.UpdatedAfter))
	}
	return list(ctx, c, "/opportunities/deleted", q, func(w struct {
		ID        string       `json:"id"`
		DeletedAt ats.FlexTime `json:"deletedAt"`
	}, raw json.RawMessage) (ats.Application, bool) {
		return ats.Application{ID: w.ID, RemoteID: w.ID, Deleted: true, DeletedAt: w.DeletedAt.Time, UpdatedAt: w.DeletedAt.Time, Raw: raw}, w.ID != ""
	}, fn)
}

func (c *Client) hiredReasons(ctx context.Context) (map[string]bool, error) {
	m := map[string]bool{}
	err := list(ctx, c, "/archive_reasons", nil, func(w wireReason, _ json.RawMessage) (wireReason, bool) { return w, true },
		func(rs []wireReason) error {
			for _, r := range rs {
				if r.Type == "hired" {
					m[r.ID] = true
				}
			}
			return nil
		})
	return m, err
}

func applicationFromWire(w wireOpportunity, raw json.RawMessage, hired map[string]bool) (ats.Application, bool) {
	posting := ""
	for _, a := range w.Applications {
		var app struct {
			Posting ref `json:"posting"`
		}
		if len(a) > 0 && a[0] == '{' && json.Unmarshal(a, &app) == nil && app.Posting.ID != "" {
			posting = app.Posting.ID
			break
		}
	}
	if w.ID == "" || posting == "" {
		return ats.Application{}, false
	}
	a := ats.Application{ID: w.ID, RemoteID: w.ID, CandidateID: w.Contact.ID, JobID: posting,
		StageID: w.Stage.ID, StageName: w.Stage.Text, Status: ats.ApplicationActive,
		AppliedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
	if ar := w.Archived; ar != nil {
		if hired[ar.Reason.ID] {
			a.Status = ats.ApplicationHired
		} else {
			a.Status = ats.ApplicationRejected
			a.RejectionReasonID, a.RejectionReasonName = ar.Reason.ID, ar.Reason.Text
			a.RejectedAt = ar.ArchivedAt.Time
		}
	}
	return a, true
}

// ListTags implements ats.Reader from GET /tags. Lever tags have no id;
// the text is the id.
func (c *Client) ListTags(ctx context.Context, _ ats.ListOptions, fn func([]ats.Tag) error) error {
	return list(ctx, c, "/tags", nil, func(w struct {
		Text string `json:"text"`
	}, raw json.RawMessage) (ats.Tag, bool) {
		return ats.Tag{ID: w.Text, RemoteID: w.Text, Name: w.Text, Raw: raw}, w.Text != ""
	}, fn)
}

// ListRejectionReasons implements ats.Reader: archive reasons that are not
// of type "hired".
func (c *Client) ListRejectionReasons(ctx context.Context, _ ats.ListOptions, fn func([]ats.RejectionReason) error) error {
	return list(ctx, c, "/archive_reasons", nil, func(w wireReason, raw json.RawMessage) (ats.RejectionReason, bool) {
		return ats.RejectionReason{ID: w.ID, RemoteID: w.ID, Name: w.Text, Raw: raw}, w.ID != "" && w.Type != "hired"
	}, fn)
}

// ListUsers implements ats.Reader from GET /users.
func (c *Client) ListUsers(ctx context.Context, _ ats.ListOptions, fn func([]ats.User) error) error {
	return list(ctx, c, "/users", nil, func(w struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Email string `json:"email"`
	}, raw json.RawMessage) (ats.User, bool) {
		return ats.User{ID: w.ID, RemoteID: w.ID, Name: w.Name, Email: w.Email, Raw: raw}, w.ID != ""
	}, fn)
}
