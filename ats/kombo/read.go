package kombo

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// page is data of a list response.
type page struct {
	Next    *string           `json:"next"`
	Results []json.RawMessage `json:"results"`
}

// common fields of every Kombo model.
type common struct {
	ID              string       `json:"id"`
	RemoteID        ats.FlexID   `json:"remote_id"`
	ChangedAt       ats.FlexTime `json:"changed_at"`
	RemoteDeletedAt ats.FlexTime `json:"remote_deleted_at"`
	RemoteCreatedAt ats.FlexTime `json:"remote_created_at"`
	RemoteUpdatedAt ats.FlexTime `json:"remote_updated_at"`
}

// listRaw pages a Kombo list endpoint with cursors.
func (c *Client) listRaw(ctx context.Context, path string, o ats.ListOptions, fn func([]json.RawMessage) error) error {
	q := url.Values{"page_size": {strconv.Itoa(c.pageSize)}}
	if !o.UpdatedAfter.IsZero() {
		q.Set("updated_after", o.UpdatedAfter.UTC().Format("2006-01-02T15:04:05.000Z"))
	}
	if o.IncludeDeleted {
		q.Set("include_deleted", "true")
	}
	return c.http.EachRowsPage(ctx, ats.Request{Method: http.MethodGet, Path: path, Query: q}, "cursor",
		func(r *ats.Response) (*string, []json.RawMessage, error) {
			var env envelope[page]
			err := c.http.DecodeJSON(r, &env)
			return env.Data.Next, env.Data.Results, err
		}, fn)
}

func list[T, U any](ctx context.Context, c *Client, path string, o ats.ListOptions, conv func(T, json.RawMessage) (U, bool), fn func([]U) error) error {
	return c.listRaw(ctx, path, o, ats.DecodePages(Name, "GET "+path, conv, fn))
}

type wireStage struct {
	ID       string     `json:"id"`
	RemoteID ats.FlexID `json:"remote_id"`
	Name     string     `json:"name"`
	Index    *int       `json:"index"`
}

type wireQuestion struct {
	ID       string          `json:"id"`
	RemoteID ats.FlexID      `json:"remote_id"`
	Title    string          `json:"title"`
	Required *bool           `json:"required"`
	Format   json.RawMessage `json:"format"`
	Type     string          `json:"type"`
	Options  []wireOption    `json:"options"`
}

type wireOption struct {
	ID       string     `json:"id"`
	RemoteID ats.FlexID `json:"remote_id"`
	Name     string     `json:"name"`
	Label    string     `json:"label"`
}

type wireJob struct {
	common
	Name               string          `json:"name"`
	Description        *string         `json:"description"`
	Status             string          `json:"status"`
	Department         json.RawMessage `json:"department"`
	Location           json.RawMessage `json:"location"`
	Stages             []wireStage     `json:"stages"`
	ScreeningQuestions []wireQuestion  `json:"screening_questions"`
}

func jobStatus(s string) ats.JobStatus {
	switch s {
	case "OPEN":
		return ats.JobOpen
	case "CLOSED":
		return ats.JobClosed
	case "DRAFT":
		return ats.JobDraft
	case "ARCHIVED":
		return ats.JobArchived
	}
	return ats.JobUnknown
}

func stages(w wireJob) []ats.Stage {
	out := make([]ats.Stage, 0, len(w.Stages))
	for i, s := range w.Stages {
		raw, _ := json.Marshal(s)
		order := i
		if s.Index != nil {
			order = *s.Index
		}
		out = append(out, ats.Stage{ID: s.ID, RemoteID: s.RemoteID.String(), Name: s.Name, Order: order, JobID: w.ID,
			Active: true, UpdatedAt: w.ChangedAt.Time, Raw: raw})
	}
	return out
}

func question(q wireQuestion) ats.Question {
	out := ats.Question{ID: q.ID, Label: q.Title, Required: q.Required != nil && *q.Required}
	typ, opts := q.Type, q.Options
	// format is an object {type, options[...]} (or a bare string).
	if len(q.Format) > 0 && q.Format[0] == '{' {
		var f struct {
			Type    string       `json:"type"`
			Options []wireOption `json:"options"`
		}
		if json.Unmarshal(q.Format, &f) == nil {
			typ = f.Type
			if len(f.Options) > 0 {
				opts = f.Options
			}
		}
	} else if len(q.Format) > 0 && q.Format[0] == '"' {
		_ = json.Unmarshal(q.Format, &typ)
	}
	switch strings.ToUpper(typ) {
	case "TEXT":
		out.Type = ats.QuestionText
	case "LONG_TEXT", "TEXTAREA":
		out.Type = ats.QuestionLongText
	case "SINGLE_SELECT":
		out.Type = ats.QuestionSingleChoice
	case "MULTI_SELECT":
		out.Type = ats.QuestionMultiChoice
	case "BOOLEAN", "CHECKBOX":
		out.Type = ats.QuestionYesNo
	case "NUMBER":
		out.Type = ats.QuestionNumber
	case "DATE":
		out.Type = ats.QuestionDate
	case "FILE":
		out.Type = ats.QuestionFile
	default:
		out.Type = ats.QuestionUnknown
	}
	for _, o := range opts {
		label := o.Name
		if label == "" {
			label = o.Label
		}
		out.Options = append(out.Options, ats.Option{ID: o.ID, Label: label})
	}
	return out
}

