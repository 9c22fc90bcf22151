package smartrecruiters

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

// listPage is SmartRecruiters' list envelope: {totalFound, content[]} with
// offset/limit (legacy paging) or nextPageId (pageId paging).
type listPage struct {
	TotalFound int               `json:"totalFound"`
	Offset     int               `json:"offset"`
	Limit      int               `json:"limit"`
	NextPageID string            `json:"nextPageId"`
	Content    []json.RawMessage `json:"content"`
}

func malformed(op, msg string) error {
	return &ats.Error{Provider: Name, Op: op, Message: msg, Err: ats.ErrMalformedResponse}
}

// timeParam renders t as the ISO 8601 instant updatedAfter takes.
func timeParam(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func copyQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	return out
}

// eachPageID pages path with limit + pageId → nextPageId and hands each
// non-empty page's rows, still raw, to fn. Paging ends at an empty page or
// a missing nextPageId.
func (c *Client) eachPageID(ctx context.Context, path string, q url.Values, fn func([]json.RawMessage) error) error {
	q = copyQuery(q)
	q.Set("limit", strconv.Itoa(c.pageSize))
	var page listPage
	return c.http.EachCursorPage(ctx, ats.Request{Method: http.MethodGet, Path: path, Query: q}, "pageId",
		func(r *ats.Response) (string, error) {
			page = listPage{}
			if err := c.http.DecodeJSON(r, &page); err != nil {
				return "", err
			}
			if len(page.Content) == 0 {
				return "", nil
			}
			return page.NextPageID, nil
		},
		func(*ats.Response) error {
			if len(page.Content) == 0 {
				return nil
			}
			return fn(page.Content)
		})
}

// eachOffset pages path with limit + offset ({totalFound, content[]}).
func (c *Client) eachOffset(ctx context.Context, path string, q url.Values, fn func([]json.RawMessage) error) error {
	seen := 0
	return c.http.EachOffsetPage(ctx, ats.Request{Method: http.MethodGet, Path: path, Query: copyQuery(q)}, "limit", "offset", c.pageSize,
		func(r *ats.Response) (int, error) {
			var page listPage
			if err := c.http.DecodeJSON(r, &page); err != nil {
				return 0, err
			}
			n := len(page.Content)
			seen += n
			if n > 0 {
				if err := fn(page.Content); err != nil {
					return 0, err
				}
			}
			if page.TotalFound > 0 && seen >= page.TotalFound {
				return 0, nil // the last page; no need to ask for an empty one
			}
			return n, nil
		})
}

// getAll reads an unpaged {content[]} list.
func (c *Client) getAll(ctx context.Context, path string, fn func([]json.RawMessage) error) error {
	var page listPage
	if _, err := c.http.GetJSON(ctx, path, nil, &page); err != nil {
		return err
	}
	if len(page.Content) == 0 {
		return nil
	}
	return fn(page.Content)
}

// ---- jobs ----

type wireJob struct {
	ID            ats.FlexID      `json:"id"`
	Title         string          `json:"title"`
	RefNumber     string          `json:"refNumber"`
	Status        string          `json:"status"`
	PostingStatus string          `json:"postingStatus"`
	Department    json.RawMessage `json:"department"`
	Location      struct {
		City    string `json:"city"`
		Region  string `json:"region"`
		Country string `json:"country"`
		Remote  bool   `json:"remote"`
	} `json:"location"`
	CreatedOn ats.FlexTime `json:"createdOn"`
	UpdatedOn ats.FlexTime `json:"updatedOn"`
}

type wireSection struct {
	Title string `json:"title"`
	Text  string `json:"text"`
}

type wireJobAd struct {
	ID            string `json:"id"`
	PostingStatus string `json:"postingStatus"`
	JobAd         struct {
		Sections map[string]wireSection `json:"sections"`
	} `json:"jobAd"`
}

// sectionOrder is the order job ad sections are shown in.
var sectionOrder = []string{"companyDescription", "jobDescription", "qualifications", "additionalInformation"}

