package greenhouse

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// maxIDsFilter is the v3 limit on id-list filters (ids, application_ids,
// candidate_ids: "length ≤ 50" in the API reference).
const maxIDsFilter = 50

// tagsPath is the candidate tag list (inferred from the v3 scope
// "candidate tags"; see the package doc).
const tagsPath = "/candidate_tags"

// wireOffice is a v3 office; its location is read as a string or an
// object with a name (v1's shape).
type wireOffice struct {
	ID       ats.FlexID      `json:"id"`
	Name     string          `json:"name"`
	Location json.RawMessage `json:"location"`
}

// departmentsAndOffices maps department ids to names and office ids to
// their location (or, without one, the office's name): v3 jobs carry
// department_id and office_ids only (inferred from the READ migration
// renames; see the package doc). Both lists are a page or two for a whole
// account.
func (c *Client) departmentsAndOffices(ctx context.Context) (map[string]string, map[string]string, error) {
	depts, offices := map[string]string{}, map[string]string{}
	err := list(ctx, c, "/departments", filter{}, nil, func(w named, _ json.RawMessage) (named, bool) { return w, true },
		func(ds []named) error {
			for _, d := range ds {
				depts[d.ID.String()] = d.Name
			}
			return nil
		})
	if err != nil {
		return nil, nil, err
	}
	err = list(ctx, c, "/offices", filter{}, nil, func(w wireOffice, _ json.RawMessage) (wireOffice, bool) { return w, true },
		func(os []wireOffice) error {
			for _, o := range os {
				name := ats.FlexName(o.Location)
				if name == "" {
					name = o.Name
				}
				offices[o.ID.String()] = name
			}
			return nil
		})
	return depts, offices, err
}

// wireRejectionDetail is a v3 rejection detail: one per rejected
// application (GET /v3/rejection_details reference). The reason is read
// from rejection_reason_id, or a nested rejection_reason when present.
type wireRejectionDetail struct {
	ID                ats.FlexID   `json:"id"`
	ApplicationID     ats.FlexID   `json:"application_id"`
	RejectionReasonID ats.FlexID   `json:"rejection_reason_id"`
	RejectionReason   *named       `json:"rejection_reason"`
	RejectedAt        ats.FlexTime `json:"rejected_at"`
}

// fillRejections completes the rejected applications of one page with
// their rejection reason and time from GET /rejection_details
// ?application_ids=... (up to 50 ids a request). A page without
// rejections costs nothing, so a sync of active pipelines makes no extra
// requests.
func (c *Client) fillRejections(ctx context.Context, apps []ats.Application) error {
	idx := map[string]int{}
	var ids []string
	for i, a := range apps {
		if a.Status == ats.ApplicationRejected && a.RejectionReasonID == "" {
			idx[a.ID] = i
			ids = append(ids, a.ID)
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), maxIDsFilter)
		q := url.Values{"application_ids": {strings.Join(ids[:n], ",")}}
		ids = ids[n:]
		err := list(ctx, c, "/rejection_details", filter{}, q,
			func(w wireRejectionDetail, _ json.RawMessage) (wireRejectionDetail, bool) { return w, true },
			func(ds []wireRejectionDetail) error {
				for _, d := range ds {
					i, ok := idx[d.ApplicationID.String()]
					if !ok {
						continue
					}
					a := &apps[i]
					a.RejectionReasonID = d.RejectionReasonID.String()
					if d.RejectionReason != nil {
						a.RejectionReasonID, a.RejectionReasonName = d.RejectionReason.ID.String(), d.RejectionReason.Name
					}
					if a.RejectedAt.IsZero() {
						a.RejectedAt = d.RejectedAt.Time
					}
				}
				return nil
			})
		if err != nil {
			return err
		}
	}
	return nil
}
