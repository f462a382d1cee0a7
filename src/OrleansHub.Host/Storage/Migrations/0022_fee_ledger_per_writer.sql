-- 0022: the fee ledger gets a row per audit writer, and fee_ledger_add (0019) becomes PL/pgSQL.
--
-- Every charged audit batch adds its charges to the ledger in its own transaction, and holds the row it updated until
-- it commits. With one row per agency, day and product, the audit writers (of every silo) queued on the same row
-- whenever one agency was busy, each waiting for the other's commit to be flushed. Each row now also carries the writer:
-- the database session (backend process ID) that added it. The audit writers hold their connections, so an agency's
-- day has a few rows per product (one per writer connection that charged it), and whoever reads the ledger sums them.
-- The totals are the same; the rows still only grow.
--
-- fee_ledger_add keeps its signature and grants. As a SECURITY DEFINER SQL function with SET it could not be inlined
-- and PostgreSQL 15 parsed and planned its upsert again on every call; PL/pgSQL keeps the plan for the session.
-- pgbench, 4 clients, one upsert per transaction, PostgreSQL CPU per call: 590 µs as SQL on one row, 333-354 as
-- PL/pgSQL on one row, 240-250 on a row each (bench/results/lookup-2026-12-07-audit-round-trips.md).
ALTER TABLE fee_ledger ADD COLUMN writer integer NOT NULL DEFAULT 0;
ALTER TABLE fee_ledger DROP CONSTRAINT fee_ledger_pkey;
ALTER TABLE fee_ledger ADD PRIMARY KEY (agency_code, day, product, writer);

CREATE OR REPLACE FUNCTION fee_ledger_grow_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.agency_code = OLD.agency_code AND NEW.day = OLD.day AND NEW.product = OLD.product
       AND NEW.writer = OLD.writer
       AND NEW.answers >= OLD.answers AND NEW.fields >= OLD.fields AND NEW.exempt_answers >= OLD.exempt_answers
       AND NEW.exempt_fields >= OLD.exempt_fields AND NEW.amount_vnd >= OLD.amount_vnd THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the fee ledger only grows with the audit log: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE FUNCTION fee_ledger_add(p_agency text[], p_day date[], p_product text[], p_answers bigint[], p_fields bigint[],
                                          p_exempt_answers bigint[], p_exempt_fields bigint[], p_amount bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO fee_ledger AS l (agency_code, day, product, answers, fields, exempt_answers, exempt_fields, amount_vnd, writer)
    SELECT u.*, pg_backend_pid() FROM unnest(p_agency, p_day, p_product, p_answers, p_fields, p_exempt_answers, p_exempt_fields, p_amount) u
    ON CONFLICT (agency_code, day, product, writer) DO UPDATE SET
        answers = l.answers + excluded.answers,
        fields = l.fields + excluded.fields,
        exempt_answers = l.exempt_answers + excluded.exempt_answers,
        exempt_fields = l.exempt_fields + excluded.exempt_fields,
        amount_vnd = l.amount_vnd + excluded.amount_vnd;
END
$$;
