package smartrecruiters

import (
	"context"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// HasWrite reports whether an attachment whose file name carries marker is
// already on the candidate (GET /candidates/{id}/attachments, the
// attachments' name), so an upload whose outcome was lost is not made
// twice. Tags are idempotent (adding one twice changes nothing). Notes
// cannot be checked: shared messages are not read back through a
// documented list, so a note with an unknown outcome is left to a person.
func (c *Client) HasWrite(ctx context.Context, action ats.WriteAction, candidateID, applicationID, marker string) (bool, error) {
	switch action {
	case ats.ActionAddTag:
		return false, nil
	case ats.ActionAttachment:
	default:
		return false, ats.Unsupported(Name, "check "+string(action), "SmartRecruiters cannot be checked for this write")
	}
	if candidateID == "" && applicationID != "" {
		cid, _, err := splitApp("check", applicationID)
		if err != nil {
			return false, err
		}
		candidateID = cid
	}
	if err := needID("candidate", candidateID); err != nil {
		return false, err
	}
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: candidatePath(candidateID, "/attachments"), OpName: "/candidates/{id}/attachments"})
	if err != nil {
		return false, err
	}
	var page struct {
		Content []struct {
			Name string `json:"name"`
		} `json:"content"`
	}
	if err := c.http.DecodeJSON(resp, &page); err != nil {
		return false, err
	}
	for _, a := range page.Content {
		if strings.Contains(a.Name, marker) {
			return true, nil
		}
	}
	return false, nil
}
