-- 0008: subscriptions and per-agency feeds.
--
--  * citizen_subscriptions: an agency follows one citizen for a purpose (optionally only some event types);
--    population_subscriptions: a state agency with the mandate follows one event type for everybody.
--  * agency_feed: the events each agency is to receive, fanned out from citizen_events by one dispatcher at a time (it
--    holds an advisory lock), so feed_position commits in increasing order and is a safe per-agency cursor.
--    (agency_code, event_id) is unique: a dispatch repeated after a crash adds nothing.
--  * event_dispatch: how far the dispatcher has read citizen_events, advanced in the same transaction as the rows it
--    fanned out, so every event is fanned out exactly once.
--  * feed_retention: feed rows up to pruned_through were deleted by retention; a cursor before it is answered 410.

CREATE TABLE citizen_subscriptions
(
    agency_code text        NOT NULL,
    citizen_id  text        NOT NULL,
    purpose     text        NOT NULL,
    event_types text[]      NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_code, citizen_id)
);

CREATE INDEX citizen_subscriptions_citizen ON citizen_subscriptions (citizen_id);

CREATE TABLE population_subscriptions
(
    agency_code text        NOT NULL,
    event_type  text        NOT NULL,
    purpose     text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agency_code, event_type)
);

CREATE INDEX population_subscriptions_type ON population_subscriptions (event_type);

CREATE TABLE agency_feed
(
    feed_position  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agency_code    text        NOT NULL,
    purpose        text        NOT NULL,
    event_id       uuid        NOT NULL,
    citizen_id     text        NOT NULL,
    sequence       bigint      NOT NULL,
    type           text        NOT NULL,
    occurred_at    timestamptz NOT NULL,
    record_version bigint      NOT NULL,
    changed_fields text[]      NOT NULL,
    fed_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_code, event_id)
);

CREATE INDEX agency_feed_agency_position ON agency_feed (agency_code, feed_position);
CREATE INDEX agency_feed_fed_at ON agency_feed (fed_at);

CREATE TABLE event_dispatch
(
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    tx          xid8    NOT NULL,
    position    bigint  NOT NULL
);

INSERT INTO event_dispatch (tx, position) VALUES ('0', 0);

CREATE TABLE feed_retention
(
    singleton      boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    pruned_through bigint  NOT NULL
);

INSERT INTO feed_retention (pruned_through) VALUES (0);
