package teamtailor

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"

	"github.com/hireloop/hireloop/ats"
)

// ref is JSON:API resource linkage.
type ref struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

func one(typ, id string) map[string]any { return map[string]any{"data": ref{Type: typ, ID: id}} }

// write sends one JSON:API write (never retried by the shared client).
func (c *Client) write(ctx context.Context, method, p, opName string, data map[string]any) (*ats.Response, error) {
	body, err := json.Marshal(map[string]any{"data": data})
	if err != nil {
		return nil, ats.Invalid(Name, method+" "+opName, err.Error())
	}
	return c.http.Do(ctx, ats.Request{Method: method, Path: p, OpName: opName, Body: body, ContentType: MediaType})
}

// created returns data.id of a write response.
func created(resp *ats.Response) ats.WriteResult {
	var v struct {
		Data struct {
			ID ats.FlexID `json:"id"`
		} `json:"data"`
	}
	_ = json.Unmarshal(resp.Body, &v)
	return ats.WriteResult{RemoteID: v.Data.ID.String()}
}

func needID(what, id string) error {
	if strings.TrimSpace(id) == "" {
		return ats.Invalid(Name, what, what+" id is required")
	}
	return nil
}

func (c *Client) needActor(op string) error {
	if c.cfg.ActingUserID == "" {
		return ats.NotConfigured(Name, op,
			"Teamtailor notes need an acting user: choose the Teamtailor user hireloop writes notes as in the connection settings")
	}
	return nil
}

// candidateOf returns candidateID, or looks up the candidate of
// applicationID (GET /job-applications/{id}?include=candidate).
func (c *Client) candidateOf(ctx context.Context, candidateID, applicationID string) (string, error) {
	if strings.TrimSpace(candidateID) != "" {
		return candidateID, nil
	}
	if strings.TrimSpace(applicationID) == "" {
		return "", ats.Invalid(Name, "candidate", "a candidate id (or an application id to look it up) is required")
	}
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/job-applications/" + url.PathEscape(applicationID),
		Query: url.Values{"include": {"candidate"}}, OpName: "/job-applications/{id}"})
	if err != nil {
		return "", err
	}
	var v struct {
		Data resource `json:"data"`
	}
	if err := c.http.DecodeJSON(resp, &v); err != nil {
		return "", err
	}
	id := v.Data.rel("candidate")
	if id == "" {
		return "", malformed("GET /job-applications/{id}", "job application "+applicationID+" names no candidate")
	}
	return id, nil
}

// postNote creates a candidate note attributed to the acting user.
func (c *Client) postNote(ctx context.Context, candidateID, text string) (ats.WriteResult, error) {
	resp, err := c.write(ctx, http.MethodPost, "/notes", "/notes", map[string]any{
		"type":       "notes",
		"attributes": map[string]any{"note": text},
		"relationships": map[string]any{
			"candidate": one("candidates", candidateID),
			"user":      one("users", c.cfg.ActingUserID),
		},
	})
	if err != nil {
		return ats.WriteResult{}, err
	}
	return created(resp), nil
}

// AddNote posts a candidate note (POST /notes) as the acting user. The
// candidate is looked up from the application when CandidateID is empty.
// Visibility is not sent: the API documents no way to create a private note.
func (c *Client) AddNote(ctx context.Context, in ats.Note) (ats.WriteResult, error) {
	if strings.TrimSpace(in.Body) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "note", "note body is empty")
	}
	if err := c.needActor("POST /notes"); err != nil {
		return ats.WriteResult{}, err
	}
	cand, err := c.candidateOf(ctx, in.CandidateID, in.ApplicationID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return c.postNote(ctx, cand, in.Body)
}

// ResultNote renders a result link as note text: label, URL, then one
// "Key: Value" line per attribute.
func ResultNote(in ats.ResultLink) string {
	label := strings.TrimSpace(in.Label)
	if label == "" {
		label = "Interview result"
	}
	var b strings.Builder
	b.WriteString(label + ": " + in.URL)
	for _, kv := range in.Attributes {
		b.WriteString("\n" + kv.Key + ": " + kv.Value)
	}
	return b.String()
}

// AddResultLink writes the link as a candidate note (see ResultNote):
// Teamtailor shows partner results only from the Partner API.
func (c *Client) AddResultLink(ctx context.Context, in ats.ResultLink) (ats.WriteResult, error) {
	if strings.TrimSpace(in.URL) == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "result link", "result link URL is empty")
	}
	if err := c.needActor("POST /notes"); err != nil {
		return ats.WriteResult{}, err
	}
	cand, err := c.candidateOf(ctx, in.CandidateID, in.ApplicationID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	return c.postNote(ctx, cand, ResultNote(in))
}

