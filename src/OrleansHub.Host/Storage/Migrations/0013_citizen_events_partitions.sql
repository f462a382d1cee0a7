-- 0013: the citizen event log, partitioned by month of appended_at, with the rows of earlier releases kept as they are.
--
--  * The registry storage now writes each change's events in the transaction of the change (state, history, events
--    together), many citizens per transaction. The reading rule of 0007 holds unchanged: readers page by (tx, position)
--    and see only transactions older than every running one; a citizen's next write starts only after its previous one
--    committed, so its events keep sequence order in (tx, position).
--  * Monthly partitions citizen_events_yYYYYmMM are made ahead of time by citizen_events_prepare() (SECURITY DEFINER:
--    the silos call it without any right to create tables); a DEFAULT partition catches a row whose month was not made,
--    so an append never fails for want of one. citizen_events_drop_before() drops whole months older than the retention
--    (Hub:RegistryStorage:EventRetention, 400 days by default) once the dispatcher has fanned them out.
--  * The table 0007 made becomes partition citizen_events_0007 (everything appended before this migration), keeping its
--    indexes: its unique event_id index lets a record written by the previous release add the events of its outbox that
--    were never logged, and only those. Retention never drops it; drop it by hand once it is older than the retention.
--  * New partitions keep no index on event_id or (citizen_id, sequence): one citizen's events cannot fork, because
--    they are written only with a state whose ETag was checked in the same transaction.

ALTER TABLE citizen_events RENAME TO citizen_events_0007;

CREATE SEQUENCE citizen_events_position AS bigint;
SELECT setval('citizen_events_position', coalesce((SELECT max(position) FROM citizen_events_0007), 0) + 1, false);
ALTER TABLE citizen_events_0007 ALTER COLUMN position DROP IDENTITY;

CREATE TABLE citizen_events
(
    position        bigint      NOT NULL DEFAULT nextval('citizen_events_position'),
    event_id        uuid        NOT NULL,
    citizen_id      text        NOT NULL,
    sequence        bigint      NOT NULL CONSTRAINT citizen_events_sequence_check CHECK (sequence >= 1),
    type            text        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    record_version  bigint      NOT NULL,
    changed_fields  text[]      NOT NULL,
    tx              xid8        NOT NULL DEFAULT pg_current_xact_id(),
    appended_at     timestamptz NOT NULL DEFAULT now(),
    consent_id      uuid,
    consent_agency  text,
    consent_purpose text
) PARTITION BY RANGE (appended_at);

ALTER SEQUENCE citizen_events_position OWNED BY citizen_events.position;

CREATE INDEX citizen_events_log_cursor ON citizen_events (tx, position);
CREATE INDEX citizen_events_log_type_cursor ON citizen_events (type, tx, position);

-- Where the monthly partitions begin: the end of the earlier rows' partition.
CREATE TABLE citizen_events_partitioning
(
    singleton    boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    monthly_from timestamptz NOT NULL
);

INSERT INTO citizen_events_partitioning (monthly_from) VALUES (now());

DO $$
BEGIN
    EXECUTE format('ALTER TABLE citizen_events ATTACH PARTITION citizen_events_0007 FOR VALUES FROM (MINVALUE) TO (%L)',
                   (SELECT monthly_from FROM citizen_events_partitioning));
END
$$;

CREATE TABLE citizen_events_default PARTITION OF citizen_events DEFAULT;

-- Makes the monthly partitions from this month to months_ahead months on (those missing); returns how many it made.
-- A month whose rows already went to the DEFAULT partition is left there (logged as a notice) rather than moved.
CREATE FUNCTION citizen_events_prepare(months_ahead integer DEFAULT 3) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    start_month timestamp := date_trunc('month', now() AT TIME ZONE 'UTC');
    monthly_from timestamptz := (SELECT p.monthly_from FROM citizen_events_partitioning p);
    month_start timestamptz;
    month_end timestamptz;
    name text;
    made integer := 0;
BEGIN
    IF months_ahead NOT BETWEEN 0 AND 24 THEN
        RAISE EXCEPTION 'months_ahead must be between 0 and 24';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('citizen_events_prepare'));
    FOR i IN 0..months_ahead LOOP
        month_start := (start_month + make_interval(months => i)) AT TIME ZONE 'UTC';
        month_end := (start_month + make_interval(months => i + 1)) AT TIME ZONE 'UTC';
        name := format('citizen_events_y%sm%s', to_char(start_month + make_interval(months => i), 'YYYY'),
                       to_char(start_month + make_interval(months => i), 'MM'));
        CONTINUE WHEN month_end <= monthly_from OR to_regclass(name) IS NOT NULL;
        BEGIN
            EXECUTE format('CREATE TABLE %I PARTITION OF citizen_events FOR VALUES FROM (%L) TO (%L)',
                           name, greatest(month_start, monthly_from), month_end);
            made := made + 1;
        EXCEPTION WHEN check_violation OR invalid_object_definition THEN
            RAISE NOTICE 'citizen_events: % not made, its rows are in the default partition (%)', name, SQLERRM;
        END;
    END LOOP;
    RETURN made;
END
$$;

-- Drops the monthly partitions that end before cutoff and hold nothing the dispatcher has yet to fan out; returns how
-- many it dropped. Never the earlier rows' partition nor the default one.
CREATE FUNCTION citizen_events_drop_before(cutoff timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    part record;
    dropped integer := 0;
    pending boolean;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('citizen_events_prepare'));
    FOR part IN
        SELECT c.relname
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'citizen_events'::regclass AND c.relname ~ '^citizen_events_y[0-9]{4}m[0-9]{2}$'
          AND (make_timestamp(substr(c.relname, 17, 4)::integer, substr(c.relname, 22, 2)::integer, 1, 0, 0, 0)
               + interval '1 month') AT TIME ZONE 'UTC' <= cutoff
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I e, event_dispatch d WHERE (e.tx, e.position) > (d.tx, d.position))', part.relname)
            INTO pending;
        CONTINUE WHEN pending;
        EXECUTE format('DROP TABLE %I', part.relname);
        dropped := dropped + 1;
    END LOOP;
    RETURN dropped;
END
$$;

SELECT citizen_events_prepare(3);
