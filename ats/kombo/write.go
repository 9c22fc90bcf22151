package kombo

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// write performs one write and returns Kombo's warnings and created id.
func (c *Client) write(ctx context.Context, method, path, opName string, body any) (ats.WriteResult, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: method, Path: path, OpName: opName, JSON: body})
	if err != nil {
		return ats.WriteResult{}, err
	}
	var env envelope[struct {
		ID string `json:"id"`
	}]
	_ = json.Unmarshal(resp.Body, &env) // bodies vary per action; id and warnings are optional
	res := ats.WriteResult{RemoteID: env.Data.ID}
	for _, w := range env.Warnings {
		res.Warnings = append(res.Warnings, w.Message)
	}
	return res, nil
}

func need(op, what, v string) error {
	if strings.TrimSpace(v) == "" {
		return ats.Invalid(Name, op, what+" is required")
	}
	return nil
}

func appPath(id, suffix string) string { return "/ats/applications/" + pathEsc(id) + suffix }

// AddResultLink posts POST /ats/applications/{id}/result-links. Kombo puts
// the link where the ATS has room for it and the attributes into custom
// fields prefixed with AttributePrefix (default "hireloop:").
func (c *Client) AddResultLink(ctx context.Context, in ats.ResultLink) (ats.WriteResult, error) {
	for _, e := range []error{need("result link", "application id", in.ApplicationID), need("result link", "label", in.Label), need("result link", "url", in.URL)} {
		if e != nil {
			return ats.WriteResult{}, e
		}
	}
	body := map[string]any{"label": in.Label, "url": in.URL}
	if len(in.Attributes) > 0 {
		prefix := in.AttributePrefix
		if prefix == "" {
			prefix = "hireloop:"
		}
		attrs := make([]map[string]string, 0, len(in.Attributes))
		for _, kv := range in.Attributes {
			attrs = append(attrs, map[string]string{"key": kv.Key, "value": kv.Value})
		}
		body["details"] = map[string]any{"custom_field_name_prefix": prefix, "attributes": attrs}
	}
	return c.write(ctx, http.MethodPost, appPath(in.ApplicationID, "/result-links"), "/ats/applications/{id}/result-links", body)
}

// AddNote posts a plain-text note to the application.
func (c *Client) AddNote(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	if err := need("note", "application id", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := need("note", "note body", in.Body); err != nil {
		return ats.WriteResult{}, err
	}
	return c.write(ctx, http.MethodPost, appPath(in.ApplicationID, "/notes"), "/ats/applications/{id}/notes",
		map[string]string{"content": in.Body, "content_type": "PLAIN_TEXT"})
}

// AddAttachment uploads base64 data (or a data_url Kombo fetches).
func (c *Client) AddAttachment(ctx context.Context, in ats.Attachment) (ats.WriteResult, error) {
	if err := need("attachment", "application id", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if in.Name == "" || (len(in.Data) == 0 && in.URL == "") {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "attachment needs a file name and data or a URL")
	}
	typ := "OTHER"
	switch in.Kind {
	case ats.AttachmentResume:
		typ = "CV"
	case ats.AttachmentCoverLetter:
		typ = "COVER_LETTER"
	}
	att := map[string]any{"name": in.Name, "type": typ}
	if in.ContentType != "" {
		att["content_type"] = in.ContentType
	}
	if len(in.Data) > 0 {
		att["data"] = base64.StdEncoding.EncodeToString(in.Data)
	} else {
		att["data_url"] = in.URL
	}
	return c.write(ctx, http.MethodPost, appPath(in.ApplicationID, "/attachments"), "/ats/applications/{id}/attachments",
		map[string]any{"attachment": att})
}

// MoveToStage sets the application's stage (PUT .../stage); the stage must
// belong to the application's job.
func (c *Client) MoveToStage(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	if err := need("move", "application id", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := need("move", "stage id", in.ToStageID); err != nil {
		return ats.WriteResult{}, err
	}
	return c.write(ctx, http.MethodPut, appPath(in.ApplicationID, "/stage"), "/ats/applications/{id}/stage",
		map[string]string{"stage_id": in.ToStageID})
}

// Reject rejects with a Kombo rejection reason id (required by Kombo).
func (c *Client) Reject(ctx context.Context, in ats.Rejection) (ats.WriteResult, error) {
	if err := need("reject", "application id", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := need("reject", "rejection reason id", in.ReasonID); err != nil {
		return ats.WriteResult{}, err
	}
	body := map[string]string{"rejection_reason_id": in.ReasonID}
	if in.Note != "" {
		body["note"] = in.Note
	}
	return c.write(ctx, http.MethodPost, appPath(in.ApplicationID, "/reject"), "/ats/applications/{id}/reject", body)
}

// AddTag adds a tag by name (Kombo finds or creates it).
func (c *Client) AddTag(ctx context.Context, in ats.TagAssignment) (ats.WriteResult, error) {
	if err := need("tag", "candidate id", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := need("tag", "tag name (Kombo tags by name)", in.Name); err != nil {
		return ats.WriteResult{}, err
	}
	return c.write(ctx, http.MethodPost, "/ats/candidates/"+pathEsc(in.CandidateID)+"/tags", "/ats/candidates/{id}/tags",
		map[string]any{"tag": map[string]string{"name": in.Name}})
}

// RemoveTag removes a tag by name; Kombo succeeds when it is absent.
func (c *Client) RemoveTag(ctx context.Context, in ats.TagAssignment) (ats.WriteResult, error) {
	if err := need("tag", "candidate id", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := need("tag", "tag name", in.Name); err != nil {
		return ats.WriteResult{}, err
	}
	return c.write(ctx, http.MethodDelete, "/ats/candidates/"+pathEsc(in.CandidateID)+"/tags", "/ats/candidates/{id}/tags",
		map[string]any{"tag": map[string]string{"name": in.Name}})
}
