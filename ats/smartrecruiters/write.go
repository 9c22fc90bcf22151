package smartrecruiters

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// MaxFileBytes caps uploads locally. SmartRecruiters does not publish a
// limit for candidate attachments in the pages read; 20 MB is a guard
// against sending a body the API will certainly refuse.
const MaxFileBytes = 20 << 20

func needID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return ats.Invalid(Name, what, what+" id is required")
	}
	return nil
}

// splitApp validates an application id and returns its parts.
func splitApp(op, id string) (string, string, error) {
	if err := needID("application", id); err != nil {
		return "", "", err
	}
	cid, jid, ok := SplitApplicationID(id)
	if !ok {
		return "", "", ats.Invalid(Name, op, "application id "+id+" is not a SmartRecruiters application id (<candidateId>:<jobId>)")
	}
	return cid, jid, nil
}

func candidatePath(id, suffix string) string { return "/candidates/" + pathID(id) + suffix }

// createdID extracts "id" from a write response, when there is one.
func createdID(resp *ats.Response) ats.WriteResult {
	var v struct {
		ID ats.FlexID `json:"id"`
	}
	_ = json.Unmarshal(resp.Body, &v)
	return ats.WriteResult{RemoteID: v.ID.String()}
}

// AddResultLink is unsupported: see Capabilities.
func (c *Client) AddResultLink(context.Context, ats.ResultLink) (ats.WriteResult, error) {
	return ats.WriteResult{}, declared.Check(ats.ActionResultLink)
}

// CandidateMention is how a message on a candidate's profile names the
// candidate.
func CandidateMention(candidateID string) string { return "#[CANDIDATE:" + candidateID + "]" }

// AddNote shares a message on the candidate's profile:
// POST /messages/shares {content: "#[CANDIDATE:<id>] <body>", shareWith}.
// The candidate comes from CandidateID or, when empty, from the application
// id. shareWith is {openNote: true} (visible to everyone who can see the
// candidate) unless Visibility is "private" or "admin_only", which shares it
// with the hiring team of the application's job only.
func (c *Client) AddNote(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	if strings.TrimSpace(in.Body) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "note", "note body is empty")
	}
	cid, jid := in.CandidateID, ""
	if in.ApplicationID != "" {
		acid, ajid, err := splitApp("note", in.ApplicationID)
		if err != nil {
			return ats.WriteResult{}, err
		}
		jid = ajid
		if cid == "" {
			cid = acid
		}
	}
	if err := needID("candidate", cid); err != nil {
		return ats.WriteResult{}, err
	}
	share := map[string]any{"openNote": true}
	if (in.Visibility == "private" || in.Visibility == "admin_only") && jid != "" {
		share = map[string]any{"hiringTeamOf": []string{jid}}
	}
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: "/messages/shares", JSON: map[string]any{
		"content":   CandidateMention(cid) + " " + in.Body,
		"shareWith": share,
	}})
	if err != nil {
		return ats.WriteResult{}, err
	}
	return createdID(resp), nil
}

// attachmentType maps a kind to SmartRecruiters' attachmentType.
func attachmentType(k ats.AttachmentKind) string {
	switch k {
	case ats.AttachmentResume:
		return "RESUME"
	case ats.AttachmentCoverLetter:
		return "COVER_LETTER"
	}
	return "GENERIC"
}

