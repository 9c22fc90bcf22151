package merge

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// writeResponse is what Merge answers to POST and PATCH: the model as
// created, plus warnings (kept) and errors (the write failed).
type writeResponse struct {
	Model struct {
		ID string `json:"id"`
	} `json:"model"`
	Warnings []problem `json:"warnings"`
	Errors   []problem `json:"errors"`
}

// write performs one write with {"model":…, "remote_user_id":…}. It is
// sent once; Merge's errors[] become an InvalidInputError even on 2xx.
func (c *Client) write(ctx context.Context, method, path, op string, body map[string]any) (ats.WriteResult, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: method, Path: path, OpName: op, JSON: body})
	if err != nil {
		return ats.WriteResult{}, err
	}
	var wr writeResponse
	_ = json.Unmarshal(resp.Body, &wr) // bodies vary; id, warnings and errors are optional
	if len(wr.Errors) > 0 {
		iie, code := invalidInput(wr.Errors)
		return ats.WriteResult{}, &ats.Error{Provider: Name, Op: method + " " + op, Status: resp.Status, Code: code,
			Message: iie.VendorMessage, Err: iie}
	}
	res := ats.WriteResult{RemoteID: wr.Model.ID}
	for _, w := range wr.Warnings {
		res.Warnings = append(res.Warnings, w.text())
	}
	return res, nil
}

func need(op, what, v string) error {
	if strings.TrimSpace(v) == "" {
		return ats.Invalid(Name, op, what+" is required")
	}
	return nil
}

// actor returns the acting RemoteUser id every Merge write carries.
func (c *Client) actor(op string) (string, error) {
	if c.cfg.ActingUserID == "" {
		return "", ats.NotConfigured(Name, op, "writes to Merge need a remote user id (pick the acting user in the connection settings)")
	}
	return c.cfg.ActingUserID, nil
}

// candidateFor returns candidateID, or looks up the application's
// candidate when only the application is known (GET /applications/{id}).
func (c *Client) candidateFor(ctx context.Context, op, candidateID, applicationID string) (string, error) {
	if candidateID != "" {
		return candidateID, nil
	}
	if applicationID == "" {
		return "", ats.Invalid(Name, op, "a candidate id (or an application id) is required")
	}
	var a struct {
		Candidate ref `json:"candidate"`
	}
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/applications/" + pathEsc(applicationID), OpName: "/applications/{id}"})
	if err != nil {
		return "", err
	}
	if err := c.http.DecodeJSON(resp, &a); err != nil {
		return "", err
	}
	if a.Candidate.ID == "" {
		return "", &ats.Error{Provider: Name, Op: op, Message: "application " + applicationID + " has no candidate", Err: ats.ErrNotFound}
	}
	return a.Candidate.ID, nil
}

// visibility maps the hint to Merge's enum (default PUBLIC: visible to
// the hiring team, as for Greenhouse).
func visibility(v string) string {
	switch strings.ToLower(v) {
	case "private":
		return "PRIVATE"
	case "admin_only":
		return "ADMIN_ONLY"
	}
	return "PUBLIC"
}

// note posts an Activity of type NOTE on the candidate.
func (c *Client) note(ctx context.Context, op, candidateID, subject, body, vis string) (ats.WriteResult, error) {
	user, err := c.actor(op)
	if err != nil {
		return ats.WriteResult{}, err
	}
	m := map[string]any{"user": user, "activity_type": "NOTE", "body": body, "visibility": visibility(vis), "candidate": candidateID}
	if subject != "" {
		m["subject"] = subject
	}
	return c.write(ctx, http.MethodPost, "/activities", "/activities", map[string]any{"model": m, "remote_user_id": user})
}

