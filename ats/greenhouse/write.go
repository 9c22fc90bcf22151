package greenhouse

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/hireloop/hireloop/ats"
)

// writeReq makes one write request. Harvest v1 requires the On-Behalf-Of
// header on every write for its audit log, so a missing acting user is
// reported before any request is made; in v3 the acting user is the
// token's sub and no header is sent.
func (c *Client) writeReq(ctx context.Context, method, path, opName string, body any) (*ats.Response, error) {
	if err := c.needActor(method + " " + opName); err != nil {
		return nil, err
	}
	req := ats.Request{Method: method, Path: path, OpName: opName, JSON: body}
	if !c.v3 {
		req.Header = http.Header{"On-Behalf-Of": {c.cfg.ActingUserID}}
	}
	return c.do(ctx, req)
}

// needActor fails before any request (including look-ups) when no acting
// user is configured.
func (c *Client) needActor(op string) error {
	if c.cfg.ActingUserID == "" {
		return ats.NotConfigured(Name, op,
			"Greenhouse writes need an acting user (On-Behalf-Of): choose the Greenhouse user hireloop writes as in the connection settings")
	}
	return nil
}

// numericID rejects ids Harvest cannot have (integers only) before they
// reach a URL.
func numericID(what, id string) error {
	if id == "" {
		return ats.Invalid(Name, what, what+" id is required")
	}
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return ats.Invalid(Name, what, what+" id "+strconv.Quote(id)+" is not a Greenhouse id")
	}
	return nil
}

func idNumber(id string) json.Number { return json.Number(id) }

// candidateFor returns in's candidate id, looking it up from the
// application (a read) when only that is known.
func (c *Client) candidateFor(ctx context.Context, candidateID, applicationID string) (string, error) {
	if candidateID != "" {
		return candidateID, numericID("candidate", candidateID)
	}
	app, err := c.application(ctx, applicationID)
	if err != nil {
		return "", err
	}
	return app.CandidateID.String(), nil
}

func (c *Client) application(ctx context.Context, id string) (wireApplication, error) {
	var w wireApplication
	if err := numericID("application", id); err != nil {
		return w, err
	}
	if c.v3 {
		// v3 reads single records through the list's ids filter (List
		// applications reference: "Pass ids directly to fetch specific
		// applications by id").
		var rows []wireApplication
		if _, err := c.getJSON(ctx, "/applications", url.Values{"ids": {id}}, &rows); err != nil {
			return w, err
		}
		if len(rows) == 0 {
			return w, &ats.Error{Provider: Name, Op: "GET /applications", Status: http.StatusNotFound,
				Message: "application " + id + " not found", Err: ats.ErrNotFound}
		}
		return rows[0], nil
	}
	resp, err := c.do(ctx, ats.Request{Method: http.MethodGet, Path: "/applications/" + id, OpName: "/applications/{id}"})
	if err != nil {
		return w, err
	}
	return w, c.http.DecodeJSON(resp, &w)
}

func created(resp *ats.Response) ats.WriteResult {
	var v struct {
		ID ats.FlexID `json:"id"`
	}
	_ = json.Unmarshal(resp.Body, &v)
	return ats.WriteResult{RemoteID: v.ID.String()}
}

// AddResultLink is unsupported: see the package doc.
func (c *Client) AddResultLink(context.Context, ats.ResultLink) (ats.WriteResult, error) {
	return ats.WriteResult{}, c.declared().Check(ats.ActionResultLink)
}

// AddNote posts to the candidate's activity feed
// (POST /candidates/{id}/activity_feed/notes). Visibility defaults to
// "public" (visible to everyone who can see the candidate, i.e. the hiring
// team), because the note is how the team learns an interview finished.
func (c *Client) AddNote(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	if in.Body == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "note", "note body is empty")
	}
	if c.v3 {
		return c.addNoteV3(ctx, in)
	}
	if err := c.needActor("POST /candidates/{id}/activity_feed/notes"); err != nil {
		return ats.WriteResult{}, err
	}
	cid, err := c.candidateFor(ctx, in.CandidateID, in.ApplicationID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	vis := in.Visibility
	if vis == "" {
		vis = "public"
	}
	body := map[string]any{"user_id": idNumber(c.cfg.ActingUserID), "body": in.Body, "visibility": vis}
	resp, err := c.writeReq(ctx, http.MethodPost, "/candidates/"+cid+"/activity_feed/notes", "/candidates/{id}/activity_feed/notes", body)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return created(resp), nil
}