// ListJobs implements ats.Reader from GET /jobs (pageId, updatedAfter).
// The description is assembled from the first job ad's sections
// (GET /jobs/{id}/jobads); jobs whose ads cannot be read (403/404) are
// returned without one. With a company identifier configured, each job's
// screening questions come from its job ad's public posting (see
// postingIndex and screeningQuestions); the postings are listed once per
// call, on the first page that has jobs, so an empty read costs no extra
// request and a read without the identifier makes none.
func (c *Client) ListJobs(ctx context.Context, o ats.ListOptions, fn func([]ats.Job) error) error {
	q := url.Values{}
	if !o.UpdatedAfter.IsZero() {
		q.Set("updatedAfter", timeParam(o.UpdatedAfter))
	}
	var postings map[string]posting
	listed := false
	return c.eachPageID(ctx, "/jobs", q, func(rows []json.RawMessage) error {
		jobs, err := ats.DecodeRows(Name, "GET /jobs", rows, jobFromWire)
		if err != nil || len(jobs) == 0 {
			return err
		}
		if c.company != "" && !listed {
			if postings, err = c.postingIndex(ctx); err != nil {
				return err
			}
			listed = true
		}
		for i := range jobs {
			ads, err := c.jobAds(ctx, jobs[i].ID)
			if err != nil {
				return err
			}
			html := adDescription(ads)
			jobs[i].DescriptionHTML, jobs[i].DescriptionText = html, ats.HTMLToText(html)
			if uuid := postingFor(ads, postings); uuid != "" {
				if jobs[i].ScreeningQuestions, err = c.screeningQuestions(ctx, uuid); err != nil {
					return err
				}
			}
		}
		return fn(jobs)
	})
}

func jobFromWire(w wireJob, raw json.RawMessage) (ats.Job, bool) {
	id := w.ID.String()
	var loc []string
	for _, s := range []string{w.Location.City, w.Location.Region, w.Location.Country} {
		if s = strings.TrimSpace(s); s != "" {
			loc = append(loc, s)
		}
	}
	location := strings.Join(loc, ", ")
	if w.Location.Remote {
		if location == "" {
			location = "Remote"
		} else {
			location += " (remote)"
		}
	}
	return ats.Job{ID: id, RemoteID: id, Title: w.Title, Status: jobStatus(w.Status),
		Department: ats.FlexName(w.Department), Location: location,
		CreatedAt: w.CreatedOn.Time, UpdatedAt: w.UpdatedOn.Time, Raw: raw}, id != ""
}

func jobStatus(s string) ats.JobStatus {
	switch strings.ToUpper(s) {
	case "SOURCING", "INTERVIEW", "OFFER":
		return ats.JobOpen
	case "CREATED":
		return ats.JobDraft
	case "FILLED", "CANCELLED", "ON_HOLD":
		return ats.JobClosed
	}
	return ats.JobUnknown
}

// jobAds reads a job's ads (GET /jobs/{id}/jobads); a job whose ads
// cannot be read (403/404) has none, so it is still synced, without a
// description or questions.
func (c *Client) jobAds(ctx context.Context, jobID string) ([]wireJobAd, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/jobs/" + pathID(jobID) + "/jobads", OpName: "/jobs/{id}/jobads"})
	if err != nil {
		if errors.Is(err, ats.ErrNotFound) || errors.Is(err, ats.ErrForbidden) {
			return nil, nil
		}
		return nil, err
	}
	var page struct {
		Content []wireJobAd `json:"content"`
	}
	if err := c.http.DecodeJSON(resp, &page); err != nil {
		return nil, err
	}
	return page.Content, nil
}

// adDescription renders the first job ad's sections as HTML.
func adDescription(ads []wireJobAd) string {
	if len(ads) == 0 {
		return ""
	}
	var b strings.Builder
	secs := ads[0].JobAd.Sections
	for _, k := range sectionOrder {
		s, ok := secs[k]
		if !ok || strings.TrimSpace(s.Text) == "" {
			continue
		}
		if s.Title != "" {
			b.WriteString("<h3>")
			b.WriteString(htmlEscape(s.Title))
			b.WriteString("</h3>")
		}
		b.WriteString(s.Text)
	}
	return b.String()
}

var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func htmlEscape(s string) string { return htmlEscaper.Replace(s) }

// ---- stages ----

// Statuses are SmartRecruiters' fixed candidate statuses, in pipeline order.
var Statuses = []string{"LEAD", "NEW", "IN_REVIEW", "INTERVIEW", "OFFERED", "HIRED", "REJECTED", "WITHDRAWN", "TRANSFERRED"}

var statusNames = map[string]string{
	"LEAD": "Lead", "NEW": "New", "IN_REVIEW": "In review", "INTERVIEW": "Interview", "OFFERED": "Offered",
	"HIRED": "Hired", "REJECTED": "Rejected", "WITHDRAWN": "Withdrawn", "TRANSFERRED": "Transferred",
}

func isStatus(s string) bool { _, ok := statusNames[s]; return ok }

