-- 0002: ATS connections and the synchronized copy of each ATS.
--
-- Synced rows are keyed by (connection_id, ext_id): ext_id is the vendor's
-- id as a string. workspace_id is repeated on every row so every query can
-- be scoped to a workspace without a join. raw keeps the vendor JSON for
-- debugging. seen_run is the last full sync that saw the row: after a
-- successful full sync, rows it did not see are marked deleted (deleted_at),
-- never silently kept or dropped.

CREATE TABLE ats_connections (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    provider        TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    base_url        TEXT    NOT NULL DEFAULT '',
    integration_id  TEXT    NOT NULL DEFAULT '',
    acting_user_id  TEXT    NOT NULL DEFAULT '',
    -- AES-256-GCM sealed, under the instance secret key; never returned by the API.
    credentials     BLOB,
    webhook_secret  BLOB,
    -- Random path segment of the webhook URL (/webhooks/ats/<token>).
    webhook_token   TEXT    NOT NULL UNIQUE,
    sync_interval_s INTEGER NOT NULL DEFAULT 10800 CHECK (sync_interval_s >= 60),
    paused          INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    capabilities    TEXT    NOT NULL DEFAULT '{}',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX ats_connections_workspace ON ats_connections (workspace_id);

CREATE TABLE ats_jobs (
    id                INTEGER PRIMARY KEY,
    workspace_id      INTEGER NOT NULL,
    connection_id     INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    ext_id            TEXT    NOT NULL,
    title             TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL DEFAULT '',
    department        TEXT    NOT NULL DEFAULT '',
    location          TEXT    NOT NULL DEFAULT '',
    description_html  TEXT    NOT NULL DEFAULT '',
    description_text  TEXT    NOT NULL DEFAULT '',
    questions         TEXT    NOT NULL DEFAULT '[]',
    remote_created_at INTEGER,
    remote_updated_at INTEGER,
    deleted_at        INTEGER,
    seen_run          INTEGER,
    synced_at         INTEGER NOT NULL,
    raw               TEXT    NOT NULL DEFAULT '',
    UNIQUE (connection_id, ext_id)
);
CREATE INDEX ats_jobs_workspace ON ats_jobs (workspace_id, connection_id, title);

-- job_ext_id is '' for account-wide stages and fixed statuses.
CREATE TABLE ats_stages (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL,
    connection_id INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    job_ext_id    TEXT    NOT NULL DEFAULT '',
    ext_id        TEXT    NOT NULL,
    name          TEXT    NOT NULL DEFAULT '',
    position      INTEGER NOT NULL DEFAULT 0,
    kind          TEXT    NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    deleted_at    INTEGER,
    seen_run      INTEGER,
    synced_at     INTEGER NOT NULL,
    raw           TEXT    NOT NULL DEFAULT '',
    UNIQUE (connection_id, job_ext_id, ext_id)
);

CREATE TABLE ats_candidates (
    id                INTEGER PRIMARY KEY,
    workspace_id      INTEGER NOT NULL,
    connection_id     INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    ext_id            TEXT    NOT NULL,
    first_name        TEXT    NOT NULL DEFAULT '',
    last_name         TEXT    NOT NULL DEFAULT '',
    email             TEXT    NOT NULL DEFAULT '',
    emails            TEXT    NOT NULL DEFAULT '[]',
    phones            TEXT    NOT NULL DEFAULT '[]',
    tags              TEXT    NOT NULL DEFAULT '[]',
    remote_created_at INTEGER,
    remote_updated_at INTEGER,
    deleted_at        INTEGER,
    seen_run          INTEGER,
    synced_at         INTEGER NOT NULL,
    raw               TEXT    NOT NULL DEFAULT '',
    UNIQUE (connection_id, ext_id)
);

CREATE TABLE ats_applications (
    id                    INTEGER PRIMARY KEY,
    workspace_id          INTEGER NOT NULL,
    connection_id         INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    ext_id                TEXT    NOT NULL,
    candidate_ext_id      TEXT    NOT NULL DEFAULT '',
    job_ext_id            TEXT    NOT NULL DEFAULT '',
    stage_ext_id          TEXT    NOT NULL DEFAULT '',
    stage_name            TEXT    NOT NULL DEFAULT '',
    status                TEXT    NOT NULL DEFAULT 'active',
    rejection_reason_ext_id TEXT  NOT NULL DEFAULT '',
    rejection_reason_name TEXT    NOT NULL DEFAULT '',
    answers               TEXT    NOT NULL DEFAULT '[]',
    applied_at            INTEGER,
    remote_updated_at     INTEGER,
    deleted_at            INTEGER,
    seen_run              INTEGER,
    -- Who last wrote the row: 'initial' (first full sync), 'sync' or 'webhook'.
    -- The stage-change triggers copy it into the event.
    last_source           TEXT    NOT NULL DEFAULT 'sync',
    synced_at             INTEGER NOT NULL,
    raw                   TEXT    NOT NULL DEFAULT '',
    UNIQUE (connection_id, ext_id)
);
CREATE INDEX ats_applications_stage ON ats_applications (connection_id, job_ext_id, stage_ext_id);
CREATE INDEX ats_applications_workspace ON ats_applications (workspace_id, remote_updated_at);
CREATE INDEX ats_applications_candidate ON ats_applications (connection_id, candidate_ext_id);

CREATE TABLE ats_tags (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL,
    connection_id INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    ext_id        TEXT    NOT NULL,
    name          TEXT    NOT NULL DEFAULT '',
    deleted_at    INTEGER,
    seen_run      INTEGER,
    synced_at     INTEGER NOT NULL,
    raw           TEXT    NOT NULL DEFAULT '',
    UNIQUE (connection_id, ext_id)
);

CREATE TABLE ats_rejection_reasons (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL,
    connection_id INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    ext_id        TEXT    NOT NULL,
    name          TEXT    NOT NULL DEFAULT '',
    deleted_at    INTEGER,
    seen_run      INTEGER,
    synced_at     INTEGER NOT NULL,
    raw           TEXT    NOT NULL DEFAULT '',
    UNIQUE (connection_id, ext_id)
);

CREATE TABLE ats_users (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL,
    connection_id INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    ext_id        TEXT    NOT NULL,
    name          TEXT    NOT NULL DEFAULT '',
    email         TEXT    NOT NULL DEFAULT '',
    deleted_at    INTEGER,
    seen_run      INTEGER,
    synced_at     INTEGER NOT NULL,
    raw           TEXT    NOT NULL DEFAULT '',
    UNIQUE (connection_id, ext_id)
);

-- Every stage change of an application, from sync or webhook. The watchdog
-- (interviews) consumes these. Written by triggers so that no code path can
-- update a stage without leaving its event.
CREATE TABLE ats_stage_events (
    id                 INTEGER PRIMARY KEY,
    workspace_id       INTEGER NOT NULL,
    connection_id      INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    application_ext_id TEXT    NOT NULL,
    job_ext_id         TEXT    NOT NULL,
    from_stage_ext_id  TEXT,
    to_stage_ext_id    TEXT    NOT NULL,
    source             TEXT    NOT NULL,
    seen_at            INTEGER NOT NULL
);
CREATE INDEX ats_stage_events_conn ON ats_stage_events (connection_id, job_ext_id, to_stage_ext_id, id);

-- The first full sync ('initial') records where everyone is, not changes.
CREATE TRIGGER ats_applications_stage_insert AFTER INSERT ON ats_applications
WHEN NEW.stage_ext_id != '' AND NEW.last_source != 'initial'
BEGIN
    INSERT INTO ats_stage_events (workspace_id, connection_id, application_ext_id, job_ext_id, from_stage_ext_id, to_stage_ext_id, source, seen_at)
    VALUES (NEW.workspace_id, NEW.connection_id, NEW.ext_id, NEW.job_ext_id, NULL, NEW.stage_ext_id, NEW.last_source, NEW.synced_at);
END;

CREATE TRIGGER ats_applications_stage_update AFTER UPDATE OF stage_ext_id ON ats_applications
WHEN OLD.stage_ext_id IS NOT NEW.stage_ext_id AND NEW.stage_ext_id != ''
BEGIN
    INSERT INTO ats_stage_events (workspace_id, connection_id, application_ext_id, job_ext_id, from_stage_ext_id, to_stage_ext_id, source, seen_at)
    VALUES (NEW.workspace_id, NEW.connection_id, NEW.ext_id, NEW.job_ext_id, NULLIF(OLD.stage_ext_id, ''), NEW.stage_ext_id,
            CASE NEW.last_source WHEN 'initial' THEN 'sync' ELSE NEW.last_source END, NEW.synced_at);
END;

-- Incremental sync watermark per model, in unix milliseconds of the vendor's clock.
CREATE TABLE ats_sync_state (
    connection_id INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    model         TEXT    NOT NULL,
    watermark     INTEGER NOT NULL,
    PRIMARY KEY (connection_id, model)
);

CREATE TABLE ats_sync_runs (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL,
    connection_id INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    mode          TEXT    NOT NULL CHECK (mode IN ('full', 'incremental', 'targeted')),
    trigger       TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    phase         TEXT    NOT NULL DEFAULT '',
    counts        TEXT    NOT NULL DEFAULT '{}',
    requests      INTEGER NOT NULL DEFAULT 0,
    retries       INTEGER NOT NULL DEFAULT 0,
    error         TEXT    NOT NULL DEFAULT '',
    started_at    INTEGER NOT NULL,
    heartbeat_at  INTEGER NOT NULL,
    finished_at   INTEGER
);
CREATE INDEX ats_sync_runs_conn ON ats_sync_runs (connection_id, id);
-- One running sync per connection, enforced by the database so a CLI sync
-- and the server's schedule cannot overlap.
CREATE UNIQUE INDEX ats_sync_runs_one_running ON ats_sync_runs (connection_id) WHERE status = 'running';

-- Webhook deliveries already processed, for dedupe of vendor retries.
CREATE TABLE ats_webhook_deliveries (
    connection_id INTEGER NOT NULL REFERENCES ats_connections (id) ON DELETE CASCADE,
    delivery_id   TEXT    NOT NULL,
    event_type    TEXT    NOT NULL DEFAULT '',
    received_at   INTEGER NOT NULL,
    PRIMARY KEY (connection_id, delivery_id)
);
