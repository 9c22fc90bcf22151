-- 0007: when a candidate first saw each timed question, so the server (not
-- only the browser) knows its deadline, and how late an answer was saved
-- after it. A late answer is kept and flagged for the reviewer, never
-- dropped.
CREATE TABLE question_opens (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    question_id   INTEGER NOT NULL REFERENCES interview_questions (id) ON DELETE CASCADE,
    opened_at     INTEGER NOT NULL,
    PRIMARY KEY (invitation_id, question_id)
);
ALTER TABLE answers ADD COLUMN late_s INTEGER NOT NULL DEFAULT 0;
