package greenhouse

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

var _ ats.WriteChecker = (*Client)(nil)

// HasWrite reports whether a note or attachment carrying marker already
// exists on the candidate, so a write whose outcome was lost (a timeout
// after the request was sent) is not written twice. Notes are read from
// GET /candidates/{id}/activity_feed (notes[].body), attachments from
// GET /candidates/{id} (attachments[].filename). Greenhouse has no result
// links; tags are idempotent. In v3 notes come from GET /notes
// ?candidate_ids= and attachments from GET /attachments ?application_ids=
// (or ?candidate_ids=), paged like every v3 list.
func (c *Client) HasWrite(ctx context.Context, action ats.WriteAction, candidateID, applicationID, marker string) (bool, error) {
	if c.v3 {
		return c.hasWriteV3(ctx, action, candidateID, applicationID, marker)
	}
	cand, err := c.candidateFor(ctx, candidateID, applicationID)
	if err != nil {
		return false, err
	}
	switch action {
	case ats.ActionNote:
		resp, err := c.do(ctx, ats.Request{Method: http.MethodGet, Path: "/candidates/" + cand + "/activity_feed", OpName: "/candidates/{id}/activity_feed"})
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
		resp, err := c.do(ctx, ats.Request{Method: http.MethodGet, Path: "/candidates/" + cand, OpName: "/candidates/{id}"})
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

func (c *Client) hasWriteV3(ctx context.Context, action ats.WriteAction, candidateID, applicationID, marker string) (bool, error) {
	var path, field string
	q := url.Values{}
	switch action {
	case ats.ActionNote:
		cand, err := c.candidateFor(ctx, candidateID, applicationID)
		if err != nil {
			return false, err
		}
		path, field = "/notes", "body"
		q.Set("candidate_ids", cand)
	case ats.ActionAttachment:
		path, field = "/attachments", "filename"
		if applicationID != "" {
			if err := numericID("application", applicationID); err != nil {
				return false, err
			}
			q.Set("application_ids", applicationID)
		} else {
			if err := numericID("candidate", candidateID); err != nil {
				return false, err
			}
			q.Set("candidate_ids", candidateID)
		}
	case ats.ActionAddTag:
		return false, nil // adding a tag twice changes nothing
	default:
		return false, ats.Unsupported(Name, "check "+string(action), "Greenhouse cannot be checked for this write")
	}
	found := errors.New("found")
	err := c.listRaw(ctx, path, filter{}, q, func(rows []json.RawMessage) error {
		for _, raw := range rows {
			var m map[string]any
			if json.Unmarshal(raw, &m) != nil {
				continue
			}
			if s, _ := m[field].(string); strings.Contains(s, marker) {
				return found
			}
		}
		return nil
	})
	if errors.Is(err, found) {
		return true, nil
	}
	return false, err
}
