package ashby

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

func needID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return ats.Invalid(Name, what, what+" id is required")
	}
	return nil
}

// write performs one non-retried call and returns results.id when present.
func (c *Client) write(ctx context.Context, method string, body any) (ats.WriteResult, json.RawMessage, error) {
	var env envelope
	if err := c.call(ctx, method, body, false, &env); err != nil {
		return ats.WriteResult{}, nil, err
	}
	var v struct {
		ID string `json:"id"`
	}
	_ = json.Unmarshal(env.Results, &v)
	return ats.WriteResult{RemoteID: v.ID}, env.Results, nil
}

// AddResultLink is unsupported: assessment results are partner-only.
func (c *Client) AddResultLink(context.Context, ats.ResultLink) (ats.WriteResult, error) {
	return ats.WriteResult{}, declared.Check(ats.ActionResultLink)
}

// MaxFileBytes caps an upload; Ashby publishes no limit, and our PDF
// reports are far below it.
const MaxFileBytes = 25 << 20

// AddAttachment uploads a file to the candidate in Ashby's three steps
// (confirmed in Ashby's OpenAPI, file.createFileUploadHandle):
//
//  1. file.createFileUploadHandle {fileUploadContext:"CandidateFiles",
//     filename, contentType, contentLength} → {handle, url, fields};
//  2. a multipart/form-data POST of every returned field, then the file as
//     the last field "file", to the presigned url (a storage host, not
//     api.ashbyhq.com; it expires after 10 minutes), without our
//     credentials;
//  3. candidate.uploadFile {candidateId, fileHandle: handle}.
//
// Steps 1 and 2 leave nothing on the candidate, so a failure there can be
// retried safely; only step 3 attaches the file.
func (c *Client) AddAttachment(ctx context.Context, in ats.Attachment) (ats.WriteResult, error) {
	if err := needID("candidate", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	if in.Name == "" || len(in.Data) == 0 {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "Ashby uploads need a file name and the file bytes")
	}
	if len(in.Data) > MaxFileBytes {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "file exceeds the 25 MB upload limit")
	}
	ct := in.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	var env envelope
	if err := c.call(ctx, "file.createFileUploadHandle", map[string]any{"fileUploadContext": "CandidateFiles",
		"filename": in.Name, "contentType": ct, "contentLength": len(in.Data)}, false, &env); err != nil {
		return ats.WriteResult{}, err
	}
	var up struct {
		Handle string            `json:"handle"`
		URL    string            `json:"url"`
		Fields map[string]string `json:"fields"`
	}
	if err := json.Unmarshal(env.Results, &up); err != nil || up.Handle == "" || up.URL == "" {
		return ats.WriteResult{}, malformed("POST /file.createFileUploadHandle", "upload handle without handle or url")
	}
	if err := c.uploadToStorage(ctx, up.URL, up.Fields, in.Name, ct, in.Data); err != nil {
		return ats.WriteResult{}, err
	}
	res, _, err := c.write(ctx, "candidate.uploadFile", map[string]any{"candidateId": in.CandidateID, "fileHandle": up.Handle})
	return res, err
}

// uploadToStorage POSTs the presigned form. The storage host gets its own
// client without credentials (the shared client re-bases every URL onto
// the API host so the key never leaves it); fields go in sorted order,
// the file last, as the presigned policy requires.
func (c *Client) uploadToStorage(ctx context.Context, rawURL string, fields map[string]string, name, ct string, data []byte) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return malformed("POST /file.createFileUploadHandle", "upload url is not an http(s) URL")
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	form := make([]ats.FormField, 0, len(keys))
	for _, k := range keys {
		form = append(form, ats.FormField{Name: k, Value: fields[k]})
	}
	body, ctype, err := ats.Multipart(form, ats.FormFile{Field: "file", FileName: name, ContentType: ct, Data: data})
	if err != nil {
		return ats.Invalid(Name, "attachment", err.Error())
	}
	storage, err := ats.NewClient(ats.ClientOptions{Provider: Name, BaseURL: u.Scheme + "://" + u.Host,
		Config: ats.Config{HTTP: c.cfg.HTTP, Logger: c.cfg.Logger}})
	if err != nil {
		return err
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.RawQuery
	}
	_, err = storage.Do(ctx, ats.Request{Method: http.MethodPost, Path: path, OpName: "presigned upload", Body: body, ContentType: ctype})
	return err
}

// AddNote posts candidate.createNote {candidateId, note{type:"text/plain",
// value}, isPrivate}. Ashby notes live on the candidate only.
func (c *Client) AddNote(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	if in.Body == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "note", "note body is empty")
	}
	if err := needID("candidate", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	body := map[string]any{"candidateId": in.CandidateID, "note": map[string]string{"type": "text/plain", "value": in.Body}}
	if in.Visibility == "private" || in.Visibility == "admin_only" {
		body["isPrivate"] = true
	}
	res, _, err := c.write(ctx, "candidate.createNote", body)
	return res, err
}

