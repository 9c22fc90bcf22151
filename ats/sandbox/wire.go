package sandbox

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strconv"
	"time"

	"github.com/hireloop/hireloop/ats"
	"github.com/hireloop/hireloop/ats/greenhouse/harvestv3"
)

// Harvest v3 wire shapes (harvestv3, shared with the connector's fake),
// rendered from the model on every request, and the webhook payloads
// (hooks.go), which are not part of Harvest and keep the shapes of
// Greenhouse's webhook docs and shared/reference/samples
// (greenhouse-webhook-candidate-stage-change.json).

func ft(t time.Time) ats.FlexTime { return ats.FlexTime{Time: t} }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func signHex(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type wNamed struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

func int64Ptr(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

// stageReading is how the sandbox fills an application's stage: stage_id
// is the application_stages row and job_interview_stage_id the stage, the
// reading the connector must survive (see harvestv3.StageReading).
const stageReading = harvestv3.StageRowWithDefinition

func v3Job(j *job) harvestv3.Job {
	return harvestv3.Job{ID: j.ID, Name: j.Title, RequisitionID: strPtr(j.Requisition), Status: j.Status,
		DepartmentID: int64Ptr(j.DeptID), OfficeIDs: []int64{j.OfficeID}, CreatedAt: ft(j.CreatedAt), UpdatedAt: ft(j.UpdatedAt),
		OpenedAt: ft(j.OpenedAt)}
}

// departments and offices are the ones the jobs name, in job order.
func (st *state) departments() []harvestv3.Department {
	var out []harvestv3.Department
	seen := map[int64]bool{}
	for _, j := range st.Jobs {
		if !seen[j.DeptID] {
			seen[j.DeptID] = true
			out = append(out, harvestv3.Department{ID: j.DeptID, Name: j.Department, CreatedAt: ft(st.SeededAt), UpdatedAt: ft(st.SeededAt)})
		}
	}
	return out
}

func (st *state) offices() []harvestv3.Office {
	var out []harvestv3.Office
	seen := map[int64]bool{}
	for _, j := range st.Jobs {
		if !seen[j.OfficeID] {
			seen[j.OfficeID] = true
			out = append(out, harvestv3.Office{ID: j.OfficeID, Name: j.Office, Location: harvestv3.OfficeLocation{Name: j.Location},
				CreatedAt: ft(st.SeededAt), UpdatedAt: ft(st.SeededAt)})
		}
	}
	return out
}

// wirePost is the job's post: content and questions[] (Harvest option
// values are account-wide integers; boolean options are 0 and 1).
func wirePost(j *job) harvestv3.JobPost {
	p := harvestv3.JobPost{ID: j.PostID, Title: j.Title, JobID: j.ID, Live: j.Status == "open", Active: true, External: true,
		Content: j.PostContent, CreatedAt: ft(j.PostCreated), UpdatedAt: ft(j.PostUpdated), Questions: []harvestv3.Question{}}
	for qi, q := range j.Questions {
		wq := harvestv3.Question{Required: q.Required, Label: q.Label, Name: q.Name, Type: q.Type, Values: []harvestv3.QuestionValue{}}
		for k, o := range q.Options {
			v := int64(k)
			if q.Type != "boolean" {
				v = j.PostID%1000*1000 + int64(qi*10+k) + 860000
			}
			wq.Values = append(wq.Values, harvestv3.QuestionValue{Value: v, Label: o})
		}
		p.Questions = append(p.Questions, wq)
	}
	return p
}

func v3Stage(s *stage) harvestv3.Stage {
	return harvestv3.Stage{ID: s.ID, Name: s.Name, JobID: s.JobID, SortOrder: s.Priority, Active: true,
		CreatedAt: ft(s.CreatedAt), UpdatedAt: ft(s.UpdatedAt)}
}

func contacts(cs []contact) []harvestv3.Contact {
	out := make([]harvestv3.Contact, 0, len(cs))
	for _, c := range cs {
		out = append(out, harvestv3.Contact{Value: c.Value, Type: c.Type})
	}
	return out
}

func v3Candidate(c *candidate) harvestv3.Candidate {
	return harvestv3.Candidate{ID: c.ID, FirstName: c.FirstName, LastName: c.LastName, Company: strPtr(c.Company), Title: strPtr(c.Title),
		CreatedAt: ft(c.CreatedAt), UpdatedAt: ft(c.UpdatedAt), LastActivityAt: ft(c.LastActivity),
		PhoneNumbers: contacts(c.Phones), EmailAddresses: contacts(c.Emails)}
}

// stageRow is the application's current application_stages row: it
// changes with every move; states saved before rows existed get one
// derived from the application.
func (a *application) stageRow() int64 {
	if a.StageRow != 0 {
		return a.StageRow
	}
	return 500_000_000 + a.ID
}

func (st *state) v3Application(a *application) harvestv3.Application {
	w := harvestv3.Application{ID: a.ID, CandidateID: a.CandidateID, JobID: a.JobID, Status: a.Status,
		CreatedAt: ft(a.AppliedAt), UpdatedAt: ft(a.LastActivityAt), LastActivityAt: ft(a.LastActivityAt), RejectedAt: ft(a.RejectedAt),
		Answers: []harvestv3.Answer{}}
	if j := st.jobByID[a.JobID]; j != nil {
		w.JobPostID = int64Ptr(j.PostID)
	}
	for _, an := range a.Answers {
		w.Answers = append(w.Answers, harvestv3.Answer{Question: an.Question, Answer: an.Answer})
	}
	w.SetStage(stageReading, a.StageID, a.stageRow())
	return w
}

func v3RejectionDetail(a *application) harvestv3.RejectionDetail {
	return harvestv3.RejectionDetail{ID: a.ID, ApplicationID: a.ID, RejectionReasonID: int64Ptr(a.ReasonID),
		RejectedAt: ft(a.RejectedAt), CreatedAt: ft(a.RejectedAt), UpdatedAt: ft(a.RejectedAt)}
}

// appliedTag is a tag on a candidate; its id is derived from the
// candidate and the tag's position, which never changes (tags are only
// added).
func appliedTag(c *candidate, t *tag) harvestv3.AppliedTag {
	i := 0
	for k, id := range c.TagIDs {
		if id == t.ID {
			i = k
		}
	}
	return harvestv3.AppliedTag{ID: c.ID*1000 + int64(i+1), CandidateID: c.ID, CandidateTagID: t.ID, CreatedAt: ft(c.CreatedAt)}
}

func (st *state) appliedTags() []harvestv3.AppliedTag {
	var out []harvestv3.AppliedTag
	for _, c := range st.Candidates {
		for _, id := range c.TagIDs {
			if t := st.tagByID[id]; t != nil {
				out = append(out, appliedTag(c, t))
			}
		}
	}
	return out
}

func v3User(u *user) harvestv3.User {
	return harvestv3.User{ID: u.ID, Name: u.name(), FirstName: u.FirstName, LastName: u.LastName, PrimaryEmail: u.Email,
		SiteAdmin: u.SiteAdmin, CreatedAt: ft(u.CreatedAt), UpdatedAt: ft(u.UpdatedAt)}
}

func v3Note(n *note) harvestv3.Note {
	return harvestv3.Note{ID: n.ID, CandidateID: n.CandidateID, ApplicationID: int64Ptr(n.ApplicationID), UserID: n.UserID,
		Body: n.Body, NoteType: "NOTE", Visibility: n.Visibility, CreatedAt: ft(n.CreatedAt), UpdatedAt: ft(n.CreatedAt)}
}

func (s *Server) v3Attachment(a *attachment) harvestv3.Attachment {
	return harvestv3.Attachment{ID: a.ID, ApplicationID: a.ApplicationID, CandidateID: a.CandidateID, Filename: a.Filename,
		Type: a.Type, URL: s.fileURL(a), CreatedAt: ft(a.CreatedAt)}
}
