package sandbox

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hireloop/hireloop/ats/greenhouse/harvestv3"
)

// The mutations shared by the API and the page. Each runs inside
// Server.change (state locked), validates before touching anything, bumps
// the timestamps incremental sync filters on and returns the webhook to
// send.

// opError is a refusal rendered as Harvest renders it: 404 {"message"} or
// 422 {"message":"Validation error","errors":[{"message","field"}]}
// (harvestv3).
type opError struct {
	status int
	field  string
	msg    string
}

func (e *opError) Error() string {
	if e.field != "" {
		return e.field + ": " + e.msg
	}
	return e.msg
}

func notFound() error { return &opError{status: 404, msg: "Resource not found"} }

func invalid(field, msg string) error { return &opError{status: 422, field: field, msg: msg} }

// refused is a harvestv3 validation refusal as an opError.
func refused(bad *harvestv3.Invalid) error { return invalid(bad.Field, bad.Message) }

type hookEnvelope struct {
	Action  string `json:"action"`
	Payload any    `json:"payload"`
}

// hookJSON renders a delivery body. encoding/json escapes <, > and & as
// \u003c etc., as Greenhouse does before signing.
func hookJSON(action string, payload any) []byte {
	b, err := json.Marshal(hookEnvelope{Action: action, Payload: payload})
	if err != nil {
		panic("sandbox: webhook payload: " + err.Error()) // only plain structs; cannot fail
	}
	return b
}

func (s *Server) applicationHook(st *state, action string, a *application) []byte {
	return hookJSON(action, struct {
		Application wHookApplication `json:"application"`
	}{s.hookApplication(st, a)})
}

func (s *Server) candidateHook(st *state, c *candidate) []byte {
	return hookJSON("update_candidate", struct {
		Candidate wCandidate `json:"candidate"`
	}{s.wireCandidate(st, c)})
}

func (st *state) log(c *candidate, actor *user, at time.Time, kind, text string, attachmentID int64) {
	if actor == nil {
		return // page actions are the human's own; the log shows what API clients wrote
	}
	st.addActivity(&activity{CandidateID: c.ID, UserID: actor.ID, At: at, Kind: kind, Text: text, AttachmentID: attachmentID})
}

// move moves an active application. from, when non-nil (the API, where
// Harvest v3 requires it), must be the current stage; the page moves from
// wherever the application is.
func (s *Server) move(st *state, now time.Time, appID int64, from *int64, to int64, actor *user) (*application, []byte, error) {
	a := st.appByID[appID]
	if a == nil {
		return nil, nil, notFound()
	}
	target := st.stageByID[to]
	cur := a.StageID
	if from != nil {
		cur = *from
	}
	if bad := harvestv3.CheckMove(a.Status == statusActive, a.StageID, cur, target != nil && target.JobID == a.JobID, to); bad != nil {
		return nil, nil, refused(bad)
	}
	prev := st.stageByID[a.StageID]
	t := st.stamp(now)
	a.StageID, a.StageRow = target.ID, st.newID()
	a.LastActivityAt = t
	c := st.candByID[a.CandidateID]
	c.LastActivity = t
	st.log(c, actor, t, "move", fmt.Sprintf("Moved %s application from %s to %s", st.jobByID[a.JobID].Title, prev.Name, target.Name), 0)
	return a, s.applicationHook(st, "candidate_stage_change", a), nil
}

// reject rejects an active application; reasonID 0 means no reason.
func (s *Server) reject(st *state, now time.Time, appID, reasonID int64, notes string, actor *user) (*application, []byte, error) {
	a := st.appByID[appID]
	if a == nil {
		return nil, nil, notFound()
	}
	if a.Status != statusActive {
		return nil, nil, invalid("application_id", "Application is not active")
	}
	r := st.reasonByID[reasonID]
	if reasonID != 0 && r == nil {
		return nil, nil, invalid("rejection_reason_id", "Rejection reason not found")
	}
	t := st.stamp(now)
	a.Status = statusRejected
	a.ReasonID = reasonID
	a.RejectNote = notes
	a.RejectedAt = t
	a.LastActivityAt = t
	c := st.candByID[a.CandidateID]
	c.LastActivity = t
	text := "Rejected " + st.jobByID[a.JobID].Title + " application"
	if r != nil {
		text += ": " + r.Name
	}
	if notes != "" {
		text += " (" + notes + ")"
	}
	st.log(c, actor, t, "reject", text, 0)
	return a, s.applicationHook(st, "reject_candidate", a), nil
}

