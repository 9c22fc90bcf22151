-- 0010: versioned questionnaires. Publishing freezes version 1; editing the
-- questions of a published interview makes a new version for invitations
-- sent from then on, and everyone keeps answering (and is scored and
-- reported on) the version of their invitation. Rows of a frozen version
-- are never deleted by editing, so a candidate's answers can never be lost
-- to a later edit (answers still go with the whole interview).

-- The current version: new invitations get it, the editor edits it.
ALTER TABLE interviews ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- The version a question belongs to; each version has its own rows.
ALTER TABLE interview_questions ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
DROP INDEX interview_questions_interview;
CREATE INDEX interview_questions_version ON interview_questions (interview_id, version, position);

-- The version the candidate answers, set when the invitation is created.
ALTER TABLE invitations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- When each version was frozen, by whom (NULL: by publishing) and what
-- changed from the one before ("2 questions edited, 1 removed"). A version
-- listed here is published: its questions are kept as they are.
CREATE TABLE interview_versions (
    interview_id INTEGER NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    summary      TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (interview_id, version)
);

-- Interviews published before versions existed: what they have is version 1.
INSERT INTO interview_versions (interview_id, version, created_at, summary)
    SELECT id, 1, coalesce(published_at, updated_at), 'Published' FROM interviews WHERE status != 'draft';

-- The guarantee behind "answers are never lost to an edit": a question of
-- a published version can only go with its interview (the interview row is
-- already gone when its questions are deleted by the cascade).
CREATE TRIGGER interview_questions_keep_published BEFORE DELETE ON interview_questions
WHEN EXISTS (SELECT 1 FROM interview_versions v WHERE v.interview_id = OLD.interview_id AND v.version = OLD.version)
    AND EXISTS (SELECT 1 FROM interviews WHERE id = OLD.interview_id)
BEGIN
    SELECT RAISE(ABORT, 'a question of a published version cannot be deleted');
END;

-- And what a candidate answered is never reworded under them: a question
-- with answers keeps its content (a wording fix is only allowed before
-- anyone answered).
CREATE TRIGGER interview_questions_keep_answered BEFORE UPDATE OF interview_id, version, position, type, prompt, help, options,
    required, rubric, knockout, scoring, time_limit_s, retakes, max_media_s ON interview_questions
WHEN EXISTS (SELECT 1 FROM answers WHERE question_id = OLD.id)
BEGIN
    SELECT RAISE(ABORT, 'a question that has answers cannot be changed');
END;
