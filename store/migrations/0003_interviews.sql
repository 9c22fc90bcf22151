-- 0003: interviews, invitations, answers, and email (settings, templates, outbox).

-- Branding shown on candidate pages and in emails.
ALTER TABLE workspaces ADD COLUMN company_name TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN brand_color TEXT NOT NULL DEFAULT '#4f46e5';
ALTER TABLE workspaces ADD COLUMN logo_url TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN privacy_url TEXT NOT NULL DEFAULT '';

CREATE TABLE interviews (
    id                     INTEGER PRIMARY KEY,
    workspace_id           INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name                   TEXT    NOT NULL,
    kind                   TEXT    NOT NULL DEFAULT 'interview' CHECK (kind IN ('interview', 'prescreen')),
    language               TEXT    NOT NULL DEFAULT 'en',
    intro                  TEXT    NOT NULL DEFAULT '',
    job_description        TEXT    NOT NULL DEFAULT '',
    deadline_days          INTEGER NOT NULL DEFAULT 7 CHECK (deadline_days BETWEEN 1 AND 90),
    reminder_hours         INTEGER NOT NULL DEFAULT 48 CHECK (reminder_hours >= 0),
    status                 TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'active', 'paused', 'closed')),
    -- ATS settings. The stage that feeds the interview: everyone in it is invited.
    connection_id          INTEGER REFERENCES ats_connections (id) ON DELETE SET NULL,
    job_ext_id             TEXT    NOT NULL DEFAULT '',
    stage_ext_id           TEXT    NOT NULL DEFAULT '',
    sync_results           INTEGER NOT NULL DEFAULT 1 CHECK (sync_results IN (0, 1)),
    completed_stage_ext_id TEXT    NOT NULL DEFAULT '',
    accept_stage_ext_id    TEXT    NOT NULL DEFAULT '',
    reject_reason_ext_id   TEXT    NOT NULL DEFAULT '',
    -- Watchdog: its interval, the last stage event it consumed, its last tick.
    watch_interval_s       INTEGER NOT NULL DEFAULT 300 CHECK (watch_interval_s >= 30),
    event_cursor           INTEGER NOT NULL DEFAULT 0,
    -- Set while a publish has not finished inviting everyone in the stage;
    -- a restart resumes it (inviting is idempotent).
    publish_pending        INTEGER NOT NULL DEFAULT 0,
    last_tick_at           INTEGER,
    last_tick_result       TEXT    NOT NULL DEFAULT '',
    published_at           INTEGER,
    created_at             INTEGER NOT NULL,
    updated_at             INTEGER NOT NULL
);
CREATE INDEX interviews_workspace ON interviews (workspace_id, status);

CREATE TABLE interview_questions (
    id            INTEGER PRIMARY KEY,
    interview_id  INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    type          TEXT    NOT NULL CHECK (type IN ('text', 'single_choice', 'multi_choice', 'yes_no', 'number', 'audio', 'video')),
    prompt        TEXT    NOT NULL,
    help          TEXT    NOT NULL DEFAULT '',
    options       TEXT    NOT NULL DEFAULT '[]',   -- choices for choice questions
    required      INTEGER NOT NULL DEFAULT 1,
    rubric        TEXT    NOT NULL DEFAULT '[]',   -- criteria {name, weight, strong} for open questions
    knockout      TEXT    NOT NULL DEFAULT '',     -- JSON rule for closed questions, '' when none
    time_limit_s  INTEGER NOT NULL DEFAULT 0,
    retakes       INTEGER NOT NULL DEFAULT 0,
    max_media_s   INTEGER NOT NULL DEFAULT 180,
    source_ext_id TEXT    NOT NULL DEFAULT ''      -- ATS screening question it was imported from
);
CREATE INDEX interview_questions_interview ON interview_questions (interview_id, position);

-- One invitation per interview and application, whoever creates it first
-- (publish, watchdog or webhook): the UNIQUE constraint is the guarantee.
CREATE TABLE invitations (
    id                 INTEGER PRIMARY KEY,
    workspace_id       INTEGER NOT NULL,
    interview_id       INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    connection_id      INTEGER,
    application_ext_id TEXT    NOT NULL,
    candidate_ext_id   TEXT    NOT NULL DEFAULT '',
    email              TEXT    NOT NULL,
    first_name         TEXT    NOT NULL DEFAULT '',
    last_name          TEXT    NOT NULL DEFAULT '',
    -- The link token: looked up by its SHA-256, and kept sealed (AES-GCM
    -- under the instance key) only so reminders can repeat the same link.
    token_hash         BLOB    NOT NULL UNIQUE,
    sealed_token       BLOB    NOT NULL,
    status             TEXT    NOT NULL DEFAULT 'queued'
                       CHECK (status IN ('queued', 'sent', 'opened', 'started', 'submitted', 'expired', 'failed')),
    source             TEXT    NOT NULL,
    expires_at         INTEGER NOT NULL,
    sent_at            INTEGER,
    opened_at          INTEGER,
    consent_at         INTEGER,
    started_at         INTEGER,
    submitted_at       INTEGER,
    reminded_at        INTEGER,
    adjustment_request TEXT    NOT NULL DEFAULT '',
    failure            TEXT    NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL,
    UNIQUE (interview_id, application_ext_id)
);
CREATE INDEX invitations_interview ON invitations (interview_id, status);
CREATE INDEX invitations_expiry ON invitations (status, expires_at);

CREATE TABLE answers (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    question_id   INTEGER NOT NULL REFERENCES interview_questions (id) ON DELETE CASCADE,
    value         TEXT    NOT NULL DEFAULT '',
    media_path    TEXT    NOT NULL DEFAULT '',
    media_type    TEXT    NOT NULL DEFAULT '',
    media_bytes   INTEGER NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 1,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (invitation_id, question_id)
);

CREATE TABLE email_settings (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    host         TEXT    NOT NULL,
    port         INTEGER NOT NULL,
    tls          TEXT    NOT NULL,
    username     TEXT    NOT NULL DEFAULT '',
    password     BLOB,                     -- sealed
    from_name    TEXT    NOT NULL DEFAULT '',
    from_address TEXT    NOT NULL,
    reply_to     TEXT    NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL
);

CREATE TABLE email_templates (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    kind         TEXT    NOT NULL CHECK (kind IN ('invitation', 'reminder', 'acceptance', 'rejection')),
    subject      TEXT    NOT NULL,
    html         TEXT    NOT NULL,
    text         TEXT    NOT NULL DEFAULT '',
    enabled      INTEGER NOT NULL DEFAULT 1,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, kind)
);

-- The durable outbox: a row is written in the same transaction as what it
-- announces, and a worker sends it. UNIQUE (invitation_id, purpose) means
-- one invitation can never produce two invitation emails. Messages are
-- rendered when sent, from the workspace's templates.
CREATE TABLE email_outbox (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL,
    invitation_id   INTEGER REFERENCES invitations (id) ON DELETE CASCADE,
    kind            TEXT    NOT NULL,
    purpose         TEXT    NOT NULL,      -- kind, or e.g. 'invitation:resend:2'
    to_address      TEXT    NOT NULL,
    to_name         TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    sent_at         INTEGER,
    created_at      INTEGER NOT NULL,
    UNIQUE (invitation_id, purpose)
);
CREATE INDEX email_outbox_due ON email_outbox (status, next_attempt_at);
