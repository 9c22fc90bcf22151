package sandbox

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// serveAPI is the Harvest v1 API plus /files/{id} (attachment downloads,
// unauthenticated like Harvest's pre-signed storage URLs).
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/files/"); ok && r.Method == http.MethodGet {
		id, _ := strconv.ParseInt(strings.SplitN(rest, "/", 2)[0], 10, 64)
		s.serveFile(w, r, id)
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != harvestKey || pass != "" {
		writeErr(w, http.StatusUnauthorized, "Invalid Basic Auth credentials")
		return
	}
	now := time.Now()
	admitted, remaining, retryAt := s.limiter.admit(now)
	w.Header().Set("X-RateLimit-Limit", strconv.Itoa(s.limiter.limit))
	if !admitted {
		// Harvest (2023+ docs) sends Retry-After as a Unix timestamp, with
		// X-RateLimit-Reset; ats.ParseRetryAfter reads both forms.
		sec := strconv.FormatInt(int64(math.Ceil(float64(retryAt.UnixNano())/1e9)), 10)
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("Retry-After", sec)
		w.Header().Set("X-RateLimit-Reset", sec)
		writeErr(w, http.StatusTooManyRequests, "Too Many Requests")
		return
	}
	w.Header().Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	path, ok := strings.CutPrefix(r.URL.Path, "/v1/")
	if !ok {
		writeErr(w, http.StatusNotFound, "Resource not found")
		return
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if r.Method == http.MethodGet {
		s.serveRead(w, r, parts)
		return
	}
	if r.Method != http.MethodPost && r.Method != http.MethodPut && r.Method != http.MethodPatch {
		writeErr(w, http.StatusNotFound, "Resource not found")
		return
	}
	s.serveWrite(w, r, parts)
}

func writeErr(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"message": msg})
}

func writeInvalid(w http.ResponseWriter, field, msg string) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": "Validation error",
		"errors": []map[string]string{{"message": msg, "field": field}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"message":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeOpErr(w http.ResponseWriter, err error) {
	var oe *opError
	switch {
	case errors.As(err, &oe) && oe.status == http.StatusUnprocessableEntity:
		writeInvalid(w, oe.field, oe.msg)
	case errors.As(err, &oe):
		writeErr(w, oe.status, oe.msg)
	case errors.Is(err, errClosed):
		writeErr(w, http.StatusServiceUnavailable, "The sandbox is shutting down")
	default:
		writeErr(w, http.StatusInternalServerError, err.Error())
	}
}

// ---- reads ----

// page applies Harvest paging (per_page 1–500, default 100; page from 1)
// to rows and writes Link next/prev/last (last omitted with skip_count).
func page[T any](w http.ResponseWriter, r *http.Request, rows []T) {
	q := r.URL.Query()
	per := 100
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			writeInvalid(w, "per_page", "must be an integer between 1 and 500")
			return
		}
		per = n
	}
	p := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeInvalid(w, "page", "must be a positive integer")
			return
		}
		p = n
	}
	start := min((p-1)*per, len(rows))
	end := min(start+per, len(rows))
	last := max(1, (len(rows)+per-1)/per)
	link := func(n int) string {
		q2 := url.Values{}
		for k, v := range q {
			q2[k] = v
		}
		q2.Set("page", strconv.Itoa(n))
		q2.Set("per_page", strconv.Itoa(per))
		return "<http://" + r.Host + r.URL.Path + "?" + q2.Encode() + ">"
	}
	var links []string
	if end < len(rows) {
		links = append(links, link(p+1)+`; rel="next"`)
	}
	if p > 1 {
		links = append(links, link(min(p-1, last))+`; rel="prev"`)
	}
	if q.Get("skip_count") != "true" {
		links = append(links, link(last)+`; rel="last"`)
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	writeJSON(w, http.StatusOK, rows[start:end])
}

