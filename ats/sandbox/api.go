package sandbox

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats/greenhouse/harvestv3"
)

// serveAPI is Harvest v3 (token endpoint on the root, /v3/... behind a
// Bearer token) plus /files/{id} (attachment downloads, unauthenticated
// like Harvest's pre-signed storage URLs). The protocol rules come from
// harvestv3, shared with the connector's test fake.
func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/files/"); ok && r.Method == http.MethodGet {
		id, _ := strconv.ParseInt(strings.SplitN(rest, "/", 2)[0], 10, 64)
		s.serveFile(w, r, id)
		return
	}
	if r.URL.Path == "/token" {
		s.tokens.Serve(w, r)
		return
	}
	admitted, remaining, retryAt := s.limiter.admit(time.Now())
	if !admitted {
		harvestv3.Throttle(w, s.limiter.limit, retryAt)
		return
	}
	sub, ok := s.tokens.Bearer(r)
	if !ok {
		harvestv3.WriteUnauthorized(w)
		return
	}
	harvestv3.RateHeaders(w.Header(), s.limiter.limit, remaining)
	path, ok := strings.CutPrefix(r.URL.Path, "/v3/")
	if !ok {
		harvestv3.WriteNotFound(w)
		return
	}
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if r.Method == http.MethodGet {
		s.serveRead(w, r, parts)
		return
	}
	if r.Method != http.MethodPost {
		harvestv3.WriteNotFound(w)
		return
	}
	s.serveWrite(w, r, parts, sub)
}

func writeJSON(w http.ResponseWriter, status int, v any) { harvestv3.WriteJSON(w, status, v) }

func writeOpErr(w http.ResponseWriter, err error) {
	var oe *opError
	switch {
	case errors.As(err, &oe) && oe.status == http.StatusUnprocessableEntity:
		harvestv3.WriteInvalid(w, oe.field, oe.msg)
	case errors.As(err, &oe):
		harvestv3.WriteError(w, oe.status, oe.msg)
	case errors.Is(err, errClosed):
		harvestv3.WriteError(w, http.StatusServiceUnavailable, "The sandbox is shutting down")
	default:
		harvestv3.WriteError(w, http.StatusInternalServerError, err.Error())
	}
}

