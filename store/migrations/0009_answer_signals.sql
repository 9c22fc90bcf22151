-- 0009: integrity signals per question: text pasted into an answer, time
-- spent away from the page while the question was open, and how fast text
-- appeared in the answer field. They are context for the person who
-- reviews the interview, shown with their figures; they are never scored,
-- never flags that hold back an automatic step, and never written to the
-- ATS. The browser sends running totals, so each column keeps the largest
-- value seen and a retried save cannot count twice. They are personal
-- data: deleting the invitation (or the question) deletes them.
CREATE TABLE answer_signals (
    invitation_id INTEGER NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    question_id   INTEGER NOT NULL REFERENCES interview_questions (id) ON DELETE CASCADE,
    paste_count   INTEGER NOT NULL DEFAULT 0 CHECK (paste_count >= 0),
    paste_chars   INTEGER NOT NULL DEFAULT 0 CHECK (paste_chars >= 0),
    away_count    INTEGER NOT NULL DEFAULT 0 CHECK (away_count >= 0),
    away_ms       INTEGER NOT NULL DEFAULT 0 CHECK (away_ms >= 0),
    typed_chars   INTEGER NOT NULL DEFAULT 0 CHECK (typed_chars >= 0),
    typing_ms     INTEGER NOT NULL DEFAULT 0 CHECK (typing_ms >= 0),
    -- The largest burst of text that appeared without a paste, as a pair.
    burst_chars   INTEGER NOT NULL DEFAULT 0 CHECK (burst_chars >= 0),
    burst_ms      INTEGER NOT NULL DEFAULT 0 CHECK (burst_ms >= 0),
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (invitation_id, question_id)
);
