package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Interview is what candidates of one ATS stage are invited to take.
type Interview struct {
	ID                  int64      `json:"id"`
	WorkspaceID         int64      `json:"-"`
	Name                string     `json:"name"`
	Kind                string     `json:"kind"`
	Language            string     `json:"language"`
	Intro               string     `json:"intro"`
	JobDescription      string     `json:"job_description"`
	DeadlineDays        int        `json:"deadline_days"`
	ReminderHours       int        `json:"reminder_hours"`
	Status              string     `json:"status"`
	Version             int        `json:"version"` // the version Questions are of, and new invitations get (see SaveNewVersion)
	ConnectionID        *int64     `json:"connection_id"`
	JobExtID            string     `json:"job_ext_id"`
	StageExtID          string     `json:"stage_ext_id"`
	SyncResults         bool       `json:"sync_results"`
	CompletedStageExtID string     `json:"completed_stage_ext_id"`
	AcceptStageExtID    string     `json:"accept_stage_ext_id"`
	RejectReasonExtID   string     `json:"reject_reason_ext_id"`
	WatchInterval       int        `json:"watch_interval_seconds"`
	TagScoreThreshold   float64    `json:"tag_score_threshold"`
	TagScoreName        string     `json:"tag_score_name"`
	TagAcceptedName     string     `json:"tag_accepted_name"`
	EventCursor         int64      `json:"-"`
	PublishPending      bool       `json:"publish_pending"`
	LastTickAt          *time.Time `json:"last_tick_at"`
	LastTickResult      string     `json:"last_tick_result"`
	PublishedAt         *time.Time `json:"published_at"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
	Questions           []Question `json:"questions"`
}

// Question is one step of an interview.
type Question struct {
	ID       int64           `json:"id"`
	Position int             `json:"position"`
	Type     string          `json:"type"`
	Prompt   string          `json:"prompt"`
	Help     string          `json:"help"`
	Options  []string        `json:"options"`
	Required bool            `json:"required"`
	Rubric   json.RawMessage `json:"rubric"`
	Knockout json.RawMessage `json:"knockout"`
	// Scoring is a closed question's rule (scoring.Rule as JSON); empty
	// when the question is not scored.
	Scoring     json.RawMessage `json:"scoring"`
	TimeLimitS  int             `json:"time_limit_seconds"`
	Retakes     int             `json:"retakes"`
	MaxMediaS   int             `json:"max_media_seconds"`
	SourceExtID string          `json:"source_ext_id"`
}

const interviewCols = `id, workspace_id, name, kind, language, intro, job_description, deadline_days, reminder_hours, status,
	connection_id, job_ext_id, stage_ext_id, sync_results, completed_stage_ext_id, accept_stage_ext_id, reject_reason_ext_id,
	watch_interval_s, event_cursor, publish_pending, last_tick_at, last_tick_result, published_at, created_at, updated_at,
	tag_score_threshold, tag_score_name, tag_accepted_name, version`

func scanInterview(row interface{ Scan(...any) error }) (*Interview, error) {
	var iv Interview
	var conn, tick, published sql.NullInt64
	var created, updated int64
	if err := row.Scan(&iv.ID, &iv.WorkspaceID, &iv.Name, &iv.Kind, &iv.Language, &iv.Intro, &iv.JobDescription, &iv.DeadlineDays,
		&iv.ReminderHours, &iv.Status, &conn, &iv.JobExtID, &iv.StageExtID, &iv.SyncResults, &iv.CompletedStageExtID,
		&iv.AcceptStageExtID, &iv.RejectReasonExtID, &iv.WatchInterval, &iv.EventCursor, &iv.PublishPending, &tick,
		&iv.LastTickResult, &published, &created, &updated, &iv.TagScoreThreshold, &iv.TagScoreName, &iv.TagAcceptedName,
		&iv.Version); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, fmt.Errorf("store: unable to read interview: %w", err)
	}
	if conn.Valid {
		iv.ConnectionID = &conn.Int64
	}
	iv.LastTickAt, iv.PublishedAt = fromNullUnix(tick), fromNullUnix(published)
	iv.CreatedAt, iv.UpdatedAt = fromUnix(created), fromUnix(updated)
	iv.Questions = []Question{}
	return &iv, nil
}

func nullID(p *int64) any {
	if p == nil || *p == 0 {
		return nil
	}
	return *p
}

// SaveInterview inserts (ID 0) or updates an interview with the questions
// of its version iv.Version, replacing that version's question list in the
// same transaction; other versions' rows are never touched. A published
// version (see SaveNewVersion) only takes a wording fix: the same question
// rows, while nobody has answered it (ErrVersionAnswered, ErrVersionFrozen),
// so what a candidate answered is always the question they saw. When
// another version was saved meanwhile it is ErrVersionChanged.
func (s *Store) SaveInterview(ctx context.Context, iv *Interview) error {
	return s.saveInterview(ctx, iv, saveQuestions, nil, "")
}

// SaveInterviewSettings updates an interview's settings and leaves the
// questions of every version as they are (iv.Questions is not written).
func (s *Store) SaveInterviewSettings(ctx context.Context, iv *Interview) error {
	return s.saveInterview(ctx, iv, keepQuestions, nil, "")
}

// SaveNewVersion saves iv's questions as a new version, iv.Version+1, and
// makes it the current one: invitations created from now on get it, while
// the rows of iv.Version stay as they are for those invited before. The
// version is recorded as frozen, by userID (nil: the system) with a summary
// of what changed. When another version was saved meanwhile (the current
// one is no longer iv.Version) nothing is saved: ErrVersionChanged.
func (s *Store) SaveNewVersion(ctx context.Context, iv *Interview, userID *int64, summary string) error {
	version, ids := iv.Version, make([]int64, len(iv.Questions))
	for i, q := range iv.Questions {
		ids[i] = q.ID
	}
	err := s.saveInterview(ctx, iv, newVersion, userID, summary)
	if err != nil { // nothing was saved: iv is as it was
		iv.Version = version
		for i := range iv.Questions {
			iv.Questions[i].ID = ids[i]
		}
	}
	return err
}

type saveMode int

const (
	saveQuestions saveMode = iota // the questions of iv.Version
	keepQuestions                 // the settings only
	newVersion                    // the questions, as version iv.Version+1
)

func (s *Store) saveInterview(ctx context.Context, iv *Interview, mode saveMode, userID *int64, summary string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := s.unix()
		if iv.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO interviews (workspace_id, name, kind, language, intro, job_description, deadline_days,
				reminder_hours, status, connection_id, job_ext_id, stage_ext_id, sync_results, completed_stage_ext_id, accept_stage_ext_id,
				reject_reason_ext_id, watch_interval_s, tag_score_threshold, tag_score_name, tag_accepted_name, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				RETURNING id`, iv.WorkspaceID, iv.Name, iv.Kind, iv.Language, iv.Intro, iv.JobDescription, iv.DeadlineDays, iv.ReminderHours,
				nullID(iv.ConnectionID), iv.JobExtID, iv.StageExtID, iv.SyncResults, iv.CompletedStageExtID, iv.AcceptStageExtID,
				iv.RejectReasonExtID, iv.WatchInterval, iv.TagScoreThreshold, iv.TagScoreName, iv.TagAcceptedName, now, now).Scan(&iv.ID)
			if err != nil {
				return fmt.Errorf("store: unable to create interview: %w", err)
			}
			iv.Status, iv.CreatedAt, iv.Version = "draft", fromUnix(now), 1
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE interviews SET name = ?, kind = ?, language = ?, intro = ?, job_description = ?,
				deadline_days = ?, reminder_hours = ?, connection_id = ?, job_ext_id = ?, stage_ext_id = ?, sync_results = ?,
				completed_stage_ext_id = ?, accept_stage_ext_id = ?, reject_reason_ext_id = ?, watch_interval_s = ?,
				tag_score_threshold = ?, tag_score_name = ?, tag_accepted_name = ?, updated_at = ?
				WHERE id = ? AND workspace_id = ?`, iv.Name, iv.Kind, iv.Language, iv.Intro, iv.JobDescription, iv.DeadlineDays,
				iv.ReminderHours, nullID(iv.ConnectionID), iv.JobExtID, iv.StageExtID, iv.SyncResults, iv.CompletedStageExtID,
				iv.AcceptStageExtID, iv.RejectReasonExtID, iv.WatchInterval, iv.TagScoreThreshold, iv.TagScoreName, iv.TagAcceptedName,
				now, iv.ID, iv.WorkspaceID)
			if err != nil {
				return fmt.Errorf("store: unable to update interview: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return ErrNotFound
			}
		}
		iv.UpdatedAt = fromUnix(now)
		switch mode {
		case keepQuestions:
			return nil
		case newVersion:
			if err := startVersion(ctx, tx, iv, now, userID, summary); err != nil {
				return err
			}
		default:
			if err := checkWritable(ctx, tx, iv); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM interview_questions WHERE interview_id = ? AND version = ? AND id NOT IN (SELECT value FROM json_each(?))`,
			iv.ID, iv.Version, keptIDs(iv.Questions)); err != nil {
			return fmt.Errorf("store: unable to save questions: %w", err)
		}
		for i := range iv.Questions {
			q := &iv.Questions[i]
			q.Position = i + 1
			opts, _ := json.Marshal(q.Options)
			rubric := string(q.Rubric)
			if rubric == "" || rubric == "null" {
				rubric = "[]"
			}
			knockout, rule := string(q.Knockout), string(q.Scoring)
			if knockout == "null" {
				knockout = ""
			}
			if rule == "null" {
				rule = ""
			}
			if q.ID != 0 {
				res, err := tx.ExecContext(ctx, `UPDATE interview_questions SET position = ?, type = ?, prompt = ?, help = ?, options = ?,
					required = ?, rubric = ?, knockout = ?, time_limit_s = ?, retakes = ?, max_media_s = ?, source_ext_id = ?, scoring = ?
					WHERE id = ? AND interview_id = ? AND version = ?`, q.Position, q.Type, q.Prompt, q.Help, string(opts), q.Required, rubric, knockout,
					q.TimeLimitS, q.Retakes, q.MaxMediaS, q.SourceExtID, rule, q.ID, iv.ID, iv.Version)
				if err != nil {
					return fmt.Errorf("store: unable to save question: %w", err)
				}
				if n, _ := res.RowsAffected(); n == 1 {
					continue
				}
				// An id that is not this version's is treated as a new question.
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO interview_questions (interview_id, position, type, prompt, help, options, required,
				rubric, knockout, time_limit_s, retakes, max_media_s, source_ext_id, scoring, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				iv.ID, q.Position, q.Type, q.Prompt, q.Help, string(opts), q.Required, rubric, knockout, q.TimeLimitS, q.Retakes,
				q.MaxMediaS, q.SourceExtID, rule, iv.Version).Scan(&q.ID); err != nil {
				return fmt.Errorf("store: unable to save question: %w", err)
			}
		}
		return nil
	})
}

