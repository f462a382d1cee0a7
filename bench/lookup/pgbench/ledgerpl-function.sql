-- scratch_ledger_add: fee_ledger_add's body as PL/pgSQL (what migration 0022 made of fee_ledger_add), for ledgerpl*.sql.
CREATE OR REPLACE FUNCTION scratch_ledger_add(p_agency text[], p_day date[], p_product text[], p_answers bigint[], p_fields bigint[],
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
CREATE TABLE IF NOT EXISTS scratch_t (v int);
