package fake

import (
	"net/http"
	"slices"
	"strings"

	"github.com/hireloop/hireloop/ats/atstest"
	"github.com/hireloop/hireloop/ats/greenhouse/harvestv3"
)

// Reads: GET /v3/<collection>, every one paged by cursor and filtered by
// ids, created_at and updated_at where the rows carry them, plus the
// parent-id filters hireloop uses.

func (f *Fake) v3App(a *Application) harvestv3.Application {
	out := harvestv3.Application{ID: a.ID, CandidateID: a.CandidateID, JobID: a.JobID, Status: a.Status, Prospect: a.Prospect,
		CreatedAt: a.CreatedAt, UpdatedAt: a.LastActivityAt, LastActivityAt: a.LastActivityAt, RejectedAt: a.RejectedAt,
		Answers: a.Answers}
	if a.JobPostID != 0 {
		jp := a.JobPostID
		out.JobPostID = &jp
	}
	out.SetStage(f.reading, a.StageID, a.StageRow)
	return out
}

func v3Job(j *Job) harvestv3.Job {
	out := harvestv3.Job{ID: j.ID, Name: j.Name, Status: j.Status, OfficeIDs: append([]int64{}, j.OfficeIDs...),
		CreatedAt: j.CreatedAt, UpdatedAt: j.UpdatedAt, OpenedAt: j.CreatedAt}
	if j.DepartmentID != 0 {
		d := j.DepartmentID
		out.DepartmentID = &d
	}
	return out
}

func v3Candidate(c *Candidate) harvestv3.Candidate {
	return harvestv3.Candidate{ID: c.ID, FirstName: c.FirstName, LastName: c.LastName, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		LastActivityAt: c.LastActivity, PhoneNumbers: c.PhoneNumbers, EmailAddresses: c.EmailAddresses}
}

