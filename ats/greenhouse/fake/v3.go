package fake

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/atstest"
)

// Harvest v3 mode.
//
//   - POST /token (on the server root, like auth.greenhouse.io/token):
//     HTTP Basic client_id:client_secret, form grant_type=client_credentials
//     and sub=<numeric id of a seeded user>; answers {access_token,
//     token_type:"Bearer", expires_in}, 401 {error:"invalid_client"} for
//     wrong credentials and 400 {error:"invalid_request"} for a missing or
//     unknown sub. Tokens expire after the TTL (SetTokenTTL, default 1 h)
//     and are then refused with 401. Token requests bypass the Kit: they
//     are not counted, limited or faulted, and never recorded as writes.
//   - Every /v3 call needs "Authorization: Bearer <token>".
//   - Lists are JSON arrays paged by cursor: per_page 1–500 (default 100)
//     and filters on the first request only; Link: <...?cursor=...>;
//     rel="next" (no prev/last). A request combining cursor with any other
//     query parameter is answered 400, as the pagination guide says such
//     requests fail. Filters: updated_at / created_at "op|ISO-8601" (gte,
//     gt, lte, lt), ids, candidate_ids, application_ids, job_ids (≤ 50).
//   - Writes: POST /notes, /attachments, /applications/{id}/move,
//     /applications/{id}/reject (rejection_reason_id required, 204),
//     /candidate_tags (422 when the name exists), /applied_candidate_tags.
//   - Errors use the v1 body {"message", "errors":[{"message","field"}]}.

// DefaultTokenTTL is the documented access-token lifetime (1 h).
const DefaultTokenTTL = time.Hour

type v3Token struct {
	exp time.Time
	sub int64
}

// TokenRequest is one recorded POST /token.
type TokenRequest struct {
	ClientID, ClientSecret string
	Form                   url.Values
	ContentType            string
}

type v3Attachment struct {
	ID            int64
	ApplicationID int64
	CandidateID   int64
	Filename      string
	Type          string
}

type v3Rejection struct {
	ID            int64
	ApplicationID int64
	ReasonID      int64
	At            ats.FlexTime
}

// NewV3 starts a Harvest v3 fake seeded with s that issues tokens for
// clientID/clientSecret. Close it with Close.
func NewV3(clientID, clientSecret string, s Seed) *Fake {
	f := &Fake{stageIdx: map[int64]*Stage{}, appIdx: map[int64]*Application{}, candIdx: map[int64]*Candidate{},
		v3: true, ClientID: clientID, ClientSecret: clientSecret, tokens: map[string]v3Token{}, tokenTTL: DefaultTokenTTL}
	f.seed(s)
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// SetTokenTTL sets the lifetime (and expires_in) of tokens issued from now on.
func (f *Fake) SetTokenTTL(d time.Duration) { f.mu.Lock(); f.tokenTTL = d; f.mu.Unlock() }

// RevokeTokens invalidates every issued token.
func (f *Fake) RevokeTokens() { f.mu.Lock(); f.tokens = map[string]v3Token{}; f.mu.Unlock() }

// TokenRequests returns the token requests received.
func (f *Fake) TokenRequests() []TokenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.tokenReqs)
}

// Attachments returns the file names attached to an application (v3).
func (f *Fake) Attachments(appID string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, a := range f.v3Attach {
		if id(a.ApplicationID) == appID {
			out = append(out, a.Filename)
		}
	}
	return out
}

// Candidate returns a copy of a candidate.
func (f *Fake) Candidate(candID string) (Candidate, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.candIdx[parse(candID)]
	if c == nil {
		return Candidate{}, false
	}
	return *c, true
}

