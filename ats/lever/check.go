package lever

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

var _ ats.WriteChecker = (*Client)(nil)

// HasWrite reports whether a result link, note or file carrying marker is
// already on the opportunity, so a write whose outcome was lost (a timeout
// after the request was sent) is not made twice: links from
// GET /opportunities/{id} (links[]), notes from GET /opportunities/{id}/notes
// (any string in the note, since the note shape is inferred), files from
// GET /opportunities/{id}/files (name). Tags are idempotent.
func (c *Client) HasWrite(ctx context.Context, action ats.WriteAction, _, applicationID, marker string) (bool, error) {
	switch action {
	case ats.ActionAddTag:
		return false, nil // adding a tag twice changes nothing
	case ats.ActionResultLink, ats.ActionNote, ats.ActionAttachment:
	default:
		return false, ats.Unsupported(Name, "check "+string(action), "Lever cannot be checked for this write")
	}
	if err := needID("application", applicationID); err != nil {
		return false, err
	}
	switch action {
	case ats.ActionResultLink:
		resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: opportunityPath(applicationID, ""), OpName: "/opportunities/{id}"})
		if err != nil {
			return false, err
		}
		var v struct {
			Data struct {
				Links []string `json:"links"`
			} `json:"data"`
		}
		if err := c.http.DecodeJSON(resp, &v); err != nil {
			return false, err
		}
		for _, l := range v.Data.Links {
			if strings.Contains(l, marker) {
				return true, nil
			}
		}
		return false, nil
	case ats.ActionNote:
		return c.anyRowContains(ctx, opportunityPath(applicationID, "/notes"), marker, func(raw json.RawMessage) []string {
			var v any
			_ = json.Unmarshal(raw, &v)
			return stringsIn(v, nil)
		})
	default:
		return c.anyRowContains(ctx, opportunityPath(applicationID, "/files"), marker, func(raw json.RawMessage) []string {
			var v struct {
				Name string `json:"name"`
			}
			_ = json.Unmarshal(raw, &v)
			return []string{v.Name}
		})
	}
}

// errFound stops paging once a match is found.
type errFound struct{}

func (errFound) Error() string { return "found" }

func (c *Client) anyRowContains(ctx context.Context, path, marker string, fields func(json.RawMessage) []string) (bool, error) {
	err := c.listRaw(ctx, path, nil, func(rows []json.RawMessage) error {
		for _, r := range rows {
			for _, s := range fields(r) {
				if strings.Contains(s, marker) {
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

// stringsIn collects every string value in a decoded JSON value.
func stringsIn(v any, out []string) []string {
	switch t := v.(type) {
	case string:
		out = append(out, t)
	case []any:
		for _, x := range t {
			out = stringsIn(x, out)
		}
	case map[string]any:
		for _, x := range t {
			out = stringsIn(x, out)
		}
	}
	return out
}
