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

// addNoteV3 writes a candidate note (POST /notes {candidate_id, body,
// visibility}). v3 reads the activity feed from GET /v3/notes (READ
// migration guide); the create route and body are inferred from it, and
// the author is the token's sub rather than a user_id field.
func (c *Client) addNoteV3(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	cid, err := c.candidateFor(ctx, in.CandidateID, in.ApplicationID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	vis := in.Visibility
	if vis == "" {
		vis = "public"
	}
	body := map[string]any{"candidate_id": idNumber(cid), "body": in.Body, "visibility": vis}
	resp, err := c.writeReq(ctx, http.MethodPost, "/notes", "/notes", body)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return created(resp), nil
}

// addAttachmentV3 uploads a file to an application (POST /attachments
// {application_id, filename, type, content + content_type | url}): v3
// attaches files to applications. With only a candidate id, the
// candidate's first application is looked up first.
func (c *Client) addAttachmentV3(ctx context.Context, in ats.Attachment) (ats.WriteResult, error) {
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

// moveV3 moves an application to a stage (POST /applications/{id}/move
// {to_stage_id}). The WRITE migration guide maps both v1 move and advance
// here; v3 needs no from_stage_id.
func (c *Client) moveV3(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	body := map[string]any{"to_stage_id": idNumber(in.ToStageID)}
	_, err := c.writeReq(ctx, http.MethodPost, "/applications/"+in.ApplicationID+"/move", "/applications/{id}/move", body)
	return ats.WriteResult{}, err
}

// rejectV3 rejects an application (POST /applications/{id}/reject
// {rejection_reason_id, notes}, answered 204). The reason is required in
// v3, so a rejection without one fails here instead of as a vendor 422.
func (c *Client) rejectV3(ctx context.Context, in ats.Rejection) (ats.WriteResult, error) {
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

// addTagV3 applies a candidate tag. By name it creates the tag
// (POST /candidate_tags {name}); when Greenhouse refuses because the
// name exists, the existing tag is looked up in GET /candidate_tags.
// The tag is then applied with POST /applied_candidate_tags
// {candidate_id, candidate_tag_id}. Both routes are inferred (see the
// package doc). Creating first keeps the first request a write, so a
// failure is reported from the request that would have changed data.
func (c *Client) addTagV3(ctx context.Context, in ats.TagAssignment) (ats.WriteResult, error) {
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
	err := list(ctx, c, c.tagsPath(), filter{}, nil, func(w named, _ json.RawMessage) (named, bool) { return w, true },
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

// getJSON is do(GET) + DecodeJSON.
func (c *Client) getJSON(ctx context.Context, path string, q url.Values, out any) (*ats.Response, error) {
	resp, err := c.do(ctx, ats.Request{Method: http.MethodGet, Path: path, Query: q})
	if err != nil {
		return nil, err
	}
	return resp, c.http.DecodeJSON(resp, out)
}