// timeFilter reads an ISO-8601 filter; ok=false means an error was written.
func timeFilter(w http.ResponseWriter, q url.Values, key string) (t time.Time, set, ok bool) {
	v := q.Get(key)
	if v == "" {
		return time.Time{}, false, true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true, true
		}
	}
	writeInvalid(w, key, "must be an ISO-8601 timestamp")
	return time.Time{}, false, false
}

// filters applies the named after/before filters to a timestamp getter.
type timeRule struct {
	key   string
	after bool
	get   func(i int) time.Time
}

func filterIdx(w http.ResponseWriter, q url.Values, n int, rules []timeRule, extra func(i int) bool) ([]int, bool) {
	type bound struct {
		r timeRule
		t time.Time
	}
	var bs []bound
	for _, r := range rules {
		t, set, ok := timeFilter(w, q, r.key)
		if !ok {
			return nil, false
		}
		if set {
			bs = append(bs, bound{r, t})
		}
	}
	out := make([]int, 0, n)
outer:
	for i := 0; i < n; i++ {
		for _, b := range bs {
			v := b.r.get(i)
			if b.r.after && v.Before(b.t) || !b.r.after && v.After(b.t) {
				continue outer
			}
		}
		if extra != nil && !extra(i) {
			continue
		}
		out = append(out, i)
	}
	return out, true
}

func pick[T, U any](rows []T, idx []int, f func(T) U) []U {
	out := make([]U, 0, len(idx))
	for _, i := range idx {
		out = append(out, f(rows[i]))
	}
	return out
}

func idSet(v string) map[int64]bool {
	if v == "" {
		return nil
	}
	m := map[int64]bool{}
	for _, p := range strings.Split(v, ",") {
		if n, err := strconv.ParseInt(strings.TrimSpace(p), 10, 64); err == nil {
			m[n] = true
		}
	}
	return m
}

func parseID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

