package workable

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// HasWrite reports whether a note, result link or attachment carrying
// marker is already on the Workable candidate: all three are comments, so
// the candidate's comment activities (GET /candidates/{id}/activities
// ?actions=comment, paged) are searched for the marker in the comment body
// (an attachment comment's body names the file, see AttachmentText).
// AddTag is idempotent (it skips a tag already present), so a tag reports
// false; moves and rejections cannot be checked.
func (c *Client) HasWrite(ctx context.Context, action ats.WriteAction, candidateID, applicationID, marker string) (bool, error) {
	switch action {
	case ats.ActionAddTag:
		return false, nil
	case ats.ActionResultLink, ats.ActionNote, ats.ActionAttachment:
	default:
		return false, ats.Unsupported(Name, "check "+string(action), "Workable cannot be checked for this write")
	}
	id := target(applicationID, candidateID)
	if err := needID("application", id); err != nil {
		return false, err
	}
	found := false
	err := c.eachPage(ctx, candidatePath(id, "/activities"), url.Values{"actions": {"comment"}}, "activities", func(rows []json.RawMessage) error {
		for _, r := range rows {
			var a struct {
				Action string `json:"action"`
				Body   string `json:"body"`
			}
			if json.Unmarshal(r, &a) != nil {
				continue
			}
			if (a.Action == "" || a.Action == "comment") && strings.Contains(a.Body, marker) {
				found = true
				return errStop
			}
		}
		return nil
	})
	if err != nil && err != errStop {
		return false, err
	}
	return found, nil
}
