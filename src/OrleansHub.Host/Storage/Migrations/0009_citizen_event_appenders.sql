-- 0009: appends to citizen_events mark themselves, so readers wait only for transactions that can still add events.
--
-- Until now a reader returned only events of transactions older than every running one (pg_snapshot_xmin), so any
-- unrelated transaction that had written something (grain state, audit, fees, Orleans' own tables) held back every event
-- appended after it began, for as long as it ran. Now each statement inserting into citizen_events first takes a shared
-- transaction-level advisory lock (key 0x4F48415050454E44, "OHAPPEND"), before its transaction has a transaction ID, and
-- keeps it to the end. A running transaction that has an ID but not that lock can therefore never add an event, and the
-- reader (PostgresCitizenEventLog) may read past it. The trigger refuses an insert by a transaction that already wrote
-- something else without the lock: its ID would predate the lock, and a reader could have passed it.

CREATE FUNCTION citizen_events_mark_appender() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF pg_current_xact_id_if_assigned() IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM pg_locks
        WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND classid = 1330135376 AND objid = 1346719300 AND objsubid = 1) THEN
        RAISE EXCEPTION 'citizen_events must be appended to before any other write of the transaction'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM pg_advisory_xact_lock_shared(5712887940519382596);
    RETURN NULL;
END
$$;

CREATE TRIGGER citizen_events_mark_appender
    BEFORE INSERT ON citizen_events
    FOR EACH STATEMENT EXECUTE FUNCTION citizen_events_mark_appender();
