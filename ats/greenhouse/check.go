package greenhouse

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

var _ ats.WriteChecker = (*Client)(nil)

// HasWrite reports whether a note or attachment carrying marker already
// exists, so a write whose outcome was lost (a timeout after the request
// was sent) is not written twice. Notes are read from GET /notes
// ?candidate_ids= (the v1 activity feed's replacement, READ migration
// guide), attachments from GET /attachments ?application_ids= (or
// ?candidate_ids=), paged like every v3 list. Greenhouse has no result
// links; tags are idempotent.
func (c *Client) HasWrite(ctx context.Context, action ats.WriteAction, candidateID, applicationID, marker string) (bool, error) {
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
