-- 0005: the audit log of every disclosure decision, its hash chain, and citizens' disputes.
--
--  * audit_log is append-only and partitioned by month on "at" (UTC). The writer creates each month's
--    partition on demand (see PostgresAuditStore), together with that partition's TRUNCATE guard.
--  * Rows are written in batches (group commit). Each batch is one row of audit_batches, chained per writer
--    process: hash = SHA-256(header(chain, sequence, previous hash, count) || entries in position order),
--    see AuditBatchHasher. audit_chains keeps each chain's head, updated in the batch's transaction, so a
--    deleted LAST batch is caught too.
--  * Triggers refuse UPDATE, DELETE and TRUNCATE of entries and batches, and any change of a chain head other
--    than advancing it by one batch. A superuser can still bypass them; the hash chain is what catches that
--    (`OrleansHub.Host audit verify`).

CREATE FUNCTION audit_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TABLE audit_chains
(
    chain_id      uuid        PRIMARY KEY,
    last_sequence bigint      NOT NULL CHECK (last_sequence >= 1),
    last_hash     bytea       NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION audit_chain_advance_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.chain_id = OLD.chain_id AND NEW.last_sequence = OLD.last_sequence + 1 THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'an audit chain head only advances by one batch: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_chains_advance_only BEFORE UPDATE OR DELETE ON audit_chains
    FOR EACH ROW EXECUTE FUNCTION audit_chain_advance_only();
CREATE TRIGGER audit_chains_no_truncate BEFORE TRUNCATE ON audit_chains
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE audit_batches
(
    chain_id      uuid        NOT NULL,
    sequence      bigint      NOT NULL CHECK (sequence >= 1),
    previous_hash bytea       NOT NULL,
    hash          bytea       NOT NULL,
    entry_count   integer     NOT NULL CHECK (entry_count >= 1),
    first_at      timestamptz NOT NULL,
    last_at       timestamptz NOT NULL,
    written_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (chain_id, sequence)
);

CREATE TRIGGER audit_batches_append_only BEFORE UPDATE OR DELETE ON audit_batches
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_batches_no_truncate BEFORE TRUNCATE ON audit_batches
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE audit_log
(
    id             uuid        NOT NULL,
    at             timestamptz NOT NULL,
    agency_code    text,                 -- null: the key named no known agency
    citizen_id     text,                 -- null: the request named no well-formed ID
    operation      text        NOT NULL,
    purpose        text,
    fields         text[]      NOT NULL,
    outcome        text        NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    reason         text,
    fee_vnd        bigint,
    request_id     text        NOT NULL,
    chain_id       uuid        NOT NULL, -- the batch this entry was written in ...
    batch_sequence bigint      NOT NULL,
    batch_position integer     NOT NULL, -- ... and its place in the batch's hash
    PRIMARY KEY (chain_id, batch_sequence, batch_position, at)
) PARTITION BY RANGE (at);

-- A citizen's access log, newest first, keyset-paged on (at, id).
CREATE INDEX audit_log_citizen ON audit_log (citizen_id, at DESC, id DESC) WHERE citizen_id IS NOT NULL;
-- One entry by ID (a citizen disputing it).
CREATE INDEX audit_log_id ON audit_log (id);

-- Row triggers on a partitioned table are cloned to every partition, present and future.
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE audit_disputes
(
    id             uuid        PRIMARY KEY,
    audit_entry_id uuid        NOT NULL,
    citizen_id     text        NOT NULL,
    agency_code    text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('not_me', 'not_consented')),
    comment        text,
    at             timestamptz NOT NULL,
    UNIQUE (audit_entry_id, kind)
);

-- The operator's list per agency, newest first.
CREATE INDEX audit_disputes_agency ON audit_disputes (agency_code, at DESC, id DESC);