func stageKind(status string) ats.StageKind {
	switch status {
	case "LEAD", "NEW":
		return ats.StageKindInbox
	case "IN_REVIEW", "INTERVIEW", "OFFERED":
		return ats.StageKindActive
	case "HIRED":
		return ats.StageKindHired
	case "REJECTED", "WITHDRAWN":
		return ats.StageKindRejected
	}
	return ats.StageKindNone
}

// ListStages implements ats.Reader: the fixed statuses, without a request.
func (c *Client) ListStages(_ context.Context, _ ats.ListOptions, fn func([]ats.Stage) error) error {
	out := make([]ats.Stage, 0, len(Statuses))
	for i, s := range Statuses {
		raw, _ := json.Marshal(map[string]string{"status": s})
		out = append(out, ats.Stage{ID: s, RemoteID: s, Name: statusNames[s], Order: i, Kind: stageKind(s), Active: true, Raw: raw})
	}
	return fn(out)
}

// ---- candidates and applications ----

type wireRef struct {
	ID    ats.FlexID `json:"id"`
	Title string     `json:"title"`
	Label string     `json:"label"`
}

type wireAssignment struct {
	Job               wireRef  `json:"job"`
	Status            string   `json:"status"`
	SubStatus         string   `json:"subStatus"`
	ReasonOfRejection *wireRef `json:"reasonOfRejection"`
}

type wireCandidate struct {
	ID                   ats.FlexID        `json:"id"`
	FirstName            string            `json:"firstName"`
	LastName             string            `json:"lastName"`
	Email                string            `json:"email"`
	PhoneNumber          string            `json:"phoneNumber"`
	Tags                 []json.RawMessage `json:"tags"`
	CreatedOn            ats.FlexTime      `json:"createdOn"`
	UpdatedOn            ats.FlexTime      `json:"updatedOn"`
	PrimaryAssignment    json.RawMessage   `json:"primaryAssignment"`
	SecondaryAssignments []json.RawMessage `json:"secondaryAssignments"`
}

func (w wireCandidate) tagNames() []string {
	var out []string
	for _, t := range w.Tags {
		if n := strings.TrimSpace(ats.FlexName(t)); n != "" {
			out = append(out, n)
		}
	}
	return out
}

func candidateQuery(o ats.ListOptions) url.Values {
	q := url.Values{}
	if !o.UpdatedAfter.IsZero() {
		q.Set("updatedAfter", timeParam(o.UpdatedAfter))
	}
	return q
}

func candidateFromWire(w wireCandidate, raw json.RawMessage) (ats.Candidate, bool) {
	id := w.ID.String()
	cd := ats.Candidate{ID: id, RemoteID: id, FirstName: w.FirstName, LastName: w.LastName,
		CreatedAt: w.CreatedOn.Time, UpdatedAt: w.UpdatedOn.Time, Raw: raw}
	if w.Email != "" {
		cd.Emails = []string{w.Email}
	}
	if w.PhoneNumber != "" {
		cd.Phones = []string{w.PhoneNumber}
	}
	for _, t := range w.tagNames() {
		cd.Tags = append(cd.Tags, ats.Tag{ID: t, RemoteID: t, Name: t})
	}
	return cd, id != ""
}

// ListCandidates implements ats.Reader from GET /candidates (pageId,
// updatedAfter).
func (c *Client) ListCandidates(ctx context.Context, o ats.ListOptions, fn func([]ats.Candidate) error) error {
	return c.eachPageID(ctx, "/candidates", candidateQuery(o), ats.DecodePages(Name, "GET /candidates", candidateFromWire, fn))
}

