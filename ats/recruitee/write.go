package recruitee

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// Writes are made once with the token's user as the author (Recruitee has
// no acting-user parameter); ids go into JSON bodies as numbers.

func candidatePath(id, suffix string) string { return "/candidates/" + pathID(id) + suffix }
func placementPath(id, suffix string) string { return "/placements/" + pathID(id) + suffix }

// createdID extracts {key: {id}} from a write response.
func createdID(resp *ats.Response, key string) string {
	var env map[string]json.RawMessage
	if json.Unmarshal(resp.Body, &env) != nil {
		return ""
	}
	return rowID(env[key])
}

// AddNote posts a note on the candidate (POST /candidates/{id}/notes
// {"note":{"body","visibility":{"level":"public"}}}). Recruitee notes are
// candidate-level, so CandidateID is required; Visibility is not mapped
// (only the "public" level is known).
func (c *Client) AddNote(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	if strings.TrimSpace(in.Body) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "note", "note body is empty")
	}
	if err := needID("candidate", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	return c.postNote(ctx, in.CandidateID, in.Body)
}

func (c *Client) postNote(ctx context.Context, candidateID, body string) (ats.WriteResult, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: candidatePath(candidateID, "/notes"),
		OpName: "/candidates/{id}/notes",
		JSON:   map[string]any{"note": map[string]any{"body": body, "visibility": map[string]string{"level": "public"}}}})
	if err != nil {
		return ats.WriteResult{}, err
	}
	return ats.WriteResult{RemoteID: createdID(resp, "note")}, nil
}

// ResultNote renders a result link as the note Recruitee stores: the label
// and URL on the first line, then one "Key: Value" line per attribute.
func ResultNote(in ats.ResultLink) string {
	var b strings.Builder
	label := strings.TrimSpace(in.Label)
	if label == "" {
		label = "Interview result"
	}
	b.WriteString(label)
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

// AddResultLink writes the link as a candidate note (Recruitee has no link
// field an integration can fill); see ResultNote for the text.
func (c *Client) AddResultLink(ctx context.Context, in ats.ResultLink) (ats.WriteResult, error) {
	if strings.TrimSpace(in.URL) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "result link", "result link URL is empty")
	}
	if err := needID("candidate", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	return c.postNote(ctx, in.CandidateID, ResultNote(in))
}

// AddAttachment uploads a file to the candidate (POST /attachments,
// multipart: attachment[candidate_id], then the file as attachment[file]).
// Recruitee needs the bytes; a URL alone is rejected.
func (c *Client) AddAttachment(ctx context.Context, in ats.Attachment) (ats.WriteResult, error) {
	if err := needID("candidate", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	if strings.TrimSpace(in.Name) == "" || len(in.Data) == 0 {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "Recruitee uploads need a file name and the file bytes")
	}
	body, ctype, err := ats.Multipart([]ats.FormField{{Name: "attachment[candidate_id]", Value: strings.TrimSpace(in.CandidateID)}},
		ats.FormFile{Field: "attachment[file]", FileName: in.Name, ContentType: in.ContentType, Data: in.Data})
	if err != nil {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", err.Error())
	}
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: "/attachments", Body: body, ContentType: ctype})
	if err != nil {
		return ats.WriteResult{}, err
	}
	return ats.WriteResult{RemoteID: createdID(resp, "attachment")}, nil
}

// MoveToStage moves the placement (PATCH /placements/{id}/change_stage
// {"stage_id"}). The stage must belong to the placement's offer.
func (c *Client) MoveToStage(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := needID("stage", in.ToStageID); err != nil {
		return ats.WriteResult{}, err
	}
	_, err := c.http.Do(ctx, ats.Request{Method: http.MethodPatch, Path: placementPath(in.ApplicationID, "/change_stage"),
		OpName: "/placements/{id}/change_stage", JSON: map[string]any{"stage_id": idValue(in.ToStageID)}})
	return ats.WriteResult{}, err
}

// Reject disqualifies the placement (PATCH /placements/{id}/disqualify
// {"disqualify_reason_id"}); the reason is required. A Note is then added
// to the candidate named in the answer ({"placement":{"candidate_id"}}); if
// only that note fails (or the answer names no candidate), the
// disqualification stands and the problem is returned as a warning, so a
// retried job does not disqualify twice.
func (c *Client) Reject(ctx context.Context, in ats.Rejection) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if strings.TrimSpace(in.ReasonID) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "reject", "Recruitee needs a disqualify reason to reject")
	}
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPatch, Path: placementPath(in.ApplicationID, "/disqualify"),
		OpName: "/placements/{id}/disqualify", JSON: map[string]any{"disqualify_reason_id": idValue(in.ReasonID)}})
	if err != nil || strings.TrimSpace(in.Note) == "" {
		return ats.WriteResult{}, err
	}
	var v struct {
		Placement struct {
			CandidateID ats.FlexID `json:"candidate_id"`
		} `json:"placement"`
	}
	_ = json.Unmarshal(resp.Body, &v)
	cand := v.Placement.CandidateID.String()
	if cand == "" {
		return ats.WriteResult{Warnings: []string{"disqualified, but the rejection note was not added: Recruitee did not say which candidate the placement belongs to"}}, nil
	}
	if _, nerr := c.postNote(ctx, cand, in.Note); nerr != nil {
		return ats.WriteResult{Warnings: []string{"disqualified, but the rejection note was not added: " + nerr.Error()}}, nil
	}
	return ats.WriteResult{}, nil
}

// AddTag adds a tag by name to the candidate (PATCH /bulk/candidates/tags
// {"candidates":[id],"tags":[name]}). Recruitee tags are names; TagID is
// used as the name when Name is empty (ListTags reports names as ids).
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
	_, err := c.http.Do(ctx, ats.Request{Method: http.MethodPatch, Path: "/bulk/candidates/tags",
		JSON: map[string]any{"candidates": []any{idValue(in.CandidateID)}, "tags": []string{tag}}})
	if err != nil {
		return ats.WriteResult{}, err
	}
	return ats.WriteResult{RemoteID: tag}, nil
}
