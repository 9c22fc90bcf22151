package recruitee

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// listPages pages path with limit/offset and hands the rows under key
// ({"offers":[…]}, {"candidates":[…]}) to fn, still raw. Paging stops on a
// short page. Two safety nets: a first page longer than the limit means the
// endpoint ignored it and returned everything (no more pages are asked
// for), and a page that starts with the same row as the previous one means
// the offset is ignored (an error, rather than an endless loop).
func (c *Client) listPages(ctx context.Context, path, key string, q url.Values, fn func([]json.RawMessage) error) error {
	req := ats.Request{Method: http.MethodGet, Path: path, Query: q}
	prevFirst := ""
	return c.http.EachOffsetPage(ctx, req, "limit", "offset", c.pageSize, func(r *ats.Response) (int, error) {
		rows, err := c.rowsOf(r, key)
		if err != nil {
			return 0, err
		}
		if len(rows) > 0 {
			first := rowID(rows[0])
			if prevFirst != "" && first == prevFirst {
				return 0, malformed("GET "+path, "paging loop: the offset parameter was ignored")
			}
			prevFirst = first
		}
		if err := fn(rows); err != nil {
			return 0, err
		}
		if len(rows) > c.pageSize {
			return 0, nil // the whole list came back at once
		}
		return len(rows), nil
	})
}

// rowsOf decodes {key: [...]} from a response.
func (c *Client) rowsOf(r *ats.Response, key string) ([]json.RawMessage, error) {
	var env map[string]json.RawMessage
	if err := c.http.DecodeJSON(r, &env); err != nil {
		return nil, err
	}
	raw, ok := env[key]
	if !ok {
		return nil, malformed("GET "+r.URL.Path, "invalid JSON in response: no "+strconv.Quote(key)+" list")
	}
	var rows []json.RawMessage
	if b := bytes.TrimSpace(raw); len(b) > 0 && string(b) != "null" {
		if err := json.Unmarshal(b, &rows); err != nil {
			return nil, malformed("GET "+r.URL.Path, "invalid JSON in response: "+key+" is not a list: "+err.Error())
		}
	}
	return rows, nil
}

func rowID(raw json.RawMessage) string {
	var v struct {
		ID ats.FlexID `json:"id"`
	}
	_ = json.Unmarshal(raw, &v)
	return v.ID.String()
}

// getObject GETs path and decodes {key: {...}} into out, returning the raw
// object.
func (c *Client) getObject(ctx context.Context, path, opName, key string, out any) (json.RawMessage, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: path, OpName: opName})
	if err != nil {
		return nil, err
	}
	var env map[string]json.RawMessage
	if err := c.http.DecodeJSON(resp, &env); err != nil {
		return nil, err
	}
	raw, ok := env[key]
	if !ok || len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, malformed("GET "+opName, "invalid JSON in response: no "+strconv.Quote(key)+" object")
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return nil, malformed("GET "+opName, "invalid JSON in response: "+err.Error())
	}
	return raw, nil
}

// Wire types. Recruitee ids are integers (decoded with FlexID); times are
// ISO 8601.

type wireStage struct {
	ID       ats.FlexID `json:"id"`
	Name     string     `json:"name"`
	Category string     `json:"category"`
	Position *int       `json:"position"`
	Group    string     `json:"group"`
}

type wireQuestion struct {
	ID       ats.FlexID `json:"id"`
	Body     string     `json:"body"`
	Question string     `json:"question"`
	Kind     string     `json:"kind"`
	Required bool       `json:"required"`
	Options  []struct {
		ID   ats.FlexID `json:"id"`
		Body string     `json:"body"`
		Name string     `json:"name"`
	} `json:"open_question_options"`
}