// MoveToStage calls application.changeStage {applicationId, interviewStageId}.
func (c *Client) MoveToStage(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := needID("stage", in.ToStageID); err != nil {
		return ats.WriteResult{}, err
	}
	_, _, err := c.write(ctx, "application.changeStage", map[string]string{"applicationId": in.ApplicationID, "interviewStageId": in.ToStageID})
	return ats.WriteResult{}, err
}

// Reject moves the application to the Archived stage of its interview
// plan with the archive reason: application.info {applicationId} →
// interviewStage.list {interviewPlanId} → application.changeStage
// {applicationId, interviewStageId, archiveReasonId}. The look-ups are not
// retried (the write path never retries). A Note is then added to the
// candidate; if only the note fails, the rejection stands and the failure
// is a warning.
func (c *Client) Reject(ctx context.Context, in ats.Rejection) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if in.ReasonID == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "reject", "Ashby needs an archive reason to reject")
	}
	var env envelope
	if err := c.call(ctx, "application.info", map[string]string{"applicationId": in.ApplicationID}, false, &env); err != nil {
		return ats.WriteResult{}, err
	}
	var app wireApplication
	if err := json.Unmarshal(env.Results, &app); err != nil {
		return ats.WriteResult{}, malformed("POST /application.info", "invalid JSON in response: "+err.Error())
	}
	if app.CurrentInterviewStage == nil || app.CurrentInterviewStage.InterviewPlanID == "" {
		return ats.WriteResult{}, malformed("POST /application.info", "application has no current interview stage with a plan")
	}
	archived := ""
	err := c.listRaw(ctx, "interviewStage.list", map[string]any{"interviewPlanId": app.CurrentInterviewStage.InterviewPlanID},
		false, nil, func(rows []json.RawMessage) error {
			for _, r := range rows {
				var s wireStage
				if json.Unmarshal(r, &s) == nil && strings.EqualFold(s.Type, "Archived") && archived == "" {
					archived = s.ID
				}
			}
			return nil
		})
	if err != nil {
		return ats.WriteResult{}, err
	}
	if archived == "" {
		return ats.WriteResult{}, &ats.Error{Provider: Name, Op: "reject", Message: "the application's interview plan has no Archived stage", Err: ats.ErrNotFound}
	}
	if _, _, err := c.write(ctx, "application.changeStage", map[string]string{"applicationId": in.ApplicationID,
		"interviewStageId": archived, "archiveReasonId": in.ReasonID}); err != nil {
		return ats.WriteResult{}, err
	}
	if in.Note == "" || app.Candidate.ID == "" {
		return ats.WriteResult{}, nil
	}
	if _, nerr := c.AddNote(ctx, ats.Note{CandidateID: app.Candidate.ID, Body: in.Note}); nerr != nil {
		return ats.WriteResult{Warnings: []string{"rejected, but the rejection note was not added: " + nerr.Error()}}, nil
	}
	return ats.WriteResult{}, nil
}

// AddTag calls candidate.addTag {candidateId, tagId}. Without a TagID the
// tag is found by title in candidateTag.list (case-insensitive) or created
// with candidateTag.create {title}. Look-ups are not retried.
func (c *Client) AddTag(ctx context.Context, in ats.TagAssignment) (ats.WriteResult, error) {
	if err := needID("candidate", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	tagID := strings.TrimSpace(in.TagID)
	name := strings.TrimSpace(in.Name)
	if tagID == "" && name == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "tag", "tag id or name is required")
	}
	if tagID == "" {
		err := c.listRaw(ctx, "candidateTag.list", nil, false, nil, func(rows []json.RawMessage) error {
			for _, r := range rows {
				var t idRef
				if json.Unmarshal(r, &t) == nil && tagID == "" && strings.EqualFold(strings.TrimSpace(t.Title), name) {
					tagID = t.ID
				}
			}
			return nil
		})
		if err != nil {
			return ats.WriteResult{}, err
		}
	}
	if tagID == "" {
		res, _, err := c.write(ctx, "candidateTag.create", map[string]string{"title": name})
		if err != nil {
			return ats.WriteResult{}, err
		}
		if res.RemoteID == "" {
			return ats.WriteResult{}, malformed("POST /candidateTag.create", "created tag has no id")
		}
		tagID = res.RemoteID
	}
	if _, _, err := c.write(ctx, "candidate.addTag", map[string]string{"candidateId": in.CandidateID, "tagId": tagID}); err != nil {
		return ats.WriteResult{}, err
	}
	return ats.WriteResult{RemoteID: tagID}, nil
}
