package bamboohr

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

const (
	pathJobs         = "/applicant_tracking/jobs"
	pathApplications = "/applicant_tracking/applications"
	pathStatuses     = "/applicant_tracking/statuses"
	pathHiringLeads  = "/applicant_tracking/hiring_leads"
)

// Status codes with a meaning for hireloop (statuses sample).
const (
	codeNew     = "NEW"
	codeHired   = "HIRED"
	codeDeleted = "DELETED"
	codeMoved   = "MOVED"
)

// RejectionCodes are the status codes that reject an application; they are
// the connector's rejection reasons.
var RejectionCodes = []string{"NOFIT", "NOQUAL", "OVERQUAL", "DECLINED", "POACHED"}

func isRejection(code string) bool {
	for _, c := range RejectionCodes {
		if strings.EqualFold(c, code) {
			return true
		}
	}
	return false
}

func malformed(op, msg string) error {
	return &ats.Error{Provider: Name, Op: op, Message: msg, Err: ats.ErrMalformedResponse}
}

// label is BambooHR's {id, label} reference.
type label struct {
	ID    ats.FlexID `json:"id"`
	Label string     `json:"label"`
}

// Wire types.

type wireStatus struct {
	ID             ats.FlexID `json:"id"`
	Code           string     `json:"code"`
	Name           string     `json:"name"`
	TranslatedName string     `json:"translatedName"`
	Enabled        *bool      `json:"enabled"`
}

func (s wireStatus) name() string {
	if s.TranslatedName != "" {
		return s.TranslatedName
	}
	return s.Name
}

type wireJob struct {
	ID         ats.FlexID   `json:"id"`
	Title      label        `json:"title"`
	PostedDate ats.FlexTime `json:"postedDate"`
	Location   label        `json:"location"`
	Department label        `json:"department"`
	Status     label        `json:"status"`
}

type wireApplication struct {
	ID          ats.FlexID   `json:"id"`
	AppliedDate ats.FlexTime `json:"appliedDate"`
	Status      label        `json:"status"`
	Applicant   struct {
		ID        ats.FlexID `json:"id"`
		FirstName string     `json:"firstName"`
		LastName  string     `json:"lastName"`
		Email     string     `json:"email"`
	} `json:"applicant"`
	Job struct {
		ID    ats.FlexID `json:"id"`
		Title label      `json:"title"`
	} `json:"job"`
}

type wirePage struct {
	PaginationComplete *bool             `json:"paginationComplete"`
	NextPageURL        string            `json:"nextPageUrl"`
	Applications       []json.RawMessage `json:"applications"`
}

type wireCareers struct {
	Result struct {
		JobOpening struct {
			Description     string `json:"description"`
			DepartmentLabel string `json:"departmentLabel"`
			Location        struct {
				City    string `json:"city"`
				State   string `json:"state"`
				Country string `json:"addressCountry"`
			} `json:"location"`
		} `json:"jobOpening"`
	} `json:"result"`
}

// getArray GETs path and returns the rows of a top-level JSON array.
func (c *Client) getArray(ctx context.Context, path string, q url.Values) ([]json.RawMessage, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: path, Query: q})
	if err != nil {
		return nil, err
	}
	var rows []json.RawMessage
	if err := c.http.DecodeJSON(resp, &rows); err != nil {
		return nil, err
	}
	return rows, nil
}

func decodeRow[T any](path string, raw json.RawMessage) (T, error) {
	var w T
	if err := json.Unmarshal(raw, &w); err != nil {
		return w, malformed("GET "+path, "invalid JSON in response: "+err.Error())
	}
	return w, nil
}

