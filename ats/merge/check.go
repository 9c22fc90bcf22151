package merge

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// errFound stops paging once a match is found.
type errFound struct{}

func (errFound) Error() string { return "found" }

// HasWrite reports whether a note, result link (written as a note) or
// attachment carrying marker is already on the candidate, so a write whose
// outcome was lost is not made twice. Notes are looked up among the acting
// user's activities (GET /activities?user_id=…, the only owner filter
// Merge offers) on this candidate; attachments with
// GET /attachments?candidate_id=… by file name and URL. Merge stores a
// written row in its own copy at once, so a landed write is visible even
// before the next sync. Tags are idempotent (AddTag skips present ones).
func (c *Client) HasWrite(ctx context.Context, action ats.WriteAction, candidateID, applicationID, marker string) (bool, error) {
	switch action {
	case ats.ActionAddTag:
		return false, nil
	case ats.ActionNote, ats.ActionResultLink, ats.ActionAttachment:
	default:
		return false, ats.Unsupported(Name, "check "+string(action), "Merge writes of this kind cannot be looked up")
	}
	if marker == "" {
		return false, ats.Invalid(Name, "check", "a marker is required")
	}
	cand, err := c.candidateFor(ctx, "check", candidateID, applicationID)
	if err != nil {
		return false, err
	}
	var path string
	q := url.Values{}
	if action == ats.ActionAttachment {
		path = "/attachments"
		q.Set("candidate_id", cand)
	} else {
		user, err := c.actor("check")
		if err != nil {
			return false, err
		}
		path = "/activities"
		q.Set("user_id", user)
	}
	err = c.listRaw(ctx, path, q, ats.ListOptions{}, func(rows []json.RawMessage) error {
		for _, raw := range rows {
			var r struct {
				Candidate ref     `json:"candidate"`
				Subject   *string `json:"subject"`
				Body      *string `json:"body"`
				FileName  *string `json:"file_name"`
				FileURL   *string `json:"file_url"`
			}
			if json.Unmarshal(raw, &r) != nil || r.Candidate.ID != cand {
				continue
			}
			for _, s := range []*string{r.Subject, r.Body, r.FileName, r.FileURL} {
				if s != nil && strings.Contains(*s, marker) {
					return errFound{}
				}
			}
		}
		return nil
	})
	if _, ok := err.(errFound); ok {
		return true, nil
	}
	return false, err
}