func jobFromWire(w wireJob, raw json.RawMessage) (ats.Job, bool) {
	j := ats.Job{ID: w.ID, RemoteID: w.RemoteID.String(), Title: w.Name, Status: jobStatus(w.Status),
		Department: ats.FlexName(w.Department), Location: ats.FlexName(w.Location),
		CreatedAt: w.RemoteCreatedAt.Time, UpdatedAt: w.ChangedAt.Time,
		Deleted: !w.RemoteDeletedAt.IsZero(), DeletedAt: w.RemoteDeletedAt.Time, Stages: stages(w), Raw: raw}
	if w.Description != nil {
		j.DescriptionHTML = *w.Description
		j.DescriptionText = ats.HTMLToText(*w.Description)
	}
	for _, q := range w.ScreeningQuestions {
		j.ScreeningQuestions = append(j.ScreeningQuestions, question(q))
	}
	return j, true
}

// ListJobs implements ats.Reader; each job carries its stages.
func (c *Client) ListJobs(ctx context.Context, o ats.ListOptions, fn func([]ats.Job) error) error {
	return list(ctx, c, "/ats/jobs", o, jobFromWire, fn)
}

// ListStages emits jobs[].stages, the stage source Kombo recommends (the
// global application-stages endpoint is deprecated). Stages have no change
// time of their own, so UpdatedAfter is ignored: every job is read.
func (c *Client) ListStages(ctx context.Context, _ ats.ListOptions, fn func([]ats.Stage) error) error {
	return list(ctx, c, "/ats/jobs", ats.ListOptions{}, func(w wireJob, _ json.RawMessage) ([]ats.Stage, bool) {
		return stages(w), true
	}, func(per [][]ats.Stage) error {
		var out []ats.Stage
		for _, s := range per {
			out = append(out, s...)
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

type wireTag struct {
	ID       string     `json:"id"`
	RemoteID ats.FlexID `json:"remote_id"`
	Name     string     `json:"name"`
}

type wireCandidate struct {
	common
	FirstName      string `json:"first_name"`
	LastName       string `json:"last_name"`
	EmailAddresses []struct {
		EmailAddress string `json:"email_address"`
	} `json:"email_addresses"`
	PhoneNumbers []struct {
		PhoneNumber string `json:"phone_number"`
	} `json:"phone_numbers"`
	Tags []wireTag `json:"tags"`
}

// ListCandidates implements ats.Reader.
func (c *Client) ListCandidates(ctx context.Context, o ats.ListOptions, fn func([]ats.Candidate) error) error {
	return list(ctx, c, "/ats/candidates", o, func(w wireCandidate, raw json.RawMessage) (ats.Candidate, bool) {
		cd := ats.Candidate{ID: w.ID, RemoteID: w.RemoteID.String(), FirstName: w.FirstName, LastName: w.LastName,
			CreatedAt: w.RemoteCreatedAt.Time, UpdatedAt: w.ChangedAt.Time,
			Deleted: !w.RemoteDeletedAt.IsZero(), DeletedAt: w.RemoteDeletedAt.Time, Raw: raw}
		for _, e := range w.EmailAddresses {
			if e.EmailAddress != "" {
				cd.Emails = append(cd.Emails, e.EmailAddress)
			}
		}
		for _, p := range w.PhoneNumbers {
			if p.PhoneNumber != "" {
				cd.Phones = append(cd.Phones, p.PhoneNumber)
			}
		}
		for _, t := range w.Tags {
			cd.Tags = append(cd.Tags, ats.Tag{ID: t.ID, RemoteID: t.RemoteID.String(), Name: t.Name})
		}
		return cd, true
	}, fn)
}

type wireApplication struct {
	common
	CandidateID         string       `json:"candidate_id"`
	JobID               string       `json:"job_id"`
	CurrentStageID      *string      `json:"current_stage_id"`
	Outcome             *string      `json:"outcome"`
	RejectionReasonName *string      `json:"rejection_reason_name"`
	RejectedAt          ats.FlexTime `json:"rejected_at"`
	CurrentStage        *wireStage   `json:"current_stage"`
	Answers             []struct {
		Question struct {
			RemoteID ats.FlexID `json:"remote_id"`
			Title    string     `json:"title"`
		} `json:"question"`
		Answer json.RawMessage `json:"answer"`
	} `json:"screening_question_answers"`
}

// answerText renders Kombo's typed answer ({content} | {choice} |
// {choices[]} | {checked} | {number} | {date} | {raw}) as text.
func answerText(raw json.RawMessage) string {
	var a struct {
		Content *string         `json:"content"`
		Choice  *string         `json:"choice"`
		Choices []string        `json:"choices"`
		Checked *bool           `json:"checked"`
		Number  *json.Number    `json:"number"`
		Date    *string         `json:"date"`
		Raw     json.RawMessage `json:"raw"`
	}
	if json.Unmarshal(raw, &a) != nil {
		return strings.Trim(string(raw), `"`)
	}
	switch {
	case a.Content != nil:
		return *a.Content
	case a.Choice != nil:
		return *a.Choice
	case a.Choices != nil:
		return strings.Join(a.Choices, ", ")
	case a.Checked != nil:
		if *a.Checked {
			return "yes"
		}
		return "no"
	case a.Number != nil:
		return a.Number.String()
	case a.Date != nil:
		return *a.Date
	case len(a.Raw) > 0:
		return strings.Trim(string(a.Raw), `"`)
	}
	return ""
}

// ListApplications implements ats.Reader. Kombo's updated_after also
// matches changes to the linked candidate, stage, interviews and offers.
func (c *Client) ListApplications(ctx context.Context, o ats.ListOptions, fn func([]ats.Application) error) error {
	return list(ctx, c, "/ats/applications", o, func(w wireApplication, raw json.RawMessage) (ats.Application, bool) {
		a := ats.Application{ID: w.ID, RemoteID: w.RemoteID.String(), CandidateID: w.CandidateID, JobID: w.JobID,
			RejectionReasonName: deref(w.RejectionReasonName), RejectedAt: w.RejectedAt.Time,
			AppliedAt: w.RemoteCreatedAt.Time, UpdatedAt: w.ChangedAt.Time,
			Deleted: !w.RemoteDeletedAt.IsZero(), DeletedAt: w.RemoteDeletedAt.Time, Raw: raw}
		a.StageID = deref(w.CurrentStageID)
		if w.CurrentStage != nil {
			a.StageName = w.CurrentStage.Name
			if a.StageID == "" {
				a.StageID = w.CurrentStage.ID
			}
		}
		switch deref(w.Outcome) {
		case "HIRED":
			a.Status = ats.ApplicationHired
		case "DECLINED":
			a.Status = ats.ApplicationRejected
		default:
			a.Status = ats.ApplicationActive
			if !a.RejectedAt.IsZero() {
				a.Status = ats.ApplicationRejected
			}
		}
		for _, an := range w.Answers {
			a.Answers = append(a.Answers, ats.Answer{QuestionID: an.Question.RemoteID.String(), Question: an.Question.Title, Value: answerText(an.Answer)})
		}
		return a, true
	}, fn)
}

// ListTags implements ats.Reader.
func (c *Client) ListTags(ctx context.Context, o ats.ListOptions, fn func([]ats.Tag) error) error {
	return list(ctx, c, "/ats/tags", o, func(w wireTag, raw json.RawMessage) (ats.Tag, bool) {
		return ats.Tag{ID: w.ID, RemoteID: w.RemoteID.String(), Name: w.Name, Raw: raw}, true
	}, fn)
}

// ListRejectionReasons implements ats.Reader.
func (c *Client) ListRejectionReasons(ctx context.Context, o ats.ListOptions, fn func([]ats.RejectionReason) error) error {
	return list(ctx, c, "/ats/rejection-reasons", o, func(w wireTag, raw json.RawMessage) (ats.RejectionReason, bool) {
		return ats.RejectionReason{ID: w.ID, RemoteID: w.RemoteID.String(), Name: w.Name, Raw: raw}, true
	}, fn)
}

// ListUsers implements ats.Reader.
func (c *Client) ListUsers(ctx context.Context, o ats.ListOptions, fn func([]ats.User) error) error {
	return list(ctx, c, "/ats/users", o, func(w struct {
		common
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Email     string `json:"email"`
	}, raw json.RawMessage) (ats.User, bool) {
		return ats.User{ID: w.ID, RemoteID: w.RemoteID.String(), Name: strings.TrimSpace(w.FirstName + " " + w.LastName), Email: w.Email, Raw: raw}, true
	}, fn)
}
