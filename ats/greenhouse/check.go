package greenhouse

import (
	"context"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

var _ ats.WriteChecker = (*Client)(nil)

// HasWrite reports whether a note or attachment carrying marker already
// exists on the candidate, so a write whose outcome was lost (a timeout
// after the request was sent) is not written twice. Notes are read from
// GET /candidates/{id}/activity_feed (notes[].body), attachments from
// GET /candidates/{id} (attachments[].filename). Greenhouse has no result
// links; tags are idempotent.
func (c *Client) HasWrite(ctx context.Context, action ats.WriteAction, candidateID, applicationID, marker string) (bool, error) {
	cand, err := c.candidateFor(ctx, candidateID, applicationID)
	if err != nil {
		return false, err
	}
	switch action {
	case ats.ActionNote:
		resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/candidates/" + cand + "/activity_feed", OpName: "/candidates/{id}/activity_feed"})
		if err != nil {
			return false, err
		}
		var feed struct {
			Notes []struct {
				Body string `json:"body"`
			} `json:"notes"`
		}
		if err := c.http.DecodeJSON(resp, &feed); err != nil {
			return false, err
		}
		for _, n := range feed.Notes {
			if strings.Contains(n.Body, marker) {
				return true, nil
			}
		}
		return false, nil
	case ats.ActionAttachment:
		resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/candidates/" + cand, OpName: "/candidates/{id}"})
		if err != nil {
			return false, err
		}
		var cd struct {
			Attachments []struct {
				Filename string `json:"filename"`
			} `json:"attachments"`
		}
		if err := c.http.DecodeJSON(resp, &cd); err != nil {
			return false, err
		}
		for _, a := range cd.Attachments {
			if strings.Contains(a.Filename, marker) {
				return true, nil
			}
		}
		return false, nil
	case ats.ActionAddTag:
		return false, nil // adding a tag twice changes nothing
	}
	return false, ats.Unsupported(Name, "check "+string(action), "Greenhouse cannot be checked for this write")
}
