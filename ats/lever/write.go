package lever

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// MaxFileBytes is Lever's reported upload limit (30 MB).
const MaxFileBytes = 30 << 20

// writeReq makes one write request with ?perform_as=<ActingUserID>.
func (c *Client) writeReq(ctx context.Context, method, path, opName string, body any, h http.Header) (*ats.Response, error) {
	if err := c.needActor(method + " " + opName); err != nil {
		return nil, err
	}
	return c.http.Do(ctx, ats.Request{
		Method: method, Path: path, OpName: opName, JSON: body, Header: h,
		Query: url.Values{"perform_as": {c.cfg.ActingUserID}},
	})
}

// needActor fails before any request when no acting user is configured.
func (c *Client) needActor(op string) error {
	if c.cfg.ActingUserID == "" {
		return ats.NotConfigured(Name, op,
			"Lever writes need an acting user (perform_as): choose the Lever user hireloop writes as in the connection settings")
	}
	return nil
}

func needID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return ats.Invalid(Name, what, what+" id is required")
	}
	return nil
}

func opportunityPath(id, suffix string) string { return "/opportunities/" + pathID(id) + suffix }

// created extracts data.id (or data.noteId) from a write response.
func created(resp *ats.Response) ats.WriteResult {
	var v struct {
		Data struct {
			ID     string `json:"id"`
			NoteID string `json:"noteId"`
		} `json:"data"`
	}
	_ = json.Unmarshal(resp.Body, &v)
	if v.Data.ID == "" {
		v.Data.ID = v.Data.NoteID
	}
	return ats.WriteResult{RemoteID: v.Data.ID}
}

// AddResultLink adds the URL to the opportunity's links
// (POST /opportunities/{id}/addLinks {links:[url]}). Lever keeps only the
// URL; Label and Attributes are dropped.
func (c *Client) AddResultLink(ctx context.Context, in ats.ResultLink) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if in.URL == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "result link", "result link URL is empty")
	}
	resp, err := c.writeReq(ctx, http.MethodPost, opportunityPath(in.ApplicationID, "/addLinks"), "/opportunities/{id}/addLinks",
		map[string]any{"links": []string{in.URL}}, nil)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return created(resp), nil
}

// AddNote posts a note on the opportunity (POST /opportunities/{id}/notes
// {value, secret}). Visibility "private" or "admin_only" makes it a secret
// note; the default is a normal note the hiring team sees.
func (c *Client) AddNote(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	if in.Body == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "note", "note body is empty")
	}
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	body := map[string]any{"value": in.Body}
	if in.Visibility == "private" || in.Visibility == "admin_only" {
		body["secret"] = true
	}
	resp, err := c.writeReq(ctx, http.MethodPost, opportunityPath(in.ApplicationID, "/notes"), "/opportunities/{id}/notes", body, nil)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return created(resp), nil
}

// AddAttachment uploads a file to the opportunity
// (POST /opportunities/{id}/files, multipart field "file"). Lever needs the
// bytes; a URL alone is rejected.
func (c *Client) AddAttachment(ctx context.Context, in ats.Attachment) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if in.Name == "" || len(in.Data) == 0 {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "Lever uploads need a file name and the file bytes")
	}
	if len(in.Data) > MaxFileBytes {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "file exceeds Lever's 30 MB upload limit")
	}
	if err := c.needActor("POST /opportunities/{id}/files"); err != nil {
		return ats.WriteResult{}, err
	}
	body, ctype, err := ats.Multipart(nil, ats.FormFile{Field: "file", FileName: in.Name, ContentType: in.ContentType, Data: in.Data})
	if err != nil {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", err.Error())
	}
	resp, err := c.http.Do(ctx, ats.Request{
		Method: http.MethodPost, Path: opportunityPath(in.ApplicationID, "/files"), OpName: "/opportunities/{id}/files",
		Body: body, ContentType: ctype, Query: url.Values{"perform_as": {c.cfg.ActingUserID}},
	})
	if err != nil {
		return ats.WriteResult{}, err
	}
	return created(resp), nil
}

// MoveToStage sets the opportunity's stage (PUT /opportunities/{id}/stage
// {stage}). Stages are account-wide, so FromStageID is not needed.
func (c *Client) MoveToStage(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := needID("stage", in.ToStageID); err != nil {
		return ats.WriteResult{}, err
	}
	_, err := c.writeReq(ctx, http.MethodPut, opportunityPath(in.ApplicationID, "/stage"), "/opportunities/{id}/stage",
		map[string]string{"stage": in.ToStageID}, nil)
	return ats.WriteResult{}, err
}

// Reject archives the opportunity with a reason (PUT
// /opportunities/{id}/archived {reason}); Lever requires the reason. A
// Note is then added as an opportunity note; if only that note fails, the
// rejection stands and the failure is returned as a warning, so retrying
// the job does not archive twice.
func (c *Client) Reject(ctx context.Context, in ats.Rejection) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if in.ReasonID == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "reject", "Lever needs an archive reason to reject")
	}
	_, err := c.writeReq(ctx, http.MethodPut, opportunityPath(in.ApplicationID, "/archived"), "/opportunities/{id}/archived",
		map[string]string{"reason": in.ReasonID}, nil)
	if err != nil || in.Note == "" {
		return ats.WriteResult{}, err
	}
	if _, nerr := c.AddNote(ctx, ats.Note{ApplicationID: in.ApplicationID, Body: in.Note}); nerr != nil {
		return ats.WriteResult{Warnings: []string{"rejected, but the rejection note was not added: " + nerr.Error()}}, nil
	}
	return ats.WriteResult{}, nil
}

// AddTag adds a tag (by text; Lever tags have no ids) to every opportunity
// of the candidate: GET /opportunities?contact_id=<id>, then
// POST /opportunities/{id}/addTags {tags:[text]} per opportunity. The first
// failing write stops and is returned.
func (c *Client) AddTag(ctx context.Context, in ats.TagAssignment) (ats.WriteResult, error) {
	if err := needID("candidate", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	tag := strings.TrimSpace(in.Name)
	if tag == "" {
		tag = strings.TrimSpace(in.TagID)
	}
	if tag == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "tag", "tag name is required")
	}
	if err := c.needActor("POST /opportunities/{id}/addTags"); err != nil {
		return ats.WriteResult{}, err
	}
	opps, err := c.contactOpportunities(ctx, in.CandidateID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	if len(opps) == 0 {
		return ats.WriteResult{}, &ats.Error{Provider: Name, Op: "tag", Message: "candidate " + in.CandidateID + " has no opportunities", Err: ats.ErrNotFound}
	}
	for _, id := range opps {
		if _, err := c.writeReq(ctx, http.MethodPost, opportunityPath(id, "/addTags"), "/opportunities/{id}/addTags",
			map[string]any{"tags": []string{tag}}, nil); err != nil {
			return ats.WriteResult{}, err
		}
	}
	return ats.WriteResult{RemoteID: tag}, nil
}

// contactOpportunities lists the ids of a contact's opportunities.
func (c *Client) contactOpportunities(ctx context.Context, contactID string) ([]string, error) {
	var ids []string
	err := list(ctx, c, "/opportunities", url.Values{"contact_id": {contactID}}, func(w struct {
		ID string `json:"id"`
	}, _ json.RawMessage) (string, bool) {
		return w.ID, w.ID != ""
	}, func(p []string) error {
		ids = append(ids, p...)
		return nil
	})
	return ids, err
}
