-- 0005: expiring share links to a result (for a hiring manager without an
-- account). Only the hash of the link token is stored.
CREATE TABLE result_shares (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL,
    result_id    INTEGER NOT NULL REFERENCES results (id) ON DELETE CASCADE,
    token_hash   BLOB    NOT NULL UNIQUE,
    created_by   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    created_at   INTEGER NOT NULL
);
CREATE INDEX result_shares_result ON result_shares (result_id);
