-- 0011: per-message email state, so a crash mid-batch repeats at most the
-- one message in flight, and the outbox knows which message that was.
-- sending_at: when the message was handed to the SMTP server in its latest
-- attempt; set on a 'sending' row it means "in flight, outcome unknown".
-- A 'sending' row without it is only claimed by the worker, not yet sent.
ALTER TABLE email_outbox ADD COLUMN sending_at INTEGER;
-- maybe_duplicate: how many attempts may have delivered the message without
-- hireloop learning it (a crash, or a connection lost after the whole
-- message was written), each followed by another attempt.
ALTER TABLE email_outbox ADD COLUMN maybe_duplicate INTEGER NOT NULL DEFAULT 0;
-- Earlier versions claimed a whole batch as 'sending' and recorded it only
-- when the batch was done: any such row left by a crash may have been sent.
UPDATE email_outbox SET sending_at = next_attempt_at WHERE status = 'sending';