// ListJobs implements ats.Reader from GET /applicant_tracking/jobs
// ?statusGroups=ALL (one unpaged array). Open jobs get their description
// and department from the public careers site; jobs it does not publish
// (404) keep the summary only. Screening questions are not read (see the
// package doc).
func (c *Client) ListJobs(ctx context.Context, _ ats.ListOptions, fn func([]ats.Job) error) error {
	rows, err := c.getArray(ctx, pathJobs, url.Values{"statusGroups": {"ALL"}})
	if err != nil {
		return err
	}
	jobs := make([]ats.Job, 0, len(rows))
	for _, raw := range rows {
		w, err := decodeRow[wireJob](pathJobs, raw)
		if err != nil {
			return err
		}
		if w.ID == "" {
			continue
		}
		j := ats.Job{ID: w.ID.String(), RemoteID: w.ID.String(), Title: w.Title.Label, Status: jobStatus(w.Status.Label),
			Department: w.Department.Label, Location: w.Location.Label, CreatedAt: w.PostedDate.Time,
			UpdatedAt: w.PostedDate.Time, Raw: raw}
		if j.Title == "" {
			j.Title = "Job " + j.ID
		}
		if j.Status == ats.JobOpen {
			if err := c.careersDetail(ctx, &j); err != nil {
				return err
			}
		}
		jobs = append(jobs, j)
	}
	if len(jobs) == 0 {
		return nil
	}
	return fn(jobs)
}

// careersDetail fills description, department and location from
// GET {careers}/careers/{id}/detail. Not found, forbidden or a non-JSON
// page (careers site switched off) leave the job as it is.
func (c *Client) careersDetail(ctx context.Context, j *ats.Job) error {
	resp, err := c.careers.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/careers/" + url.PathEscape(j.ID) + "/detail",
		OpName: "/careers/{id}/detail"})
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return err
	}
	var d wireCareers
	if json.Unmarshal(resp.Body, &d) != nil {
		return nil
	}
	o := d.Result.JobOpening
	if o.Description != "" {
		j.DescriptionHTML = o.Description
		j.DescriptionText = ats.HTMLToText(o.Description)
	}
	if j.Department == "" {
		j.Department = o.DepartmentLabel
	}
	if j.Location == "" {
		var parts []string
		for _, p := range []string{o.Location.City, o.Location.State, o.Location.Country} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		j.Location = strings.Join(parts, ", ")
	}
	return nil
}

func jobStatus(s string) ats.JobStatus {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "open":
		return ats.JobOpen
	case "filled", "closed", "canceled", "cancelled", "on hold":
		return ats.JobClosed
	case "draft":
		return ats.JobDraft
	case "deleted":
		return ats.JobArchived
	}
	return ats.JobUnknown
}

// statuses reads the account's status list.
func (c *Client) statuses(ctx context.Context) ([]wireStatus, []json.RawMessage, error) {
	rows, err := c.getArray(ctx, pathStatuses, nil)
	if err != nil {
		return nil, nil, err
	}
	out := make([]wireStatus, 0, len(rows))
	for _, raw := range rows {
		w, err := decodeRow[wireStatus](pathStatuses, raw)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, w)
	}
	return out, rows, nil
}

func stageKind(code string) ats.StageKind {
	switch {
	case strings.EqualFold(code, codeNew):
		return ats.StageKindInbox
	case strings.EqualFold(code, codeHired):
		return ats.StageKindHired
	case isRejection(code), strings.EqualFold(code, codeDeleted), strings.EqualFold(code, codeMoved):
		return ats.StageKindRejected
	}
	return ats.StageKindActive
}

// ListStages implements ats.Reader: every status is an account-wide stage
// (JobID ""), in BambooHR's order; disabled statuses are inactive.
func (c *Client) ListStages(ctx context.Context, _ ats.ListOptions, fn func([]ats.Stage) error) error {
	ss, rows, err := c.statuses(ctx)
	if err != nil {
		return err
	}
	out := make([]ats.Stage, 0, len(ss))
	for i, s := range ss {
		if s.ID == "" {
			continue
		}
		out = append(out, ats.Stage{ID: s.ID.String(), RemoteID: s.ID.String(), Name: s.name(), Order: i,
			Kind: stageKind(s.Code), Active: s.Enabled == nil || *s.Enabled, Raw: rows[i]})
	}
	if len(out) == 0 {
		return nil
	}
	return fn(out)
}