func keptIDs(qs []Question) string {
	ids := []int64{}
	for _, q := range qs {
		if q.ID != 0 {
			ids = append(ids, q.ID)
		}
	}
	b, _ := json.Marshal(ids)
	return string(b)
}

// Interview loads one interview of a workspace with the questions of its
// current version.
func (s *Store) Interview(ctx context.Context, workspaceID, id int64) (*Interview, error) {
	iv, err := scanInterview(s.r.QueryRowContext(ctx, `SELECT `+interviewCols+` FROM interviews WHERE id = ? AND workspace_id = ?`, id, workspaceID))
	if err != nil {
		return nil, err
	}
	if iv.Questions, err = s.QuestionsOf(ctx, iv.ID, iv.Version); err != nil {
		return nil, err
	}
	return iv, nil
}

// InterviewByID loads an interview for background work (watchdog), with
// the questions of its current version.
func (s *Store) InterviewByID(ctx context.Context, id int64) (*Interview, error) {
	iv, err := scanInterview(s.r.QueryRowContext(ctx, `SELECT `+interviewCols+` FROM interviews WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	if iv.Questions, err = s.QuestionsOf(ctx, iv.ID, iv.Version); err != nil {
		return nil, err
	}
	return iv, nil
}

// QuestionsOf loads the questions of one version of an interview: an
// invitation's questions are those of its version, whatever the current
// one is (an unknown version has none).
func (s *Store) QuestionsOf(ctx context.Context, interviewID int64, version int) ([]Question, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, position, type, prompt, help, options, required, rubric, knockout, time_limit_s, retakes,
		max_media_s, source_ext_id, scoring FROM interview_questions WHERE interview_id = ? AND version = ? ORDER BY position, id`, interviewID, version)
	if err != nil {
		return nil, fmt.Errorf("store: unable to load questions: %w", err)
	}
	defer rows.Close()
	out := []Question{}
	for rows.Next() {
		var q Question
		var opts, rubric, knockout, rule string
		if err := rows.Scan(&q.ID, &q.Position, &q.Type, &q.Prompt, &q.Help, &opts, &q.Required, &rubric, &knockout, &q.TimeLimitS,
			&q.Retakes, &q.MaxMediaS, &q.SourceExtID, &rule); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(opts), &q.Options)
		if q.Options == nil {
			q.Options = []string{}
		}
		q.Rubric = json.RawMessage(rubric)
		if knockout != "" {
			q.Knockout = json.RawMessage(knockout)
		}
		if rule != "" {
			q.Scoring = json.RawMessage(rule)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// InterviewStats are funnel counts per interview.
type InterviewStats struct {
	Invited   int64 `json:"invited"`
	Sent      int64 `json:"sent"`
	Opened    int64 `json:"opened"`
	Started   int64 `json:"started"`
	Submitted int64 `json:"submitted"`
	Expired   int64 `json:"expired"`
	Failed    int64 `json:"failed"`
}

// InterviewSummary is a row of the interview list.
type InterviewSummary struct {
	Interview
	Stats InterviewStats `json:"stats"`
}

// Interviews lists a workspace's interviews with their funnels.
func (s *Store) Interviews(ctx context.Context, workspaceID int64) ([]InterviewSummary, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+interviewCols+` FROM interviews WHERE workspace_id = ?
		ORDER BY status = 'closed', updated_at DESC, id DESC`, workspaceID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list interviews: %w", err)
	}
	defer rows.Close()
	out := []InterviewSummary{}
	for rows.Next() {
		iv, err := scanInterview(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, InterviewSummary{Interview: *iv})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		st, err := s.InterviewStats(ctx, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].Stats = st
	}
	return out, nil
}

// InterviewStats counts invitations by how far they got. The funnel is
// cumulative: a submitted invitation was also sent, opened and started.
func (s *Store) InterviewStats(ctx context.Context, interviewID int64) (InterviewStats, error) {
	var st InterviewStats
	err := s.r.QueryRowContext(ctx, `SELECT count(*),
		count(sent_at), count(opened_at), count(started_at), count(submitted_at),
		sum(status = 'expired'), sum(status = 'failed') FROM invitations WHERE interview_id = ?`, interviewID).
		Scan(&st.Invited, &st.Sent, &st.Opened, &st.Started, &st.Submitted, nullInt(&st.Expired), nullInt(&st.Failed))
	return st, err
}

type nullIntScanner struct{ dst *int64 }

func (n nullIntScanner) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n.dst = 0
	case int64:
		*n.dst = x
	default:
		return fmt.Errorf("unexpected %T", v)
	}
	return nil
}