// AddAttachment uploads to the candidate (POST /candidates/{id}/attachments),
// base64 inline, or as a URL Greenhouse fetches when only URL is set.
func (c *Client) AddAttachment(ctx context.Context, in ats.Attachment) (ats.WriteResult, error) {
	if in.Name == "" || (len(in.Data) == 0 && in.URL == "") {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "attachment needs a file name and data or a URL")
	}
	if c.v3 {
		return c.addAttachmentV3(ctx, in)
	}
	if err := c.needActor("POST /candidates/{id}/attachments"); err != nil {
		return ats.WriteResult{}, err
	}
	cid, err := c.candidateFor(ctx, in.CandidateID, in.ApplicationID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	kind := string(in.Kind)
	if kind == "" {
		kind = string(ats.AttachmentOther)
	}
	body := map[string]any{"filename": in.Name, "type": kind}
	if len(in.Data) > 0 {
		ct := in.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		body["content"] = base64.StdEncoding.EncodeToString(in.Data)
		body["content_type"] = ct
	} else {
		body["url"] = in.URL
	}
	resp, err := c.writeReq(ctx, http.MethodPost, "/candidates/"+cid+"/attachments", "/candidates/{id}/attachments", body)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return created(resp), nil
}

// MoveToStage moves an active application (POST /applications/{id}/move).
// Harvest needs the current stage; it is read from the application when
// the caller does not pass it.
func (c *Client) MoveToStage(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	if err := numericID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := numericID("stage", in.ToStageID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := c.needActor("POST /applications/{id}/move"); err != nil {
		return ats.WriteResult{}, err
	}
	if c.v3 {
		return c.moveV3(ctx, in)
	}
	from := in.FromStageID
	if from == "" {
		app, err := c.application(ctx, in.ApplicationID)
		if err != nil {
			return ats.WriteResult{}, err
		}
		if app.CurrentStage == nil {
			return ats.WriteResult{}, ats.Invalid(Name, "move", "application "+in.ApplicationID+" has no current stage (not active?)")
		}
		from = app.CurrentStage.ID.String()
	} else if err := numericID("stage", from); err != nil {
		return ats.WriteResult{}, err
	}
	body := map[string]any{"from_stage_id": idNumber(from), "to_stage_id": idNumber(in.ToStageID)}
	_, err := c.writeReq(ctx, http.MethodPost, "/applications/"+in.ApplicationID+"/move", "/applications/{id}/move", body)
	return ats.WriteResult{}, err
}

// Reject rejects an application (POST /applications/{id}/reject). Harvest
// v1 accepts a missing reason; v3 requires one and is refused before any
// request without it.
func (c *Client) Reject(ctx context.Context, in ats.Rejection) (ats.WriteResult, error) {
	if err := numericID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if c.v3 {
		return c.rejectV3(ctx, in)
	}
	body := map[string]any{}
	if in.ReasonID != "" {
		if err := numericID("rejection reason", in.ReasonID); err != nil {
			return ats.WriteResult{}, err
		}
		body["rejection_reason_id"] = idNumber(in.ReasonID)
	}
	if in.Note != "" {
		body["notes"] = in.Note
	}
	_, err := c.writeReq(ctx, http.MethodPost, "/applications/"+in.ApplicationID+"/reject", "/applications/{id}/reject", body)
	return ats.WriteResult{}, err
}

// AddTag applies a candidate tag. By name it first finds or creates the
// tag (POST /tags/candidate, idempotent: 200 found / 201 created), then
// applies it (PUT /candidates/{cid}/tags/{tag_id}).
func (c *Client) AddTag(ctx context.Context, in ats.TagAssignment) (ats.WriteResult, error) {
	if err := numericID("candidate", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	if c.v3 {
		return c.addTagV3(ctx, in)
	}
	tagID := in.TagID
	if tagID == "" {
		if in.Name == "" {
			return ats.WriteResult{}, ats.Invalid(Name, "tag", "tag id or name is required")
		}
		resp, err := c.writeReq(ctx, http.MethodPost, "/tags/candidate", "/tags/candidate", map[string]string{"name": in.Name})
		if err != nil {
			return ats.WriteResult{}, err
		}
		tagID = created(resp).RemoteID
		if tagID == "" {
			return ats.WriteResult{}, &ats.Error{Provider: Name, Op: "POST /tags/candidate", Message: "response has no tag id", Err: ats.ErrMalformedResponse}
		}
	} else if err := numericID("tag", tagID); err != nil {
		return ats.WriteResult{}, err
	}
	_, err := c.writeReq(ctx, http.MethodPut, "/candidates/"+in.CandidateID+"/tags/"+tagID, "/candidates/{id}/tags/{tag_id}", nil)
	return ats.WriteResult{RemoteID: tagID}, err
}