// ListRejectionReasons implements ats.Reader: the rejection statuses (codes
// in RejectionCodes). Their ids are status ids.
func (c *Client) ListRejectionReasons(ctx context.Context, _ ats.ListOptions, fn func([]ats.RejectionReason) error) error {
	ss, rows, err := c.statuses(ctx)
	if err != nil {
		return err
	}
	var out []ats.RejectionReason
	for i, s := range ss {
		if s.ID != "" && isRejection(s.Code) {
			out = append(out, ats.RejectionReason{ID: s.ID.String(), RemoteID: s.ID.String(), Name: s.name(), Raw: rows[i]})
		}
	}
	if len(out) == 0 {
		return nil
	}
	return fn(out)
}

// ListTags implements ats.Reader: BambooHR's applicant tracking has no tags.
func (c *Client) ListTags(context.Context, ats.ListOptions, func([]ats.Tag) error) error { return nil }

// ListUsers implements ats.Reader from GET /applicant_tracking/hiring_leads:
// the employees who can lead hiring. BambooHR does not report their email
// there.
func (c *Client) ListUsers(ctx context.Context, _ ats.ListOptions, fn func([]ats.User) error) error {
	rows, err := c.getArray(ctx, pathHiringLeads, nil)
	if err != nil {
		return err
	}
	type lead struct {
		EmployeeID        ats.FlexID `json:"employeeId"`
		ID                ats.FlexID `json:"id"`
		PreferredFullName string     `json:"preferredFullName"`
		DisplayName       string     `json:"displayName"`
		FirstName         string     `json:"firstName"`
		LastName          string     `json:"lastName"`
		Email             string     `json:"email"`
	}
	out := make([]ats.User, 0, len(rows))
	for _, raw := range rows {
		w, err := decodeRow[struct {
			lead
			HiringLead *lead `json:"hiringLead"`
		}](pathHiringLeads, raw)
		if err != nil {
			return err
		}
		l := w.lead
		if w.HiringLead != nil {
			l = *w.HiringLead
		}
		id := l.EmployeeID.String()
		if id == "" {
			id = l.ID.String()
		}
		if id == "" {
			continue
		}
		name := l.PreferredFullName
		if name == "" {
			name = l.DisplayName
		}
		if name == "" {
			name = strings.TrimSpace(l.FirstName + " " + l.LastName)
		}
		out = append(out, ats.User{ID: id, RemoteID: id, Name: name, Email: l.Email, Raw: raw})
	}
	if len(out) == 0 {
		return nil
	}
	return fn(out)
}

// applicationQuery asks for every application (all status groups, jobs in
// any state) in creation order, so applications created during a scan land
// on later pages instead of shifting earlier ones.
func applicationQuery() url.Values {
	return url.Values{"applicationStatus": {"ALL"}, "jobStatusGroups": {"ALL"},
		"sortBy": {"created_date"}, "sortOrder": {"ASC"}}
}

// eachApplicationPage pages GET /applicant_tracking/applications: it
// follows nextPageUrl when BambooHR sends one (absolute, re-based onto the
// configured host, or host-relative) and otherwise asks for page=N+1 while
// paginationComplete is false.
func (c *Client) eachApplicationPage(ctx context.Context, fn func([]json.RawMessage) error) error {
	q := applicationQuery()
	req := ats.Request{Method: http.MethodGet, Path: pathApplications, Query: q}
	seen := map[string]bool{}
	page := 1
	for n := 0; n < ats.MaxPages; n++ {
		resp, err := c.http.Do(ctx, req)
		if err != nil {
			return err
		}
		var p wirePage
		if err := c.http.DecodeJSON(resp, &p); err != nil {
			return err
		}
		if p.Applications == nil && p.PaginationComplete == nil {
			return malformed("GET "+pathApplications, "invalid JSON in response: no applications list")
		}
		if err := fn(p.Applications); err != nil {
			return err
		}
		next := strings.TrimSpace(p.NextPageURL)
		complete := next == ""
		if p.PaginationComplete != nil {
			complete = *p.PaginationComplete
		}
		if complete || len(p.Applications) == 0 {
			return nil
		}
		page++
		switch {
		case next != "":
			if !strings.HasPrefix(next, "http://") && !strings.HasPrefix(next, "https://") {
				u := c.http.BaseURL()
				next = u.Scheme + "://" + u.Host + "/" + strings.TrimLeft(next, "/")
			}
			req = ats.Request{Method: http.MethodGet, Path: next, OpName: pathApplications}
		default:
			q2 := url.Values{}
			for k, v := range q {
				q2[k] = v
			}
			q2.Set("page", strconv.Itoa(page))
			req = ats.Request{Method: http.MethodGet, Path: pathApplications, Query: q2}
			next = q2.Encode()
		}
		if seen[next] {
			return malformed("GET "+pathApplications, "paging loop: next page repeats")
		}
		seen[next] = true
	}
	return fmt.Errorf("%s: more than %d pages", Name, ats.MaxPages)
}

