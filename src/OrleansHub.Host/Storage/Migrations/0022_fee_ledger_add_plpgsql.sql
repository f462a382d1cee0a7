-- 0022: fee_ledger_add (0019) in PL/pgSQL instead of SQL, same signature, body and privileges.
--
-- Every audit batch that charges calls it. A SQL function that is SECURITY DEFINER with SET cannot be inlined, and
-- PostgreSQL 15 parses and plans its INSERT ... ON CONFLICT again on every call; PL/pgSQL keeps the plan for the session
-- (the audit writers hold their connections). Measured with pgbench, 4 clients, one upsert per transaction: 590 µs of
-- PostgreSQL CPU per call as SQL, 333-354 as PL/pgSQL (bench/results/lookup-2026-12-07-audit-round-trips.md).
CREATE OR REPLACE FUNCTION fee_ledger_add(p_agency text[], p_day date[], p_product text[], p_answers bigint[], p_fields bigint[],
                                          p_exempt_answers bigint[], p_exempt_fields bigint[], p_amount bigint[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO fee_ledger AS l (agency_code, day, product, answers, fields, exempt_answers, exempt_fields, amount_vnd)
    SELECT * FROM unnest(p_agency, p_day, p_product, p_answers, p_fields, p_exempt_answers, p_exempt_fields, p_amount)
    ON CONFLICT (agency_code, day, product) DO UPDATE SET
        answers = l.answers + excluded.answers,
        fields = l.fields + excluded.fields,
        exempt_answers = l.exempt_answers + excluded.exempt_answers,
        exempt_fields = l.exempt_fields + excluded.exempt_fields,
        amount_vnd = l.amount_vnd + excluded.amount_vnd;
END
$$;