type wireOffer struct {
	ID               ats.FlexID      `json:"id"`
	Title            string          `json:"title"`
	Kind             string          `json:"kind"`
	Status           string          `json:"status"`
	Description      *string         `json:"description"`
	Requirements     string          `json:"requirements"`
	Department       json.RawMessage `json:"department"`
	Location         json.RawMessage `json:"location"`
	City             string          `json:"city"`
	CountryCode      string          `json:"country_code"`
	CreatedAt        ats.FlexTime    `json:"created_at"`
	UpdatedAt        ats.FlexTime    `json:"updated_at"`
	PipelineTemplate *struct {
		Stages []json.RawMessage `json:"stages"`
	} `json:"pipeline_template"`
	OpenQuestions []wireQuestion `json:"open_questions"`
}

// offer is a listed offer, completed from GET /offers/{id} when the list
// row lacks its description or pipeline.
type offer struct {
	w   wireOffer
	raw json.RawMessage
}

// eachOfferPage lists GET /offers and hands each page's offers to fn.
func (c *Client) eachOfferPage(ctx context.Context, fn func([]offer) error) error {
	return c.listPages(ctx, "/offers", "offers", nil, func(rows []json.RawMessage) error {
		out := make([]offer, 0, len(rows))
		for _, raw := range rows {
			var w wireOffer
			if err := json.Unmarshal(raw, &w); err != nil {
				return malformed("GET /offers", "invalid JSON in response: "+err.Error())
			}
			if w.ID == "" {
				continue
			}
			if w.Description == nil || w.PipelineTemplate == nil {
				var full wireOffer
				fraw, err := c.getObject(ctx, "/offers/"+pathID(w.ID.String()), "/offers/{id}", "offer", &full)
				if err != nil {
					return err
				}
				w, raw = full, fraw
				if w.ID == "" {
					continue
				}
			}
			out = append(out, offer{w: w, raw: raw})
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

// ListJobs implements ats.Reader from GET /offers. Talent pools are offers
// too (kind "talent_pool", kept in Raw) and are returned as jobs, because
// placements in them are applications like any other.
// Description and requirements (HTML) are joined; screening questions come
// from open_questions. Offers listed without a description or pipeline are
// read one by one from GET /offers/{id}. UpdatedAfter is ignored.
func (c *Client) ListJobs(ctx context.Context, _ ats.ListOptions, fn func([]ats.Job) error) error {
	return c.eachOfferPage(ctx, func(os []offer) error {
		jobs := make([]ats.Job, 0, len(os))
		for _, o := range os {
			jobs = append(jobs, jobFromWire(o.w, o.raw))
		}
		return fn(jobs)
	})
}

func jobFromWire(w wireOffer, raw json.RawMessage) ats.Job {
	html := ""
	if w.Description != nil {
		html = *w.Description
	}
	if strings.TrimSpace(w.Requirements) != "" {
		html += "<h3>Requirements</h3>" + w.Requirements
	}
	j := ats.Job{ID: w.ID.String(), RemoteID: w.ID.String(), Title: w.Title, Status: jobStatus(w.Status),
		DescriptionHTML: html, DescriptionText: ats.HTMLToText(html),
		Department: ats.FlexName(w.Department), Location: ats.FlexName(w.Location),
		CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
	if j.Location == "" {
		j.Location = strings.Trim(w.City+", "+w.CountryCode, ", ")
	}
	if j.Title == "" {
		j.Title = "Offer " + j.ID
	}
	j.Stages = stagesOf(w)
	for _, q := range w.OpenQuestions {
		label := q.Body
		if label == "" {
			label = q.Question
		}
		qq := ats.Question{ID: q.ID.String(), Label: label, Type: questionType(q.Kind), Required: q.Required}
		for _, op := range q.Options {
			l := op.Body
			if l == "" {
				l = op.Name
			}
			id := op.ID.String()
			if id == "" {
				id = l
			}
			qq.Options = append(qq.Options, ats.Option{ID: id, Label: l})
		}
		j.ScreeningQuestions = append(j.ScreeningQuestions, qq)
	}
	return j
}

func jobStatus(s string) ats.JobStatus {
	switch strings.ToLower(s) {
	case "published", "internal":
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

func questionType(k string) ats.QuestionType {
	switch strings.ToLower(k) {
	case "string":
		return ats.QuestionText
	case "text":
		return ats.QuestionLongText
	case "boolean":
		return ats.QuestionYesNo
	case "single_choice", "dropdown":
		return ats.QuestionSingleChoice
	case "multi_choice":
		return ats.QuestionMultiChoice
	case "file":
		return ats.QuestionFile
	case "date":
		return ats.QuestionDate
	case "number", "integer":
		return ats.QuestionNumber
	}
	return ats.QuestionUnknown
}

// stagesOf returns an offer's pipeline stages in pipeline order.
func stagesOf(w wireOffer) []ats.Stage {
	if w.PipelineTemplate == nil {
		return nil
	}
	out := make([]ats.Stage, 0, len(w.PipelineTemplate.Stages))
	for i, raw := range w.PipelineTemplate.Stages {
		var s wireStage
		if json.Unmarshal(raw, &s) != nil || s.ID == "" {
			continue
		}
		order := i
		if s.Position != nil {
			order = *s.Position
		}
		out = append(out, ats.Stage{ID: s.ID.String(), RemoteID: s.ID.String(), Name: s.Name, Order: order,
			JobID: w.ID.String(), Kind: stageKind(s.Category), Active: true, Raw: raw})
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Order < out[b].Order })
	return out
}

// stageKind maps Recruitee stage categories (apply, phone_screen,
// interview, evaluation, offer, hire …; names inferred).
func stageKind(cat string) ats.StageKind {
	switch strings.ToLower(cat) {
	case "hire", "hired":
		return ats.StageKindHired
	case "apply", "applied", "new":
		return ats.StageKindInbox
	case "":
		return ats.StageKindNone
	}
	return ats.StageKindActive
}

// ListStages implements ats.Reader: every offer's pipeline stages
// (GET /offers, per job).
func (c *Client) ListStages(ctx context.Context, _ ats.ListOptions, fn func([]ats.Stage) error) error {
	return c.eachOfferPage(ctx, func(os []offer) error {
		var out []ats.Stage
		for _, o := range os {
			out = append(out, stagesOf(o.w)...)
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

// strList decodes a list of strings or of objects with a value/name/email
// field (Recruitee lists emails, phones and tags as strings; some
// endpoints reportedly return objects).
type strList []string

func (s *strList) UnmarshalJSON(b []byte) error {
	*s = nil
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		return nil // null or an unexpected shape: no values
	}
	for _, r := range raws {
		v := ats.FlexName(r)
		if v == "" {
			var o map[string]json.RawMessage
			if json.Unmarshal(r, &o) == nil {
				for _, k := range []string{"email", "phone", "number"} {
					if x := ats.FlexName(o[k]); x != "" {
						v = x
						break
					}
				}
			}
		}
		if v != "" {
			*s = append(*s, v)
		}
	}
	return nil
}

type wirePlacement struct {
	ID                 ats.FlexID      `json:"id"`
	CandidateID        ats.FlexID      `json:"candidate_id"`
	OfferID            ats.FlexID      `json:"offer_id"`
	StageID            ats.FlexID      `json:"stage_id"`
	Stage              json.RawMessage `json:"stage"`
	CreatedAt          ats.FlexTime    `json:"created_at"`
	UpdatedAt          ats.FlexTime    `json:"updated_at"`
	HiredAt            ats.FlexTime    `json:"hired_at"`
	DisqualifiedAt     ats.FlexTime    `json:"disqualified_at"`
	DisqualifyReason   json.RawMessage `json:"disqualify_reason"`
	DisqualifyReasonID ats.FlexID      `json:"disqualify_reason_id"`
}

type wireCandidate struct {
	ID         ats.FlexID        `json:"id"`
	Name       string            `json:"name"`
	FirstName  string            `json:"first_name"`
	LastName   string            `json:"last_name"`
	Emails     strList           `json:"emails"`
	Phones     strList           `json:"phones"`
	Tags       strList           `json:"tags"`
	CreatedAt  ats.FlexTime      `json:"created_at"`
	UpdatedAt  ats.FlexTime      `json:"updated_at"`
	Placements []json.RawMessage `json:"placements"`
}

// eachCandidatePage lists GET /candidates and hands each page's decoded
// candidates with their raw JSON to fn.
func (c *Client) eachCandidatePage(ctx context.Context, fn func([]wireCandidate, []json.RawMessage) error) error {
	return c.listPages(ctx, "/candidates", "candidates", nil, func(rows []json.RawMessage) error {
		ws := make([]wireCandidate, 0, len(rows))
		raws := make([]json.RawMessage, 0, len(rows))
		for _, raw := range rows {
			var w wireCandidate
			if err := json.Unmarshal(raw, &w); err != nil {
				return malformed("GET /candidates", "invalid JSON in response: "+err.Error())
			}
			if w.ID == "" {
				continue
			}
			ws, raws = append(ws, w), append(raws, raw)
		}
		return fn(ws, raws)
	})
}

// ListCandidates implements ats.Reader from GET /candidates (full scan;
// UpdatedAfter is ignored, see the package doc).
func (c *Client) ListCandidates(ctx context.Context, _ ats.ListOptions, fn func([]ats.Candidate) error) error {
	return c.eachCandidatePage(ctx, func(ws []wireCandidate, raws []json.RawMessage) error {
		if len(ws) == 0 {
			return nil
		}
		out := make([]ats.Candidate, 0, len(ws))
		for i, w := range ws {
			out = append(out, candidateFromWire(w, raws[i]))
		}
		return fn(out)
	})
}

func candidateFromWire(w wireCandidate, raw json.RawMessage) ats.Candidate {
	first, last := w.FirstName, w.LastName
	if first == "" && last == "" {
		first, last = splitName(w.Name)
	}
	cd := ats.Candidate{ID: w.ID.String(), RemoteID: w.ID.String(), FirstName: first, LastName: last,
		Emails: []string(w.Emails), Phones: []string(w.Phones), CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
	for _, t := range w.Tags {
		cd.Tags = append(cd.Tags, ats.Tag{ID: t, RemoteID: t, Name: t})
	}
	return cd
}

func splitName(n string) (string, string) {
	first, last, _ := strings.Cut(strings.TrimSpace(n), " ")
	return first, strings.TrimSpace(last)
}

// ListApplications implements ats.Reader: one application per placement
// embedded in GET /candidates (full scan). A placement with a
// disqualification is rejected (its reason id and name when given), one
// with hired_at is hired. UpdatedAt is the placement's, else the
// candidate's.
func (c *Client) ListApplications(ctx context.Context, _ ats.ListOptions, fn func([]ats.Application) error) error {
	return c.eachCandidatePage(ctx, func(ws []wireCandidate, _ []json.RawMessage) error {
		var out []ats.Application
		for _, w := range ws {
			for _, raw := range w.Placements {
				if a, ok := applicationFromWire(w, raw); ok {
					out = append(out, a)
				}
			}
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

func applicationFromWire(cand wireCandidate, raw json.RawMessage) (ats.Application, bool) {
	var p wirePlacement
	if json.Unmarshal(raw, &p) != nil || p.ID == "" || p.OfferID == "" {
		return ats.Application{}, false
	}
	a := ats.Application{ID: p.ID.String(), RemoteID: p.ID.String(), CandidateID: p.CandidateID.String(),
		JobID: p.OfferID.String(), StageID: p.StageID.String(), Status: ats.ApplicationActive,
		AppliedAt: p.CreatedAt.Time, UpdatedAt: p.UpdatedAt.Time, Raw: raw}
	if a.CandidateID == "" {
		a.CandidateID = cand.ID.String()
	}
	if a.UpdatedAt.IsZero() {
		a.UpdatedAt = cand.UpdatedAt.Time
	}
	if st := bytes.TrimSpace(p.Stage); len(st) > 0 && st[0] == '{' {
		var s wireStage
		if json.Unmarshal(st, &s) == nil {
			if a.StageID == "" {
				a.StageID = s.ID.String()
			}
			a.StageName = s.Name
		}
	}
	reason := bytes.TrimSpace(p.DisqualifyReason)
	hasReason := len(reason) > 0 && string(reason) != "null"
	switch {
	case hasReason || !p.DisqualifiedAt.IsZero() || p.DisqualifyReasonID != "":
		a.Status = ats.ApplicationRejected
		a.RejectedAt = p.DisqualifiedAt.Time
		a.RejectionReasonID = p.DisqualifyReasonID.String()
		if hasReason {
			a.RejectionReasonName = ats.FlexName(reason)
			if reason[0] == '{' {
				var r struct {
					ID ats.FlexID `json:"id"`
				}
				if json.Unmarshal(reason, &r) == nil && a.RejectionReasonID == "" {
					a.RejectionReasonID = r.ID.String()
				}
			}
		}
	case !p.HiredAt.IsZero():
		a.Status = ats.ApplicationHired
	}
	return a, true
}

// ListTags implements ats.Reader from GET /tags. Recruitee assigns tags by
// name, so a tag's ID is its name (RemoteID keeps Recruitee's id); this
// matches the names on candidates.
func (c *Client) ListTags(ctx context.Context, _ ats.ListOptions, fn func([]ats.Tag) error) error {
	return c.listSimple(ctx, "/tags", "tags", func(raw json.RawMessage) (any, bool) {
		var w struct {
			ID   ats.FlexID `json:"id"`
			Name string     `json:"name"`
		}
		if json.Unmarshal(raw, &w) != nil || w.Name == "" {
			return nil, false
		}
		rid := w.ID.String()
		if rid == "" {
			rid = w.Name
		}
		return ats.Tag{ID: w.Name, RemoteID: rid, Name: w.Name, Raw: raw}, true
	}, func(rows []any) error { return fn(convert[ats.Tag](rows)) })
}

// ListRejectionReasons implements ats.Reader from GET /disqualify_reasons.
func (c *Client) ListRejectionReasons(ctx context.Context, _ ats.ListOptions, fn func([]ats.RejectionReason) error) error {
	return c.listSimple(ctx, "/disqualify_reasons", "disqualify_reasons", func(raw json.RawMessage) (any, bool) {
		var w struct {
			ID   ats.FlexID `json:"id"`
			Name string     `json:"name"`
		}
		if json.Unmarshal(raw, &w) != nil || w.ID == "" {
			return nil, false
		}
		return ats.RejectionReason{ID: w.ID.String(), RemoteID: w.ID.String(), Name: w.Name, Raw: raw}, true
	}, func(rows []any) error { return fn(convert[ats.RejectionReason](rows)) })
}

// ListUsers implements ats.Reader from GET /admins (the company's team
// members).
func (c *Client) ListUsers(ctx context.Context, _ ats.ListOptions, fn func([]ats.User) error) error {
	return c.listSimple(ctx, "/admins", "admins", func(raw json.RawMessage) (any, bool) {
		var w struct {
			ID        ats.FlexID `json:"id"`
			Name      string     `json:"name"`
			FirstName string     `json:"first_name"`
			LastName  string     `json:"last_name"`
			Email     string     `json:"email"`
		}
		if json.Unmarshal(raw, &w) != nil || w.ID == "" {
			return nil, false
		}
		name := w.Name
		if name == "" {
			name = strings.TrimSpace(w.FirstName + " " + w.LastName)
		}
		return ats.User{ID: w.ID.String(), RemoteID: w.ID.String(), Name: name, Email: w.Email, Raw: raw}, true
	}, func(rows []any) error { return fn(convert[ats.User](rows)) })
}

// listSimple pages a small list endpoint and maps its rows.
func (c *Client) listSimple(ctx context.Context, path, key string, conv func(json.RawMessage) (any, bool), fn func([]any) error) error {
	return c.listPages(ctx, path, key, nil, func(rows []json.RawMessage) error {
		out := make([]any, 0, len(rows))
		for _, r := range rows {
			if v, ok := conv(r); ok {
				out = append(out, v)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

func convert[T any](rows []any) []T {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.(T))
	}
	return out
}