// ListCandidates implements ats.Reader. BambooHR has no applicant list;
// each applicant is derived from the applications that embed it, once per
// listing (the set of applicant ids seen is the only state kept). Only
// name and email are in the list; UpdatedAt is the first listed
// application's appliedDate, as the list carries no change time.
func (c *Client) ListCandidates(ctx context.Context, _ ats.ListOptions, fn func([]ats.Candidate) error) error {
	seen := map[string]bool{}
	return c.eachApplicationPage(ctx, func(rows []json.RawMessage) error {
		out := make([]ats.Candidate, 0, len(rows))
		for _, raw := range rows {
			w, err := decodeRow[wireApplication](pathApplications, raw)
			if err != nil {
				return err
			}
			id := w.Applicant.ID.String()
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			cd := ats.Candidate{ID: id, RemoteID: id, FirstName: w.Applicant.FirstName, LastName: w.Applicant.LastName,
				CreatedAt: w.AppliedDate.Time, UpdatedAt: w.AppliedDate.Time, Raw: applicantRaw(raw)}
			if e := strings.TrimSpace(w.Applicant.Email); e != "" {
				cd.Emails = []string{e}
			}
			out = append(out, cd)
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

// applicantRaw keeps the embedded applicant object as the candidate's raw
// JSON (the whole application when it cannot be cut out).
func applicantRaw(raw json.RawMessage) json.RawMessage {
	var v struct {
		Applicant json.RawMessage `json:"applicant"`
	}
	if json.Unmarshal(raw, &v) == nil && len(bytes.TrimSpace(v.Applicant)) > 0 && v.Applicant[0] == '{' {
		return v.Applicant
	}
	return raw
}

// ListApplications implements ats.Reader: every application (see
// applicationQuery), with the status list read first to classify statuses.
// Status HIRED is hired; a rejection status is rejected with that status
// as the reason; DELETED and MOVED (the applicant was moved to another job)
// are rejected without a reason. UpdatedAt and AppliedAt are appliedDate
// and RejectedAt stays zero: the list reports no change times.
func (c *Client) ListApplications(ctx context.Context, _ ats.ListOptions, fn func([]ats.Application) error) error {
	ss, _, err := c.statuses(ctx)
	if err != nil {
		return err
	}
	codes := make(map[string]string, len(ss))
	for _, s := range ss {
		codes[s.ID.String()] = s.Code
	}
	return c.eachApplicationPage(ctx, func(rows []json.RawMessage) error {
		out := make([]ats.Application, 0, len(rows))
		for _, raw := range rows {
			w, err := decodeRow[wireApplication](pathApplications, raw)
			if err != nil {
				return err
			}
			if w.ID == "" {
				continue
			}
			a := ats.Application{ID: w.ID.String(), RemoteID: w.ID.String(), CandidateID: w.Applicant.ID.String(),
				JobID: w.Job.ID.String(), StageID: w.Status.ID.String(), StageName: w.Status.Label,
				Status: ats.ApplicationActive, AppliedAt: w.AppliedDate.Time, UpdatedAt: w.AppliedDate.Time, Raw: raw}
			code := codes[a.StageID]
			switch {
			case strings.EqualFold(code, codeHired):
				a.Status = ats.ApplicationHired
			case isRejection(code):
				a.Status = ats.ApplicationRejected
				a.RejectionReasonID, a.RejectionReasonName = a.StageID, a.StageName
			case strings.EqualFold(code, codeDeleted), strings.EqualFold(code, codeMoved):
				a.Status = ats.ApplicationRejected
				a.RejectionReasonName = a.StageName
			}
			out = append(out, a)
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}
