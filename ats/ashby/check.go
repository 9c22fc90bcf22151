package ashby

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

var _ ats.WriteChecker = (*Client)(nil)

// errFound stops paging once the marker turned up.
var errFound = errors.New("found")

// HasWrite reports whether a note or file carrying marker is already on
// the candidate, so a write whose outcome was lost (a timeout after the
// request was sent) is not made twice: notes from candidate.listNotes
// {candidateId} (content), files from candidate.info {id} (fileHandles[].name;
// the "id" parameter name and the fileHandles shape are inferred from
// third-party clients). Tags are idempotent. Ashby result links are
// unsupported (the note carries the link), and moves are read back from
// the application by the caller.
func (c *Client) HasWrite(ctx context.Context, action ats.WriteAction, candidateID, _, marker string) (bool, error) {
	switch action {
	case ats.ActionAddTag:
		return false, nil // adding a tag twice changes nothing
	case ats.ActionNote, ats.ActionAttachment:
	default:
		return false, ats.Unsupported(Name, "check "+string(action), "Ashby cannot be checked for this write")
	}
	if err := needID("candidate", candidateID); err != nil {
		return false, err
	}
	if action == ats.ActionNote {
		err := c.listRaw(ctx, "candidate.listNotes", map[string]any{"candidateId": candidateID}, true, nil, func(rows []json.RawMessage) error {
			for _, r := range rows {
				var n struct {
					Content string `json:"content"`
				}
				if json.Unmarshal(r, &n) == nil && strings.Contains(n.Content, marker) {
					return errFound
				}
			}
			return nil
		})
		if errors.Is(err, errFound) {
			return true, nil
		}
		return false, err
	}
	var env envelope
	if err := c.call(ctx, "candidate.info", map[string]any{"id": candidateID}, true, &env); err != nil {
		return false, err
	}
	var cand struct {
		FileHandles []struct {
			Name string `json:"name"`
		} `json:"fileHandles"`
	}
	if err := json.Unmarshal(env.Results, &cand); err != nil {
		return false, malformed("POST /candidate.info", "invalid candidate: "+err.Error())
	}
	for _, f := range cand.FileHandles {
		if strings.Contains(f.Name, marker) {
			return true, nil
		}
	}
	return false, nil
}