func nullInt(dst *int64) nullIntScanner { return nullIntScanner{dst} }

// SetInterviewStatus changes the lifecycle status.
func (s *Store) SetInterviewStatus(ctx context.Context, workspaceID, id int64, status string) error {
	res, err := s.w.ExecContext(ctx, `UPDATE interviews SET status = ?, updated_at = ? WHERE id = ? AND workspace_id = ?`, status, s.unix(), id, workspaceID)
	if err != nil {
		return fmt.Errorf("store: unable to set interview status: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteInterview removes a draft interview.
func (s *Store) DeleteInterview(ctx context.Context, workspaceID, id int64) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM interviews WHERE id = ? AND workspace_id = ? AND status = 'draft'`, id, workspaceID)
	if err != nil {
		return fmt.Errorf("store: unable to delete interview: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// ActiveInterviews lists interviews whose watchdog should run.
func (s *Store) ActiveInterviews(ctx context.Context) ([]Interview, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+interviewCols+` FROM interviews WHERE status = 'active' ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list active interviews: %w", err)
	}
	defer rows.Close()
	var out []Interview
	for rows.Next() {
		iv, err := scanInterview(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *iv)
	}
	return out, rows.Err()
}

// RecordTick stores a watchdog tick's outcome.
func (s *Store) RecordTick(ctx context.Context, id int64, result string) error {
	_, err := s.w.ExecContext(ctx, `UPDATE interviews SET last_tick_at = ?, last_tick_result = ? WHERE id = ?`, s.unix(), result, id)
	return err
}

// AdvanceCursor records the last stage event the watchdog consumed.
func (s *Store) AdvanceCursor(ctx context.Context, id, cursor int64) error {
	_, err := s.w.ExecContext(ctx, `UPDATE interviews SET event_cursor = max(event_cursor, ?) WHERE id = ?`, cursor, id)
	return err
}

// WatchState is what the watchdog needs of an interview, in one query.
type WatchState struct {
	ID, WorkspaceID      int64
	Status               string
	ConnectionID         int64
	JobExtID, StageExtID string
	DeadlineDays         int
	EventCursor          int64
}

// InterviewWatchState loads an interview's watchdog state.
func (s *Store) InterviewWatchState(ctx context.Context, id int64) (*WatchState, error) {
	var w WatchState
	var conn sql.NullInt64
	err := s.r.QueryRowContext(ctx, `SELECT id, workspace_id, status, connection_id, job_ext_id, stage_ext_id, deadline_days, event_cursor
		FROM interviews WHERE id = ?`, id).Scan(&w.ID, &w.WorkspaceID, &w.Status, &conn, &w.JobExtID, &w.StageExtID, &w.DeadlineDays, &w.EventCursor)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to load interview: %w", err)
	}
	w.ConnectionID = conn.Int64
	return &w, nil
}
