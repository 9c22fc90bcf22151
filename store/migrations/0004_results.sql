-- 0004: scoring results, overrides, the ATS write-back outbox, the audit log,
-- and the settings that drive them.

-- Scoring and transcription endpoints (OpenAI-compatible) per workspace.
-- Keys are sealed. Without a model, the built-in scorer is used.
CREATE TABLE ai_settings (
    workspace_id        INTEGER PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    llm_base_url        TEXT    NOT NULL DEFAULT '',
    llm_model           TEXT    NOT NULL DEFAULT '',
    llm_key             BLOB,
    transcribe_base_url TEXT    NOT NULL DEFAULT '',
    transcribe_model    TEXT    NOT NULL DEFAULT '',
    transcribe_key      BLOB,
    updated_at          INTEGER NOT NULL
);

-- Which results go back to the ATS (workspace settings, any combination).
ALTER TABLE workspaces ADD COLUMN write_result_link INTEGER NOT NULL DEFAULT 1;
ALTER TABLE workspaces ADD COLUMN write_note INTEGER NOT NULL DEFAULT 1;
ALTER TABLE workspaces ADD COLUMN write_attachment INTEGER NOT NULL DEFAULT 1;

-- Tagging rules per interview: a score at or above the threshold adds a
-- tag; being accepted adds a tag. Empty tag = rule off.
ALTER TABLE interviews ADD COLUMN tag_score_threshold REAL NOT NULL DEFAULT 0;
ALTER TABLE interviews ADD COLUMN tag_score_name TEXT NOT NULL DEFAULT '';
ALTER TABLE interviews ADD COLUMN tag_accepted_name TEXT NOT NULL DEFAULT '';

-- One result per submitted invitation. It is created in the same
-- transaction as the submission, in status 'scoring', and the scoring
-- worker retries it until it is scored: a submission is never lost.
CREATE TABLE results (
    id               INTEGER PRIMARY KEY,
    workspace_id     INTEGER NOT NULL,
    invitation_id    INTEGER NOT NULL UNIQUE REFERENCES invitations (id) ON DELETE CASCADE,
    interview_id     INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    status           TEXT    NOT NULL DEFAULT 'scoring' CHECK (status IN ('scoring', 'scored')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  INTEGER NOT NULL,
    last_error       TEXT    NOT NULL DEFAULT '',
    overall          REAL,                       -- 0..100, computed in Go
    scorer           TEXT    NOT NULL DEFAULT '', -- 'llm' or 'builtin'
    model            TEXT    NOT NULL DEFAULT '',
    prompt_version   TEXT    NOT NULL DEFAULT '',
    rubric_version   TEXT    NOT NULL DEFAULT '',
    details          TEXT    NOT NULL DEFAULT '[]', -- per-question results with evidence
    flags            TEXT    NOT NULL DEFAULT '[]',
    raw              TEXT    NOT NULL DEFAULT '[]', -- raw model responses, for audit
    report_path      TEXT    NOT NULL DEFAULT '',
    followup_at      INTEGER,                     -- write-back and tagging queued
    decision         TEXT    NOT NULL DEFAULT '' CHECK (decision IN ('', 'accepted', 'rejected')),
    decided_by       INTEGER,
    decided_at       INTEGER,
    created_at       INTEGER NOT NULL,
    scored_at        INTEGER,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX results_due ON results (status, next_attempt_at);
CREATE INDEX results_interview ON results (interview_id, overall);

-- A person's correction of a score. The AI's original stays in results.
CREATE TABLE score_overrides (
    id          INTEGER PRIMARY KEY,
    result_id   INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL, -- 0 = the overall score
    original    REAL,
    score       REAL    NOT NULL,
    reason      TEXT    NOT NULL,
    user_id     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX score_overrides_result ON score_overrides (result_id, question_id, id);

-- The write-back outbox: every ATS write is a row with an idempotency key
-- (result and action), so it is executed once however often it is queued.
-- 'unknown' means a request was sent but its outcome was not seen; it is
-- resolved by checking the ATS before any second attempt.
CREATE TABLE ats_writes (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL,
    connection_id   INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    result_id       INTEGER REFERENCES results (id) ON DELETE CASCADE,
    action          TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL UNIQUE,
    payload         TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed', 'unknown', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    remote_id       TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    done_at         INTEGER
);
CREATE INDEX ats_writes_due ON ats_writes (status, next_attempt_at);
CREATE INDEX ats_writes_result ON ats_writes (result_id);

-- Append-only record of decisions, overrides and ATS writes.
CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    user_id      INTEGER,           -- NULL for the system (workers)
    actor        TEXT    NOT NULL,  -- email of the person, or 'hireloop'
    action       TEXT    NOT NULL,
    subject      TEXT    NOT NULL,
    detail       TEXT    NOT NULL DEFAULT '',
    outcome      TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, id);

-- Transcripts of recorded answers (OpenAI-compatible transcription).
ALTER TABLE answers ADD COLUMN transcript TEXT NOT NULL DEFAULT '';
