-- 0023: a fee-ledger row per audit writer, so concurrent writers never queue on one row.
--
-- Every charged audit batch adds its charges to the ledger in its own transaction, and holds the row it updated until
-- it commits. With one row per agency, day and product, the hub's audit writers (four per silo, more silos) all queue on
-- the same row whenever one agency is busy: each waits for the other's commit to be flushed, and PostgreSQL spends CPU
-- on the wait (pgbench, 4 clients, PL/pgSQL upsert: 333-354 µs per call on one row, 240-250 on a row each;
-- bench/results/lookup-2026-12-07-audit-round-trips.md). Each row now also carries the writer: the database session
-- (backend process ID) that added it. The audit writers hold their connections, so an agency's day has a few rows per
-- product (one per writer connection that charged it), and whoever reads the ledger sums them. The owner sees the same
-- totals; fee_ledger_add keeps its signature and grants, and the rows keep growing only.
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
