package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Read side of the synced ATS data, for the console and the interview
// wizard. Every query is scoped by workspace id.

// Position is a synced job with its stage pipeline.
type Position struct {
	ID              int64           `json:"id"`
	ConnectionID    int64           `json:"connection_id"`
	ExtID           string          `json:"ext_id"`
	Title           string          `json:"title"`
	Status          string          `json:"status"`
	Department      string          `json:"department"`
	Location        string          `json:"location"`
	DescriptionHTML string          `json:"description_html,omitempty"`
	DescriptionText string          `json:"description_text,omitempty"`
	Questions       json.RawMessage `json:"questions,omitempty"`
	UpdatedAt       *time.Time      `json:"updated_at"`
	Deleted         bool            `json:"deleted"`
	Applications    int64           `json:"applications"`
	Stages          []PipelineStage `json:"stages"`
}

// PipelineStage is one stage of a position with how many active
// applications sit in it.
type PipelineStage struct {
	ExtID        string `json:"ext_id"`
	Name         string `json:"name"`
	Position     int    `json:"position"`
	Kind         string `json:"kind"`
	Applications int64  `json:"applications"`
}

// Page sizes of the list queries: the default, and the most one page may
// hold (the API refuses larger limits rather than quietly shrinking them).
const (
	DefaultPositionsPage    = 100
	MaxPositionsPage        = 500
	DefaultApplicationsPage = 50
	MaxApplicationsPage     = 200
)

// PositionFilter narrows Positions.
type PositionFilter struct {
	ConnectionID int64
	Query        string
	IncludeGone  bool // include deleted positions
	Limit        int
	Offset       int
}