func (s *Server) serveRead(w http.ResponseWriter, r *http.Request, parts []string) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	one := func(found bool, v func() any) {
		if !found {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		writeJSON(w, http.StatusOK, v())
	}
	n := len(parts)
	switch {
	case n == 1 && parts[0] == "jobs":
		idx, ok := filterIdx(w, q, len(st.Jobs), []timeRule{
			{"updated_after", true, func(i int) time.Time { return st.Jobs[i].UpdatedAt }},
			{"updated_before", false, func(i int) time.Time { return st.Jobs[i].UpdatedAt }},
			{"created_after", true, func(i int) time.Time { return st.Jobs[i].CreatedAt }},
			{"created_before", false, func(i int) time.Time { return st.Jobs[i].CreatedAt }},
		}, func(i int) bool { return q.Get("status") == "" || q.Get("status") == st.Jobs[i].Status })
		if ok {
			page(w, r, pick(st.Jobs, idx, st.wireJob))
		}
	case n == 2 && parts[0] == "jobs":
		id, _ := parseID(parts[1])
		j := st.jobByID[id]
		one(j != nil, func() any { return st.wireJob(j) })
	case n == 1 && parts[0] == "job_posts", n == 3 && parts[0] == "jobs" && parts[2] == "job_posts":
		var jobID int64
		if n == 3 {
			jobID, _ = parseID(parts[1])
			if st.jobByID[jobID] == nil {
				writeErr(w, http.StatusNotFound, "Resource not found")
				return
			}
		}
		idx, ok := filterIdx(w, q, len(st.Jobs), []timeRule{
			{"updated_after", true, func(i int) time.Time { return st.Jobs[i].PostUpdated }},
			{"created_after", true, func(i int) time.Time { return st.Jobs[i].PostCreated }},
		}, func(i int) bool {
			j := st.Jobs[i]
			live := j.Status == "open"
			return (jobID == 0 || j.ID == jobID) && (q.Get("live") == "" || q.Get("live") == strconv.FormatBool(live)) &&
				(q.Get("active") == "" || q.Get("active") == "true")
		})
		if ok {
			page(w, r, pick(st.Jobs, idx, wirePost))
		}
	case n == 2 && parts[0] == "job_posts":
		id, _ := parseID(parts[1])
		i := slices.IndexFunc(st.Jobs, func(j *job) bool { return j.PostID == id })
		one(i >= 0, func() any { return wirePost(st.Jobs[i]) })
	case n == 1 && parts[0] == "job_stages":
		idx, ok := filterIdx(w, q, len(st.Stages), []timeRule{
			{"updated_after", true, func(i int) time.Time { return st.Stages[i].UpdatedAt }},
			{"updated_before", false, func(i int) time.Time { return st.Stages[i].UpdatedAt }},
			{"created_after", true, func(i int) time.Time { return st.Stages[i].CreatedAt }},
			{"created_before", false, func(i int) time.Time { return st.Stages[i].CreatedAt }},
		}, nil)
		if ok {
			page(w, r, pick(st.Stages, idx, wireStage))
		}
	case n == 2 && parts[0] == "job_stages":
		id, _ := parseID(parts[1])
		sg := st.stageByID[id]
		one(sg != nil, func() any { return wireStage(sg) })
	case n == 3 && parts[0] == "jobs" && parts[2] == "stages":
		id, _ := parseID(parts[1])
		if st.jobByID[id] == nil {
			writeErr(w, http.StatusNotFound, "Resource not found")
			return
		}
		page(w, r, pick(st.stagesOf[id], indexes(len(st.stagesOf[id])), wireStage))
	case n == 1 && parts[0] == "candidates":
		ids := idSet(q.Get("candidate_ids"))
		jobID, _ := parseID(q.Get("job_id"))
		email := strings.ToLower(strings.TrimSpace(q.Get("email")))
		idx, ok := filterIdx(w, q, len(st.Candidates), []timeRule{
			{"updated_after", true, func(i int) time.Time { return st.Candidates[i].UpdatedAt }},
			{"updated_before", false, func(i int) time.Time { return st.Candidates[i].UpdatedAt }},
			{"created_after", true, func(i int) time.Time { return st.Candidates[i].CreatedAt }},
			{"created_before", false, func(i int) time.Time { return st.Candidates[i].CreatedAt }},
		}, func(i int) bool {
			c := st.Candidates[i]
			if ids != nil && !ids[c.ID] {
				return false
			}
			if email != "" && !slices.ContainsFunc(c.Emails, func(e contact) bool { return strings.EqualFold(e.Value, email) }) {
				return false
			}
			if jobID != 0 && !slices.ContainsFunc(st.appsOf[c.ID], func(a *application) bool { return a.JobID == jobID }) {
				return false
			}
			return true
		})
		if ok {
			page(w, r, pick(st.Candidates, idx, func(c *candidate) wCandidate { return s.wireCandidate(st, c) }))
		}
	case n == 2 && parts[0] == "candidates":
		id, _ := parseID(parts[1])
		c := st.candByID[id]
		one(c != nil, func() any { return s.wireCandidate(st, c) })
	case n == 3 && parts[0] == "candidates" && parts[2] == "activity_feed":
		id, _ := parseID(parts[1])
		c := st.candByID[id]
		one(c != nil, func() any { return s.activityFeed(st, c) })
	case n == 1 && parts[0] == "applications":
		jobID, _ := parseID(q.Get("job_id"))
		status := q.Get("status")
		idx, ok := filterIdx(w, q, len(st.Applications), []timeRule{
			{"last_activity_after", true, func(i int) time.Time { return st.Applications[i].LastActivityAt }},
			{"created_after", true, func(i int) time.Time { return st.Applications[i].AppliedAt }},
			{"created_before", false, func(i int) time.Time { return st.Applications[i].AppliedAt }},
		}, func(i int) bool {
			a := st.Applications[i]
			return (jobID == 0 || a.JobID == jobID) && (status == "" || status == a.Status)
		})
		if ok {
			page(w, r, pick(st.Applications, idx, func(a *application) wApplication { return s.wireApplication(st, a) }))
		}
	case n == 2 && parts[0] == "applications":
		id, _ := parseID(parts[1])
		a := st.appByID[id]
		one(a != nil, func() any { return s.wireApplication(st, a) })
	case n == 1 && parts[0] == "users":
		email := q.Get("email")
		idx, ok := filterIdx(w, q, len(st.Users), []timeRule{
			{"updated_after", true, func(i int) time.Time { return st.Users[i].UpdatedAt }},
			{"created_after", true, func(i int) time.Time { return st.Users[i].CreatedAt }},
		}, func(i int) bool { return email == "" || strings.EqualFold(email, st.Users[i].Email) })
		if ok {
			page(w, r, pick(st.Users, idx, wireUser))
		}
	case n == 2 && parts[0] == "users":
		id, _ := parseID(parts[1])
		u := st.userByID[id]
		one(u != nil, func() any { return wireUser(u) })
	case n == 2 && parts[0] == "tags" && parts[1] == "candidate":
		page(w, r, pick(st.Tags, indexes(len(st.Tags)), func(t *tag) wNamed { return wNamed{ID: t.ID, Name: t.Name} }))
	case n == 1 && parts[0] == "rejection_reasons":
		page(w, r, pick(st.Reasons, indexes(len(st.Reasons)), func(x *reason) wReason { return *wireReason(x) }))
	default:
		writeErr(w, http.StatusNotFound, "Resource not found")
	}
}

