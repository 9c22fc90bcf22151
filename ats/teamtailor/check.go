package teamtailor

import (
	"context"
	"errors"
	"net/url"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

var _ ats.WriteChecker = (*Client)(nil)

// errFound stops paging once a match is found.
var errFound = errors.New("found")

// HasWrite reports whether a note or result link (both are candidate notes
// here) carrying marker is already on the candidate, from
// GET /notes?filter[candidate]=<id>; each row's candidate-id is checked too,
// in case the filter is not honoured. Adding a tag is idempotent (AddTag
// skips a tag that is present), so it reports false. Uploads carry no
// candidate id in their attributes and cannot be checked.
func (c *Client) HasWrite(ctx context.Context, action ats.WriteAction, candidateID, applicationID, marker string) (bool, error) {
	switch action {
	case ats.ActionAddTag:
		return false, nil
	case ats.ActionNote, ats.ActionResultLink:
	default:
		return false, ats.Unsupported(Name, "check "+string(action), "Teamtailor cannot be checked for this write")
	}
	if marker == "" {
		return false, ats.Invalid(Name, "check", "marker is required")
	}
	cand, err := c.candidateOf(ctx, candidateID, applicationID)
	if err != nil {
		return false, err
	}
	err = pages(ctx, c, "/notes", "/notes", url.Values{"filter[candidate]": {cand}}, func(rows []row[struct {
		Note        string     `json:"note"`
		CandidateID ats.FlexID `json:"candidate-id"`
	}], _ includedIndex) error {
		for _, r := range rows {
			a := r.Attributes
			if (a.CandidateID == "" || a.CandidateID.String() == cand) && strings.Contains(a.Note, marker) {
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
