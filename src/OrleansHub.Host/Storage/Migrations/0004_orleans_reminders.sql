-- 0004: reminders for Microsoft.Orleans.Reminders.AdoNet (10.4.x).
--
-- Contract (from the provider's AdoNetReminderTable / RelationalOrleansQueries):
--  * Keys: UpsertReminderRowKey, ReadReminderRowsKey, ReadReminderRowKey,
--    ReadRangeRows1Key, ReadRangeRows2Key, DeleteReminderRowKey, DeleteReminderRowsKey.
--  * Parameters: @ServiceId, @GrainId (GrainId.ToString()), @ReminderName,
--    @StartTime (UTC), @Period (milliseconds; bound as int, or as bigint when it does
--    not fit in int), @GrainHash / @BeginHash / @EndHash (uint hashes bound as signed
--    int), @Version (int).
--  * Rows are read by name: "GrainId", "ReminderName", "StartTime", "Period"
--    (int or bigint), "Version".
--  * Upsert returns one row with the new "Version" (used as the reminder ETag).
--    Delete returns one row, one column, read as a boolean (false on ETag mismatch).
--  * Ranges: 10.x compares the bounds as SIGNED ints (matching the stored hashes)
--    and picks ReadRangeRows1Key when (int)begin < (int)end, i.e. the range
--    (begin, end] does not wrap; otherwise ReadRangeRows2Key for the wrapped range
--    (also used when begin = end, meaning the whole ring).
--  * The classic 10.4.x provider binds no cron/priority/next-due parameters (those
--    belong to the separate advanced-reminders package), so none are stored here.

CREATE TABLE orleans_reminder
(
    service_id    text        NOT NULL,
    grain_id      text        NOT NULL,
    reminder_name text        NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint      NOT NULL,  -- bigint: periods above ~24.8 days exceed int
    grain_hash    integer     NOT NULL,  -- uniform grain hash, stored signed
    version       integer     NOT NULL DEFAULT 0,

    CONSTRAINT pk_orleans_reminder PRIMARY KEY (service_id, grain_id, reminder_name)
);

-- The reminder service of each silo loads its slice of the hash ring.
CREATE INDEX ix_orleans_reminder_ring ON orleans_reminder (service_id, grain_hash);

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Insert or replace; each change bumps the version so an old ETag cannot delete it.
('UpsertReminderRowKey', $q$
INSERT INTO orleans_reminder AS r
    (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
VALUES
    (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
SET start_time = EXCLUDED.start_time,
    period_ms  = EXCLUDED.period_ms,
    grain_hash = EXCLUDED.grain_hash,
    version    = r.version + 1
RETURNING r.version AS "Version";
$q$),

('ReadReminderRowsKey', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND grain_id   = @GrainId;
$q$),

('ReadReminderRowKey', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id    = @ServiceId
  AND grain_id      = @GrainId
  AND reminder_name = @ReminderName;
$q$),

-- Non-wrapping range (begin, end].
('ReadRangeRows1Key', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND grain_hash > @BeginHash
  AND grain_hash <= @EndHash;
$q$),

-- Wrapping range: (begin, max] plus [min, end].
('ReadRangeRows2Key', $q$
SELECT grain_id      AS "GrainId",
       reminder_name AS "ReminderName",
       start_time    AS "StartTime",
       period_ms     AS "Period",
       version       AS "Version"
FROM orleans_reminder
WHERE service_id = @ServiceId
  AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
$q$),

-- Deletes only when the caller's ETag (version) is current.
('DeleteReminderRowKey', $q$
WITH deleted AS (
    DELETE FROM orleans_reminder
    WHERE service_id    = @ServiceId
      AND grain_id      = @GrainId
      AND reminder_name = @ReminderName
      AND version       = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM deleted) AS deleted;
$q$),

-- Test-only helper in Orleans: drops every reminder of the service.
('DeleteReminderRowsKey', $q$
DELETE FROM orleans_reminder
WHERE service_id = @ServiceId;
$q$);
