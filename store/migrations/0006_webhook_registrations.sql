-- 0006: webhook subscriptions hireloop created through a vendor's API
-- (Lever, Ashby, Workable, SmartRecruiters), kept so they can be removed
-- when the connection goes, and the time they were made, which bounds the
-- window in which a handshake (SmartRecruiters) may set the secret.
ALTER TABLE ats_connections ADD COLUMN webhook_registration TEXT NOT NULL DEFAULT '';
ALTER TABLE ats_connections ADD COLUMN webhook_registered_at INTEGER NOT NULL DEFAULT 0;