// ListApplications implements ats.Reader: one application per assignment
// (primaryAssignment, then secondaryAssignments[]) of every candidate from
// GET /candidates. UpdatedAfter filters candidates, so an incremental read
// returns every assignment of each changed candidate. Raw is the
// assignment's JSON.
func (c *Client) ListApplications(ctx context.Context, o ats.ListOptions, fn func([]ats.Application) error) error {
	return c.eachPageID(ctx, "/candidates", candidateQuery(o), func(rows []json.RawMessage) error {
		cands, err := ats.DecodeRows(Name, "GET /candidates", rows, func(w wireCandidate, _ json.RawMessage) (wireCandidate, bool) { return w, true })
		if err != nil {
			return err
		}
		var out []ats.Application
		for _, w := range cands {
			apps, err := applicationsOf(w)
			if err != nil {
				return err
			}
			out = append(out, apps...)
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

func applicationsOf(w wireCandidate) ([]ats.Application, error) {
	cid := w.ID.String()
	if cid == "" {
		return nil, nil
	}
	raws := make([]json.RawMessage, 0, 1+len(w.SecondaryAssignments))
	if p := bytes.TrimSpace(w.PrimaryAssignment); len(p) > 0 && string(p) != "null" {
		raws = append(raws, w.PrimaryAssignment)
	}
	raws = append(raws, w.SecondaryAssignments...)
	seen := map[string]bool{}
	var out []ats.Application
	for _, raw := range raws {
		var as wireAssignment
		if err := json.Unmarshal(raw, &as); err != nil {
			return nil, malformed("GET /candidates", "invalid JSON in response: assignment: "+err.Error())
		}
		jid := as.Job.ID.String()
		if jid == "" || seen[jid] {
			continue
		}
		seen[jid] = true
		status := strings.ToUpper(as.Status)
		name := statusNames[status]
		if name == "" {
			name = as.Status
		}
		if as.SubStatus != "" {
			name += " · " + as.SubStatus
		}
		a := ats.Application{ID: ApplicationID(cid, jid), RemoteID: ApplicationID(cid, jid), CandidateID: cid, JobID: jid,
			StageID: status, StageName: name, Status: applicationStatus(status),
			AppliedAt: w.CreatedOn.Time, UpdatedAt: w.UpdatedOn.Time, Raw: raw}
		if a.Status == ats.ApplicationRejected {
			if r := as.ReasonOfRejection; r != nil {
				a.RejectionReasonID = r.ID.String()
				a.RejectionReasonName = r.Label
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// applicationStatus maps a status to an outcome. WITHDRAWN and TRANSFERRED
// close the candidacy in this job without a hire, so they count as
// rejected (Raw keeps the exact status).
func applicationStatus(status string) ats.ApplicationStatus {
	switch status {
	case "HIRED":
		return ats.ApplicationHired
	case "REJECTED", "WITHDRAWN", "TRANSFERRED":
		return ats.ApplicationRejected
	}
	return ats.ApplicationActive
}

// ---- tags, reasons, users ----

// ListTags implements ats.Reader. SmartRecruiters has no account-wide tag
// list, so tags are collected from the candidates' tags[] in one pass over
// GET /candidates; each distinct name is reported once. Tag ids are the
// names.
func (c *Client) ListTags(ctx context.Context, _ ats.ListOptions, fn func([]ats.Tag) error) error {
	seen := map[string]bool{}
	return c.eachPageID(ctx, "/candidates", nil, func(rows []json.RawMessage) error {
		cands, err := ats.DecodeRows(Name, "GET /candidates", rows, func(w wireCandidate, _ json.RawMessage) (wireCandidate, bool) { return w, true })
		if err != nil {
			return err
		}
		var out []ats.Tag
		for _, w := range cands {
			for _, t := range w.tagNames() {
				if seen[t] {
					continue
				}
				seen[t] = true
				raw, _ := json.Marshal(map[string]string{"name": t})
				out = append(out, ats.Tag{ID: t, RemoteID: t, Name: t, Raw: raw})
			}
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

// ListRejectionReasons implements ats.Reader from
// GET /configuration/rejection-reasons.
func (c *Client) ListRejectionReasons(ctx context.Context, _ ats.ListOptions, fn func([]ats.RejectionReason) error) error {
	const path = "/configuration/rejection-reasons"
	return c.getAll(ctx, path, func(rows []json.RawMessage) error {
		out, err := ats.DecodeRows(Name, "GET "+path, rows, func(w wireRef, raw json.RawMessage) (ats.RejectionReason, bool) {
			id := w.ID.String()
			return ats.RejectionReason{ID: id, RemoteID: id, Name: w.Label, Raw: raw}, id != ""
		})
		if err != nil || len(out) == 0 {
			return err
		}
		return fn(out)
	})
}

// ListUsers implements ats.Reader from GET /users (limit + offset).
func (c *Client) ListUsers(ctx context.Context, _ ats.ListOptions, fn func([]ats.User) error) error {
	return c.eachOffset(ctx, "/users", nil, func(rows []json.RawMessage) error {
		out, err := ats.DecodeRows(Name, "GET /users", rows, func(w struct {
			ID        ats.FlexID `json:"id"`
			FirstName string     `json:"firstName"`
			LastName  string     `json:"lastName"`
			Email     string     `json:"email"`
		}, raw json.RawMessage) (ats.User, bool) {
			id := w.ID.String()
			return ats.User{ID: id, RemoteID: id, Name: strings.TrimSpace(w.FirstName + " " + w.LastName), Email: w.Email, Raw: raw}, id != ""
		})
		if err != nil || len(out) == 0 {
			return err
		}
		return fn(out)
	})
}