func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

type wActivity struct {
	ID        int64        `json:"id"`
	CreatedAt ats.FlexTime `json:"created_at"`
	Subject   string       `json:"subject"`
	Body      string       `json:"body"`
	User      *wUserRef    `json:"user"`
}

func (s *Server) activityFeed(st *state, c *candidate) any {
	notes := []wNote{}
	for _, n := range st.Notes {
		if n.CandidateID == c.ID {
			notes = append(notes, wireNote(st, n))
		}
	}
	acts := []wActivity{}
	for i, a := range st.activityOf[c.ID] {
		if a.Kind == "note" {
			continue
		}
		acts = append(acts, wActivity{ID: c.ID*1000 + int64(i), CreatedAt: ft(a.At), Subject: a.Kind, Body: a.Text, User: userRef(st.userByID[a.UserID])})
	}
	return map[string]any{"notes": notes, "emails": []any{}, "activities": acts}
}

// ---- writes ----

func (s *Server) serveWrite(w http.ResponseWriter, r *http.Request, parts []string) {
	// Harvest requires On-Behalf-Of (a user id) on every write, for its
	// audit log.
	var actor *user
	if uid, ok := parseID(r.Header.Get("On-Behalf-Of")); ok {
		s.mu.Lock()
		actor = s.st.userByID[uid]
		s.mu.Unlock()
	}
	if actor == nil {
		writeErr(w, http.StatusForbidden, "The On-Behalf-Of header is required and must be the id of an existing user")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		writeErr(w, http.StatusRequestEntityTooLarge, "Request body too large")
		return
	}
	var in map[string]json.RawMessage
	if len(strings.TrimSpace(string(body))) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			writeErr(w, http.StatusBadRequest, "Malformed JSON")
			return
		}
	}
	num := func(k string) (int64, bool, error) {
		raw, ok := in[k]
		if !ok || string(raw) == "null" {
			return 0, false, nil
		}
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				n = json.Number(s)
			}
		}
		v, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return 0, true, invalid(k, k+" must be an integer")
		}
		return v, true, nil
	}
	str := func(k string) string {
		var s string
		_ = json.Unmarshal(in[k], &s)
		return s
	}
	n := len(parts)
	pid := func(i int) int64 { id, _ := parseID(parts[i]); return id }
	var status int
	var out any
	switch {
	case r.Method == http.MethodPost && n == 4 && parts[0] == "candidates" && parts[2] == "activity_feed" && parts[3] == "notes":
		err = s.change(func(st *state, now time.Time) ([]byte, error) {
			uid, set, err := num("user_id")
			if err != nil {
				return nil, err
			}
			if !set {
				return nil, invalid("user_id", "user_id is required")
			}
			nt, hook, err := s.addNote(st, now, pid(1), uid, str("body"), str("visibility"), actor)
			if err == nil {
				status, out = http.StatusCreated, wireNote(st, nt)
			}
			return hook, err
		})
	case r.Method == http.MethodPost && n == 3 && (parts[0] == "candidates" || parts[0] == "applications") && parts[2] == "attachments":
		var ai attachmentIn
		_ = json.Unmarshal(body, &ai)
		err = s.change(func(st *state, now time.Time) ([]byte, error) {
			var candID, appID int64
			if parts[0] == "candidates" {
				candID = pid(1)
			} else if appID = pid(1); appID == 0 {
				return nil, notFound()
			}
			at, hook, err := s.addAttachment(st, now, candID, appID, ai, actor)
			if err == nil {
				status = http.StatusCreated
				out = map[string]any{"filename": at.Filename, "url": s.fileURL(at), "type": at.Type,
					"content_type": at.ContentType, "created_at": ft(at.CreatedAt)}
			}
			return hook, err
		})
	case r.Method == http.MethodPost && n == 3 && parts[0] == "applications" && parts[2] == "move":
		err = s.change(func(st *state, now time.Time) ([]byte, error) {
			from, fromSet, err := num("from_stage_id")
			if err != nil {
				return nil, err
			}
			to, toSet, err := num("to_stage_id")
			if err != nil {
				return nil, err
			}
			if !fromSet || !toSet {
				return nil, invalid("to_stage_id", "from_stage_id and to_stage_id are required")
			}
			a, hook, err := s.move(st, now, pid(1), &from, to, actor)
			if err == nil {
				status, out = http.StatusOK, s.wireApplication(st, a)
			}
			return hook, err
		})
	case r.Method == http.MethodPost && n == 3 && parts[0] == "applications" && parts[2] == "reject":
		err = s.change(func(st *state, now time.Time) ([]byte, error) {
			rid, _, err := num("rejection_reason_id")
			if err != nil {
				return nil, err
			}
			a, hook, err := s.reject(st, now, pid(1), rid, str("notes"), actor)
			if err == nil {
				status, out = http.StatusOK, s.wireApplication(st, a)
			}
			return hook, err
		})
	case r.Method == http.MethodPost && n == 2 && parts[0] == "tags" && parts[1] == "candidate":
		err = s.change(func(st *state, _ time.Time) ([]byte, error) {
			t, created, err := st.findOrCreateTag(str("name"))
			if err == nil {
				status, out = http.StatusOK, wNamed{ID: t.ID, Name: t.Name}
				if created {
					status = http.StatusCreated
				}
			}
			return nil, err
		})
	case r.Method == http.MethodPut && n == 4 && parts[0] == "candidates" && parts[2] == "tags":
		err = s.change(func(st *state, now time.Time) ([]byte, error) {
			c, t, hook, err := s.applyTag(st, now, pid(1), pid(3), actor)
			if err == nil {
				status, out = http.StatusOK, map[string]string{
					"message": "Tag " + itoa(t.ID) + ", '" + t.Name + "', has been applied to candidate " + itoa(c.ID)}
			}
			return hook, err
		})
	default:
		writeErr(w, http.StatusNotFound, "Resource not found")
		return
	}
	if err != nil {
		writeOpErr(w, err)
		return
	}
	writeJSON(w, status, out)
}

// serveFile serves an uploaded attachment's bytes.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, id int64) {
	s.mu.Lock()
	a := s.st.attachByID[id]
	var data []byte
	var name, ct string
	if a != nil {
		data, name, ct = a.Data, a.Filename, a.ContentType
	}
	s.mu.Unlock()
	if a == nil || data == nil {
		http.NotFound(w, r)
		return
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "sandbox")
	_, _ = w.Write(data)
}
