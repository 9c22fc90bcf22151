package workable

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hireloop/hireloop/ats"
)

// MaxTagLength is the longest tag Workable keeps (Knit's notes: tags of 25
// characters or more are ignored).
const MaxTagLength = 24

// needActor fails before any request when no acting member is configured.
func (c *Client) needActor(op string) error {
	if c.cfg.ActingUserID == "" {
		return ats.NotConfigured(Name, op,
			"Workable writes need an acting member (member_id): choose the Workable member hireloop writes as in the connection settings")
	}
	return nil
}

func needID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return ats.Invalid(Name, what, what+" id is required")
	}
	return nil
}

// target returns the Workable candidate id a write lands on: the
// application id, or the candidate id (the same thing in Workable).
func target(applicationID, candidateID string) string {
	if strings.TrimSpace(applicationID) != "" {
		return applicationID
	}
	return candidateID
}

func candidatePath(id, suffix string) string { return "/candidates/" + pathID(id) + suffix }

// post makes one write request with member_id in the JSON body.
func (c *Client) post(ctx context.Context, path, opName string, body map[string]any) (*ats.Response, error) {
	if err := c.needActor("POST " + opName); err != nil {
		return nil, err
	}
	body["member_id"] = c.cfg.ActingUserID
	return c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: path, OpName: opName, JSON: body})
}

// comment posts POST /candidates/{id}/comments {member_id, comment{body,
// attachment?}} and returns the new comment id.
func (c *Client) comment(ctx context.Context, candidateID, body string, attachment map[string]string) (ats.WriteResult, error) {
	cm := map[string]any{"body": body}
	if attachment != nil {
		cm["attachment"] = attachment
	}
	resp, err := c.post(ctx, candidatePath(candidateID, "/comments"), "/candidates/{id}/comments", map[string]any{"comment": cm})
	if err != nil {
		return ats.WriteResult{}, err
	}
	var v struct {
		ID ats.FlexID `json:"id"`
	}
	_ = json.Unmarshal(resp.Body, &v)
	return ats.WriteResult{RemoteID: v.ID.String()}, nil
}

// ResultLinkText renders a result link as comment text: the label, the URL
// and one "key: value" line per attribute.
func ResultLinkText(in ats.ResultLink) string {
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
		b.WriteString(in.AttributePrefix)
		b.WriteString(kv.Key)
		b.WriteString(": ")
		b.WriteString(kv.Value)
	}
	return b.String()
}

// AddResultLink adds the link as a comment (Workable has no link object);
// see ResultLinkText for the text.
func (c *Client) AddResultLink(ctx context.Context, in ats.ResultLink) (ats.WriteResult, error) {
	id := target(in.ApplicationID, in.CandidateID)
	if err := needID("application", id); err != nil {
		return ats.WriteResult{}, err
	}
	if strings.TrimSpace(in.URL) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "result link", "result link URL is empty")
	}
	return c.comment(ctx, id, ResultLinkText(in), nil)
}

// AddNote adds a comment to the candidate's timeline. Visibility is not
// applied (Workable's comment policy values are not documented).
func (c *Client) AddNote(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	id := target(in.ApplicationID, in.CandidateID)
	if err := needID("application", id); err != nil {
		return ats.WriteResult{}, err
	}
	if strings.TrimSpace(in.Body) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "note", "note body is empty")
	}
	return c.comment(ctx, id, in.Body, nil)
}

// AttachmentText is the comment body posted with a file.
func AttachmentText(name string) string { return "Attached file: " + name }

// AddAttachment posts a comment whose attachment is the file, base64
// encoded ({name, data}); Workable has no other upload route. The file
// bytes are required (a URL alone cannot be attached).
func (c *Client) AddAttachment(ctx context.Context, in ats.Attachment) (ats.WriteResult, error) {
	id := target(in.ApplicationID, in.CandidateID)
	if err := needID("application", id); err != nil {
		return ats.WriteResult{}, err
	}
	if strings.TrimSpace(in.Name) == "" || len(in.Data) == 0 {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "Workable attachments need a file name and the file bytes")
	}
	return c.comment(ctx, id, AttachmentText(in.Name), map[string]string{
		"name": in.Name, "data": base64.StdEncoding.EncodeToString(in.Data),
	})
}