// AddAttachment uploads a file to the candidate
// (POST /candidates/{id}/attachments, multipart attachmentType + file).
// SmartRecruiters needs the bytes; a URL alone is rejected.
func (c *Client) AddAttachment(ctx context.Context, in ats.Attachment) (ats.WriteResult, error) {
	cid := in.CandidateID
	if cid == "" && in.ApplicationID != "" {
		acid, _, err := splitApp("attachment", in.ApplicationID)
		if err != nil {
			return ats.WriteResult{}, err
		}
		cid = acid
	}
	if err := needID("candidate", cid); err != nil {
		return ats.WriteResult{}, err
	}
	if in.Name == "" || len(in.Data) == 0 {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "SmartRecruiters uploads need a file name and the file bytes")
	}
	if len(in.Data) > MaxFileBytes {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "file exceeds the 20 MB upload limit")
	}
	body, ctype, err := ats.Multipart([]ats.FormField{{Name: "attachmentType", Value: attachmentType(in.Kind)}},
		ats.FormFile{Field: "file", FileName: in.Name, ContentType: in.ContentType, Data: in.Data})
	if err != nil {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", err.Error())
	}
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: candidatePath(cid, "/attachments"),
		OpName: "/candidates/{id}/attachments", Body: body, ContentType: ctype})
	if err != nil {
		return ats.WriteResult{}, err
	}
	return createdID(resp), nil
}

// setStatus is the one call behind MoveToStage and Reject:
// PUT /candidates/{candidateId}/jobs/{jobId}/status {status, reason?}.
func (c *Client) setStatus(ctx context.Context, applicationID, status, reason string) error {
	cid, jid, err := splitApp("status", applicationID)
	if err != nil {
		return err
	}
	body := map[string]string{"status": status}
	if reason != "" {
		body["reason"] = reason
	}
	_, err = c.http.Do(ctx, ats.Request{Method: http.MethodPut, Path: candidatePath(cid, "/jobs/"+pathID(jid)+"/status"),
		OpName: "/candidates/{id}/jobs/{jobId}/status", JSON: body})
	return err
}

// MoveToStage sets the application's status. ToStageID must be one of the
// fixed statuses (Statuses); REJECTED needs a reason, so use Reject.
func (c *Client) MoveToStage(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	if err := needID("stage", in.ToStageID); err != nil {
		return ats.WriteResult{}, err
	}
	st := strings.ToUpper(strings.TrimSpace(in.ToStageID))
	if !isStatus(st) {
		return ats.WriteResult{}, ats.Invalid(Name, "move", "stage "+in.ToStageID+" is not a SmartRecruiters status ("+strings.Join(Statuses, ", ")+")")
	}
	if st == "REJECTED" {
		return ats.WriteResult{}, ats.Invalid(Name, "move", "moving to REJECTED needs a rejection reason: reject the application instead")
	}
	return ats.WriteResult{}, c.setStatus(ctx, in.ApplicationID, st, "")
}

// Reject sets the status REJECTED with the reason id (from
// ListRejectionReasons), which SmartRecruiters requires here. A Note is
// then shared on the candidate; if only that note fails, the rejection
// stands and the failure is returned as a warning, so retrying the job
// does not reject twice.
func (c *Client) Reject(ctx context.Context, in ats.Rejection) (ats.WriteResult, error) {
	if in.ReasonID == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "reject", "SmartRecruiters needs a rejection reason to reject")
	}
	if err := c.setStatus(ctx, in.ApplicationID, "REJECTED", in.ReasonID); err != nil || in.Note == "" {
		return ats.WriteResult{}, err
	}
	if _, nerr := c.AddNote(ctx, ats.Note{ApplicationID: in.ApplicationID, Body: in.Note}); nerr != nil {
		return ats.WriteResult{Warnings: []string{"rejected, but the rejection note was not added: " + nerr.Error()}}, nil
	}
	return ats.WriteResult{}, nil
}

// AddTag adds a tag by name (POST /candidates/{id}/tags {tags:[name]});
// POST adds to the candidate's tags, PUT would replace them. Tag ids are
// the names, so TagID is used when Name is empty.
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
	_, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: candidatePath(in.CandidateID, "/tags"),
		OpName: "/candidates/{id}/tags", JSON: map[string]any{"tags": []string{tag}}})
	if err != nil {
		return ats.WriteResult{}, err
	}
	return ats.WriteResult{RemoteID: tag}, nil
}
