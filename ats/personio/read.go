package personio

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// Read paths.
const (
	jobsPath         = "/v2/recruiting/jobs"
	candidatesPath   = "/v2/recruiting/candidates"
	applicationsPath = "/v2/recruiting/applications"
	categoriesPath   = "/v2/recruiting/categories"
)

// envelope is a v2 list response: {"_data": [...], "_meta": {"links":
// {"next": {"href": "…?cursor=…"}}}}.
type envelope struct {
	Data []json.RawMessage `json:"_data"`
	Meta struct {
		Links struct {
			Next json.RawMessage `json:"next"`
		} `json:"links"`
	} `json:"_meta"`
}

// nextHref reads the next link as {"href": url} or, leniently, a bare URL.
func (e envelope) nextHref() string {
	b := bytes.TrimSpace(e.Meta.Links.Next)
	if len(b) == 0 || string(b) == "null" {
		return ""
	}
	if b[0] == '"' {
		var s string
		_ = json.Unmarshal(b, &s)
		return s
	}
	var o struct {
		Href string `json:"href"`
	}
	_ = json.Unmarshal(b, &o)
	return o.Href
}

func malformed(op, msg string) error {
	return &ats.Error{Provider: Name, Op: op, Message: msg, Err: ats.ErrMalformedResponse}
}

// pages GETs path with q and follows _meta.links.next.href verbatim (it
// carries the cursor) until there is no next link or a page is empty,
// handing each page's raw rows to fn. Empty pages are not passed on.
func (c *Client) pages(ctx context.Context, path string, q url.Values, fn func([]json.RawMessage) error) error {
	req := ats.Request{Method: http.MethodGet, Path: path, Query: q}
	seen := map[string]bool{}
	for page := 0; page < ats.MaxPages; page++ {
		resp, err := c.get(ctx, req)
		if err != nil {
			return err
		}
		var env envelope
		if err := c.http.DecodeJSON(resp, &env); err != nil {
			return err
		}
		rows := env.Data
		if len(rows) > 0 {
			if err := fn(rows); err != nil {
				return err
			}
		}
		next := env.nextHref()
		if next == "" || len(rows) == 0 {
			return nil
		}
		if seen[next] {
			return malformed("GET "+path, "paging loop: next link repeats")
		}
		seen[next] = true
		req = ats.Request{Method: http.MethodGet, Path: next, OpName: path}
	}
	return malformed("GET "+path, "too many pages")
}

// listQuery is the first-page query: limit and, for incremental models,
// updated_at.gt.
func (c *Client) listQuery(since time.Time) url.Values {
	q := url.Values{"limit": {strconv.Itoa(c.pageSize)}}
	if !since.IsZero() {
		q.Set("updated_at.gt", gtParam(since))
	}
	return q
}

// gtParam renders the exclusive updated_at.gt bound for "changed at or
// after t" in whole seconds: the last whole second before t.
func gtParam(t time.Time) string {
	t = t.UTC()
	s := t.Truncate(time.Second)
	if s.Equal(t) {
		s = s.Add(-time.Second)
	}
	return s.Format("2006-01-02T15:04:05Z")
}

// list pages path and hands each non-empty converted page to fn.
func list[T, U any](ctx context.Context, c *Client, path string, q url.Values,
	conv func(T, json.RawMessage) (U, bool), fn func([]U) error) error {
	return c.pages(ctx, path, q, ats.DecodePages(Name, "GET "+path, conv, fn))
}

// ---- wire types ----

// pTime decodes Personio timestamps: an RFC 3339 string, a bare date, or
// an object {"date-time": "2026-06-01T10:00:00", "timezone": "Europe/Berlin"}
// whose wall time is read in the named zone (unless it has an offset).
// Unknown shapes decode to the zero time rather than failing a page.
type pTime struct{ time.Time }

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"}

func (p *pTime) UnmarshalJSON(b []byte) error {
	p.Time = time.Time{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		p.Time = parseTime(s, "")
	case '{':
		var o struct {
			DateTime  string `json:"date-time"`
			DateTime2 string `json:"date_time"`
			Timezone  string `json:"timezone"`
		}
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		if o.DateTime == "" {
			o.DateTime = o.DateTime2
		}
		p.Time = parseTime(o.DateTime, o.Timezone)
	}
	return nil
}

func parseTime(s, zone string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC()
	}
	loc := location(zone)
	for _, l := range timeLayouts[1:] {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}