// MoveToStage moves the candidate (POST /candidates/{id}/move {member_id,
// target_stage:<slug>}). ToStageID is a stage id from ListStages
// ("<shortcode>/<slug>") or a bare slug.
func (c *Client) MoveToStage(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	slug := stageSlug(in.ToStageID)
	if err := needID("stage", slug); err != nil {
		return ats.WriteResult{}, err
	}
	_, err := c.post(ctx, candidatePath(in.ApplicationID, "/move"), "/candidates/{id}/move", map[string]any{"target_stage": slug})
	return ats.WriteResult{}, err
}

// Reject disqualifies the candidate (POST /candidates/{id}/disqualify
// {member_id, disqualify_reason_id, disqualify_note}). A Note of up to 256
// characters travels as disqualify_note; a longer one is added afterwards
// as a comment, and if only that comment fails the rejection stands and
// the failure is returned as a warning (retrying would not disqualify
// twice, but would fail on an already disqualified candidate).
func (c *Client) Reject(ctx context.Context, in ats.Rejection) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if strings.TrimSpace(in.ReasonID) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "reject", "Workable needs a disqualification reason to reject")
	}
	body := map[string]any{"disqualify_reason_id": in.ReasonID}
	longNote := utf8.RuneCountInString(in.Note) > maxDisqualifyNote
	if in.Note != "" && !longNote {
		body["disqualify_note"] = in.Note
	}
	if _, err := c.post(ctx, candidatePath(in.ApplicationID, "/disqualify"), "/candidates/{id}/disqualify", body); err != nil {
		return ats.WriteResult{}, err
	}
	if !longNote {
		return ats.WriteResult{}, nil
	}
	if _, err := c.comment(ctx, in.ApplicationID, in.Note, nil); err != nil {
		return ats.WriteResult{Warnings: []string{"rejected, but the rejection note was not added: " + err.Error()}}, nil
	}
	return ats.WriteResult{}, nil
}

// NormalizeTag renders a tag the way Workable stores it: lowercased, with
// inner whitespace turned into "-" (Workable drops everything after a
// space).
func NormalizeTag(s string) string {
	f := strings.FieldsFunc(strings.ToLower(strings.TrimSpace(s)), unicode.IsSpace)
	return strings.Join(f, "-")
}

// AddTag adds a tag to the Workable candidate. Workable's PUT
// /candidates/{id}/tags {tags:[…]} replaces the whole set, so the current
// tags are read first (GET /candidates/{id}) and written back with the new
// one; when the tag is already there nothing is written. The tag route
// takes no member_id (per the recorded usage), so no acting member is
// needed. A tag changed by
// someone else between the read and the write is lost: Workable offers no
// conditional update.
func (c *Client) AddTag(ctx context.Context, in ats.TagAssignment) (ats.WriteResult, error) {
	if err := needID("candidate", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	tag := NormalizeTag(in.Name)
	if tag == "" {
		tag = NormalizeTag(in.TagID)
	}
	if tag == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "tag", "tag name is required")
	}
	if utf8.RuneCountInString(tag) > MaxTagLength {
		return ats.WriteResult{}, ats.Invalid(Name, "tag", "Workable ignores tags of 25 characters or more")
	}
	current, err := c.candidateTags(ctx, in.CandidateID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	if slices.Contains(current, tag) {
		return ats.WriteResult{RemoteID: tag}, nil
	}
	tags := append(slices.Clip(current), tag)
	_, err = c.http.Do(ctx, ats.Request{Method: http.MethodPut, Path: candidatePath(in.CandidateID, "/tags"), OpName: "/candidates/{id}/tags",
		JSON: map[string]any{"tags": tags}})
	if err != nil {
		return ats.WriteResult{}, err
	}
	return ats.WriteResult{RemoteID: tag}, nil
}

// candidateTags reads a candidate's tags from GET /candidates/{id}
// ({candidate:{tags:[…]}}).
func (c *Client) candidateTags(ctx context.Context, id string) ([]string, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: candidatePath(id, ""), OpName: "/candidates/{id}"})
	if err != nil {
		return nil, err
	}
	var v struct {
		Candidate *struct {
			Tags []string `json:"tags"`
		} `json:"candidate"`
		Tags []string `json:"tags"`
	}
	if err := c.http.DecodeJSON(resp, &v); err != nil {
		return nil, err
	}
	if v.Candidate != nil {
		return v.Candidate.Tags, nil
	}
	return v.Tags, nil
}