func parseID(s string) (int64, bool) {
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// ---- reads ----

func (s *Server) serveRead(w http.ResponseWriter, r *http.Request, parts []string) {
	q, ok := harvestv3.ParseList(w, r)
	if !ok {
		return
	}
	if len(parts) != 1 {
		harvestv3.WriteNotFound(w)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	upd, crt, ids := q.Time("updated_at"), q.Time("created_at"), q.IDs("ids")
	keep := func(id int64, created, updated time.Time) bool {
		return harvestv3.In(ids, id) && crt(created) && upd(updated)
	}
	switch parts[0] {
	case "jobs":
		status := q.Get("status")
		rows := filter(st.Jobs, func(j *job) bool { return keep(j.ID, j.CreatedAt, j.UpdatedAt) && (status == "" || status == j.Status) })
		harvestv3.Page(w, r, q, rows, v3Job, writeJSON)
	case "departments":
		harvestv3.Page(w, r, q, filter(st.departments(), func(d harvestv3.Department) bool { return harvestv3.In(ids, d.ID) }), harvestv3.Same, writeJSON)
	case "offices":
		harvestv3.Page(w, r, q, filter(st.offices(), func(o harvestv3.Office) bool { return harvestv3.In(ids, o.ID) }), harvestv3.Same, writeJSON)
	case "job_posts":
		jobs := q.IDs("job_ids")
		rows := filter(st.Jobs, func(j *job) bool {
			return harvestv3.In(jobs, j.ID) && keep(j.PostID, j.PostCreated, j.PostUpdated)
		})
		harvestv3.Page(w, r, q, rows, wirePost, writeJSON)
	case "job_interview_stages":
		jobs := q.IDs("job_ids")
		rows := filter(st.Stages, func(sg *stage) bool { return harvestv3.In(jobs, sg.JobID) && keep(sg.ID, sg.CreatedAt, sg.UpdatedAt) })
		harvestv3.Page(w, r, q, rows, v3Stage, writeJSON)
	case "candidates":
		email := strings.ToLower(strings.TrimSpace(q.Get("email")))
		rows := filter(st.Candidates, func(c *candidate) bool {
			return keep(c.ID, c.CreatedAt, c.UpdatedAt) && (email == "" || len(c.Emails) > 0 && strings.EqualFold(c.Emails[0].Value, email))
		})
		harvestv3.Page(w, r, q, rows, v3Candidate, writeJSON)
	case "applications":
		cands, jobs, status := q.IDs("candidate_ids"), q.IDs("job_ids"), q.Get("status")
		rows := filter(st.Applications, func(a *application) bool {
			return keep(a.ID, a.AppliedAt, a.LastActivityAt) && harvestv3.In(cands, a.CandidateID) && harvestv3.In(jobs, a.JobID) &&
				(status == "" || status == a.Status)
		})
		harvestv3.Page(w, r, q, rows, func(a *application) harvestv3.Application { return st.v3Application(a) }, writeJSON)
	case "rejection_details":
		apps := q.IDs("application_ids")
		rows := filter(st.Applications, func(a *application) bool {
			return a.Status == statusRejected && harvestv3.In(apps, a.ID) && keep(a.ID, a.RejectedAt, a.RejectedAt)
		})
		harvestv3.Page(w, r, q, rows, v3RejectionDetail, writeJSON)
	case "candidate_tags":
		rows := filter(st.Tags, func(t *tag) bool { return harvestv3.In(ids, t.ID) })
		harvestv3.Page(w, r, q, rows, func(t *tag) harvestv3.Named { return harvestv3.Named{ID: t.ID, Name: t.Name} }, writeJSON)
	case "applied_candidate_tags":
		cands := q.IDs("candidate_ids")
		harvestv3.Page(w, r, q, filter(st.appliedTags(), func(x harvestv3.AppliedTag) bool {
			return harvestv3.In(cands, x.CandidateID) && harvestv3.In(ids, x.ID)
		}), harvestv3.Same, writeJSON)
	case "rejection_reasons":
		rows := filter(st.Reasons, func(x *reason) bool { return harvestv3.In(ids, x.ID) })
		harvestv3.Page(w, r, q, rows, func(x *reason) harvestv3.Named { return harvestv3.Named{ID: x.ID, Name: x.Name} }, writeJSON)
	case "users":
		rows := filter(st.Users, func(u *user) bool { return keep(u.ID, u.CreatedAt, u.UpdatedAt) })
		harvestv3.Page(w, r, q, rows, v3User, writeJSON)
	case "notes":
		cands, apps := q.IDs("candidate_ids"), q.IDs("application_ids")
		rows := filter(st.Notes, func(n *note) bool {
			return harvestv3.In(cands, n.CandidateID) && harvestv3.In(apps, n.ApplicationID) && keep(n.ID, n.CreatedAt, n.CreatedAt)
		})
		harvestv3.Page(w, r, q, rows, v3Note, writeJSON)
	case "attachments":
		apps, cands := q.IDs("application_ids"), q.IDs("candidate_ids")
		rows := filter(st.Attachments, func(a *attachment) bool {
			return a.ApplicationID != 0 && harvestv3.In(apps, a.ApplicationID) && harvestv3.In(cands, a.CandidateID) &&
				keep(a.ID, a.CreatedAt, a.CreatedAt)
		})
		harvestv3.Page(w, r, q, rows, s.v3Attachment, writeJSON)
	default:
		harvestv3.WriteNotFound(w)
	}
}

// filter returns the rows keep accepts, in a new slice.
func filter[T any](rows []T, keep func(T) bool) []T {
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// ---- writes ----

func (s *Server) serveWrite(w http.ResponseWriter, r *http.Request, parts []string, sub int64) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxRequestBody))
	if err != nil {
		harvestv3.WriteError(w, http.StatusRequestEntityTooLarge, "Request body too large")
		return
	}
	b, ok := harvestv3.DecodeBody(w, raw)
	if !ok {
		return
	}
	var status int
	var out any
	n := len(parts)
	switch {
	case n == 1 && parts[0] == "notes":
		in, bad := harvestv3.ParseNote(b)
		if bad != nil {
			bad.Write(w)
			return
		}
		err = s.change(func(st *state, now time.Time) ([]byte, error) {
			nt, hook, err := s.addNote(st, now, in, st.userByID[sub])
			if err == nil {
				status, out = http.StatusCreated, v3Note(nt)
			}
			return hook, err
		})
	case n == 1 && parts[0] == "attachments":
		in, bad := harvestv3.ParseAttachment(b)
		if bad != nil {
			bad.Write(w)
			return
		}
		err = s.change(func(st *state, now time.Time) ([]byte, error) {
			at, hook, err := s.addAttachment(st, now, in, st.userByID[sub])
			if err == nil {
				status, out = http.StatusCreated, s.v3Attachment(at)
			}
			return hook, err
		})
	case n == 3 && parts[0] == "applications" && parts[2] == "move":
		appID, _ := parseID(parts[1])
		err = s.change(func(st *state, now time.Time) ([]byte, error) {
			if st.appByID[appID] == nil {
				return nil, notFound()
			}
			from, to, bad := harvestv3.ParseMove(b)
			if bad != nil {
				return nil, refused(bad)
			}
			a, hook, err := s.move(st, now, appID, &from, to, st.userByID[sub])
			if err == nil {
				status, out = http.StatusOK, st.v3Application(a)
			}
			return hook, err
		})
	case n == 3 && parts[0] == "applications" && parts[2] == "reject":
		appID, _ := parseID(parts[1])
		err = s.change(func(st *state, now time.Time) ([]byte, error) {
			if st.appByID[appID] == nil {
				return nil, notFound()
			}
			rid, notes, bad := harvestv3.ParseReject(b)
			if bad != nil {
				return nil, refused(bad)
			}
			_, hook, err := s.reject(st, now, appID, rid, notes, st.userByID[sub])
			status = http.StatusNoContent
			return hook, err
		})
	case n == 1 && parts[0] == "candidate_tags":
		name, bad := harvestv3.ParseTagName(b)
		if bad != nil {
			bad.Write(w)
			return
		}
		err = s.change(func(st *state, _ time.Time) ([]byte, error) {
			t, err := st.createTag(name)
			if err == nil {
				status, out = http.StatusCreated, harvestv3.Named{ID: t.ID, Name: t.Name}
			}
			return nil, err
		})
	case n == 1 && parts[0] == "applied_candidate_tags":
		cid, tid, bad := harvestv3.ParseAppliedTag(b)
		if bad != nil {
			bad.Write(w)
			return
		}
		err = s.change(func(st *state, now time.Time) ([]byte, error) {
			c, t, hook, err := s.applyTag(st, now, cid, tid, st.userByID[sub])
			if err == nil {
				status, out = http.StatusCreated, appliedTag(c, t)
			}
			return hook, err
		})
	default:
		harvestv3.WriteNotFound(w)
		return
	}
	if err != nil {
		writeOpErr(w, err)
		return
	}
	if out == nil {
		w.WriteHeader(status)
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
