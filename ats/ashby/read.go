package ashby

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// maxPages guards against a cursor that never ends.
const maxPages = 100000

// tokenScope carries an incremental read's UpdatedAfter and the newest
// updatedAt seen on the pages (the conversion callbacks observe it).
type tokenScope struct {
	since   time.Time
	maxSeen time.Time
}

func (t *tokenScope) observe(u time.Time) {
	if t != nil && u.After(t.maxSeen) {
		t.maxSeen = u
	}
}

// listRaw pages method with {limit, cursor[, syncToken]} in the body and
// hands each page's raw rows to fn. With a tokenScope, the syncToken
// remembered from an earlier pass is sent when that pass had seen nothing
// newer than since (so the delta since the token covers every row changed
// after since); "sync_token_expired" drops it and restarts a full pass.
// The syncToken of the last page is remembered with the newest updatedAt
// seen so far.
func (c *Client) listRaw(ctx context.Context, method string, extra map[string]any, read bool, sc *tokenScope, fn func([]json.RawMessage) error) error {
	token := ""
	var prevSeen time.Time
	if sc != nil && !sc.since.IsZero() {
		c.mu.Lock()
		if t, ok := c.syncTokens[method]; ok && !t.maxSeen.After(sc.since) {
			token, prevSeen = t.token, t.maxSeen
		}
		c.mu.Unlock()
	}
	cursor := ""
	seen := map[string]bool{}
	for page := 0; page < maxPages; page++ {
		body := map[string]any{"limit": c.pageSize}
		for k, v := range extra {
			body[k] = v
		}
		if cursor != "" {
			body["cursor"] = cursor
		}
		if token != "" {
			body["syncToken"] = token
		}
		var env envelope
		err := c.call(ctx, method, body, read, &env)
		var e *ats.Error
		if err != nil && token != "" && errors.As(err, &e) && e.Code == codeSyncTokenExpired {
			c.mu.Lock()
			delete(c.syncTokens, method)
			c.mu.Unlock()
			token, cursor, seen, prevSeen = "", "", map[string]bool{}, time.Time{}
			continue
		}
		if err != nil {
			return err
		}
		var rows []json.RawMessage
		if r := strings.TrimSpace(string(env.Results)); r != "" && r != "null" {
			if err := json.Unmarshal(env.Results, &rows); err != nil {
				return malformed("POST /"+method, "invalid JSON in response: results is not a list: "+err.Error())
			}
		}
		if err := fn(rows); err != nil {
			return err
		}
		if !env.MoreDataAvailable || env.NextCursor == "" {
			if env.SyncToken != "" && sc != nil {
				seenMax := sc.maxSeen
				if prevSeen.After(seenMax) {
					seenMax = prevSeen
				}
				c.mu.Lock()
				c.syncTokens[method] = syncToken{token: env.SyncToken, maxSeen: seenMax}
				c.mu.Unlock()
			}
			return nil
		}
		if seen[env.NextCursor] {
			return malformed("POST /"+method, "paging loop: cursor repeats")
		}
		seen[env.NextCursor] = true
		cursor = env.NextCursor
	}
	return malformed("POST /"+method, "too many pages")
}