// zones caches time.LoadLocation, which parses the zone data on every
// call; a page of 200 applications names the same zone 400 times. The
// cache is capped so a misbehaving server cannot grow it without bound.
var zones struct {
	sync.RWMutex
	m map[string]*time.Location
}

const maxZones = 64

// location resolves an IANA zone name, falling back to UTC.
func location(name string) *time.Location {
	if name == "" {
		return time.UTC
	}
	zones.RLock()
	l, ok := zones.m[name]
	zones.RUnlock()
	if ok {
		return l
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		l = time.UTC
	}
	zones.Lock()
	if zones.m == nil {
		zones.m = map[string]*time.Location{}
	}
	if len(zones.m) < maxZones {
		zones.m[name] = l
	}
	zones.Unlock()
	return l
}

// ref is an embedded {id, name} reference.
type ref struct {
	ID   ats.FlexID      `json:"id"`
	Name json.RawMessage `json:"name"`
}

func (r *ref) name() string { return ats.FlexName(r.Name) }

// wireStage is a recruiting phase as applications, categories and stage
// transitions report it: {id, name, kind, type}; id may be null.
type wireStage struct {
	ID   ats.FlexID `json:"id"`
	Name string     `json:"name"`
	Kind string     `json:"kind"`
	Type string     `json:"type"`
}

// stageID is the phase id, or "personio:<type|kind|name>" for a phase
// reported without one.
func (s wireStage) stageID() string {
	if id := s.ID.String(); id != "" {
		return id
	}
	for _, v := range []string{s.Type, s.Kind, s.Name} {
		if v = strings.ToLower(strings.TrimSpace(v)); v != "" {
			return "personio:" + strings.Join(strings.Fields(v), "_")
		}
	}
	return ""
}

func (s wireStage) displayName() string {
	if n := strings.TrimSpace(s.Name); n != "" {
		return n
	}
	for _, v := range []string{s.Type, s.Kind} {
		if v = strings.TrimSpace(v); v != "" {
			v = strings.ReplaceAll(v, "_", " ")
			return strings.ToUpper(v[:1]) + strings.ToLower(v[1:])
		}
	}
	return s.stageID()
}

// kind classifies a phase from its type and kind (names only as a last
// resort, since they are free text).
func (s wireStage) kind() ats.StageKind {
	probe := strings.ToLower(s.Type + " " + s.Kind)
	if strings.TrimSpace(probe) == "" {
		probe = strings.ToLower(s.Name)
	}
	switch {
	case strings.Contains(probe, "reject"), strings.Contains(probe, "withdraw"), strings.Contains(probe, "declin"):
		return ats.StageKindRejected
	case strings.Contains(probe, "hire"), strings.Contains(probe, "accept"):
		return ats.StageKindHired
	case strings.Contains(probe, "unassigned"), strings.Contains(probe, "new"), strings.Contains(probe, "inbox"):
		return ats.StageKindInbox
	}
	return ats.StageKindNone
}

func (s wireStage) toStage(raw json.RawMessage, order int) (ats.Stage, bool) {
	id := s.stageID()
	return ats.Stage{ID: id, RemoteID: s.ID.String(), Name: s.displayName(), Order: order, Kind: s.kind(),
		Active: true, Raw: raw}, id != ""
}

type wireJob struct {
	ID          ats.FlexID      `json:"id"`
	Name        string          `json:"name"`
	Status      json.RawMessage `json:"status"`
	Description json.RawMessage `json:"description"`
	Department  json.RawMessage `json:"department"`
	Office      json.RawMessage `json:"office"`
	Location    json.RawMessage `json:"location"`
	HiringTeam  []struct {
		Person struct {
			ID        ats.FlexID `json:"id"`
			Name      string     `json:"name"`
			FirstName string     `json:"first_name"`
			LastName  string     `json:"last_name"`
			Email     string     `json:"email"`
		} `json:"person"`
	} `json:"hiring_team"`
	CreatedAt pTime `json:"created_at"`
	UpdatedAt pTime `json:"updated_at"`
}

type wireCandidate struct {
	ID        ats.FlexID `json:"id"`
	FirstName string     `json:"first_name"`
	LastName  string     `json:"last_name"`
	Email     string     `json:"email"`
	Phone     string     `json:"phone"`
	CreatedAt pTime      `json:"created_at"`
	UpdatedAt pTime      `json:"updated_at"`
}

