package recruitee

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

var _ ats.WriteChecker = (*Client)(nil)

// HasWrite reports whether a note, result link (written as a note) or
// attachment carrying marker is already on the candidate, so a write whose
// outcome was lost is not made twice: notes from GET
// /candidates/{id}/notes (body), attachments from GET
// /candidates/{id}/attachments (filename). Tags are idempotent.
func (c *Client) HasWrite(ctx context.Context, action ats.WriteAction, candidateID, _, marker string) (bool, error) {
	var path, key string
	var fields func(json.RawMessage) []string
	switch action {
	case ats.ActionAddTag:
		return false, nil // adding a tag twice changes nothing
	case ats.ActionNote, ats.ActionResultLink:
		path, key = candidatePath(candidateID, "/notes"), "notes"
		fields = func(raw json.RawMessage) []string {
			var v struct {
				Body string `json:"body"`
				Text string `json:"text"`
			}
			_ = json.Unmarshal(raw, &v)
			return []string{v.Body, v.Text}
		}
	case ats.ActionAttachment:
		path, key = candidatePath(candidateID, "/attachments"), "attachments"
		fields = func(raw json.RawMessage) []string {
			var v struct {
				Filename string `json:"filename"`
				Name     string `json:"name"`
			}
			_ = json.Unmarshal(raw, &v)
			return []string{v.Filename, v.Name}
		}
	default:
		return false, ats.Unsupported(Name, "check "+string(action), "Recruitee cannot be checked for this write")
	}
	if err := needID("candidate", candidateID); err != nil {
		return false, err
	}
	if marker == "" {
		return false, ats.Invalid(Name, "check", "marker is empty")
	}
	found := false
	err := c.listPages(ctx, path, key, nil, func(rows []json.RawMessage) error {
		for _, r := range rows {
			for _, s := range fields(r) {
				if s != "" && strings.Contains(s, marker) {
					found = true
					return errFound{}
				}
			}
		}
		return nil
	})
	if found {
		return true, nil
	}
	return false, err
}

// errFound stops paging once a match is found.
type errFound struct{}

func (errFound) Error() string { return "found" }