// list decodes every page into T and maps it with conv (ok=false drops a
// row); empty pages are not passed to fn.
func list[T, U any](ctx context.Context, c *Client, method string, extra map[string]any, sc *tokenScope,
	conv func(T, json.RawMessage) (U, bool), fn func([]U) error) error {
	return c.listRaw(ctx, method, extra, true, sc, func(rows []json.RawMessage) error {
		out := make([]U, 0, len(rows))
		for _, raw := range rows {
			var w T
			if err := json.Unmarshal(raw, &w); err != nil {
				return malformed("POST /"+method, "invalid JSON in response: "+err.Error())
			}
			if u, ok := conv(w, raw); ok {
				out = append(out, u)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

type syncToken struct {
	token   string
	maxSeen time.Time // newest updatedAt seen by the passes up to this token
}

// after reports whether t passes the UpdatedAfter filter.
func after(o ats.ListOptions, t time.Time) bool {
	return o.UpdatedAfter.IsZero() || !t.Before(o.UpdatedAfter)
}

type idRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type wireJob struct {
	ID                     string       `json:"id"`
	Title                  string       `json:"title"`
	Status                 string       `json:"status"`
	DepartmentID           string       `json:"departmentId"`
	LocationID             string       `json:"locationId"`
	JobPostingIDs          []string     `json:"jobPostingIds"`
	InterviewPlanIDs       []string     `json:"interviewPlanIds"`
	DefaultInterviewPlanID string       `json:"defaultInterviewPlanId"`
	CreatedAt              ats.FlexTime `json:"createdAt"`
	UpdatedAt              ats.FlexTime `json:"updatedAt"`
}

func (j wireJob) planIDs() []string {
	var out []string
	seen := map[string]bool{}
	for _, id := range append([]string{j.DefaultInterviewPlanID}, j.InterviewPlanIDs...) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

type wirePosting struct {
	DescriptionHTML           string `json:"descriptionHtml"`
	DepartmentName            string `json:"departmentName"`
	LocationName              string `json:"locationName"`
	ApplicationFormDefinition struct {
		Sections []struct {
			Fields []struct {
				IsRequired bool `json:"isRequired"`
				Field      struct {
					ID               string `json:"id"`
					Type             string `json:"type"`
					Path             string `json:"path"`
					Title            string `json:"title"`
					SelectableValues []struct {
						Label string `json:"label"`
						Value string `json:"value"`
					} `json:"selectableValues"`
				} `json:"field"`
			} `json:"fields"`
		} `json:"sections"`
	} `json:"applicationFormDefinition"`
}

var jobStatus = map[string]ats.JobStatus{
	"open": ats.JobOpen, "closed": ats.JobClosed, "draft": ats.JobDraft, "archived": ats.JobArchived,
}

var questionTypes = map[string]ats.QuestionType{
	"string": ats.QuestionText, "email": ats.QuestionText, "phone": ats.QuestionText, "url": ats.QuestionText,
	"longtext": ats.QuestionLongText, "richtext": ats.QuestionLongText,
	"valueselect": ats.QuestionSingleChoice, "multivalueselect": ats.QuestionMultiChoice,
	"boolean": ats.QuestionYesNo, "number": ats.QuestionNumber, "date": ats.QuestionDate,
	"file": ats.QuestionFile,
}

// ListJobs implements ats.Reader from job.list. Description and screening
// questions come from jobPosting.info of the job's first posting; a
// posting that cannot be read (not found) leaves them empty. Ashby system
// fields (path "_systemfield_*": name, email, resume…) are not questions.
func (c *Client) ListJobs(ctx context.Context, o ats.ListOptions, fn func([]ats.Job) error) error {
	return c.listRaw(ctx, "job.list", nil, true, nil, func(rows []json.RawMessage) error {
		out := make([]ats.Job, 0, len(rows))
		for _, raw := range rows {
			var w wireJob
			if err := json.Unmarshal(raw, &w); err != nil {
				return malformed("POST /job.list", "invalid JSON in response: "+err.Error())
			}
			if !after(o, w.UpdatedAt.Time) {
				continue
			}
			st, ok := jobStatus[strings.ToLower(w.Status)]
			if !ok {
				st = ats.JobUnknown
			}
			j := ats.Job{ID: w.ID, RemoteID: w.ID, Title: w.Title, Status: st, Department: w.DepartmentID,
				Location: w.LocationID, CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
			if len(w.JobPostingIDs) > 0 {
				if err := c.addPosting(ctx, &j, w.JobPostingIDs[0]); err != nil {
					return err
				}
			}
			out = append(out, j)
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

func (c *Client) addPosting(ctx context.Context, j *ats.Job, postingID string) error {
	var env envelope
	if err := c.call(ctx, "jobPosting.info", map[string]any{"jobPostingId": postingID}, true, &env); err != nil {
		if errors.Is(err, ats.ErrNotFound) {
			return nil
		}
		return err
	}
	var p wirePosting
	if err := json.Unmarshal(env.Results, &p); err != nil {
		return malformed("POST /jobPosting.info", "invalid JSON in response: "+err.Error())
	}
	j.DescriptionHTML = p.DescriptionHTML
	j.DescriptionText = ats.HTMLToText(p.DescriptionHTML)
	if p.DepartmentName != "" {
		j.Department = p.DepartmentName
	}
	if p.LocationName != "" {
		j.Location = p.LocationName
	}
	for _, s := range p.ApplicationFormDefinition.Sections {
		for _, f := range s.Fields {
			if f.Field.ID == "" || strings.HasPrefix(f.Field.Path, "_systemfield_") {
				continue
			}
			qt, ok := questionTypes[strings.ToLower(f.Field.Type)]
			if !ok {
				qt = ats.QuestionUnknown
			}
			q := ats.Question{ID: f.Field.ID, Label: f.Field.Title, Type: qt, Required: f.IsRequired}
			for _, v := range f.Field.SelectableValues {
				q.Options = append(q.Options, ats.Option{ID: v.Value, Label: v.Label})
			}
			j.ScreeningQuestions = append(j.ScreeningQuestions, q)
		}
	}
	return nil
}

type wireStage struct {
	ID                   string `json:"id"`
	Title                string `json:"title"`
	Type                 string `json:"type"`
	OrderInInterviewPlan int    `json:"orderInInterviewPlan"`
	InterviewPlanID      string `json:"interviewPlanId"`
}

var stageKinds = map[string]ats.StageKind{
	"archived": ats.StageKindRejected, "hired": ats.StageKindHired, "lead": ats.StageKindInbox,
	"preinterviewscreen": ats.StageKindInbox, "active": ats.StageKindActive, "offer": ats.StageKindActive,
}

// ListStages implements ats.Reader: for every job (job.list), the stages
// of each of its interview plans (interviewStage.list {interviewPlanId}).
// A plan shared by several jobs is reported once, under the first job.
func (c *Client) ListStages(ctx context.Context, _ ats.ListOptions, fn func([]ats.Stage) error) error {
	seenPlan := map[string]bool{}
	return c.listRaw(ctx, "job.list", nil, true, nil, func(rows []json.RawMessage) error {
		for _, raw := range rows {
			var w wireJob
			if err := json.Unmarshal(raw, &w); err != nil {
				return malformed("POST /job.list", "invalid JSON in response: "+err.Error())
			}
			for _, plan := range w.planIDs() {
				if seenPlan[plan] {
					continue
				}
				seenPlan[plan] = true
				jobID := w.ID
				err := list(ctx, c, "interviewStage.list", map[string]any{"interviewPlanId": plan}, nil,
					func(s wireStage, raw json.RawMessage) (ats.Stage, bool) {
						return ats.Stage{ID: s.ID, RemoteID: s.ID, Name: s.Title, Order: s.OrderInInterviewPlan, JobID: jobID,
							Kind: stageKinds[strings.ToLower(s.Type)], Active: true, Raw: raw}, s.ID != ""
					}, fn)
				if err != nil {
					return err
				}
			}
		}
		return nil
	})
}

type wireContact struct {
	Value string `json:"value"`
}

type wireCandidate struct {
	ID                  string        `json:"id"`
	Name                string        `json:"name"`
	PrimaryEmailAddress *wireContact  `json:"primaryEmailAddress"`
	EmailAddresses      []wireContact `json:"emailAddresses"`
	PrimaryPhoneNumber  *wireContact  `json:"primaryPhoneNumber"`
	PhoneNumbers        []wireContact `json:"phoneNumbers"`
	Tags                []idRef       `json:"tags"`
	CreatedAt           ats.FlexTime  `json:"createdAt"`
	UpdatedAt           ats.FlexTime  `json:"updatedAt"`
}

func contacts(primary *wireContact, all []wireContact) []string {
	var out []string
	seen := map[string]bool{}
	add := func(v string) {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	if primary != nil {
		add(primary.Value)
	}
	for _, x := range all {
		add(x.Value)
	}
	return out
}

// ListCandidates implements ats.Reader from candidate.list (syncToken +
// client-side updatedAt filter for UpdatedAfter).
func (c *Client) ListCandidates(ctx context.Context, o ats.ListOptions, fn func([]ats.Candidate) error) error {
	sc := &tokenScope{since: o.UpdatedAfter}
	return list(ctx, c, "candidate.list", nil, sc,
		func(w wireCandidate, raw json.RawMessage) (ats.Candidate, bool) {
			sc.observe(w.UpdatedAt.Time)
			if w.ID == "" || !after(o, w.UpdatedAt.Time) {
				return ats.Candidate{}, false
			}
			first, last, _ := strings.Cut(strings.TrimSpace(w.Name), " ")
			cd := ats.Candidate{ID: w.ID, RemoteID: w.ID, FirstName: first, LastName: strings.TrimSpace(last),
				Emails: contacts(w.PrimaryEmailAddress, w.EmailAddresses), Phones: contacts(w.PrimaryPhoneNumber, w.PhoneNumbers),
				CreatedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
			for _, t := range w.Tags {
				cd.Tags = append(cd.Tags, ats.Tag{ID: t.ID, RemoteID: t.ID, Name: t.Title})
			}
			return cd, true
		}, fn)
}

type wireApplication struct {
	ID                    string     `json:"id"`
	Status                string     `json:"status"`
	Candidate             idRef      `json:"candidate"`
	Job                   idRef      `json:"job"`
	CurrentInterviewStage *wireStage `json:"currentInterviewStage"`
	ArchiveReason         *struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"archiveReason"`
	ArchivedAt ats.FlexTime `json:"archivedAt"`
	CreatedAt  ats.FlexTime `json:"createdAt"`
	UpdatedAt  ats.FlexTime `json:"updatedAt"`
}

// ListApplications implements ats.Reader from application.list (syncToken
// + client-side updatedAt filter for UpdatedAfter). Status Archived is
// rejected, Hired hired, everything else (Active, Lead) active.
func (c *Client) ListApplications(ctx context.Context, o ats.ListOptions, fn func([]ats.Application) error) error {
	sc := &tokenScope{since: o.UpdatedAfter}
	return list(ctx, c, "application.list", nil, sc,
		func(w wireApplication, raw json.RawMessage) (ats.Application, bool) {
			sc.observe(w.UpdatedAt.Time)
			if w.ID == "" || !after(o, w.UpdatedAt.Time) {
				return ats.Application{}, false
			}
			a := ats.Application{ID: w.ID, RemoteID: w.ID, CandidateID: w.Candidate.ID, JobID: w.Job.ID,
				Status: ats.ApplicationActive, AppliedAt: w.CreatedAt.Time, UpdatedAt: w.UpdatedAt.Time, Raw: raw}
			if s := w.CurrentInterviewStage; s != nil {
				a.StageID, a.StageName = s.ID, s.Title
			}
			switch strings.ToLower(w.Status) {
			case "archived":
				a.Status = ats.ApplicationRejected
				a.RejectedAt = w.ArchivedAt.Time
				if w.ArchiveReason != nil {
					a.RejectionReasonID, a.RejectionReasonName = w.ArchiveReason.ID, w.ArchiveReason.Text
				}
			case "hired":
				a.Status = ats.ApplicationHired
			}
			return a, true
		}, fn)
}

// ListTags implements ats.Reader from candidateTag.list.
func (c *Client) ListTags(ctx context.Context, _ ats.ListOptions, fn func([]ats.Tag) error) error {
	return list(ctx, c, "candidateTag.list", nil, nil, func(w idRef, raw json.RawMessage) (ats.Tag, bool) {
		return ats.Tag{ID: w.ID, RemoteID: w.ID, Name: w.Title, Raw: raw}, w.ID != ""
	}, fn)
}

// ListRejectionReasons implements ats.Reader from archiveReason.list.
func (c *Client) ListRejectionReasons(ctx context.Context, _ ats.ListOptions, fn func([]ats.RejectionReason) error) error {
	return list(ctx, c, "archiveReason.list", nil, nil, func(w struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	}, raw json.RawMessage) (ats.RejectionReason, bool) {
		return ats.RejectionReason{ID: w.ID, RemoteID: w.ID, Name: w.Text, Raw: raw}, w.ID != ""
	}, fn)
}

// ListUsers implements ats.Reader from user.list.
func (c *Client) ListUsers(ctx context.Context, _ ats.ListOptions, fn func([]ats.User) error) error {
	return list(ctx, c, "user.list", nil, nil, func(w struct {
		ID        string `json:"id"`
		FirstName string `json:"firstName"`
		LastName  string `json:"lastName"`
		Email     string `json:"email"`
	}, raw json.RawMessage) (ats.User, bool) {
		return ats.User{ID: w.ID, RemoteID: w.ID, Name: strings.TrimSpace(w.FirstName + " " + w.LastName), Email: w.Email, Raw: raw}, w.ID != ""
	}, fn)
}