type wireApplication struct {
	ID              ats.FlexID `json:"id"`
	ApplicationDate pTime      `json:"application_date"`
	Candidate       *struct {
		ID ats.FlexID `json:"id"`
	} `json:"candidate"`
	Job             *ref            `json:"job"`
	CurrentStage    json.RawMessage `json:"current_stage"`
	RejectionReason json.RawMessage `json:"rejection_reason"`
	CreatedAt       pTime           `json:"created_at"`
	UpdatedAt       pTime           `json:"updated_at"`
}

// stage decodes current_stage ({…} or null).
func (w wireApplication) stage() (wireStage, json.RawMessage, bool) {
	b := bytes.TrimSpace(w.CurrentStage)
	if len(b) == 0 || b[0] != '{' {
		return wireStage{}, nil, false
	}
	var s wireStage
	if json.Unmarshal(b, &s) != nil || s.stageID() == "" {
		return wireStage{}, nil, false
	}
	return s, json.RawMessage(b), true
}

// rejectionReason reads rejection_reason as {id, name} or a string.
// Personio's documentation does not show this field; it is read where an
// account reports it.
func (w wireApplication) rejectionReason() (id, name string, raw json.RawMessage) {
	b := bytes.TrimSpace(w.RejectionReason)
	if len(b) == 0 || string(b) == "null" {
		return "", "", nil
	}
	if b[0] == '"' {
		var s string
		_ = json.Unmarshal(b, &s)
		s = strings.TrimSpace(s)
		return s, s, json.RawMessage(b)
	}
	var r ref
	if b[0] != '{' || json.Unmarshal(b, &r) != nil {
		return "", "", nil
	}
	id, name = r.ID.String(), r.name()
	if id == "" {
		id = name
	}
	return id, name, json.RawMessage(b)
}

// ---- Reader ----

// ListJobs implements ats.Reader from GET /v2/recruiting/jobs. Personio
// documents no change filter for jobs, so every call reads all of them
// (a company has few).
func (c *Client) ListJobs(ctx context.Context, _ ats.ListOptions, fn func([]ats.Job) error) error {
	return list(ctx, c, jobsPath, c.listQuery(time.Time{}), jobFromWire, fn)
}

func jobFromWire(w wireJob, raw json.RawMessage) (ats.Job, bool) {
	desc := ats.FlexName(w.Description)
	if len(bytes.TrimSpace(w.Description)) > 0 && w.Description[0] == '"' {
		_ = json.Unmarshal(w.Description, &desc)
	}
	j := ats.Job{ID: w.ID.String(), RemoteID: w.ID.String(), Title: strings.TrimSpace(w.Name),
		Status: jobStatus(ats.FlexName(w.Status)), Department: ats.FlexName(w.Department),
		Location: ats.FlexName(w.Office), CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
	if j.Location == "" {
		j.Location = ats.FlexName(w.Location)
	}
	if desc != "" {
		j.DescriptionHTML, j.DescriptionText = desc, ats.HTMLToText(desc)
	}
	if j.Title == "" {
		j.Title = "Job " + j.ID
	}
	return j, j.ID != ""
}

func jobStatus(s string) ats.JobStatus {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "open", "published", "active", "online":
		return ats.JobOpen
	case "closed", "filled", "offline":
		return ats.JobClosed
	case "draft", "unpublished":
		return ats.JobDraft
	case "archived":
		return ats.JobArchived
	}
	return ats.JobUnknown
}