// AddAttachment creates an upload on the candidate (POST /uploads
// {url, file-name}); Teamtailor downloads the file from in.URL, which must
// be a public http(s) URL. Data is not sent.
func (c *Client) AddAttachment(ctx context.Context, in ats.Attachment) (ats.WriteResult, error) {
	u, err := url.Parse(strings.TrimSpace(in.URL))
	if in.URL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment",
			"Teamtailor downloads attachments from a public URL; an absolute http(s) URL of the file is required")
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		name = path.Base(u.Path)
	}
	if name == "" || name == "/" || name == "." {
		return ats.WriteResult{}, ats.Invalid(Name, "attachment", "attachment file name is required")
	}
	cand, err := c.candidateOf(ctx, in.CandidateID, in.ApplicationID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	resp, err := c.write(ctx, http.MethodPost, "/uploads", "/uploads", map[string]any{
		"type":          "uploads",
		"attributes":    map[string]any{"url": u.String(), "file-name": name},
		"relationships": map[string]any{"candidate": one("candidates", cand)},
	})
	if err != nil {
		return ats.WriteResult{}, err
	}
	return created(resp), nil
}

func applicationPath(id string) string { return "/job-applications/" + url.PathEscape(id) }

// MoveToStage sets the application's stage (PATCH /job-applications/{id}
// relationships.stage). FromStageID is not needed.
func (c *Client) MoveToStage(ctx context.Context, in ats.StageMove) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if err := needID("stage", in.ToStageID); err != nil {
		return ats.WriteResult{}, err
	}
	_, err := c.write(ctx, http.MethodPatch, applicationPath(in.ApplicationID), "/job-applications/{id}", map[string]any{
		"type": "job-applications", "id": in.ApplicationID,
		"relationships": map[string]any{"stage": one("stages", in.ToStageID)},
	})
	return ats.WriteResult{}, err
}

// Reject sets rejected-at (now) and the reject reason on the application
// (PATCH /job-applications/{id}); Teamtailor allows a rejection without a
// reason, so an empty ReasonID sends none. A Note becomes a candidate note
// as the acting user; if only that note fails, the rejection stands and the
// failure is returned as a warning, so retrying does not reject twice.
func (c *Client) Reject(ctx context.Context, in ats.Rejection) (ats.WriteResult, error) {
	if err := needID("application", in.ApplicationID); err != nil {
		return ats.WriteResult{}, err
	}
	if in.Note != "" {
		if err := c.needActor("reject note"); err != nil {
			return ats.WriteResult{}, err
		}
	}
	data := map[string]any{
		"type": "job-applications", "id": in.ApplicationID,
		"attributes": map[string]any{"rejected-at": timeParam(c.now())},
	}
	if in.ReasonID != "" {
		data["relationships"] = map[string]any{"reject-reason": one("reject-reasons", in.ReasonID)}
	}
	if _, err := c.write(ctx, http.MethodPatch, applicationPath(in.ApplicationID), "/job-applications/{id}", data); err != nil {
		return ats.WriteResult{}, err
	}
	if in.Note == "" {
		return ats.WriteResult{}, nil
	}
	cand, err := c.candidateOf(ctx, "", in.ApplicationID)
	if err == nil {
		_, err = c.postNote(ctx, cand, in.Note)
	}
	if err != nil {
		return ats.WriteResult{Warnings: []string{"rejected, but the rejection note was not added: " + err.Error()}}, nil
	}
	return ats.WriteResult{}, nil
}

// AddTag adds a tag name to the candidate's tags: GET /candidates/{id},
// then PATCH /candidates/{id} with the whole array plus the new name.
// Teamtailor tags have no ids (TagID is used as the name when Name is
// empty). A tag already present (case-insensitively) writes nothing.
func (c *Client) AddTag(ctx context.Context, in ats.TagAssignment) (ats.WriteResult, error) {
	if err := needID("candidate", in.CandidateID); err != nil {
		return ats.WriteResult{}, err
	}
	tag := strings.TrimSpace(in.Name)
	if tag == "" {
		tag = strings.TrimSpace(in.TagID)
	}
	if tag == "" {
		return ats.WriteResult{}, ats.Invalid(Name, "tag", "tag name is required")
	}
	cur, err := c.candidateTags(ctx, in.CandidateID)
	if err != nil {
		return ats.WriteResult{}, err
	}
	if slices.ContainsFunc(cur, func(t string) bool { return strings.EqualFold(strings.TrimSpace(t), tag) }) {
		return ats.WriteResult{RemoteID: tag}, nil
	}
	_, err = c.write(ctx, http.MethodPatch, "/candidates/"+url.PathEscape(in.CandidateID), "/candidates/{id}", map[string]any{
		"type": "candidates", "id": in.CandidateID,
		"attributes": map[string]any{"tags": append(slices.Clone(cur), tag)},
	})
	if err != nil {
		return ats.WriteResult{}, err
	}
	return ats.WriteResult{RemoteID: tag}, nil
}

func (c *Client) candidateTags(ctx context.Context, id string) ([]string, error) {
	resp, err := c.http.Do(ctx, ats.Request{Method: http.MethodGet, Path: "/candidates/" + url.PathEscape(id), OpName: "/candidates/{id}"})
	if err != nil {
		return nil, err
	}
	var v struct {
		Data resource `json:"data"`
	}
	if err := c.http.DecodeJSON(resp, &v); err != nil {
		return nil, err
	}
	a, err := attrs[candidateAttrs]("GET /candidates/{id}", v.Data)
	if err != nil {
		return nil, err
	}
	if a.Tags == nil {
		a.Tags = []string{}
	}
	return a.Tags, nil
}
