package bamboohr

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

func needID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return ats.Invalid(Name, what, what+" id is required")
	}
	return nil
}

func applicationPath(id, suffix string) string {
	return pathApplications + "/" + url.PathEscape(id) + suffix
}

// statusID parses a status id: BambooHR takes it as a JSON integer.
func statusID(op, id string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= 0 {
		return 0, ats.Invalid(Name, op, "BambooHR status ids are positive integers, got "+strconv.Quote(id))
	}
	return n, nil
}

// comment posts POST /applicant_tracking/applications/{id}/comments
// {"type":"comment","comment"} and returns the new comment's id.
func (c *Client) comment(ctx context.Context, applicationID, text string) (ats.WriteResult, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: applicationPath(applicationID, "/comments"),
		OpName: pathApplications + "/{id}/comments", JSON: map[string]string{"type": "comment", "comment": text}})
	if err != nil {
		return ats.WriteResult{}, err
	}
	var v struct {
		ID ats.FlexID `json:"id"`
	}
	_ = json.Unmarshal(resp.Body, &v)
	return ats.WriteResult{RemoteID: v.ID.String()}, nil
}

// AddNote adds a comment to the application. BambooHR comments are visible
// to everyone with access to the application; Visibility is ignored.
func (c *Client) AddNote(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	if strings.TrimSpace(in.Body) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "note", "note body is empty")
	}
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	return c.comment(ctx, in.ApplicationID, in.Body)
}

// ResultLinkText renders a result link as comment text: the label and URL
// on the first line, then one "key: value" line per attribute.
func ResultLinkText(in ats.ResultLink) string {
	var b strings.Builder
	if l := strings.TrimSpace(in.Label); l != "" {
		b.WriteString(l)
		b.WriteString(": ")
	}
	b.WriteString(in.URL)
	for _, kv := range in.Attributes {
		b.WriteString("\n")
		b.WriteString(kv.Key)
		b.WriteString(": ")
		b.WriteString(kv.Value)
	}
	return b.String()
}

// AddResultLink writes the link as an application comment (BambooHR has no
// links or custom-field API for applications); see ResultLinkText.
func (c *Client) AddResultLink(ctx context.Context, in ats.ResultLink) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if strings.TrimSpace(in.URL) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "result link", "result link URL is empty")
	}
	return c.comment(ctx, in.ApplicationID, ResultLinkText(in))
}

// AddAttachment implements ats.Writer: unsupported (ReasonAttachment).
func (c *Client) AddAttachment(context.Context, ats.Attachment) (ats.WriteResult, error) {
	return ats.WriteResult{}, declared.Check(ats.ActionAttachment)
}

// AddTag implements ats.Writer: unsupported (ReasonAddTag).
func (c *Client) AddTag(context.Context, ats.TagAssignment) (ats.WriteResult, error) {
	return ats.WriteResult{}, declared.Check(ats.ActionAddTag)
}

// setStatus posts POST /applicant_tracking/applications/{id}/status
// {"status": <int>}.
func (c *Client) setStatus(ctx context.Context, applicationID string, status int64) error {
	_, err := c.http.Do(ctx, ats.Request{Method: http.MethodPost, Path: applicationPath(applicationID, "/status"),
		OpName: pathApplications + "/{id}/status", JSON: map[string]int64{"status": status}})
	return err
}

// MoveToStage sets the application's status. Statuses are account-wide,
// so FromStageID is not needed.
func (c *Client) MoveToStage(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := needID("stage", in.ToStageID); err != nil {
		return ats.WriteResult{}, err
	}
	id, err := statusID("move", in.ToStageID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return ats.WriteResult{}, c.setStatus(ctx, in.ApplicationID, id)
}

// Reject sets the rejection status ReasonID (an id from
// ListRejectionReasons; BambooHR itself accepts any status id, so the
// caller's choice is trusted). A Note is then added as a comment; if only
// that comment fails, the rejection stands and the failure is returned as
// a warning, so retrying the job does not reject twice.
func (c *Client) Reject(ctx context.Context, in ats.Rejection) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if strings.TrimSpace(in.ReasonID) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "reject", "BambooHR rejects by setting a rejection status: a reason id is required")
	}
	id, err := statusID("reject", in.ReasonID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	if err := c.setStatus(ctx, in.ApplicationID, id); err != nil || strings.TrimSpace(in.Note) == "" {
		return ats.WriteResult{}, err
	}
	if _, nerr := c.comment(ctx, in.ApplicationID, in.Note); nerr != nil {
		return ats.WriteResult{Warnings: []string{"rejected, but the rejection comment was not added: " + nerr.Error()}}, nil
	}
	return ats.WriteResult{}, nil
}