// ListStages implements ats.Reader: the phases every recruiting category
// lists (GET /v2/recruiting/categories), then any further current stage
// an application reports (GET /v2/recruiting/applications, full scan),
// de-duplicated by id. Phases are account-wide, so JobID is "".
func (c *Client) ListStages(ctx context.Context, _ ats.ListOptions, fn func([]ats.Stage) error) error {
	seen := map[string]bool{}
	order := 0
	add := func(out []ats.Stage, s wireStage, raw json.RawMessage) []ats.Stage {
		st, ok := s.toStage(raw, order)
		if !ok || seen[st.ID] {
			return out
		}
		seen[st.ID] = true
		order++
		return append(out, st)
	}
	err := c.pages(ctx, categoriesPath, nil, func(rows []json.RawMessage) error {
		var out []ats.Stage
		for _, raw := range rows {
			// The stages field is read leniently (its shape is only known
			// from third-party clients): entries that are not phase objects
			// are skipped, and applications still report their phases.
			var cat struct {
				Stages json.RawMessage `json:"stages"`
			}
			if err := json.Unmarshal(raw, &cat); err != nil {
				return malformed("GET "+categoriesPath, "invalid JSON in response: "+err.Error())
			}
			var entries []json.RawMessage
			if b := bytes.TrimSpace(cat.Stages); len(b) > 0 && b[0] == '[' {
				_ = json.Unmarshal(b, &entries)
			}
			for _, sr := range entries {
				var s wireStage
				if b := bytes.TrimSpace(sr); len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &s) != nil {
					continue
				}
				out = add(out, s, sr)
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
	return c.pages(ctx, applicationsPath, c.listQuery(time.Time{}), func(rows []json.RawMessage) error {
		apps, err := ats.DecodeRows(Name, "GET "+applicationsPath, rows, func(w wireApplication, _ json.RawMessage) (wireApplication, bool) { return w, true })
		if err != nil {
			return err
		}
		var out []ats.Stage
		for _, a := range apps {
			if s, raw, ok := a.stage(); ok {
				out = add(out, s, raw)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

// ListCandidates implements ats.Reader from GET /v2/recruiting/candidates
// (updated_at.gt when UpdatedAfter is set). Personio returns one email and
// one phone per candidate; tags are not returned by the API.
func (c *Client) ListCandidates(ctx context.Context, o ats.ListOptions, fn func([]ats.Candidate) error) error {
	return list(ctx, c, candidatesPath, c.listQuery(o.UpdatedAfter), func(w wireCandidate, raw json.RawMessage) (ats.Candidate, bool) {
		cd := ats.Candidate{ID: w.ID.String(), RemoteID: w.ID.String(), FirstName: strings.TrimSpace(w.FirstName),
			LastName: strings.TrimSpace(w.LastName), CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
		if e := strings.TrimSpace(w.Email); e != "" {
			cd.Emails = []string{e}
		}
		if p := strings.TrimSpace(w.Phone); p != "" {
			cd.Phones = []string{p}
		}
		return cd, cd.ID != ""
	}, fn)
}

// ListApplications implements ats.Reader from GET
// /v2/recruiting/applications (updated_at.gt when UpdatedAfter is set).
// Applications without a job are skipped.
func (c *Client) ListApplications(ctx context.Context, o ats.ListOptions, fn func([]ats.Application) error) error {
	return list(ctx, c, applicationsPath, c.listQuery(o.UpdatedAfter), applicationFromWire, fn)
}

func applicationFromWire(w wireApplication, raw json.RawMessage) (ats.Application, bool) {
	a := ats.Application{ID: w.ID.String(), RemoteID: w.ID.String(), Status: ats.ApplicationActive,
		AppliedAt: w.ApplicationDate.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
	if a.AppliedAt.IsZero() {
		a.AppliedAt = w.CreatedAt.Time
	}
	if a.UpdatedAt.IsZero() {
		a.UpdatedAt = w.CreatedAt.Time
	}
	if w.Candidate != nil {
		a.CandidateID = w.Candidate.ID.String()
	}
	if w.Job != nil {
		a.JobID = w.Job.ID.String()
	}
	if s, _, ok := w.stage(); ok {
		a.StageID, a.StageName = s.stageID(), s.displayName()
		switch s.kind() {
		case ats.StageKindRejected:
			a.Status = ats.ApplicationRejected
		case ats.StageKindHired:
			a.Status = ats.ApplicationHired
		}
	}
	if a.Status == ats.ApplicationRejected {
		a.RejectionReasonID, a.RejectionReasonName, _ = w.rejectionReason()
	}
	return a, a.ID != "" && a.JobID != "" && a.CandidateID != ""
}

// ListTags implements ats.Reader. Personio's API does not return tags
// ("the Candidates and Applications API does not return custom attributes
// and tags"), so there is nothing to read and no request is made.
func (c *Client) ListTags(context.Context, ats.ListOptions, func([]ats.Tag) error) error {
	return nil
}

// ListRejectionReasons implements ats.Reader. Personio has no rejection
// reason list, and hireloop cannot reject through its API anyway, so
// nothing is read: scanning every application for a reason field whose
// existence is unconfirmed would cost a full extra scan per sync.
// Applications keep a reason they report in RejectionReasonID.
func (c *Client) ListRejectionReasons(context.Context, ats.ListOptions, func([]ats.RejectionReason) error) error {
	return nil
}
