package workable

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

// eachPage GETs path with limit=<page size> and follows paging.next (a
// full URL, re-based onto the configured host by the shared client) until
// it is absent, handing the raw rows under key to fn.
func (c *Client) eachPage(ctx context.Context, path string, q url.Values, key string, fn func([]json.RawMessage) error) error {
	q2 := url.Values{}
	for k, v := range q {
		q2[k] = v
	}
	q2.Set("limit", strconv.Itoa(c.pageSize))
	req := ats.Request{Method: http.MethodGet, Path: path, Query: q2}
	seen := map[string]bool{}
	for page := 0; page < ats.MaxPages; page++ {
		resp, err := c.http.Do(ctx, req)
		if err != nil {
			return err
		}
		var env map[string]json.RawMessage
		if err := c.http.DecodeJSON(resp, &env); err != nil {
			return err
		}
		var rows []json.RawMessage
		if d := bytes.TrimSpace(env[key]); len(d) > 0 && string(d) != "null" {
			if err := json.Unmarshal(d, &rows); err != nil {
				return malformed("GET "+path, "invalid JSON in response: "+key+" is not a list: "+err.Error())
			}
		}
		var paging struct {
			Next string `json:"next"`
		}
		if p := bytes.TrimSpace(env["paging"]); len(p) > 0 && p[0] == '{' {
			if err := json.Unmarshal(p, &paging); err != nil {
				return malformed("GET "+path, "invalid JSON in response: paging: "+err.Error())
			}
		}
		if len(rows) > 0 {
			if err := fn(rows); err != nil {
				return err
			}
		}
		next := strings.TrimSpace(paging.Next)
		if next == "" || len(rows) == 0 {
			return nil
		}
		if seen[next] {
			return malformed("GET "+path, "paging loop: paging.next repeats")
		}
		seen[next] = true
		req = ats.Request{Method: http.MethodGet, Path: next, OpName: path}
	}
	return fmt.Errorf("%s: more than %d pages", Name, ats.MaxPages)
}

func malformed(op, msg string) error {
	return &ats.Error{Provider: Name, Op: op, Message: msg, Err: ats.ErrMalformedResponse}
}

// list pages path and converts every row with conv (which may drop rows
// by returning ok=false); empty pages are not passed to fn.
func list[T, U any](ctx context.Context, c *Client, path string, q url.Values, key string,
	conv func(T, json.RawMessage) (U, bool), fn func([]U) error) error {
	return c.eachPage(ctx, path, q, key, ats.DecodePages(Name, "GET "+path, conv, fn))
}

// timeParam renders t as the ISO 8601 value updated_after takes, with
// milliseconds when t has them: truncating to seconds would re-send the
// rows of the watermark's second on every incremental sync.
func timeParam(t time.Time) string {
	return t.UTC().Truncate(time.Millisecond).Format(time.RFC3339Nano)
}

// ---- wire types (Workable SPI v3) ----

type wireJob struct {
	ID              ats.FlexID      `json:"id"`
	Shortcode       string          `json:"shortcode"`
	Title           string          `json:"title"`
	State           string          `json:"state"`
	Department      json.RawMessage `json:"department"`
	Location        json.RawMessage `json:"location"`
	Description     string          `json:"description"`
	FullDescription string          `json:"full_description"`
	CreatedAt       ats.FlexTime    `json:"created_at"`
	UpdatedAt       ats.FlexTime    `json:"updated_at"`
}

type wireStage struct {
	ID       ats.FlexID `json:"id"`
	Slug     string     `json:"slug"`
	Name     string     `json:"name"`
	Kind     string     `json:"kind"`
	Position int        `json:"position"`
}

type wireCandidate struct {
	ID        ats.FlexID `json:"id"`
	Name      string     `json:"name"`
	FirstName string     `json:"firstname"`
	LastName  string     `json:"lastname"`
	Email     string     `json:"email"`
	Phone     string     `json:"phone"`
	Job       struct {
		Shortcode string `json:"shortcode"`
		Title     string `json:"title"`
	} `json:"job"`
	Stage                  string       `json:"stage"`
	StageKind              string       `json:"stage_kind"`
	Disqualified           bool         `json:"disqualified"`
	DisqualificationReason string       `json:"disqualification_reason"`
	DisqualifiedAt         ats.FlexTime `json:"disqualified_at"`
	HiredAt                ats.FlexTime `json:"hired_at"`
	Tags                   []string     `json:"tags"`
	CreatedAt              ats.FlexTime `json:"created_at"`
	UpdatedAt              ats.FlexTime `json:"updated_at"`
}

