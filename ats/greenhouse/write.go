package greenhouse

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/hireloop/hireloop/ats"
)

// writeReq makes one write request. The acting user is the token's sub
// (v3 sends no On-Behalf-Of header), required by New.
func (c *Client) writeReq(ctx context.Context, method, path, opName string, body any) (*ats.Response, error) {
	return c.do(ctx, ats.Request{Method: method, Path: path, OpName: opName, JSON: body})
}

// numericID rejects ids Harvest cannot have (integers only) before they
// reach a URL.
func numericID(what, id string) error {
	if id == "" {
		return ats.Invalid(Name, what, what+" id is required")
	}
	if _, err := strconv.ParseUint(id, 10, 64); err != nil {
		return ats.Invalid(Name, what, what+" id "+strconv.Quote(id)+" is not a Greenhouse id")
	}
	return nil
}

func idNumber(id string) json.Number { return json.Number(id) }

// candidateFor returns in's candidate id, looking it up from the
// application (a read) when only that is known.
func (c *Client) candidateFor(ctx context.Context, candidateID, applicationID string) (string, error) {
	if candidateID != "" {
		return candidateID, numericID("candidate", candidateID)
	}
	app, err := c.application(ctx, applicationID)
	if err != nil {
		return "", err
	}
	return app.CandidateID.String(), nil
}

// application reads one application through the list's ids filter (List
// applications reference: "Pass ids directly to fetch specific
// applications by id"; v3 has no GET /applications/{id}).
func (c *Client) application(ctx context.Context, id string) (wireApplication, error) {
	var w wireApplication
	if err := numericID("application", id); err != nil {
		return w, err
	}
	var rows []wireApplication
	if _, err := c.getJSON(ctx, "/applications", url.Values{"ids": {id}}, &rows); err != nil {
		return w, err
	}
	if len(rows) == 0 {
		return w, &ats.Error{Provider: Name, Op: "GET /applications", Status: http.StatusNotFound,
			Message: "application " + id + " not found", Err: ats.ErrNotFound}
	}
	return rows[0], nil
}

// getJSON is do(GET) + DecodeJSON.
func (c *Client) getJSON(ctx context.Context, path string, q url.Values, out any) (*ats.Response, error) {
	resp, err := c.do(ctx, ats.Request{Method: http.MethodGet, Path: path, Query: q})
	if err != nil {
		return nil, err
	}
	return resp, c.http.DecodeJSON(resp, out)
}

func created(resp *ats.Response) ats.WriteResult {
	var v struct {
		ID ats.FlexID `json:"id"`
	}
	_ = json.Unmarshal(resp.Body, &v)
	return ats.WriteResult{RemoteID: v.ID.String()}
}

// AddResultLink is unsupported: see the package doc.
func (c *Client) AddResultLink(context.Context, ats.ResultLink) (ats.WriteResult, error) {
	return ats.WriteResult{}, declared.Check(ats.ActionResultLink)
}