func (f *Fake) serveToken(w http.ResponseWriter, r *http.Request) {
	user, pass, _ := r.BasicAuth()
	_ = r.ParseForm()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokenReqs = append(f.tokenReqs, TokenRequest{ClientID: user, ClientSecret: pass, Form: r.PostForm, ContentType: r.Header.Get("Content-Type")})
	oauthErr := func(status int, code, desc string) {
		atstest.WritePlainJSON(w, status, map[string]string{"error": code, "error_description": desc})
	}
	switch {
	case r.Method != http.MethodPost:
		oauthErr(http.StatusMethodNotAllowed, "invalid_request", "use POST")
		return
	case user != f.ClientID || pass != f.ClientSecret || user == "":
		oauthErr(http.StatusUnauthorized, "invalid_client", "Client authentication failed")
		return
	case r.PostForm.Get("grant_type") != "client_credentials":
		oauthErr(http.StatusBadRequest, "unsupported_grant_type", "grant_type must be client_credentials")
		return
	}
	sub, err := strconv.ParseInt(r.PostForm.Get("sub"), 10, 64)
	known := false
	for _, u := range f.users {
		known = known || u.ID == sub
	}
	if err != nil || !known {
		oauthErr(http.StatusBadRequest, "invalid_request", "sub must be the user id of an active Greenhouse user")
		return
	}
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	tok := "ghv3." + hex.EncodeToString(b)
	f.tokens[tok] = v3Token{exp: time.Now().Add(f.tokenTTL), sub: sub}
	atstest.WritePlainJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer",
		"expires_in": int(math.Ceil(f.tokenTTL.Seconds()))})
}

// bearer returns the token's user, or false.
func (f *Fake) bearer(r *http.Request) (int64, bool) {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return 0, false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tokens[tok]
	if !ok || time.Now().After(t.exp) {
		return 0, false
	}
	return t.sub, true
}

func (f *Fake) serveV3(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/token" {
		f.serveToken(w, r)
		return
	}
	d := f.Admit(r)
	if d.Throttled {
		f.write429(w, d.RetryAt)
		return
	}
	sub, ok := f.bearer(r)
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeErr(w, http.StatusUnauthorized, "Access token is missing, invalid or expired")
		return
	}
	if d.Fault != nil {
		f.writeFault(w, *d.Fault)
		return
	}
	f.rateHeaders(w)
	path, ok := strings.CutPrefix(r.URL.Path, "/v3/")
	if !ok {
		writeErr(w, http.StatusNotFound, "Resource not found")
		return
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if r.Method == http.MethodGet {
		f.serveReadV3(w, r, parts)
		return
	}
	f.serveWriteV3(w, r, parts, d.Body, sub)
}

// cursorState is what a cursor encodes: the first request's query and
// the next offset.
type cursorState struct {
	Q string `json:"q"`
	O int    `json:"o"`
}

// listQuery returns the effective query of a list request (the first
// request's, for a cursor) and the offset, or writes the error.
func listQuery(w http.ResponseWriter, r *http.Request) (url.Values, int, bool) {
	q := r.URL.Query()
	cur := q.Get("cursor")
	if cur == "" {
		if _, ok := q["cursor"]; !ok {
			return q, 0, true
		}
	}
	if len(q) != 1 || len(q["cursor"]) != 1 {
		writeErr(w, http.StatusBadRequest, "cursor must be the only query parameter; put filters and per_page on the first request only")
		return nil, 0, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(cur)
	var st cursorState
	if err != nil || json.Unmarshal(raw, &st) != nil || st.O < 0 {
		writeErr(w, http.StatusBadRequest, "invalid cursor")
		return nil, 0, false
	}
	q, err = url.ParseQuery(st.Q)
	if err != nil {
		writeErr(w, http.StatusBadRequest, "invalid cursor")
		return nil, 0, false
	}
	return q, st.O, true
}

// pageV3 writes rows[off:off+per_page] and a cursor next link.
func pageV3[T any](f *Fake, w http.ResponseWriter, r *http.Request, q url.Values, off int, rows []T) {
	pageConv(f, w, r, q, off, rows, func(x T) T { return x })
}

// pageConv pages rows and renders only the page with conv, so a large
// seed is not converted on every request.
func pageConv[T, U any](f *Fake, w http.ResponseWriter, r *http.Request, q url.Values, off int, rows []T, conv func(T) U) {
	per := 100
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			invalid(w, "per_page", "must be an integer between 1 and 500")
			return
		}
		per = n
	}
	start := min(off, len(rows))
	end := min(start+per, len(rows))
	if end < len(rows) {
		b, _ := json.Marshal(cursorState{Q: q.Encode(), O: end})
		w.Header().Set("Link", "<"+f.Server.URL+r.URL.Path+"?cursor="+base64.RawURLEncoding.EncodeToString(b)+`>; rel="next"`)
	}
	out := make([]U, 0, end-start)
	for _, x := range rows[start:end] {
		out = append(out, conv(x))
	}
	f.writeBody(w, http.StatusOK, out)
}

