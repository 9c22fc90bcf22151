package greenhouse

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// noteType is the note_type hireloop's notes are written with: POST
// /v3/notes requires it, and live v3 calls were accepted with "NOTE" only
// (upper case; inferred, see the package doc).
const noteType = "NOTE"

// AddNote writes a candidate note (POST /notes {candidate_id, body,
// note_type, visibility}; the author is the token's sub). Visibility
// defaults to "public" (visible to everyone who can see the candidate,
// i.e. the hiring team), because the note is how the team learns an
// interview finished. With only an application id the candidate is read
// from the application first.
func (c *Client) AddNote(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	if in.Body == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "note", "note body is empty")
	}
	cid, err := c.candidateFor(ctx, in.CandidateID, in.ApplicationID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	vis := in.Visibility
	if vis == "" {
		vis = "public"
	}
	body := map[string]any{"candidate_id": idNumber(cid), "body": in.Body, "note_type": noteType, "visibility": vis}
	resp, err := c.writeReq(ctx, http.MethodPost, "/notes", "/notes", body)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return created(resp), nil
}

// AddAttachment uploads a file to an application (POST /attachments
// {application_id, filename, type, content + content_type | url}): v3
// attaches files to applications. The file goes base64 inline, or as a
// URL Greenhouse fetches when only URL is set. With only a candidate id,
// the candidate's first application is looked up first.
func (c *Client) AddAttachment(ctx context.Context, in ats.Attachment) (ats.WriteResult, error) {
	if in.Name == "" || (len(in.Data) == 0 && in.URL == "") {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "attachment needs a file name and data or a URL")
	}
	appID := in.ApplicationID
	if appID == "" {
		var err error
		if appID, err = c.firstApplicationOf(ctx, in.CandidateID); err != nil {
			return ats.WriteResult{}, err
		}
	} else if err := numericID("application", appID); err != nil {
		return ats.WriteResult{}, err
	}
	kind := string(in.Kind)
	if kind == "" {
		kind = string(ats.AttachmentOther)
	}
	body := map[string]any{"application_id": idNumber(appID), "filename": in.Name, "type": kind}
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
	resp, err := c.writeReq(ctx, http.MethodPost, "/attachments", "/attachments", body)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return created(resp), nil
}

// firstApplicationOf returns a candidate's first application id
// (GET /applications?candidate_ids=<id>).
func (c *Client) firstApplicationOf(ctx context.Context, candidateID string) (string, error) {
	if err := numericID("candidate", candidateID); err != nil {
		return "", err
	}
	var rows []wireApplication
	if _, err := c.getJSON(ctx, "/applications", url.Values{"candidate_ids": {candidateID}, "per_page": {"1"}}, &rows); err != nil {
		return "", err
	}
	if len(rows) == 0 {
		return "", ats.Invalid(Name, "attachment", "candidate "+candidateID+" has no application to attach the file to")
	}
	return rows[0].ID.String(), nil
}

// MoveToStage moves an active application (POST /applications/{id}/move
// {from_stage_id, to_stage_id}; both required, see the package doc).
// from_stage_id is the caller's current stage when it knows one
// (hireloop's synced copy), else the application's current job interview
// stage read from Greenhouse first. When Greenhouse refuses the
// from_stage_id, the application is read again: already in the target
// stage is success; a from_stage_id that is the application's stage_id
// while job_interview_stage_id names another stage is a copy synced
// before job_interview_stage_id was read (the application has not moved:
// its application_stages row is the same), and the move is sent once more
// from the stage itself; otherwise the refusal is returned with the stage
// Greenhouse has, and the move is not repeated from there (a person moved
// it since hireloop last synced).
func (c *Client) MoveToStage(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	if err := numericID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := numericID("stage", in.ToStageID); err != nil {
		return ats.WriteResult{}, err
	}
	from := in.FromStageID
	if from == "" {
		app, err := c.application(ctx, in.ApplicationID)
		if err != nil {
			return ats.WriteResult{}, err
		}
		if from = app.currentStage(); from == "" {
			return ats.WriteResult{}, ats.Invalid(Name, "move", "application "+in.ApplicationID+" has no current stage (not active?)")
		}
		if from == in.ToStageID {
			return ats.WriteResult{}, nil // already there
		}
	} else if err := numericID("stage", from); err != nil {
		return ats.WriteResult{}, err
	}
	body := map[string]any{"from_stage_id": idNumber(from), "to_stage_id": idNumber(in.ToStageID)}
	_, err := c.writeReq(ctx, http.MethodPost, "/applications/"+in.ApplicationID+"/move", "/applications/{id}/move", body)
	var iie *ats.InvalidInputError
	if err == nil || in.FromStageID == "" || !errors.As(err, &iie) || !refusedField(iie, "from_stage_id") {
		return ats.WriteResult{}, err
	}
	app, rerr := c.application(ctx, in.ApplicationID)
	if rerr != nil {
		return ats.WriteResult{}, err
	}
	cur := app.currentStage()
	switch {
	case cur == in.ToStageID:
		return ats.WriteResult{}, nil
	case cur != "" && cur != from && app.StageID.String() == from:
		body["from_stage_id"] = idNumber(cur)
		_, err = c.writeReq(ctx, http.MethodPost, "/applications/"+in.ApplicationID+"/move", "/applications/{id}/move", body)
		return ats.WriteResult{}, err
	case cur != "":
		return ats.WriteResult{}, &ats.Error{Provider: Name, Op: "POST /applications/{id}/move", Status: http.StatusUnprocessableEntity,
			Message: "the application is in stage " + cur + " in Greenhouse, not " + from +
				" (moved there since hireloop last synced); not moved: " + iie.VendorMessage, Err: iie}
	}
	return ats.WriteResult{}, err
}

