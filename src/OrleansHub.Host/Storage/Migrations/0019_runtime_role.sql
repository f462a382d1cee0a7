-- 0019: the runtime role. `migrate` runs as the owner of the schema; silos run as a runtime role that owns nothing.
--
--  * hub_grant_runtime(role) gives the runtime role what the hub's code does and nothing more: SELECT and INSERT on the
--    audit tables and the fee ledger (no UPDATE, DELETE, TRUNCATE; not being the owner it cannot ALTER them, so it
--    cannot disable their triggers either), SELECT on hub_schema_migrations, SELECT/INSERT/UPDATE/DELETE on the other
--    tables, SELECT only on their partitions and nothing on the audit's partitions. The migration runner calls it
--    after every migration run, so tables added by later migrations are covered too. It refuses a superuser and a role that owns a table.
--  * What the runtime role must do beyond INSERT on those tables goes through SECURITY DEFINER functions owned by the
--    owner, each doing one checked thing: audit_advance_head (a chain head moves on by one batch, to a batch that
--    exists), fee_ledger_add (the ledger grows by a batch's charges), audit_log_create_partition (a month's partition
--    with its TRUNCATE guard). Their EXECUTE is taken from PUBLIC and given to the runtime role.

CREATE FUNCTION audit_advance_head(p_chain uuid, p_sequence bigint, p_hash bytea) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    advanced integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM audit_batches WHERE chain_id = p_chain AND sequence = p_sequence AND hash = p_hash) THEN
        RAISE EXCEPTION 'audit chain % has no batch % with that hash', p_chain, p_sequence USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE audit_chains SET last_sequence = p_sequence, last_hash = p_hash, updated_at = now()
    WHERE chain_id = p_chain AND last_sequence = p_sequence - 1;
    GET DIAGNOSTICS advanced = ROW_COUNT;
    IF advanced <> 1 THEN
        RAISE EXCEPTION 'audit chain % is not at batch %; batch % was not written', p_chain, p_sequence - 1, p_sequence
            USING ERRCODE = 'serialization_failure';
    END IF;
END
$$;

CREATE FUNCTION fee_ledger_add(p_agency text[], p_day date[], p_product text[], p_answers bigint[], p_fields bigint[],
                               p_exempt_answers bigint[], p_exempt_fields bigint[], p_amount bigint[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO fee_ledger AS l (agency_code, day, product, answers, fields, exempt_answers, exempt_fields, amount_vnd)
    SELECT * FROM unnest(p_agency, p_day, p_product, p_answers, p_fields, p_exempt_answers, p_exempt_fields, p_amount)
    ON CONFLICT (agency_code, day, product) DO UPDATE SET
        answers = l.answers + excluded.answers,
        fields = l.fields + excluded.fields,
        exempt_answers = l.exempt_answers + excluded.exempt_answers,
        exempt_fields = l.exempt_fields + excluded.exempt_fields,
        amount_vnd = l.amount_vnd + excluded.amount_vnd
$$;

CREATE FUNCTION audit_log_create_partition(p_year integer, p_month integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    month_start timestamptz;
    name text;
BEGIN
    IF p_year NOT BETWEEN 2000 AND 2999 OR p_month NOT BETWEEN 1 AND 12 THEN
        RAISE EXCEPTION 'no audit partition for %-%', p_year, p_month;
    END IF;
    month_start := make_timestamptz(p_year, p_month, 1, 0, 0, 0, 'UTC');
    name := format('audit_log_y%sm%s', lpad(p_year::text, 4, '0'), lpad(p_month::text, 2, '0'));
    PERFORM pg_advisory_xact_lock(hashtext('audit_log_create_partition'), p_year * 12 + p_month);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
                   name, month_start, month_start + interval '1 month');
    EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()',
                   name || '_no_truncate', name);
END
$$;

REVOKE EXECUTE ON FUNCTION audit_advance_head(uuid, bigint, bytea) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION fee_ledger_add(text[], date[], text[], bigint[], bigint[], bigint[], bigint[], bigint[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION audit_log_create_partition(integer, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION citizen_events_prepare(integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION citizen_events_drop_before(timestamptz) FROM PUBLIC;

CREATE FUNCTION hub_grant_runtime(p_role name) RETURNS void
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    runtime oid := (SELECT oid FROM pg_roles WHERE rolname = p_role);
    append_only text[] := ARRAY['audit_log', 'audit_batches', 'audit_chains', 'fee_ledger'];
    t record;
BEGIN
    IF runtime IS NULL THEN
        RAISE EXCEPTION 'the runtime role % does not exist', p_role;
    END IF;
    IF p_role = current_user THEN
        RAISE EXCEPTION 'the runtime role % is the role migrating the schema; use a separate owner role', p_role;
    END IF;
    IF (SELECT rolsuper FROM pg_roles WHERE oid = runtime) THEN
        RAISE EXCEPTION 'the runtime role % is a superuser; it must be a plain login role', p_role;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = 'public' AND c.relowner = runtime) THEN
        RAISE EXCEPTION 'the runtime role % owns objects of the hub''s schema; reassign them to the owner role', p_role;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', p_role);
    FOR t IN
        SELECT c.relname, c.relispartition,
               (SELECT p.relname FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent WHERE i.inhrelid = c.oid) AS parent
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
    LOOP
        EXECUTE format('REVOKE ALL ON TABLE %I FROM %I', t.relname, p_role);
        IF t.relispartition THEN
            -- Written through the parent only; the registry reads the event log's first partition by name.
            IF NOT t.parent = ANY (append_only) THEN
                EXECUTE format('GRANT SELECT ON TABLE %I TO %I', t.relname, p_role);
            END IF;
        ELSIF t.relname = ANY (append_only) THEN
            EXECUTE format('GRANT SELECT, INSERT ON TABLE %I TO %I', t.relname, p_role);
        ELSIF t.relname = 'hub_schema_migrations' THEN
            EXECUTE format('GRANT SELECT ON TABLE %I TO %I', t.relname, p_role);
        ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE %I TO %I', t.relname, p_role);
        END IF;
    END LOOP;
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO %I', p_role);
    EXECUTE format('GRANT EXECUTE ON FUNCTION audit_advance_head(uuid, bigint, bytea), '
                   'fee_ledger_add(text[], date[], text[], bigint[], bigint[], bigint[], bigint[], bigint[]), '
                   'audit_log_create_partition(integer, integer), citizen_events_prepare(integer), '
                   'citizen_events_drop_before(timestamptz) TO %I', p_role);
END
$$;

REVOKE EXECUTE ON FUNCTION hub_grant_runtime(name) FROM PUBLIC;
