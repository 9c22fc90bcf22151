package personio

// Users and stage history: what Personio reads beyond jobs, candidates and
// applications.

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/hireloop/hireloop/ats"
)

// ListUsers implements ats.Reader. The recruiting scope has no user
// endpoint; the hiring-team members jobs reference (GET
// /v2/recruiting/jobs, hiring_team[].person) are returned, with a name and
// email only where the job reports them (person details live in the
// Personnel Data API, which needs another scope).
func (c *Client) ListUsers(ctx context.Context, _ ats.ListOptions, fn func([]ats.User) error) error {
	seen := map[string]bool{}
	return c.pages(ctx, jobsPath, c.listQuery(time.Time{}), func(rows []json.RawMessage) error {
		jobs, err := ats.DecodeRows(Name, "GET "+jobsPath, rows, func(w wireJob, _ json.RawMessage) (wireJob, bool) { return w, true })
		if err != nil {
			return err
		}
		var out []ats.User
		for _, j := range jobs {
			for _, m := range j.HiringTeam {
				id := m.Person.ID.String()
				if id == "" || seen[id] {
					continue
				}
				seen[id] = true
				name := strings.TrimSpace(m.Person.Name)
				if name == "" {
					name = strings.TrimSpace(m.Person.FirstName + " " + m.Person.LastName)
				}
				raw, _ := json.Marshal(m.Person)
				out = append(out, ats.User{ID: id, RemoteID: id, Name: name, Email: m.Person.Email, Raw: raw})
			}
		}
		if len(out) == 0 {
			return nil
		}
		return fn(out)
	})
}

// StageTransition is one entry of an application's stage history.
type StageTransition struct {
	StageID   string
	StageName string
	Kind      ats.StageKind
	EnteredAt time.Time
	Raw       json.RawMessage
}

// StageTransitions reads an application's stage history, latest first
// (GET /v2/recruiting/applications/{id}/stage-transitions). It costs one
// request (or more, when paged) per application, so syncs do not call it.
func (c *Client) StageTransitions(ctx context.Context, applicationID string) ([]StageTransition, error) {
	if strings.TrimSpace(applicationID) == "" {
		return nil, ats.Invalid(Name, "stage transitions", "application id is required")
	}
	path := applicationsPath + "/" + pathID(applicationID) + "/stage-transitions"
	var out []StageTransition
	err := list(ctx, c, path, nil, func(w struct {
		Stage     wireStage `json:"stage"`
		EnteredAt pTime     `json:"entered_at"`
	}, raw json.RawMessage) (StageTransition, bool) {
		return StageTransition{StageID: w.Stage.stageID(), StageName: w.Stage.displayName(), Kind: w.Stage.kind(),
			EnteredAt: w.EnteredAt.Time, Raw: raw}, true
	}, func(p []StageTransition) error {
		out = append(out, p...)
		return nil
	})
	return out, err
}