// timeFilter parses "op|timestamp" (updated_at, created_at).
func timeFilter(q url.Values, key string) (func(time.Time) bool, error) {
	v := q.Get(key)
	if v == "" {
		return func(time.Time) bool { return true }, nil
	}
	op, ts, ok := strings.Cut(v, "|")
	t, err := time.Parse(time.RFC3339Nano, ts)
	if !ok || err != nil {
		return nil, fmt.Errorf("must be operator|ISO-8601 timestamp, e.g. gte|2024-01-01T00:00:00Z")
	}
	switch op {
	case "gte":
		return func(x time.Time) bool { return !x.Before(t) }, nil
	case "gt":
		return func(x time.Time) bool { return x.After(t) }, nil
	case "lte":
		return func(x time.Time) bool { return !x.After(t) }, nil
	case "lt":
		return func(x time.Time) bool { return x.Before(t) }, nil
	}
	return nil, fmt.Errorf("operator must be one of gte, gt, lte, lt")
}

// idFilter parses a comma-separated id list (≤ 50); nil means no filter.
func idFilter(q url.Values, key string) (map[int64]bool, error) {
	v := q.Get(key)
	if v == "" {
		return nil, nil
	}
	out := map[int64]bool{}
	parts := strings.Split(v, ",")
	if len(parts) > 50 {
		return nil, fmt.Errorf("at most 50 ids")
	}
	for _, p := range parts {
		n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("must be a comma-separated list of integers")
		}
		out[n] = true
	}
	return out, nil
}

func in(set map[int64]bool, n int64) bool { return set == nil || set[n] }

// v3 wire shapes: parent ids instead of nested objects, sort_order for
// priority, *_at timestamps.

type v3Job struct {
	ID           int64        `json:"id"`
	Name         string       `json:"name"`
	Status       string       `json:"status"`
	Confidential bool         `json:"confidential"`
	CreatedAt    ats.FlexTime `json:"created_at"`
	UpdatedAt    ats.FlexTime `json:"updated_at"`
	OpenedAt     ats.FlexTime `json:"opened_at"`
}

type v3Stage struct {
	ID        int64        `json:"id"`
	Name      string       `json:"name"`
	JobID     int64        `json:"job_id"`
	SortOrder int          `json:"sort_order"`
	Active    bool         `json:"active"`
	CreatedAt ats.FlexTime `json:"created_at"`
	UpdatedAt ats.FlexTime `json:"updated_at"`
}

type v3Candidate struct {
	ID             int64        `json:"id"`
	FirstName      string       `json:"first_name"`
	LastName       string       `json:"last_name"`
	Company        *string      `json:"company"`
	Title          *string      `json:"title"`
	IsPrivate      bool         `json:"is_private"`
	CreatedAt      ats.FlexTime `json:"created_at"`
	UpdatedAt      ats.FlexTime `json:"updated_at"`
	LastActivityAt ats.FlexTime `json:"last_activity_at"`
	PhoneNumbers   []Value      `json:"phone_numbers"`
	EmailAddresses []Value      `json:"email_addresses"`
}

type v3Application struct {
	ID             int64        `json:"id"`
	CandidateID    int64        `json:"candidate_id"`
	JobID          int64        `json:"job_id"`
	JobPostID      int64        `json:"job_post_id"`
	StageID        *int64       `json:"stage_id"`
	Status         string       `json:"status"`
	Prospect       bool         `json:"prospect"`
	AppliedAt      ats.FlexTime `json:"applied_at"`
	RejectedAt     ats.FlexTime `json:"rejected_at"`
	LastActivityAt ats.FlexTime `json:"last_activity_at"`
	CreatedAt      ats.FlexTime `json:"created_at"`
	UpdatedAt      ats.FlexTime `json:"updated_at"`
}