func (f *Fake) serveRead(w http.ResponseWriter, r *http.Request, parts []string) {
	q, ok := harvestv3.ParseList(w, r)
	if !ok {
		return
	}
	if len(parts) != 1 {
		harvestv3.WriteNotFound(w)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	upd, crt, ids := q.Time("updated_at"), q.Time("created_at"), q.IDs("ids")
	keep := func(n int64) bool { return harvestv3.In(ids, n) }
	write := f.writeBody
	switch parts[0] {
	case "jobs":
		rows := atstest.Filter(f.jobs, func(j *Job) bool { return keep(j.ID) && crt(j.CreatedAt.Time) && upd(j.UpdatedAt.Time) })
		harvestv3.Page(w, r, q, rows, v3Job, write)
	case "departments":
		rows := atstest.Filter(f.depts, func(d harvestv3.Department) bool { return keep(d.ID) })
		harvestv3.Page(w, r, q, rows, harvestv3.Same, write)
	case "offices":
		rows := atstest.Filter(f.offices, func(o harvestv3.Office) bool { return keep(o.ID) })
		harvestv3.Page(w, r, q, rows, harvestv3.Same, write)
	case "job_posts":
		jobs := q.IDs("job_ids")
		rows := atstest.Filter(f.posts, func(p *harvestv3.JobPost) bool {
			return harvestv3.In(jobs, p.JobID) && keep(p.ID) && crt(p.CreatedAt.Time) && upd(p.UpdatedAt.Time)
		})
		harvestv3.Page(w, r, q, rows, harvestv3.Same, write)
	case "job_interview_stages":
		jobs := q.IDs("job_ids")
		rows := atstest.Filter(f.stages, func(s *Stage) bool {
			return harvestv3.In(jobs, s.JobID) && keep(s.ID) && upd(s.UpdatedAt.Time)
		})
		harvestv3.Page(w, r, q, rows, func(s *Stage) harvestv3.Stage {
			return harvestv3.Stage{ID: s.ID, Name: s.Name, JobID: s.JobID, SortOrder: s.Priority, Active: s.Active,
				CreatedAt: s.UpdatedAt, UpdatedAt: s.UpdatedAt}
		}, write)
	case "candidates":
		rows := atstest.Filter(f.cands, func(c *Candidate) bool { return keep(c.ID) && crt(c.CreatedAt.Time) && upd(c.UpdatedAt.Time) })
		harvestv3.Page(w, r, q, rows, v3Candidate, write)
	case "applications":
		cands, jobs, status := q.IDs("candidate_ids"), q.IDs("job_ids"), q.Get("status")
		rows := atstest.Filter(f.apps, func(a *Application) bool {
			return keep(a.ID) && crt(a.CreatedAt.Time) && upd(a.LastActivityAt.Time) && harvestv3.In(cands, a.CandidateID) &&
				harvestv3.In(jobs, a.JobID) && (status == "" || status == a.Status)
		})
		harvestv3.Page(w, r, q, rows, f.v3App, write)
	case "rejection_details":
		apps := q.IDs("application_ids")
		rows := atstest.Filter(f.rejections, func(x rejection) bool { return harvestv3.In(apps, x.ApplicationID) && keep(x.ID) })
		harvestv3.Page(w, r, q, rows, func(x rejection) harvestv3.RejectionDetail {
			rid := x.ReasonID
			return harvestv3.RejectionDetail{ID: x.ID, ApplicationID: x.ApplicationID, RejectionReasonID: &rid,
				RejectedAt: x.At, CreatedAt: x.At, UpdatedAt: x.At}
		}, write)
	case "candidate_tags":
		harvestv3.Page(w, r, q, atstest.Filter(f.tags, func(t *harvestv3.Named) bool { return keep(t.ID) }), harvestv3.Same, write)
	case "applied_candidate_tags":
		cands := q.IDs("candidate_ids")
		rows := atstest.Filter(f.applied, func(x harvestv3.AppliedTag) bool { return harvestv3.In(cands, x.CandidateID) && keep(x.ID) })
		harvestv3.Page(w, r, q, rows, harvestv3.Same, write)
	case "rejection_reasons":
		harvestv3.Page(w, r, q, atstest.Filter(f.reasons, func(t *harvestv3.Named) bool { return keep(t.ID) }), harvestv3.Same, write)
	case "users":
		harvestv3.Page(w, r, q, atstest.Filter(f.users, func(u *harvestv3.User) bool { return keep(u.ID) }), harvestv3.Same, write)
	case "notes":
		cands, apps := q.IDs("candidate_ids"), q.IDs("application_ids")
		rows := atstest.Filter(f.notes, func(n Note) bool {
			return harvestv3.In(cands, n.CandidateID) && harvestv3.In(apps, n.ApplicationID) && keep(n.ID)
		})
		harvestv3.Page(w, r, q, rows, v3Note, write)
	case "attachments":
		apps, cands := q.IDs("application_ids"), q.IDs("candidate_ids")
		rows := atstest.Filter(f.attachments, func(a attachment) bool {
			return harvestv3.In(apps, a.ApplicationID) && harvestv3.In(cands, a.CandidateID) && keep(a.ID)
		})
		harvestv3.Page(w, r, q, rows, func(a attachment) harvestv3.Attachment { return a.Attachment }, write)
	default:
		harvestv3.WriteNotFound(w)
	}
}

func v3Note(n Note) harvestv3.Note {
	out := harvestv3.Note{ID: n.ID, CandidateID: n.CandidateID, UserID: n.UserID, Body: n.Body, NoteType: "NOTE",
		Visibility: n.Visibility, CreatedAt: n.At, UpdatedAt: n.At}
	if n.ApplicationID != 0 {
		a := n.ApplicationID
		out.ApplicationID = &a
	}
	return out
}

// Writes: validation from harvestv3 (what Greenhouse refuses), then the
// fake's state changes; every change bumps the timestamps incremental
// sync filters on.
func (f *Fake) serveWrite(w http.ResponseWriter, r *http.Request, parts []string, raw []byte, sub int64) {
	b, ok := harvestv3.DecodeBody(w, raw)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var bad *harvestv3.Invalid
	switch {
	case r.Method != http.MethodPost:
		harvestv3.WriteNotFound(w)
		return
	case len(parts) == 1 && parts[0] == "notes":
		bad = f.addNote(w, b, sub)
	case len(parts) == 1 && parts[0] == "attachments":
		bad = f.addAttachment(w, b)
	case len(parts) == 3 && parts[0] == "applications" && parts[2] == "move":
		bad = f.move(w, parse(parts[1]), b)
	case len(parts) == 3 && parts[0] == "applications" && parts[2] == "reject":
		bad = f.reject(w, parse(parts[1]), b)
	case len(parts) == 1 && parts[0] == "candidate_tags":
		bad = f.createTag(w, b)
	case len(parts) == 1 && parts[0] == "applied_candidate_tags":
		bad = f.applyTag(w, b)
	default:
		harvestv3.WriteNotFound(w)
		return
	}
	if bad != nil {
		bad.Write(w)
	}
}

func (f *Fake) addNote(w http.ResponseWriter, b harvestv3.Body, sub int64) *harvestv3.Invalid {
	in, bad := harvestv3.ParseNote(b)
	if bad != nil {
		return bad
	}
	c := f.candIdx[in.CandidateID]
	if c == nil {
		return harvestv3.Refuse("candidate_id", "candidate not found")
	}
	if in.ApplicationID != 0 {
		if a := f.appIdx[in.ApplicationID]; a == nil || a.CandidateID != c.ID {
			return harvestv3.Refuse("application_id", "application not found for this candidate")
		}
	}
	c.LastActivity = f.tick()
	n := Note{ID: f.newID(), CandidateID: c.ID, ApplicationID: in.ApplicationID, UserID: sub, Body: in.Body, Visibility: in.Visibility,
		At: c.LastActivity}
	f.notes = append(f.notes, n)
	f.writeBody(w, http.StatusCreated, v3Note(n))
	return nil
}

func (f *Fake) addAttachment(w http.ResponseWriter, b harvestv3.Body) *harvestv3.Invalid {
	in, bad := harvestv3.ParseAttachment(b)
	if bad != nil {
		return bad
	}
	a := f.appIdx[in.ApplicationID]
	if a == nil {
		return harvestv3.Refuse("application_id", "application not found")
	}
	a.LastActivityAt = f.tick()
	at := attachment{harvestv3.Attachment{ID: f.newID(), ApplicationID: a.ID, CandidateID: a.CandidateID, Filename: in.Filename,
		Type: in.Type, CreatedAt: a.LastActivityAt}}
	at.URL = f.Server.URL + "/files/" + id(at.ID)
	f.attachments = append(f.attachments, at)
	f.writeBody(w, http.StatusCreated, at.Attachment)
	return nil
}

func (f *Fake) move(w http.ResponseWriter, appID int64, b harvestv3.Body) *harvestv3.Invalid {
	a := f.appIdx[appID]
	if a == nil {
		harvestv3.WriteNotFound(w)
		return nil
	}
	from, to, bad := harvestv3.ParseMove(b)
	if bad != nil {
		return bad
	}
	st := f.stageIdx[to]
	if bad := harvestv3.CheckMove(a.Status == "active", a.StageID, from, st != nil && st.JobID == a.JobID, to); bad != nil {
		return bad
	}
	a.StageID, a.StageRow = st.ID, f.newID()
	a.LastActivityAt = f.tick()
	f.writeBody(w, http.StatusOK, f.v3App(a))
	return nil
}

func (f *Fake) reject(w http.ResponseWriter, appID int64, b harvestv3.Body) *harvestv3.Invalid {
	a := f.appIdx[appID]
	if a == nil {
		harvestv3.WriteNotFound(w)
		return nil
	}
	rid, _, bad := harvestv3.ParseReject(b)
	if bad != nil {
		return bad
	}
	if !slices.ContainsFunc(f.reasons, func(x *harvestv3.Named) bool { return x.ID == rid }) {
		return harvestv3.Refuse("rejection_reason_id", "Rejection reason not found")
	}
	if a.Status != "active" {
		return harvestv3.Refuse("application_id", "Application is not active")
	}
	a.Status, a.RejectionReasonID = "rejected", rid
	a.LastActivityAt = f.tick()
	a.RejectedAt = a.LastActivityAt
	f.rejections = append(f.rejections, rejection{ID: f.newID(), ApplicationID: a.ID, ReasonID: rid, At: a.RejectedAt})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (f *Fake) createTag(w http.ResponseWriter, b harvestv3.Body) *harvestv3.Invalid {
	name, bad := harvestv3.ParseTagName(b)
	if bad != nil {
		return bad
	}
	for _, t := range f.tags {
		if strings.EqualFold(t.Name, name) {
			return harvestv3.TagTaken()
		}
	}
	t := &harvestv3.Named{ID: f.newID(), Name: name}
	f.tags = append(f.tags, t)
	f.writeBody(w, http.StatusCreated, t)
	return nil
}

func (f *Fake) applyTag(w http.ResponseWriter, b harvestv3.Body) *harvestv3.Invalid {
	cid, tid, bad := harvestv3.ParseAppliedTag(b)
	if bad != nil {
		return bad
	}
	c := f.candIdx[cid]
	i := slices.IndexFunc(f.tags, func(t *harvestv3.Named) bool { return t.ID == tid })
	switch {
	case c == nil:
		return harvestv3.Refuse("candidate_id", "candidate not found")
	case i < 0:
		return harvestv3.Refuse("candidate_tag_id", "candidate tag not found")
	}
	for _, x := range f.applied {
		if x.CandidateID == cid && x.CandidateTagID == tid {
			f.writeBody(w, http.StatusOK, x) // applied already: nothing changes
			return nil
		}
	}
	c.Tags = append(c.Tags, f.tags[i].Name)
	c.UpdatedAt = f.tick()
	x := harvestv3.AppliedTag{ID: f.newID(), CandidateID: cid, CandidateTagID: tid, CreatedAt: c.UpdatedAt}
	f.applied = append(f.applied, x)
	f.writeBody(w, http.StatusCreated, x)
	return nil
}