// AddNote posts a plain-text note (POST /activities, activity_type NOTE)
// on the candidate; Merge has no application notes.
func (c *Client) AddNote(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	if err := need("note", "note body", in.Body); err != nil {
		return ats.WriteResult{}, err
	}
	if _, err := c.actor("note"); err != nil {
		return ats.WriteResult{}, err
	}
	cand, err := c.candidateFor(ctx, "note", in.CandidateID, in.ApplicationID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return c.note(ctx, "note", cand, "", in.Body, in.Visibility)
}

// ResultLinkBody renders a result link as note text: label, URL, then
// one "key: value" line per attribute.
func ResultLinkBody(in ats.ResultLink) string {
	var b strings.Builder
	b.WriteString(in.Label)
	b.WriteString(": ")
	b.WriteString(in.URL)
	for _, kv := range in.Attributes {
		b.WriteString("\n")
		b.WriteString(kv.Key)
		b.WriteString(": ")
		b.WriteString(kv.Value)
	}
	return b.String()
}

// AddResultLink writes the link as a candidate note, Merge's nearest
// equivalent (it has no link field): subject = label, body = label, URL and
// attributes.
func (c *Client) AddResultLink(ctx context.Context, in ats.ResultLink) (ats.WriteResult, error) {
	for _, e := range []error{need("result link", "label", in.Label), need("result link", "url", in.URL)} {
		if e != nil {
			return ats.WriteResult{}, e
		}
	}
	if _, err := c.actor("result link"); err != nil {
		return ats.WriteResult{}, err
	}
	cand, err := c.candidateFor(ctx, "result link", in.CandidateID, in.ApplicationID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return c.note(ctx, "result link", cand, in.Label, ResultLinkBody(in), "")
}

// AddAttachment creates an Attachment on the candidate from a URL Merge
// downloads (POST /attachments {file_name, file_url, candidate,
// attachment_type}). Merge takes no file bytes: in.URL is required.
func (c *Client) AddAttachment(ctx context.Context, in ats.Attachment) (ats.WriteResult, error) {
	if err := need("attachment", "file name", in.Name); err != nil {
		return ats.WriteResult{}, err
	}
	if strings.TrimSpace(in.URL) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment",
			"Merge downloads attachments from a URL: a link to the file that Merge can reach is required (file bytes cannot be uploaded)")
	}
	user, err := c.actor("attachment")
	if err != nil {
		return ats.WriteResult{}, err
	}
	cand, err := c.candidateFor(ctx, "attachment", in.CandidateID, in.ApplicationID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	typ := "OTHER"
	switch in.Kind {
	case ats.AttachmentResume:
		typ = "RESUME"
	case ats.AttachmentCoverLetter:
		typ = "COVER_LETTER"
	}
	return c.write(ctx, http.MethodPost, "/attachments", "/attachments", map[string]any{
		"model":          map[string]any{"file_name": in.Name, "file_url": in.URL, "candidate": cand, "attachment_type": typ},
		"remote_user_id": user,
	})
}

// MoveToStage moves the application (POST /applications/{id}/change-stage
// {job_interview_stage, remote_user_id}); the stage must belong to the
// application's job.
func (c *Client) MoveToStage(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	if err := need("move", "application id", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := need("move", "stage id", in.ToStageID); err != nil {
		return ats.WriteResult{}, err
	}
	user, err := c.actor("move")
	if err != nil {
		return ats.WriteResult{}, err
	}
	return c.write(ctx, http.MethodPost, "/applications/"+pathEsc(in.ApplicationID)+"/change-stage", "/applications/{id}/change-stage",
		map[string]any{"job_interview_stage": in.ToStageID, "remote_user_id": user})
}

// Reject is not possible through Merge.
func (c *Client) Reject(context.Context, ats.Rejection) (ats.WriteResult, error) {
	return ats.WriteResult{}, declared.Check(ats.ActionReject)
}

// AddTag adds a tag by name. Merge's PATCH /candidates/{id} replaces the
// whole tags array, so the candidate is read first (GET /candidates/{id})
// and written back with the tag appended; nothing is written when the tag
// is already there.
func (c *Client) AddTag(ctx context.Context, in ats.TagAssignment) (ats.WriteResult, error) {
	if err := need("tag", "candidate id", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = strings.TrimSpace(in.TagID) // Merge tag ids are their names
	}
	if name == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "tag", "tag name is required")
	}
	user, err := c.actor("tag")
	if err != nil {
		return ats.WriteResult{}, err
	}
	path := "/candidates/" + pathEsc(in.CandidateID)
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: path, OpName: "/candidates/{id}"})
	if err != nil {
		return ats.WriteResult{}, err
	}
	var cand struct {
		ID   string   `json:"id"`
		Tags []string `json:"tags"`
	}
	if err := c.http.DecodeJSON(resp, &cand); err != nil {
		return ats.WriteResult{}, err
	}
	if slices.ContainsFunc(cand.Tags, func(t string) bool { return strings.EqualFold(t, name) }) {
		return ats.WriteResult{RemoteID: name}, nil
	}
	tags := append(slices.Clone(cand.Tags), name)
	res, err := c.write(ctx, http.MethodPatch, path, "/candidates/{id}",
		map[string]any{"model": map[string]any{"tags": tags}, "remote_user_id": user})
	if err != nil {
		return res, err
	}
	res.RemoteID = name
	return res, nil
}