type wireReason struct {
	ID          ats.FlexID `json:"id"`
	Description string     `json:"description"`
	Withdrew    bool       `json:"candidate_withdrew"`
	Position    int        `json:"position"`
}

// ---- jobs ----

// jobsQuery asks for the HTML descriptions (include_fields) and, when
// given, only jobs updated at or after UpdatedAfter.
func jobsQuery(o ats.ListOptions, withDescriptions bool) url.Values {
	q := url.Values{}
	if withDescriptions {
		q.Set("include_fields", "description,full_description,requirements,benefits")
	}
	if !o.UpdatedAfter.IsZero() {
		q.Set("updated_after", timeParam(o.UpdatedAfter))
	}
	return q
}

// ListJobs implements ats.Reader from GET /jobs (updated_after). The
// description is full_description (description, requirements and benefits
// as HTML), falling back to description. Screening questions come from
// GET /jobs/{shortcode}/questions for published jobs; a job whose form
// cannot be read (403/404) is returned without questions.
func (c *Client) ListJobs(ctx context.Context, o ats.ListOptions, fn func([]ats.Job) error) error {
	return list(ctx, c, "/jobs", jobsQuery(o, true), "jobs", jobFromWire, func(jobs []ats.Job) error {
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

func jobFromWire(w wireJob, raw json.RawMessage) (ats.Job, bool) {
	html := w.FullDescription
	if html == "" {
		html = w.Description
	}
	j := ats.Job{ID: w.Shortcode, RemoteID: w.Shortcode, Title: w.Title, Status: jobStatus(w.State),
		Department: ats.FlexName(w.Department), Location: ats.FlexName(w.Location),
		DescriptionHTML: html, DescriptionText: ats.HTMLToText(html),
		CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
	return j, w.Shortcode != ""
}

func jobStatus(s string) ats.JobStatus {
	switch strings.ToLower(s) {
	case "published":
		return ats.JobOpen
	case "closed":
		return ats.JobClosed
	case "draft":
		return ats.JobDraft
	case "archived":
		return ats.JobArchived
	}
	return ats.JobUnknown
}

// questions reads a job's application questions.
func (c *Client) questions(ctx context.Context, shortcode string) ([]ats.Question, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/jobs/" + pathID(shortcode) + "/questions", OpName: "/jobs/{shortcode}/questions"})
	if err != nil {
		if errors.Is(err, ats.ErrNotFound) || errors.Is(err, ats.ErrForbidden) {
			return nil, nil
		}
		return nil, err
	}
	var env struct {
		Questions []struct {
			ID           ats.FlexID `json:"id"`
			Body         string     `json:"body"`
			Type         string     `json:"type"`
			Required     bool       `json:"required"`
			SingleAnswer *bool      `json:"single_answer"`
			Choices      []struct {
				ID   ats.FlexID `json:"id"`
				Body string     `json:"body"`
			} `json:"choices"`
		} `json:"questions"`
	}
	if err := c.http.DecodeJSON(resp, &env); err != nil {
		return nil, err
	}
	out := make([]ats.Question, 0, len(env.Questions))
	for i, q := range env.Questions {
		single := q.SingleAnswer == nil || *q.SingleAnswer
		aq := ats.Question{ID: q.ID.String(), Label: q.Body, Required: q.Required, Type: questionType(q.Type, single)}
		if aq.ID == "" {
			aq.ID = shortcode + ":" + strconv.Itoa(i)
		}
		for _, ch := range q.Choices {
			id := ch.ID.String()
			if id == "" {
				id = ch.Body
			}
			aq.Options = append(aq.Options, ats.Option{ID: id, Label: ch.Body})
		}
		out = append(out, aq)
	}
	return out, nil
}

func questionType(t string, single bool) ats.QuestionType {
	switch t {
	case "short_text":
		return ats.QuestionText
	case "free_text", "paragraph":
		return ats.QuestionLongText
	case "multiple_choice":
		if single {
			return ats.QuestionSingleChoice
		}
		return ats.QuestionMultiChoice
	case "dropdown":
		return ats.QuestionSingleChoice
	case "boolean":
		return ats.QuestionYesNo
	case "numeric":
		return ats.QuestionNumber
	case "date":
		return ats.QuestionDate
	case "file":
		return ats.QuestionFile
	}
	return ats.QuestionUnknown
}

// ---- stages ----

// StageID is hireloop's id for a job's stage: "<shortcode>/<slug>".
func StageID(shortcode, slug string) string { return shortcode + "/" + slug }

// stageSlug returns the slug of a stage id ("<shortcode>/<slug>"); a bare
// slug is returned as is.
func stageSlug(id string) string {
	if i := strings.LastIndex(id, "/"); i >= 0 {
		return id[i+1:]
	}
	return id
}

// jobStages reads GET /jobs/{shortcode}/stages.
func (c *Client) jobStages(ctx context.Context, shortcode string) ([]ats.Stage, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/jobs/" + pathID(shortcode) + "/stages", OpName: "/jobs/{shortcode}/stages"})
	if err != nil {
		return nil, err
	}
	var env struct {
		Stages []json.RawMessage `json:"stages"`
	}
	if err := c.http.DecodeJSON(resp, &env); err != nil {
		return nil, err
	}
	return ats.DecodeRows(Name, "GET /jobs/{shortcode}/stages", env.Stages, func(w wireStage, raw json.RawMessage) (ats.Stage, bool) {
		id := StageID(shortcode, w.Slug)
		return ats.Stage{ID: id, RemoteID: w.Slug, Name: w.Name, Order: w.Position, JobID: shortcode,
			Kind: stageKind(w.Kind), Active: true, Raw: raw}, w.Slug != ""
	})
}

func stageKind(k string) ats.StageKind {
	switch strings.ToLower(k) {
	case "sourced", "applied":
		return ats.StageKindInbox
	case "hired":
		return ats.StageKindHired
	case "":
		return ats.StageKindNone
	}
	return ats.StageKindActive
}

// ListStages implements ats.Reader: the stages of every job (GET /jobs,
// then GET /jobs/{shortcode}/stages per job), one page per job. Stages
// are not incremental.
func (c *Client) ListStages(ctx context.Context, _ ats.ListOptions, fn func([]ats.Stage) error) error {
	return list(ctx, c, "/jobs", nil, "jobs", func(w wireJob, _ json.RawMessage) (string, bool) {
		return w.Shortcode, w.Shortcode != ""
	}, func(codes []string) error {
		for _, sc := range codes {
			st, err := c.jobStages(ctx, sc)
			if err != nil {
				if errors.Is(err, ats.ErrNotFound) {
					continue // job deleted while listing
				}
				return err
			}
			if len(st) == 0 {
				continue
			}
			if err := fn(st); err != nil {
				return err
			}
		}
		return nil
	})
}

// ---- candidates and applications ----

func candidatesQuery(o ats.ListOptions) url.Values {
	q := url.Values{}
	if !o.UpdatedAfter.IsZero() {
		q.Set("updated_after", timeParam(o.UpdatedAfter))
	}
	return q
}

// ListCandidates implements ats.Reader from GET /candidates
// (updated_after): one ats.Candidate per Workable candidate, id = the
// Workable candidate id (see the package doc). The list omits tags, so
// Candidate.Tags is empty.
func (c *Client) ListCandidates(ctx context.Context, o ats.ListOptions, fn func([]ats.Candidate) error) error {
	return list(ctx, c, "/candidates", candidatesQuery(o), "candidates", candidateFromWire, fn)
}

func candidateFromWire(w wireCandidate, raw json.RawMessage) (ats.Candidate, bool) {
	id := w.ID.String()
	first, last := w.FirstName, w.LastName
	if first == "" && last == "" {
		first, last, _ = strings.Cut(strings.TrimSpace(w.Name), " ")
	}
	cd := ats.Candidate{ID: id, RemoteID: id, FirstName: first, LastName: strings.TrimSpace(last),
		CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
	if w.Email != "" {
		cd.Emails = []string{w.Email}
	}
	if w.Phone != "" {
		cd.Phones = []string{w.Phone}
	}
	for _, t := range w.Tags {
		cd.Tags = append(cd.Tags, ats.Tag{ID: t, RemoteID: t, Name: t})
	}
	return cd, id != ""
}

// ListApplications implements ats.Reader from GET /candidates
// (updated_after): one ats.Application per Workable candidate, with the
// same id as its ats.Candidate. The list reports the stage by name, so the
// stages of each job met are read once per call (GET
// /jobs/{shortcode}/stages) to find the slug; a name no stage of the job
// has leaves StageID empty (StageName keeps it). A disqualified candidate
// is rejected (the reason id is looked up by its text in GET
// /disqualification_reasons, read once; RejectedAt only where the row
// carries disqualified_at, which the list omits), one with hired_at or a
// stage of kind "hired" is hired. Screening answers are details-only and
// not read.
func (c *Client) ListApplications(ctx context.Context, o ats.ListOptions, fn func([]ats.Application) error) error {
	stages := map[string]map[string]string{} // shortcode → stage name → stage id
	var reasons map[string]string            // description → id
	return c.eachPage(ctx, "/candidates", candidatesQuery(o), "candidates", func(rows []json.RawMessage) error {
		ws, err := ats.DecodeRows(Name, "GET /candidates", rows, func(w wireCandidate, _ json.RawMessage) (wireCandidate, bool) { return w, true })
		if err != nil {
			return err
		}
		out := make([]ats.Application, 0, len(ws))
		for i, w := range ws {
			sc := w.Job.Shortcode
			if sc == "" || w.ID == "" {
				continue
			}
			byName, ok := stages[sc]
			if !ok {
				st, err := c.jobStages(ctx, sc)
				if err != nil && !errors.Is(err, ats.ErrNotFound) {
					return err
				}
				byName = map[string]string{}
				for _, s := range st {
					byName[strings.ToLower(s.Name)] = s.ID
				}
				stages[sc] = byName
			}
			if w.Disqualified && w.DisqualificationReason != "" && reasons == nil {
				if reasons, err = c.reasonIDs(ctx); err != nil {
					return err
				}
			}
			out = append(out, applicationFromWire(w, rows[i], byName, reasons))
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

func applicationFromWire(w wireCandidate, raw json.RawMessage, stageIDs, reasons map[string]string) ats.Application {
	id := w.ID.String()
	a := ats.Application{ID: id, RemoteID: id, CandidateID: id, JobID: w.Job.Shortcode,
		StageID: stageIDs[strings.ToLower(w.Stage)], StageName: w.Stage, Status: ats.ApplicationActive,
		AppliedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
	switch {
	case w.Disqualified:
		a.Status = ats.ApplicationRejected
		a.RejectionReasonName = w.DisqualificationReason
		a.RejectionReasonID = reasons[w.DisqualificationReason]
		a.RejectedAt = w.DisqualifiedAt.Time
	case !w.HiredAt.IsZero() || strings.EqualFold(w.StageKind, "hired"):
		a.Status = ats.ApplicationHired
	}
	return a
}

// reasonIDs maps disqualification reason texts to ids.
func (c *Client) reasonIDs(ctx context.Context) (map[string]string, error) {
	m := map[string]string{}
	err := c.ListRejectionReasons(ctx, ats.ListOptions{}, func(rs []ats.RejectionReason) error {
		for _, r := range rs {
			m[r.Name] = r.ID
		}
		return nil
	})
	return m, err
}

// ---- tags, reasons, users ----

// ListTags implements ats.Reader. Workable has no account-wide tag list
// (tags appear only on a candidate's details), so nothing is returned.
func (c *Client) ListTags(context.Context, ats.ListOptions, func([]ats.Tag) error) error {
	return nil
}

// ListRejectionReasons implements ats.Reader from GET
// /disqualification_reasons (a bare array, not paged), in position order
// as sent. Reasons marked candidate_withdrew are included: Workable
// accepts them when disqualifying.
func (c *Client) ListRejectionReasons(ctx context.Context, _ ats.ListOptions, fn func([]ats.RejectionReason) error) error {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/disqualification_reasons"})
	if err != nil {
		return err
	}
	var rows []json.RawMessage
	body := bytes.TrimSpace(resp.Body)
	if len(body) > 0 && body[0] == '{' {
		// Tolerate a {"disqualification_reasons": […]} envelope.
		var env map[string][]json.RawMessage
		if err := c.http.DecodeJSON(resp, &env); err != nil {
			return err
		}
		for _, v := range env {
			rows = append(rows, v...)
		}
	} else if err := c.http.DecodeJSON(resp, &rows); err != nil {
		return err
	}
	out, err := ats.DecodeRows(Name, "GET /disqualification_reasons", rows, func(w wireReason, raw json.RawMessage) (ats.RejectionReason, bool) {
		id := w.ID.String()
		return ats.RejectionReason{ID: id, RemoteID: id, Name: w.Description, Raw: raw}, id != ""
	})
	if err != nil || len(out) == 0 {
		return err
	}
	return fn(out)
}

// ListUsers implements ats.Reader from GET /members?status=all (active and
// inactive members, so past writers keep a name).
func (c *Client) ListUsers(ctx context.Context, _ ats.ListOptions, fn func([]ats.User) error) error {
	return list(ctx, c, "/members", url.Values{"status": {"all"}}, "members", func(w struct {
		ID    ats.FlexID `json:"id"`
		Name  string     `json:"name"`
		Email string     `json:"email"`
	}, raw json.RawMessage) (ats.User, bool) {
		id := w.ID.String()
		return ats.User{ID: id, RemoteID: id, Name: w.Name, Email: w.Email, Raw: raw}, id != ""
	}, fn)
}