func v3App(a *Application) v3Application {
	out := v3Application{ID: a.ID, CandidateID: a.CandidateID, JobPostID: a.JobPostID, Status: a.Status, Prospect: a.Prospect,
		AppliedAt: a.AppliedAt, RejectedAt: a.RejectedAt, LastActivityAt: a.LastActivityAt, CreatedAt: a.AppliedAt,
		UpdatedAt: a.LastActivityAt}
	if len(a.Jobs) > 0 {
		out.JobID = a.Jobs[0].ID
	}
	if a.CurrentStage != nil {
		sid := a.CurrentStage.ID
		out.StageID = &sid
	}
	return out
}

func (f *Fake) serveReadV3(w http.ResponseWriter, r *http.Request, parts []string) {
	q, off, ok := listQuery(w, r)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var bad string
	tf := func(key string) func(time.Time) bool {
		fn, err := timeFilter(q, key)
		if err != nil {
			if bad == "" {
				invalid(w, key, err.Error())
			}
			bad = key
			return func(time.Time) bool { return false }
		}
		return fn
	}
	idf := func(key string) map[int64]bool {
		set, err := idFilter(q, key)
		if err != nil {
			if bad == "" {
				invalid(w, key, err.Error())
			}
			bad = key
		}
		return set
	}
	if len(parts) != 1 {
		writeErr(w, http.StatusNotFound, "Resource not found")
		return
	}
	upd, crt, ids := tf("updated_at"), tf("created_at"), idf("ids")
	keep := func(n int64, created, updated time.Time) bool { return in(ids, n) && crt(created) && upd(updated) }
	switch parts[0] {
	case "jobs":
		var rows []v3Job
		for _, j := range f.jobs {
			if keep(j.ID, j.CreatedAt.Time, j.UpdatedAt.Time) {
				rows = append(rows, v3Job{ID: j.ID, Name: j.Name, Status: j.Status, Confidential: j.Confidential,
					CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt, OpenedAt: j.OpenedAt})
			}
		}
		if bad == "" {
			pageV3(f, w, r, q, off, rows)
		}
	case "job_posts":
		jobs := idf("job_ids")
		rows := atstest.Filter(f.posts, func(p *JobPost) bool { return in(jobs, p.JobID) && keep(p.ID, p.CreatedAt.Time, p.UpdatedAt.Time) })
		if bad == "" {
			pageV3(f, w, r, q, off, rows)
		}
	case "job_interview_stages":
		jobs := idf("job_ids")
		var rows []v3Stage
		for _, s := range f.stages {
			if in(jobs, s.JobID) && keep(s.ID, s.CreatedAt.Time, s.UpdatedAt.Time) {
				rows = append(rows, v3Stage{ID: s.ID, Name: s.Name, JobID: s.JobID, SortOrder: s.Priority, Active: s.Active,
					CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt})
			}
		}
		if bad == "" {
			pageV3(f, w, r, q, off, rows)
		}
	case "candidates":
		rows := atstest.Filter(f.cands, func(c *Candidate) bool { return keep(c.ID, c.CreatedAt.Time, c.UpdatedAt.Time) })
		if bad == "" {
			pageConv(f, w, r, q, off, rows, func(c *Candidate) v3Candidate {
				return v3Candidate{ID: c.ID, FirstName: c.FirstName, LastName: c.LastName, Company: c.Company,
					Title: c.Title, IsPrivate: c.IsPrivate, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
					LastActivityAt: c.LastActivity, PhoneNumbers: c.PhoneNumbers, EmailAddresses: c.EmailAddresses}
			})
		}
	case "applications":
		cands, jobs, status := idf("candidate_ids"), idf("job_ids"), q.Get("status")
		rows := atstest.Filter(f.apps, func(a *Application) bool {
			return keep(a.ID, a.AppliedAt.Time, a.LastActivityAt.Time) && in(cands, a.CandidateID) &&
				(jobs == nil || (len(a.Jobs) > 0 && jobs[a.Jobs[0].ID])) && (status == "" || status == a.Status)
		})
		if bad == "" {
			pageConv(f, w, r, q, off, rows, v3App)
		}
	case "rejection_details":
		apps := idf("application_ids")
		var rows []map[string]any
		for _, x := range f.rejections {
			if in(apps, x.ApplicationID) && in(ids, x.ID) {
				rows = append(rows, map[string]any{"id": x.ID, "application_id": x.ApplicationID, "rejection_reason_id": x.ReasonID,
					"rejected_at": x.At, "created_at": x.At, "updated_at": x.At})
			}
		}
		if bad == "" {
			pageV3(f, w, r, q, off, rows)
		}
	case "candidate_tags":
		if bad == "" {
			pageV3(f, w, r, q, off, atstest.Filter(f.tags, func(t *Named) bool { return in(ids, t.ID) }))
		}
	case "rejection_reasons":
		if bad == "" {
			pageV3(f, w, r, q, off, atstest.Filter(f.reasons, func(t *Named) bool { return in(ids, t.ID) }))
		}
	case "users":
		if bad == "" {
			pageV3(f, w, r, q, off, atstest.Filter(f.users, func(u *User) bool { return in(ids, u.ID) }))
		}
	case "notes":
		cands := idf("candidate_ids")
		var rows []map[string]any
		for i, n := range f.notes {
			if in(cands, n.CandidateID) {
				rows = append(rows, map[string]any{"id": 500000 + i, "candidate_id": n.CandidateID, "user_id": n.UserID,
					"body": n.Body, "visibility": n.Visibility})
			}
		}
		if bad == "" {
			pageV3(f, w, r, q, off, rows)
		}
	case "attachments":
		apps, cands := idf("application_ids"), idf("candidate_ids")
		var rows []map[string]any
		for _, a := range f.v3Attach {
			if in(apps, a.ApplicationID) && in(cands, a.CandidateID) {
				rows = append(rows, map[string]any{"id": a.ID, "application_id": a.ApplicationID, "filename": a.Filename,
					"type": a.Type, "url": f.Server.URL + "/files/" + a.Filename})
			}
		}
		if bad == "" {
			pageV3(f, w, r, q, off, rows)
		}
	default:
		writeErr(w, http.StatusNotFound, "Resource not found")
	}
}