// refusedField reports whether a 422 names field.
func refusedField(e *ats.InvalidInputError, field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Reject rejects an application (POST /applications/{id}/reject
// {rejection_reason_id, notes}, answered 204). The reason is required in
// v3, so a rejection without one fails here instead of as a vendor 422.
func (c *Client) Reject(ctx context.Context, in ats.Rejection) (ats.WriteResult, error) {
	if err := numericID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if in.ReasonID == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "reject",
			"Greenhouse Harvest v3 requires a rejection reason: choose one of the account's rejection reasons")
	}
	if err := numericID("rejection reason", in.ReasonID); err != nil {
		return ats.WriteResult{}, err
	}
	body := map[string]any{"rejection_reason_id": idNumber(in.ReasonID)}
	if in.Note != "" {
		body["notes"] = in.Note
	}
	_, err := c.writeReq(ctx, http.MethodPost, "/applications/"+in.ApplicationID+"/reject", "/applications/{id}/reject", body)
	return ats.WriteResult{}, err
}

// AddTag applies a candidate tag. By name it creates the tag
// (POST /candidate_tags {name}); when Greenhouse refuses because the
// name exists, the existing tag is looked up in GET /candidate_tags.
// The tag is then applied with POST /applied_candidate_tags
// {candidate_id, candidate_tag_id}. Both routes are inferred (see the
// package doc). Creating first keeps the first request a write, so a
// failure is reported from the request that would have changed data.
func (c *Client) AddTag(ctx context.Context, in ats.TagAssignment) (ats.WriteResult, error) {
	if err := numericID("candidate", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	tagID := in.TagID
	if tagID == "" {
		if strings.TrimSpace(in.Name) == "" {
			return ats.WriteResult{}, ats.Invalid(Name, "tag", "tag id or name is required")
		}
		resp, err := c.writeReq(ctx, http.MethodPost, "/candidate_tags", "/candidate_tags", map[string]string{"name": in.Name})
		var iie *ats.InvalidInputError
		switch {
		case err == nil:
			tagID = created(resp).RemoteID
			if tagID == "" {
				return ats.WriteResult{}, &ats.Error{Provider: Name, Op: "POST /candidate_tags", Message: "response has no tag id", Err: ats.ErrMalformedResponse}
			}
		case errors.As(err, &iie):
			if tagID, err = c.tagByName(ctx, in.Name); err != nil {
				return ats.WriteResult{}, err
			}
			if tagID == "" {
				// Refused for another reason than a duplicate name.
				return ats.WriteResult{}, tagRefused(iie, in.Name)
			}
		default:
			return ats.WriteResult{}, err
		}
	} else if err := numericID("tag", tagID); err != nil {
		return ats.WriteResult{}, err
	}
	body := map[string]any{"candidate_id": idNumber(in.CandidateID), "candidate_tag_id": idNumber(tagID)}
	_, err := c.writeReq(ctx, http.MethodPost, "/applied_candidate_tags", "/applied_candidate_tags", body)
	return ats.WriteResult{RemoteID: tagID}, err
}

// tagRefused reports a tag creation refused for a reason other than an
// existing name, with Greenhouse's message.
func tagRefused(iie *ats.InvalidInputError, name string) error {
	return &ats.Error{Provider: Name, Op: "POST /candidate_tags",
		Message: "Greenhouse refused to create tag " + strings.TrimSpace(name) + ": " + iie.VendorMessage, Err: iie}
}

// tagByName finds a candidate tag id by name (case-insensitive), "" when
// there is none.
func (c *Client) tagByName(ctx context.Context, name string) (string, error) {
	want := strings.TrimSpace(name)
	id := ""
	errFound := errors.New("found")
	err := list(ctx, c, tagsPath, filter{}, nil, func(w named, _ json.RawMessage) (named, bool) { return w, true },
		func(ts []named) error {
			for _, t := range ts {
				if strings.EqualFold(strings.TrimSpace(t.Name), want) {
					id = t.ID.String()
					return errFound
				}
			}
			return nil
		})
	if err != nil && !errors.Is(err, errFound) {
		return "", err
	}
	return id, nil
}
