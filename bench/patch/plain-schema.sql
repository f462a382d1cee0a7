-- Tables of the plain design (see plain-patch.sql), loaded from the same NDJSON the hub imports.
CREATE TABLE plain_citizens (n integer PRIMARY KEY, id text NOT NULL UNIQUE, record jsonb NOT NULL, version integer NOT NULL DEFAULT 1);
CREATE TABLE plain_events
(
    position       bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id       uuid        NOT NULL UNIQUE,
    citizen_id     text        NOT NULL,
    sequence       bigint      NOT NULL,
    type           text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    record_version bigint      NOT NULL,
    changed_fields text[]      NOT NULL,
    tx             xid8        NOT NULL DEFAULT pg_current_xact_id(),
    appended_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (citizen_id, sequence)
);
CREATE INDEX plain_events_cursor ON plain_events (tx, position);
CREATE INDEX plain_events_type_cursor ON plain_events (type, tx, position);
CREATE TABLE plain_load (record jsonb NOT NULL);
