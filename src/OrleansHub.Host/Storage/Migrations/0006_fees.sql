-- 0006: fees (Circular 48/2022/TT-BTC): the charge of each answer in its audit row, the per-agency ledger, the
-- effective-dated fee schedules and the Idempotency-Key records of the agency API.
--
--  * An audit row's charge is fee_vnd plus the product, the fields counted, whether it was exempt and the schedule
--    version; all set or all null (null: a denial or anything else that is not a billable answer).
--  * fee_ledger holds per agency, fee-calendar day (UTC+07:00) and product the running totals. The audit writer adds a
--    batch's charges in the batch's own transaction, so the ledger equals the sum of the audit log's fees; it only
--    grows. `OrleansHub.Host fees reconcile` recomputes a month from audit_log and reports any difference.
--  * fee_schedules: each version prices every product per field from effective_from through effective_until
--    (inclusive, fee-calendar dates; null: until the next begins). Seeded with the statutory schedules.

ALTER TABLE audit_log
    ADD COLUMN fee_product  text,
    ADD COLUMN fee_fields   integer,
    ADD COLUMN fee_exempt   boolean,
    ADD COLUMN fee_schedule integer,
    ADD CONSTRAINT audit_log_fee_whole CHECK (
        (fee_vnd IS NULL AND fee_product IS NULL AND fee_fields IS NULL AND fee_exempt IS NULL AND fee_schedule IS NULL)
        OR (fee_vnd >= 0 AND fee_product IS NOT NULL AND fee_fields >= 0 AND fee_exempt IS NOT NULL AND fee_schedule IS NOT NULL));

CREATE TABLE fee_ledger
(
    agency_code    text   NOT NULL,
    day            date   NOT NULL,
    product        text   NOT NULL,
    answers        bigint NOT NULL CHECK (answers >= 0),
    fields         bigint NOT NULL CHECK (fields >= 0),
    exempt_answers bigint NOT NULL CHECK (exempt_answers >= 0),
    exempt_fields  bigint NOT NULL CHECK (exempt_fields >= 0),
    amount_vnd     bigint NOT NULL CHECK (amount_vnd >= 0),
    PRIMARY KEY (agency_code, day, product)
);

-- A month's statement of every agency reads by day.
CREATE INDEX fee_ledger_day ON fee_ledger (day);

CREATE FUNCTION fee_ledger_grow_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.agency_code = OLD.agency_code AND NEW.day = OLD.day AND NEW.product = OLD.product
       AND NEW.answers >= OLD.answers AND NEW.fields >= OLD.fields AND NEW.exempt_answers >= OLD.exempt_answers
       AND NEW.exempt_fields >= OLD.exempt_fields AND NEW.amount_vnd >= OLD.amount_vnd THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the fee ledger only grows with the audit log: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER fee_ledger_grow_only BEFORE UPDATE OR DELETE ON fee_ledger
    FOR EACH ROW EXECUTE FUNCTION fee_ledger_grow_only();
CREATE TRIGGER fee_ledger_no_truncate BEFORE TRUNCATE ON fee_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

CREATE TABLE fee_schedules
(
    version         integer     PRIMARY KEY CHECK (version >= 1),
    effective_from  date        NOT NULL UNIQUE,
    effective_until date        CHECK (effective_until >= effective_from),
    prices          jsonb       NOT NULL, -- product code -> VND per field
    published_at    timestamptz NOT NULL DEFAULT now()
);

INSERT INTO fee_schedules (version, effective_from, effective_until, prices, published_at) VALUES
    (1, '2022-09-17', '2023-12-31', '{"SPDC01": 500, "SPDC04": 500}', '2022-08-01T00:00:00Z'),
    (2, '2024-01-01', NULL, '{"SPDC01": 1000, "SPDC04": 1000}', '2023-11-15T00:00:00Z');

CREATE TABLE idempotency_keys
(
    agency_code    text        NOT NULL,
    key            text        NOT NULL,
    request_hash   bytea       NOT NULL,
    completed      boolean     NOT NULL DEFAULT false,
    status         integer,
    content_type   text,
    body           bytea,
    created_at     timestamptz NOT NULL,
    lease_until    timestamptz NOT NULL, -- an unfinished request's claim lapses then (its silo may have died)
    expires_at     timestamptz NOT NULL,
    PRIMARY KEY (agency_code, key)
);

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Optional monthly credit caps (đồng) of agencies; no row: no cap.
CREATE TABLE fee_credit_caps
(
    agency_code     text        PRIMARY KEY,
    monthly_cap_vnd bigint      NOT NULL CHECK (monthly_cap_vnd >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