// Positions lists synced positions with their pipelines and counts.
func (s *Store) Positions(ctx context.Context, workspaceID int64, f PositionFilter) ([]Position, int64, error) {
	where := []string{"j.workspace_id = ?"}
	args := []any{workspaceID}
	if f.ConnectionID != 0 {
		where = append(where, "j.connection_id = ?")
		args = append(args, f.ConnectionID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		where = append(where, "(j.title LIKE ? ESCAPE '\\' OR j.department LIKE ? ESCAPE '\\' OR j.location LIKE ? ESCAPE '\\')")
		like := "%" + escapeLike(q) + "%"
		args = append(args, like, like, like)
	}
	if !f.IncludeGone {
		where = append(where, "j.deleted_at IS NULL")
	}
	w := strings.Join(where, " AND ")
	var total int64
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM ats_jobs j WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("store: unable to count positions: %w", err)
	}
	if f.Limit <= 0 || f.Limit > MaxPositionsPage {
		f.Limit = DefaultPositionsPage
	}
	rows, err := s.r.QueryContext(ctx, `SELECT j.id, j.connection_id, j.ext_id, j.title, j.status, j.department, j.location,
		j.remote_updated_at, j.deleted_at IS NOT NULL,
		(SELECT count(*) FROM ats_applications a WHERE a.connection_id = j.connection_id AND a.job_ext_id = j.ext_id AND a.deleted_at IS NULL)
		FROM ats_jobs j WHERE `+w+` ORDER BY (j.status = 'open') DESC, j.title COLLATE NOCASE, j.id LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to list positions: %w", err)
	}
	defer rows.Close()
	out := []Position{}
	for rows.Next() {
		var p Position
		var updated *int64
		if err := rows.Scan(&p.ID, &p.ConnectionID, &p.ExtID, &p.Title, &p.Status, &p.Department, &p.Location, &updated, &p.Deleted, &p.Applications); err != nil {
			return nil, 0, err
		}
		if updated != nil {
			t := fromUnix(*updated)
			p.UpdatedAt = &t
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	for i := range out {
		st, err := s.pipeline(ctx, workspaceID, out[i].ConnectionID, out[i].ExtID)
		if err != nil {
			return nil, 0, err
		}
		out[i].Stages = st
	}
	return out, total, nil
}

// PositionByID loads one position with description, questions and pipeline.
func (s *Store) PositionByID(ctx context.Context, workspaceID, id int64) (*Position, error) {
	var p Position
	var updated *int64
	var questions string
	err := s.r.QueryRowContext(ctx, `SELECT j.id, j.connection_id, j.ext_id, j.title, j.status, j.department, j.location,
		j.description_html, j.description_text, j.questions, j.remote_updated_at, j.deleted_at IS NOT NULL,
		(SELECT count(*) FROM ats_applications a WHERE a.connection_id = j.connection_id AND a.job_ext_id = j.ext_id AND a.deleted_at IS NULL)
		FROM ats_jobs j WHERE j.id = ? AND j.workspace_id = ?`, id, workspaceID).Scan(&p.ID, &p.ConnectionID, &p.ExtID, &p.Title,
		&p.Status, &p.Department, &p.Location, &p.DescriptionHTML, &p.DescriptionText, &questions, &updated, &p.Deleted, &p.Applications)
	if err != nil {
		if strings.Contains(err.Error(), "no rows") {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("store: unable to load position: %w", err)
	}
	p.Questions = json.RawMessage(questions)
	if updated != nil {
		t := fromUnix(*updated)
		p.UpdatedAt = &t
	}
	if p.Stages, err = s.pipeline(ctx, workspaceID, p.ConnectionID, p.ExtID); err != nil {
		return nil, err
	}
	return &p, nil
}

// pipeline returns a job's stages in order with counts of active
// applications. Account-wide stages (job_ext_id ”) apply to every job.
func (s *Store) pipeline(ctx context.Context, workspaceID, connectionID int64, jobExtID string) ([]PipelineStage, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT st.ext_id, st.name, st.position, st.kind,
		(SELECT count(*) FROM ats_applications a WHERE a.connection_id = st.connection_id AND a.job_ext_id = ?
		   AND a.stage_ext_id = st.ext_id AND a.deleted_at IS NULL AND a.status = 'active')
		FROM ats_stages st WHERE st.workspace_id = ? AND st.connection_id = ? AND st.job_ext_id IN (?, '')
		AND st.deleted_at IS NULL AND st.active = 1 ORDER BY st.job_ext_id = '' , st.position, st.id`,
		jobExtID, workspaceID, connectionID, jobExtID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load pipeline: %w", err)
	}
	defer rows.Close()
	out := []PipelineStage{}
	for rows.Next() {
		var p PipelineStage
		if err := rows.Scan(&p.ExtID, &p.Name, &p.Position, &p.Kind, &p.Applications); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// ApplicationRow is one application with its candidate, for tables.
type ApplicationRow struct {
	ID                  int64           `json:"id"`
	ConnectionID        int64           `json:"connection_id"`
	ExtID               string          `json:"ext_id"`
	CandidateExtID      string          `json:"candidate_ext_id"`
	FirstName           string          `json:"first_name"`
	LastName            string          `json:"last_name"`
	Email               string          `json:"email"`
	Tags                json.RawMessage `json:"tags"`
	JobExtID            string          `json:"job_ext_id"`
	JobTitle            string          `json:"job_title"`
	StageExtID          string          `json:"stage_ext_id"`
	StageName           string          `json:"stage_name"`
	Status              string          `json:"status"`
	RejectionReasonName string          `json:"rejection_reason_name"`
	AppliedAt           *time.Time      `json:"applied_at"`
	UpdatedAt           *time.Time      `json:"updated_at"`
}

// ApplicationFilter narrows Applications. Paging is by keyset (After is
// the last id of the previous page), which stays fast at any depth.
type ApplicationFilter struct {
	ConnectionID int64
	JobExtID     string
	StageExtID   string
	Tag          string
	Status       string
	Query        string
	After        int64
	Limit        int
}

// Applications lists applications newest first with the total matching.
// The page has at most f.Limit rows; more is true when another follows.
func (s *Store) Applications(ctx context.Context, workspaceID int64, f ApplicationFilter) ([]ApplicationRow, int64, bool, error) {
	where := []string{"a.workspace_id = ?", "a.deleted_at IS NULL"}
	args := []any{workspaceID}
	if f.ConnectionID != 0 {
		where = append(where, "a.connection_id = ?")
		args = append(args, f.ConnectionID)
	}
	if f.JobExtID != "" {
		where = append(where, "a.job_ext_id = ?")
		args = append(args, f.JobExtID)
	}
	if f.StageExtID != "" {
		where = append(where, "a.stage_ext_id = ?")
		args = append(args, f.StageExtID)
	}
	if f.Status != "" {
		where = append(where, "a.status = ?")
		args = append(args, f.Status)
	}
	if f.Tag != "" {
		where = append(where, "EXISTS (SELECT 1 FROM json_each(c.tags) WHERE json_each.value = ?)")
		args = append(args, f.Tag)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(q) + "%"
		where = append(where, "(c.first_name || ' ' || c.last_name LIKE ? ESCAPE '\\' OR c.email LIKE ? ESCAPE '\\')")
		args = append(args, like, like)
	}
	from := ` FROM ats_applications a
		LEFT JOIN ats_candidates c ON c.connection_id = a.connection_id AND c.ext_id = a.candidate_ext_id
		LEFT JOIN ats_jobs j ON j.connection_id = a.connection_id AND j.ext_id = a.job_ext_id
		WHERE ` + strings.Join(where, " AND ")
	var total int64
	if err := s.r.QueryRowContext(ctx, `SELECT count(*)`+from, args...).Scan(&total); err != nil {
		return nil, 0, false, fmt.Errorf("store: unable to count applications: %w", err)
	}
	if f.Limit <= 0 || f.Limit > MaxApplicationsPage {
		f.Limit = DefaultApplicationsPage
	}
	page := from
	pargs := append([]any{}, args...)
	if f.After > 0 {
		page += " AND a.id < ?"
		pargs = append(pargs, f.After)
	}
	// One row more than asked tells whether another page exists. Stage
	// and rejection reason names come from the synced stages and reasons
	// (the job's stage first, then an account-wide one): vendors whose
	// applications carry only ids (Greenhouse Harvest v3) leave the
	// application's own name empty, and a stage renamed in the ATS keeps
	// its applications untouched. The application's name is the fallback,
	// e.g. for a stage a webhook named before the stages were synced.
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.connection_id, a.ext_id, a.candidate_ext_id, coalesce(c.first_name, ''),
		coalesce(c.last_name, ''), coalesce(c.email, ''), coalesce(c.tags, '[]'), a.job_ext_id, coalesce(j.title, ''),
		a.stage_ext_id, coalesce((SELECT nullif(st.name, '') FROM ats_stages st WHERE st.connection_id = a.connection_id
			AND st.ext_id = a.stage_ext_id AND st.job_ext_id IN (a.job_ext_id, '') ORDER BY st.job_ext_id = '' LIMIT 1),
			nullif(a.stage_name, ''), ''),
		a.status, coalesce((SELECT nullif(rr.name, '') FROM ats_rejection_reasons rr WHERE rr.connection_id = a.connection_id
			AND rr.ext_id = a.rejection_reason_ext_id AND a.rejection_reason_ext_id != ''), nullif(a.rejection_reason_name, ''), ''),
		a.applied_at, a.remote_updated_at`+page+
		` ORDER BY a.id DESC LIMIT ?`, append(pargs, f.Limit+1)...)
	if err != nil {
		return nil, 0, false, fmt.Errorf("store: unable to list applications: %w", err)
	}
	defer rows.Close()
	out := []ApplicationRow{}
	for rows.Next() {
		var r ApplicationRow
		var tags string
		var applied, updated *int64
		if err := rows.Scan(&r.ID, &r.ConnectionID, &r.ExtID, &r.CandidateExtID, &r.FirstName, &r.LastName, &r.Email, &tags,
			&r.JobExtID, &r.JobTitle, &r.StageExtID, &r.StageName, &r.Status, &r.RejectionReasonName, &applied, &updated); err != nil {
			return nil, 0, false, err
		}
		r.Tags = json.RawMessage(tags)
		if applied != nil {
			t := fromUnix(*applied)
			r.AppliedAt = &t
		}
		if updated != nil {
			t := fromUnix(*updated)
			r.UpdatedAt = &t
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, false, err
	}
	more := len(out) > f.Limit
	if more {
		out = out[:f.Limit]
	}
	return out, total, more, nil
}

// NamedRow is an id+name row (tags, rejection reasons, ATS users).
type NamedRow struct {
	ExtID string `json:"ext_id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// NamedRows lists tags, rejection_reasons or users of a connection.
func (s *Store) NamedRows(ctx context.Context, workspaceID, connectionID int64, kind string) ([]NamedRow, error) {
	table, email := "", "''"
	switch kind {
	case "tags":
		table = "ats_tags"
	case "rejection_reasons":
		table = "ats_rejection_reasons"
	case "users":
		table, email = "ats_users", "email"
	default:
		return nil, fmt.Errorf("store: unknown kind %q", kind)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT ext_id, name, `+email+` FROM `+table+`
		WHERE workspace_id = ? AND connection_id = ? AND deleted_at IS NULL ORDER BY name COLLATE NOCASE`, workspaceID, connectionID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list %s: %w", kind, err)
	}
	defer rows.Close()
	out := []NamedRow{}
	for rows.Next() {
		var r NamedRow
		if err := rows.Scan(&r.ExtID, &r.Name, &r.Email); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// HintOutcome says what ApplyStageHint did.
type HintOutcome int

const (
	HintUnknown HintOutcome = iota // no such application yet: the refresh brings it
	HintStale                      // not newer than what is stored: ignored
	HintSame                       // newer, and the stage is the one stored
	HintMoved                      // the application moved to the hinted stage
)

// ApplyStageHint records a stage a webhook reported, before the targeted
// refresh confirms it, so the stage-change event (and the invitation it
// triggers) happens at once. at is when the change happened on the
// vendor's clock. The hint is applied only when at is later (to the
// second, the precision stored) than the application's remote_updated_at,
// which the sync sets from the vendor and an applied hint sets to its own
// time: a replayed, retried or late delivery of an older change can never
// move an application back to an older stage. Unknown applications are
// left to the refresh.
func (s *Store) ApplyStageHint(ctx context.Context, connectionID int64, appExtID, stageExtID, stageName string, at time.Time) (HintOutcome, error) {
	out := HintUnknown
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var cur string
		var updated sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT stage_ext_id, remote_updated_at FROM ats_applications WHERE connection_id = ? AND ext_id = ?`,
			connectionID, appExtID).Scan(&cur, &updated)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if updated.Valid && at.Unix() <= updated.Int64 {
			out = HintStale
			return nil
		}
		out = HintSame
		if cur != stageExtID {
			out = HintMoved
		}
		_, err = tx.ExecContext(ctx, `UPDATE ats_applications SET stage_ext_id = ?, stage_name = CASE WHEN ? != '' THEN ? ELSE stage_name END,
			remote_updated_at = ?, last_source = 'webhook', synced_at = ? WHERE connection_id = ? AND ext_id = ?`,
			stageExtID, stageName, stageName, at.Unix(), s.unix(), connectionID, appExtID)
		return err
	})
	if err != nil {
		return HintUnknown, fmt.Errorf("store: unable to apply stage hint: %w", err)
	}
	return out, nil
}

// StageIDByName finds the stage an application's job calls name (case
// does not matter), for vendors whose webhooks name the new stage but do
// not identify it (Workable, Teamtailor). Stages of the job come first,
// then account-wide ones; "" when none or several match.
func (s *Store) StageIDByName(ctx context.Context, connectionID int64, appExtID, name string) (string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT st.ext_id, st.job_ext_id FROM ats_stages st
		JOIN ats_applications a ON a.connection_id = st.connection_id AND a.ext_id = ?
		WHERE st.connection_id = ? AND st.deleted_at IS NULL AND st.name = ? COLLATE NOCASE
		  AND (st.job_ext_id = a.job_ext_id OR st.job_ext_id = '')
		ORDER BY st.job_ext_id = '' LIMIT 3`, appExtID, connectionID, name)
	if err != nil {
		return "", fmt.Errorf("store: unable to find stage by name: %w", err)
	}
	defer rows.Close()
	var perJob, global []string
	for rows.Next() {
		var id, job string
		if err := rows.Scan(&id, &job); err != nil {
			return "", err
		}
		if job == "" {
			global = append(global, id)
		} else {
			perJob = append(perJob, id)
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	switch {
	case len(perJob) == 1:
		return perJob[0], nil
	case len(perJob) == 0 && len(global) == 1:
		return global[0], nil
	}
	return "", nil
}

// StageEvent is one recorded stage change.
type StageEvent struct {
	ID               int64     `json:"id"`
	ApplicationExtID string    `json:"application_ext_id"`
	JobExtID         string    `json:"job_ext_id"`
	FromStageExtID   *string   `json:"from_stage_ext_id"`
	ToStageExtID     string    `json:"to_stage_ext_id"`
	Source           string    `json:"source"`
	SeenAt           time.Time `json:"seen_at"`
}

// StageEventsAfter returns a connection's stage events with id > after, oldest first.
func (s *Store) StageEventsAfter(ctx context.Context, workspaceID, connectionID, after int64, limit int) ([]StageEvent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, application_ext_id, job_ext_id, from_stage_ext_id, to_stage_ext_id, source, seen_at
		FROM ats_stage_events WHERE workspace_id = ? AND connection_id = ? AND id > ? ORDER BY id LIMIT ?`, workspaceID, connectionID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list stage events: %w", err)
	}
	return scanStageEvents(rows)
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// StageEventsInto returns the events of applications entering one stage of
// one job after an id, oldest first; the watchdog's query, served by the
// ats_stage_events_conn index however many other events there are.
func (s *Store) StageEventsInto(ctx context.Context, connectionID int64, jobExtID, stageExtID string, after int64, limit int) ([]StageEvent, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, application_ext_id, job_ext_id, from_stage_ext_id, to_stage_ext_id, source, seen_at
		FROM ats_stage_events WHERE connection_id = ? AND job_ext_id = ? AND to_stage_ext_id = ? AND id > ? ORDER BY id LIMIT ?`,
		connectionID, jobExtID, stageExtID, after, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list stage events: %w", err)
	}
	return scanStageEvents(rows)
}

// ApplicationStage returns an application's current stage in the synced copy.
func (s *Store) ApplicationStage(ctx context.Context, connectionID int64, appExtID string) (string, error) {
	st, _, err := s.ApplicationState(ctx, connectionID, appExtID)
	return st, err
}

// ApplicationState returns an application's stage and status.
func (s *Store) ApplicationState(ctx context.Context, connectionID int64, appExtID string) (stage, status string, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT stage_ext_id, status FROM ats_applications WHERE connection_id = ? AND ext_id = ?`,
		connectionID, appExtID).Scan(&stage, &status)
	if err != nil && strings.Contains(err.Error(), "no rows") {
		return "", "", ErrNotFound
	}
	return stage, status, err
}

// TagIDByName finds a synced tag of a connection by name, ignoring case.
func (s *Store) TagIDByName(ctx context.Context, connectionID int64, name string) (string, error) {
	var id string
	err := s.r.QueryRowContext(ctx, `SELECT ext_id FROM ats_tags WHERE connection_id = ? AND lower(name) = lower(?) AND deleted_at IS NULL
		AND ext_id NOT LIKE 'name:%' ORDER BY id LIMIT 1`, connectionID, name).Scan(&id)
	if err != nil && strings.Contains(err.Error(), "no rows") {
		return "", ErrNotFound
	}
	return id, err
}

func scanStageEvents(rows *sql.Rows) ([]StageEvent, error) {
	defer rows.Close()
	out := []StageEvent{}
	for rows.Next() {
		var e StageEvent
		var seen int64
		if err := rows.Scan(&e.ID, &e.ApplicationExtID, &e.JobExtID, &e.FromStageExtID, &e.ToStageExtID, &e.Source, &seen); err != nil {
			return nil, err
		}
		e.SeenAt = fromUnix(seen)
		out = append(out, e)
	}
	return out, rows.Err()
}