func (s *Server) addNote(st *state, now time.Time, in harvestv3.NoteIn, actor *user) (*note, []byte, error) {
	c := st.candByID[in.CandidateID]
	if c == nil {
		return nil, nil, invalid("candidate_id", "candidate not found")
	}
	if in.ApplicationID != 0 {
		if a := st.appByID[in.ApplicationID]; a == nil || a.CandidateID != c.ID {
			return nil, nil, invalid("application_id", "application not found for this candidate")
		}
	}
	if actor == nil {
		return nil, nil, invalid("user_id", "the token's user no longer exists")
	}
	t := st.stamp(now)
	n := &note{ID: st.newID(), CandidateID: c.ID, ApplicationID: in.ApplicationID, UserID: actor.ID, Body: in.Body,
		Visibility: in.Visibility, CreatedAt: t}
	st.Notes = append(st.Notes, n)
	c.UpdatedAt, c.LastActivity = t, t
	st.log(c, actor, t, "note", in.Body, 0)
	return n, s.candidateHook(st, c), nil
}

// addAttachment attaches a validated file (or URL) to an application: v3
// attaches files to applications only.
func (s *Server) addAttachment(st *state, now time.Time, in harvestv3.AttachmentIn, actor *user) (*attachment, []byte, error) {
	a := st.appByID[in.ApplicationID]
	if a == nil {
		return nil, nil, invalid("application_id", "application not found")
	}
	c := st.candByID[a.CandidateID]
	t := st.stamp(now)
	at := &attachment{ID: st.newID(), CandidateID: c.ID, ApplicationID: a.ID, Filename: in.Filename, Type: in.Type,
		ContentType: in.ContentType, Data: in.Data, URL: in.URL, CreatedAt: t}
	if actor != nil {
		at.UserID = actor.ID
	}
	st.Attachments = append(st.Attachments, at)
	st.addAttachIndex(at)
	c.UpdatedAt, c.LastActivity = t, t
	a.LastActivityAt = t
	size := "link"
	if in.Data != nil {
		size = humanSize(len(in.Data))
	}
	st.log(c, actor, t, "attachment", fmt.Sprintf("%s (%s, %s)", in.Filename, strings.ReplaceAll(in.Type, "_", " "), size), at.ID)
	return at, s.candidateHook(st, c), nil
}

func humanSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+512)>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// createTag is POST /v3/candidate_tags: a name that exists
// (case-insensitive) is refused, as the connector's fake refuses it.
func (st *state) createTag(name string) (*tag, error) {
	for _, t := range st.Tags {
		if strings.EqualFold(t.Name, name) {
			return nil, refused(harvestv3.TagTaken())
		}
	}
	t := &tag{ID: st.newID(), Name: name}
	st.Tags = append(st.Tags, t)
	st.tagByID[t.ID] = t
	return t, nil
}

// applyTag is POST /v3/applied_candidate_tags; applying a tag twice is a
// no-op without a webhook.
func (s *Server) applyTag(st *state, now time.Time, candID, tagID int64, actor *user) (*candidate, *tag, []byte, error) {
	c := st.candByID[candID]
	t := st.tagByID[tagID]
	switch {
	case c == nil:
		return nil, nil, nil, invalid("candidate_id", "candidate not found")
	case t == nil:
		return nil, nil, nil, invalid("candidate_tag_id", "candidate tag not found")
	}
	if slices.Contains(c.TagIDs, t.ID) {
		return c, t, nil, nil
	}
	at := st.stamp(now)
	c.TagIDs = append(c.TagIDs, t.ID)
	c.UpdatedAt, c.LastActivity = at, at
	st.log(c, actor, at, "tag", t.Name, 0)
	return c, t, s.candidateHook(st, c), nil
}

// addCandidate is the page's "Add a candidate": a candidate and an
// application in the job's first stage.
func (s *Server) addCandidate(st *state, now time.Time, name, email string, jobID int64) (*application, []byte, error) {
	name = strings.Join(strings.Fields(name), " ")
	email = strings.TrimSpace(email)
	j := st.jobByID[jobID]
	if name == "" || utf8.RuneCountInString(name) > 120 {
		return nil, nil, invalid("name", "Enter the candidate's name (up to 120 characters).")
	}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email || len(email) > 200 {
		return nil, nil, invalid("email", "Enter a valid email address, e.g. name@example.com.")
	}
	if j == nil || st.firstStage(j.ID) == nil {
		return nil, nil, invalid("job", "Choose a position.")
	}
	first, last, _ := strings.Cut(name, " ")
	t := st.stamp(now)
	c := &candidate{ID: st.newID(), FirstName: first, LastName: last, Emails: []contact{{Value: email, Type: "personal"}},
		RecruiterID: j.RecruiterID, CreatedAt: t, UpdatedAt: t, LastActivity: t}
	a := &application{ID: st.newID(), CandidateID: c.ID, JobID: j.ID, StageID: st.firstStage(j.ID).ID, Status: statusActive,
		SourceID: firstSourceID + 7, Source: "Added on the sandbox page", AppliedAt: t, LastActivityAt: t, Answers: []answer{}}
	st.Candidates = append(st.Candidates, c)
	st.candByID[c.ID] = c
	st.Applications = append(st.Applications, a)
	st.addAppIndex(a)
	return a, s.applicationHook(st, "new_candidate_application", a), nil
}
