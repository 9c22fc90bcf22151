-- 0008: trustworthy results.
-- The recruiter's scoring rule of a closed question: option points or
-- number ranges (JSON, see scoring.Rule); '' = not scored.
ALTER TABLE interview_questions ADD COLUMN scoring TEXT NOT NULL DEFAULT '';
-- How many open answers of a result wait for a person's rubric checklist
-- (the built-in scorer does not score open answers). The overall score,
-- tags and ATS write-back wait until it is 0.
ALTER TABLE results ADD COLUMN review_pending INTEGER NOT NULL DEFAULT 0;
-- A recording's length as the candidate's browser measured it, for
-- "Recording (0:47)" in the report, the ATS note and the console.
ALTER TABLE answers ADD COLUMN media_ms INTEGER NOT NULL DEFAULT 0;