func (f *Fake) serveWriteV3(w http.ResponseWriter, r *http.Request, parts []string, body []byte, sub int64) {
	num, str, ok := writeArgs(w, body)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	post := r.Method == http.MethodPost
	switch {
	case post && len(parts) == 1 && parts[0] == "notes":
		cid, _ := num("candidate_id")
		c := f.candIdx[cid]
		vis := str("visibility")
		if c == nil {
			invalid(w, "candidate_id", "candidate not found")
			return
		}
		if str("body") == "" || (vis != "admin_only" && vis != "private" && vis != "public") {
			invalid(w, "visibility", "body and visibility (admin_only, private, public) are required")
			return
		}
		f.notes = append(f.notes, Note{CandidateID: c.ID, UserID: sub, Body: str("body"), Visibility: vis})
		f.nextID++
		c.LastActivity = f.tick()
		f.writeBody(w, http.StatusCreated, map[string]any{"id": f.nextID, "candidate_id": c.ID, "user_id": sub,
			"body": str("body"), "visibility": vis, "created_at": c.LastActivity, "updated_at": c.LastActivity})
	case post && len(parts) == 1 && parts[0] == "attachments":
		aid, _ := num("application_id")
		a := f.appIdx[aid]
		if a == nil {
			invalid(w, "application_id", "application not found")
			return
		}
		typ := str("type")
		switch typ {
		case "resume", "cover_letter", "other", "take_home_test", "offer_letter", "signed_offer_letter":
		default:
			invalid(w, "type", "Must be one of: resume, cover_letter, other, take_home_test, offer_letter, signed_offer_letter")
			return
		}
		if str("filename") == "" || (str("content") == "" && str("url") == "") || (str("content") != "" && str("content_type") == "") {
			invalid(w, "content", "filename and content (with content_type) or url are required")
			return
		}
		if str("content") != "" {
			if _, err := base64.StdEncoding.DecodeString(str("content")); err != nil {
				invalid(w, "content", "content must be base64")
				return
			}
		}
		f.nextID++
		f.v3Attach = append(f.v3Attach, v3Attachment{ID: f.nextID, ApplicationID: a.ID, CandidateID: a.CandidateID, Filename: str("filename"), Type: typ})
		if f.attachments == nil {
			f.attachments = map[int64][]string{}
		}
		f.attachments[a.CandidateID] = append(f.attachments[a.CandidateID], str("filename"))
		a.LastActivityAt = f.tick()
		f.writeBody(w, http.StatusCreated, map[string]any{"id": f.nextID, "application_id": a.ID, "filename": str("filename"),
			"type": typ, "url": f.Server.URL + "/files/" + str("filename")})
	case post && len(parts) == 3 && parts[0] == "applications" && parts[2] == "move":
		a := f.appIdx[parse(parts[1])]
		if a == nil {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		to, ok := num("to_stage_id")
		st := f.stageIdx[to]
		switch {
		case !ok:
			invalid(w, "to_stage_id", "to_stage_id must be an integer")
		case a.Status != "active":
			invalid(w, "application_id", "Only active applications can be moved")
		case st == nil || st.JobID != a.Jobs[0].ID:
			invalid(w, "to_stage_id", "to_stage_id is not a stage of this job")
		default:
			a.CurrentStage = &Named{ID: st.ID, Name: st.Name}
			a.LastActivityAt = f.tick()
			f.writeBody(w, http.StatusOK, v3App(a))
		}
	case post && len(parts) == 3 && parts[0] == "applications" && parts[2] == "reject":
		a := f.appIdx[parse(parts[1])]
		if a == nil {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		rid, ok := num("rejection_reason_id")
		if !ok {
			invalid(w, "rejection_reason_id", "rejection_reason_id is required")
			return
		}
		reason := f.reason(rid)
		switch {
		case reason == nil:
			invalid(w, "rejection_reason_id", "Rejection reason not found")
		case a.Status != "active":
			invalid(w, "application_id", "Application is not active")
		default:
			a.Status = "rejected"
			a.RejectionReason = &Named{ID: reason.ID, Name: reason.Name}
			a.LastActivityAt = f.tick()
			a.RejectedAt = a.LastActivityAt
			f.nextID++
			f.rejections = append(f.rejections, v3Rejection{ID: f.nextID, ApplicationID: a.ID, ReasonID: reason.ID, At: a.RejectedAt})
			w.WriteHeader(http.StatusNoContent)
		}
	case post && len(parts) == 1 && parts[0] == "candidate_tags":
		name := strings.TrimSpace(str("name"))
		if name == "" {
			invalid(w, "name", "Name is required")
			return
		}
		for _, t := range f.tags {
			if strings.EqualFold(t.Name, name) {
				invalid(w, "name", "Name has already been taken")
				return
			}
		}
		f.nextID++
		t := &Named{ID: f.nextID, Name: name}
		f.tags = append(f.tags, t)
		f.writeBody(w, http.StatusCreated, t)
	case post && len(parts) == 1 && parts[0] == "applied_candidate_tags":
		cid, _ := num("candidate_id")
		tid, _ := num("candidate_tag_id")
		c := f.candIdx[cid]
		var tag *Named
		for _, t := range f.tags {
			if t.ID == tid {
				tag = t
			}
		}
		if c == nil || tag == nil {
			invalid(w, "candidate_tag_id", "candidate or candidate tag not found")
			return
		}
		if !slices.Contains(c.Tags, tag.Name) {
			c.Tags = append(c.Tags, tag.Name)
		}
		c.UpdatedAt = f.tick()
		f.appliedTags++
		f.writeBody(w, http.StatusCreated, map[string]any{"id": f.appliedTags, "candidate_id": c.ID, "candidate_tag_id": tag.ID})
	default:
		writeErr(w, http.StatusNotFound, "Resource not found")
	}
}
