-- 0007: the citizen event log. Citizen grains save each change's events in their own state (the outbox) and relay them
-- here. A relay repeated after a crash inserts nothing new (event_id is unique), and (citizen_id, sequence) being unique
-- means one citizen's events cannot fork.
--
-- Readers page by (tx, position), reading only rows of transactions older than every transaction still running
-- (pg_snapshot_xmin). Paging by position alone would skip events: an identity value is taken at insert, so a transaction
-- holding a lower position can commit after a reader has already moved past a higher one. Ordered by transaction, no row
-- can appear behind a cursor. One citizen's relays run one after another, so its events stay in sequence order.

CREATE TABLE citizen_events
(
    position       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id       uuid        NOT NULL UNIQUE,
    citizen_id     text        NOT NULL,
    sequence       bigint      NOT NULL CHECK (sequence >= 1),
    type           text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    record_version bigint      NOT NULL,
    changed_fields text[]      NOT NULL,
    tx             xid8        NOT NULL DEFAULT pg_current_xact_id(),
    appended_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (citizen_id, sequence)
);

CREATE INDEX citizen_events_cursor ON citizen_events (tx, position);
CREATE INDEX citizen_events_type_cursor ON citizen_events (type, tx, position);
