--
-- PostgreSQL database dump
--

\restrict dFIky174G3DcXY9WcvpAZmlklxWwQzDBstZTQFe2PRVIW2NlDdeNGX20y4XJMki

-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: audit_chain_advance_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_chain_advance_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.chain_id = OLD.chain_id AND NEW.last_sequence = OLD.last_sequence + 1 THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'an audit chain head only advances by one batch: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;


--
-- Name: audit_refuse_change(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on % is refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;


--
-- Name: fee_ledger_grow_only(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.fee_ledger_grow_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
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


--
-- Name: orleans_insert_membership(text, text, integer, integer, text, text, integer, integer, timestamp with time zone, timestamp with time zone, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.orleans_insert_membership(p_deployment_id text, p_address text, p_port integer, p_generation integer, p_silo_name text, p_host_name text, p_status integer, p_proxy_port integer, p_start_time timestamp with time zone, p_i_am_alive_time timestamp with time zone, p_expected_version integer) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_current integer;
BEGIN
    SELECT version INTO v_current
    FROM orleans_membership_version
    WHERE deployment_id = p_deployment_id
    FOR UPDATE;

    -- Missing version row or a stale version: somebody else changed the table.
    IF v_current IS NULL OR v_current IS DISTINCT FROM p_expected_version THEN
        RETURN false;
    END IF;

    INSERT INTO orleans_membership
        (deployment_id, address, port, generation, silo_name, host_name,
         status, proxy_port, start_time, i_am_alive_time)
    VALUES
        (p_deployment_id, p_address, p_port, p_generation, p_silo_name, p_host_name,
         p_status, p_proxy_port, p_start_time, p_i_am_alive_time)
    ON CONFLICT DO NOTHING;

    -- The silo already has a row: report failure and leave the version untouched.
    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership_version
    SET version = version + 1, updated_at = now()
    WHERE deployment_id = p_deployment_id;

    RETURN true;
END;
$$;


--
-- Name: orleans_update_membership(text, text, integer, integer, integer, text, timestamp with time zone, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.orleans_update_membership(p_deployment_id text, p_address text, p_port integer, p_generation integer, p_status integer, p_suspect_times text, p_i_am_alive_time timestamp with time zone, p_expected_version integer) RETURNS boolean
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_current integer;
BEGIN
    SELECT version INTO v_current
    FROM orleans_membership_version
    WHERE deployment_id = p_deployment_id
    FOR UPDATE;

    IF v_current IS NULL OR v_current IS DISTINCT FROM p_expected_version THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership
    SET status          = p_status,
        suspect_times   = p_suspect_times,
        -- Never move liveness backwards if a heartbeat landed in between.
        i_am_alive_time = GREATEST(i_am_alive_time, p_i_am_alive_time)
    WHERE deployment_id = p_deployment_id
      AND address       = p_address
      AND port          = p_port
      AND generation    = p_generation;

    IF NOT FOUND THEN
        RETURN false;
    END IF;

    UPDATE orleans_membership_version
    SET version = version + 1, updated_at = now()
    WHERE deployment_id = p_deployment_id;

    RETURN true;
END;
$$;


--
-- Name: orleans_write_grain_state(integer, bigint, bigint, integer, text, text, text, integer, bytea); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.orleans_write_grain_state(p_grain_id_hash integer, p_grain_id_n0 bigint, p_grain_id_n1 bigint, p_grain_type_hash integer, p_grain_type text, p_grain_id_extension text, p_service_id text, p_expected_version integer, p_payload bytea) RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_new_version integer;
BEGIN
    IF p_expected_version IS NULL THEN
        -- First write. If a row already exists (another activation won, or the
        -- state was written before this grain read it) nothing is inserted.
        INSERT INTO orleans_grain_state
            (service_id, grain_type_hash, grain_type, grain_id_hash,
             grain_id_n0, grain_id_n1, grain_id_extension, payload, version)
        VALUES
            (p_service_id, p_grain_type_hash, p_grain_type, p_grain_id_hash,
             p_grain_id_n0, p_grain_id_n1, p_grain_id_extension, p_payload, 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO v_new_version;
    ELSE
        UPDATE orleans_grain_state
        SET payload     = p_payload,
            version     = version + 1,
            modified_at = now()
        WHERE service_id      = p_service_id
          AND grain_type_hash = p_grain_type_hash
          AND grain_id_hash   = p_grain_id_hash
          AND grain_id_n0     = p_grain_id_n0
          AND grain_id_n1     = p_grain_id_n1
          AND grain_type      = p_grain_type
          AND grain_id_extension IS NOT DISTINCT FROM p_grain_id_extension
          AND version         = p_expected_version
        RETURNING version INTO v_new_version;
    END IF;

    RETURN v_new_version;  -- NULL means the version check failed
END;
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: agency_feed; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.agency_feed (
    feed_position bigint NOT NULL,
    agency_code text NOT NULL,
    purpose text NOT NULL,
    event_id uuid NOT NULL,
    citizen_id text NOT NULL,
    sequence bigint NOT NULL,
    type text NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    record_version bigint NOT NULL,
    changed_fields text[] NOT NULL,
    fed_at timestamp with time zone DEFAULT now() NOT NULL,
    consent_id uuid
);


--
-- Name: agency_feed_feed_position_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.agency_feed ALTER COLUMN feed_position ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.agency_feed_feed_position_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: agency_webhooks; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.agency_webhooks (
    agency_code text NOT NULL,
    url text NOT NULL,
    secret text NOT NULL,
    status text NOT NULL,
    delivered_through bigint NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    last_error text,
    next_attempt_at timestamp with time zone,
    failing_since timestamp with time zone,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT agency_webhooks_status_check CHECK ((status = ANY (ARRAY['active'::text, 'retrying'::text, 'failing'::text])))
);


--
-- Name: audit_batches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_batches (
    chain_id uuid NOT NULL,
    sequence bigint NOT NULL,
    previous_hash bytea NOT NULL,
    hash bytea NOT NULL,
    entry_count integer NOT NULL,
    first_at timestamp with time zone NOT NULL,
    last_at timestamp with time zone NOT NULL,
    written_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT audit_batches_entry_count_check CHECK ((entry_count >= 1)),
    CONSTRAINT audit_batches_sequence_check CHECK ((sequence >= 1))
);


--
-- Name: audit_chains; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_chains (
    chain_id uuid NOT NULL,
    last_sequence bigint NOT NULL,
    last_hash bytea NOT NULL,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT audit_chains_last_sequence_check CHECK ((last_sequence >= 1))
);


--
-- Name: audit_disputes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_disputes (
    id uuid NOT NULL,
    audit_entry_id uuid NOT NULL,
    citizen_id text NOT NULL,
    agency_code text NOT NULL,
    kind text NOT NULL,
    comment text,
    at timestamp with time zone NOT NULL,
    CONSTRAINT audit_disputes_kind_check CHECK ((kind = ANY (ARRAY['not_me'::text, 'not_consented'::text])))
);


--
-- Name: audit_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.audit_log (
    id uuid NOT NULL,
    at timestamp with time zone NOT NULL,
    agency_code text,
    citizen_id text,
    operation text NOT NULL,
    purpose text,
    fields text[] NOT NULL,
    outcome text NOT NULL,
    reason text,
    fee_vnd bigint,
    request_id text NOT NULL,
    chain_id uuid NOT NULL,
    batch_sequence bigint NOT NULL,
    batch_position integer NOT NULL,
    fee_product text,
    fee_fields integer,
    fee_exempt boolean,
    fee_schedule integer,
    CONSTRAINT audit_log_fee_whole CHECK ((((fee_vnd IS NULL) AND (fee_product IS NULL) AND (fee_fields IS NULL) AND (fee_exempt IS NULL) AND (fee_schedule IS NULL)) OR ((fee_vnd >= 0) AND (fee_product IS NOT NULL) AND (fee_fields >= 0) AND (fee_exempt IS NOT NULL) AND (fee_schedule IS NOT NULL)))),
    CONSTRAINT audit_log_outcome_check CHECK ((outcome = ANY (ARRAY['allowed'::text, 'denied'::text])))
)
PARTITION BY RANGE (at);


--
-- Name: card_expiries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.card_expiries (
    card_number text NOT NULL,
    citizen_id text NOT NULL,
    expires_on date NOT NULL
);


--
-- Name: citizen_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.citizen_events (
    "position" bigint NOT NULL,
    event_id uuid NOT NULL,
    citizen_id text NOT NULL,
    sequence bigint NOT NULL,
    type text NOT NULL,
    occurred_at timestamp with time zone NOT NULL,
    record_version bigint NOT NULL,
    changed_fields text[] NOT NULL,
    tx xid8 DEFAULT pg_current_xact_id() NOT NULL,
    appended_at timestamp with time zone DEFAULT now() NOT NULL,
    consent_id uuid,
    consent_agency text,
    consent_purpose text,
    CONSTRAINT citizen_events_sequence_check CHECK ((sequence >= 1))
);


--
-- Name: citizen_events_position_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.citizen_events ALTER COLUMN "position" ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.citizen_events_position_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: citizen_subscriptions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.citizen_subscriptions (
    agency_code text NOT NULL,
    citizen_id text NOT NULL,
    purpose text NOT NULL,
    event_types text[] NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: event_dispatch; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.event_dispatch (
    singleton boolean DEFAULT true NOT NULL,
    tx xid8 NOT NULL,
    "position" bigint NOT NULL,
    CONSTRAINT event_dispatch_singleton_check CHECK (singleton)
);


--
-- Name: fee_credit_caps; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fee_credit_caps (
    agency_code text NOT NULL,
    monthly_cap_vnd bigint NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT fee_credit_caps_monthly_cap_vnd_check CHECK ((monthly_cap_vnd >= 0))
);


--
-- Name: fee_ledger; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fee_ledger (
    agency_code text NOT NULL,
    day date NOT NULL,
    product text NOT NULL,
    answers bigint NOT NULL,
    fields bigint NOT NULL,
    exempt_answers bigint NOT NULL,
    exempt_fields bigint NOT NULL,
    amount_vnd bigint NOT NULL,
    CONSTRAINT fee_ledger_amount_vnd_check CHECK ((amount_vnd >= 0)),
    CONSTRAINT fee_ledger_answers_check CHECK ((answers >= 0)),
    CONSTRAINT fee_ledger_exempt_answers_check CHECK ((exempt_answers >= 0)),
    CONSTRAINT fee_ledger_exempt_fields_check CHECK ((exempt_fields >= 0)),
    CONSTRAINT fee_ledger_fields_check CHECK ((fields >= 0))
);


--
-- Name: fee_schedules; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.fee_schedules (
    version integer NOT NULL,
    effective_from date NOT NULL,
    effective_until date,
    prices jsonb NOT NULL,
    published_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT fee_schedules_check CHECK ((effective_until >= effective_from)),
    CONSTRAINT fee_schedules_version_check CHECK ((version >= 1))
);


--
-- Name: feed_retention; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.feed_retention (
    singleton boolean DEFAULT true NOT NULL,
    pruned_through bigint NOT NULL,
    CONSTRAINT feed_retention_singleton_check CHECK (singleton)
);


--
-- Name: hub_schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.hub_schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: idempotency_keys; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.idempotency_keys (
    agency_code text NOT NULL,
    key text NOT NULL,
    request_hash bytea NOT NULL,
    completed boolean DEFAULT false NOT NULL,
    status integer,
    content_type text,
    body bytea,
    created_at timestamp with time zone NOT NULL,
    lease_until timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL
);


--
-- Name: orleans_grain_state; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orleans_grain_state (
    service_id text NOT NULL,
    grain_type_hash integer NOT NULL,
    grain_type text NOT NULL,
    grain_id_hash integer NOT NULL,
    grain_id_n0 bigint NOT NULL,
    grain_id_n1 bigint NOT NULL,
    grain_id_extension text,
    payload bytea,
    version integer NOT NULL,
    modified_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: orleans_membership; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orleans_membership (
    deployment_id text NOT NULL,
    address text NOT NULL,
    port integer NOT NULL,
    generation integer NOT NULL,
    silo_name text NOT NULL,
    host_name text NOT NULL,
    status integer NOT NULL,
    proxy_port integer,
    suspect_times text,
    start_time timestamp with time zone NOT NULL,
    i_am_alive_time timestamp with time zone NOT NULL
);


--
-- Name: orleans_membership_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orleans_membership_version (
    deployment_id text NOT NULL,
    version integer DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Name: orleans_reminder; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orleans_reminder (
    service_id text NOT NULL,
    grain_id text NOT NULL,
    reminder_name text NOT NULL,
    start_time timestamp with time zone NOT NULL,
    period_ms bigint NOT NULL,
    grain_hash integer NOT NULL,
    version integer DEFAULT 0 NOT NULL
);


--
-- Name: orleansquery; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orleansquery (
    querykey text NOT NULL,
    querytext text NOT NULL
);


--
-- Name: TABLE orleansquery; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.orleansquery IS 'Query texts the Orleans ADO.NET providers load by key at silo start. Contract: see migrations 0002-0004.';


--
-- Name: population_subscriptions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.population_subscriptions (
    agency_code text NOT NULL,
    event_type text NOT NULL,
    purpose text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Data for Name: agency_feed; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.agency_feed (feed_position, agency_code, purpose, event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields, fed_at, consent_id) FROM stdin;
1	MBB	kyc-onboarding	01a24ee8-1db3-7166-926c-2a538e7bd8cf	001190900002	3	vn.orleanshub.citizen.consent-revoked.v1	2026-12-07 05:09:24.531106+00	3	{fullName}	2026-12-07 05:09:24.538942+00	cc77ffc0-2c87-40b9-9df4-050561cab102
\.


--
-- Data for Name: agency_webhooks; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.agency_webhooks (agency_code, url, secret, status, delivered_through, attempts, last_error, next_attempt_at, failing_since, updated_at) FROM stdin;
\.


--
-- Data for Name: audit_batches; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_batches (chain_id, sequence, previous_hash, hash, entry_count, first_at, last_at, written_at) FROM stdin;
\.


--
-- Data for Name: audit_chains; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_chains (chain_id, last_sequence, last_hash, started_at, updated_at) FROM stdin;
\.


--
-- Data for Name: audit_disputes; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.audit_disputes (id, audit_entry_id, citizen_id, agency_code, kind, comment, at) FROM stdin;
\.


--
-- Data for Name: card_expiries; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.card_expiries (card_number, citizen_id, expires_on) FROM stdin;
CC0900000000	001190900000	2030-03-04
CC0900000008	001190900008	2030-03-04
CC0900000006	001190900006	2030-03-04
CC0900000014	001190900014	2030-03-04
CC0900000009	001190900009	2030-03-04
CC0900000012	001190900012	2030-03-04
CC0900000011	001190900011	2030-03-04
CC0900000005	001190900005	2030-03-04
CC0900000001	001190900001	2030-03-04
CC0900000004	001190900004	2030-03-04
CC0900000018	001190900018	2030-03-04
CC0900000007	001190900007	2030-03-04
CC0900000003	001190900003	2030-03-04
CC0900000010	001190900010	2030-03-04
CC0900000019	001190900019	2030-03-04
CC0900000002	001190900002	2030-03-04
CC0900000015	001190900015	2030-03-04
CC0900000016	001190900016	2030-03-04
CC0900000017	001190900017	2030-03-04
CC0900000013	001190900013	2030-03-04
\.


--
-- Data for Name: citizen_events; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.citizen_events ("position", event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields, tx, appended_at, consent_id, consent_agency, consent_purpose) FROM stdin;
1	01a24ee8-1a70-7bb3-940b-323cc5725dce	001190900000	1	vn.orleanshub.citizen.residence-changed.v1	2026-12-07 05:09:23.696285+00	2	{currentResidence}	801	2026-12-07 05:09:23.724064+00	\N	\N	\N
2	01a24ee8-1aac-7b75-aadc-d4e46367a730	001190900000	2	vn.orleanshub.citizen.civil-status-changed.v1	2026-12-07 05:09:23.756661+00	3	{maritalStatus}	804	2026-12-07 05:09:23.764042+00	\N	\N	\N
3	01a24ee8-1ad7-72ae-997a-78be50249cb8	001190900001	1	vn.orleanshub.citizen.residence-changed.v1	2026-12-07 05:09:23.799486+00	2	{currentResidence}	809	2026-12-07 05:09:23.80806+00	\N	\N	\N
4	01a24ee8-1b00-7007-bd30-bddd10c68b0d	001190900001	2	vn.orleanshub.citizen.civil-status-changed.v1	2026-12-07 05:09:23.84002+00	3	{maritalStatus}	813	2026-12-07 05:09:23.846709+00	\N	\N	\N
5	01a24ee8-1b19-7095-bf91-c36a880174dc	001190900002	1	vn.orleanshub.citizen.residence-changed.v1	2026-12-07 05:09:23.865821+00	2	{currentResidence}	817	2026-12-07 05:09:23.873625+00	\N	\N	\N
6	01a24ee8-1b2f-79ba-8bf3-e64f7ffe1f7f	001190900002	2	vn.orleanshub.citizen.civil-status-changed.v1	2026-12-07 05:09:23.887141+00	3	{maritalStatus}	820	2026-12-07 05:09:23.893373+00	\N	\N	\N
7	01a24ee8-1b41-7a5a-ab20-7faee3873cc8	001190900003	1	vn.orleanshub.citizen.residence-changed.v1	2026-12-07 05:09:23.905829+00	2	{currentResidence}	825	2026-12-07 05:09:23.908332+00	\N	\N	\N
8	01a24ee8-1b80-7f99-ba63-343d3536982e	001190900003	2	vn.orleanshub.citizen.civil-status-changed.v1	2026-12-07 05:09:23.968211+00	3	{maritalStatus}	829	2026-12-07 05:09:23.982678+00	\N	\N	\N
9	01a24ee8-1c10-7978-8115-f49d07e26e95	001190900004	1	vn.orleanshub.citizen.residence-changed.v1	2026-12-07 05:09:24.112455+00	2	{currentResidence}	833	2026-12-07 05:09:24.119246+00	\N	\N	\N
10	01a24ee8-1c4a-7285-aa4c-12a4e8cbecd2	001190900004	2	vn.orleanshub.citizen.civil-status-changed.v1	2026-12-07 05:09:24.170941+00	3	{maritalStatus}	837	2026-12-07 05:09:24.180625+00	\N	\N	\N
11	01a24ee8-1c84-7521-8eba-253c78c9e641	001190900001	3	vn.orleanshub.citizen.card-reported-lost.v1	2026-12-07 05:09:24.228356+00	4	{cardStatus}	842	2026-12-07 05:09:24.244574+00	\N	\N	\N
12	01a24ee8-1db3-7166-926c-2a538e7bd8cf	001190900002	3	vn.orleanshub.citizen.consent-revoked.v1	2026-12-07 05:09:24.531106+00	3	{fullName}	850	2026-12-07 05:09:24.534604+00	cc77ffc0-2c87-40b9-9df4-050561cab102	MBB	kyc-onboarding
\.


--
-- Data for Name: citizen_subscriptions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.citizen_subscriptions (agency_code, citizen_id, purpose, event_types, created_at) FROM stdin;
\.


--
-- Data for Name: event_dispatch; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.event_dispatch (singleton, tx, "position") FROM stdin;
t	850	12
\.


--
-- Data for Name: fee_credit_caps; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fee_credit_caps (agency_code, monthly_cap_vnd, updated_at) FROM stdin;
\.


--
-- Data for Name: fee_ledger; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fee_ledger (agency_code, day, product, answers, fields, exempt_answers, exempt_fields, amount_vnd) FROM stdin;
\.


--
-- Data for Name: fee_schedules; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.fee_schedules (version, effective_from, effective_until, prices, published_at) FROM stdin;
1	2022-09-17	2023-12-31	{"SPDC01": 500, "SPDC04": 500}	2022-08-01 00:00:00+00
2	2024-01-01	\N	{"SPDC01": 1000, "SPDC04": 1000}	2023-11-15 00:00:00+00
\.


--
-- Data for Name: feed_retention; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.feed_retention (singleton, pruned_through) FROM stdin;
t	0
\.


--
-- Data for Name: hub_schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.hub_schema_migrations (version, name, checksum, applied_at) FROM stdin;
1	orleans_queries	8198307030c298eb09d2608b1ab6f15381d6f410ff125309bdb293b8de3413bb	2026-12-07 05:09:21.242171+00
2	orleans_clustering	e64ea7ef4dfcb44545a321ab4bbc26650f54974b13ac7066d7d5705bdbcfbc25	2026-12-07 05:09:21.282218+00
3	orleans_persistence	66404760c153dedfcc70969ee6f3f198e14c059c8b198bea1f8f6c97c316623d	2026-12-07 05:09:21.304382+00
4	orleans_reminders	3b85f48a88c6a8d164f09b8f21246434594d0af80762a65751457c0a3346b090	2026-12-07 05:09:21.315384+00
5	audit	677ba67807781c13f050a4167df0a1b05a68e0209af87f44f512ad04d487a860	2026-12-07 05:09:21.332367+00
6	fees	dbe82d5777162927bdcd78fa1d5dc5022a91a0ac28f38d9db09c0688d0856e6a	2026-12-07 05:09:21.373437+00
7	citizen_events	70b22598c7db9710ef800305457ac86bfb5c3015d773871e0e72a660c1bb508a	2026-12-07 05:09:21.431377+00
8	agency_feeds	28861ac25e49bfef84ee2564e09247f42bcc490fce2bab49b2e399b3571b9580	2026-12-07 05:09:21.475527+00
9	agency_webhooks	40ee685e04b6774d5a69912efc980183e9eb8ce1043fdff4a4bfb6157efed855	2026-12-07 05:09:21.546164+00
10	consent_revoked_events	76793b5fd5acaa04c76d336647de89ef1be39d0d54e82b715bee08c671f81831	2026-12-07 05:09:21.572399+00
11	card_expiries	759369f758819a548340b017c21ba67d195738c9c0c2a83da65c5c09b32d3c19	2026-12-07 05:09:21.576332+00
\.


--
-- Data for Name: idempotency_keys; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.idempotency_keys (agency_code, key, request_hash, completed, status, content_type, body, created_at, lease_until, expires_at) FROM stdin;
\.


--
-- Data for Name: orleans_grain_state; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.orleans_grain_state (service_id, grain_type_hash, grain_type, grain_id_hash, grain_id_n0, grain_id_n1, grain_id_extension, payload, version, modified_at) FROM stdin;
orleanshub-tests	695693023	card	1565377668	0	224339026771968	\N	\\x2020e8401943433039303030303030303021e84019303031313930393030303030e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e009030509030121805b0616422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.432887+00
orleanshub-tests	695693023	card	-1222921513	0	224339026771989	\N	\\x2020e8401943433039303030303030313521e84019303031313930393030303135e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e00903050903012180f97411422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.433689+00
orleanshub-tests	695693023	card	-1912496953	0	224339026771984	\N	\\x2020e8401943433039303030303030313021e84019303031313930393030303130e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e00903050903012180bb7011422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.435141+00
orleanshub-tests	695693023	card	-1943146532	0	224339026771970	\N	\\x2020e8401943433039303030303030303221e84019303031313930393030303032e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e00903050903012180dca416422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.439537+00
orleanshub-tests	695693023	card	1904879363	0	224339026771993	\N	\\x2020e8401943433039303030303030313921e84019303031313930393030303139e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e00903050903012180894b17422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.441189+00
orleanshub-tests	695693023	card	-297057379	0	224339026771976	\N	\\x2020e8401943433039303030303030303821e84019303031313930393030303038e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e0090305090301218068b916422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.440908+00
orleanshub-tests	695693023	card	-1360347225	0	224339026771977	\N	\\x2020e8401943433039303030303030303921e84019303031313930393030303039e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e009030509030121804fbe16422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.442123+00
orleanshub-tests	695693023	card	-1384981602	0	224339026771972	\N	\\x2020e8401943433039303030303030303421e84019303031313930393030303034e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e00903050903012180947411422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.443434+00
orleanshub-tests	695693023	card	-979734974	0	224339026771992	\N	\\x2020e8401943433039303030303030313821e84019303031313930393030303138e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e00903050903012180ced117422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.444747+00
orleanshub-tests	695693023	card	1982453079	0	224339026771971	\N	\\x2020e8401943433039303030303030303321e84019303031313930393030303033e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e009030509030121806c9710422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.445167+00
orleanshub-tests	695693023	card	1795693004	0	224339026771975	\N	\\x2020e8401943433039303030303030303721e84019303031313930393030303037e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e009030509030121807dd817422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.445933+00
orleanshub-tests	695693023	card	-1238942277	0	224339026771986	\N	\\x2020e8401943433039303030303030313221e84019303031313930393030303132e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e00903050903012180e1dd17422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.447093+00
orleanshub-tests	695693023	card	-2071236118	0	224339026771988	\N	\\x2020e8401943433039303030303030313421e84019303031313930393030303134e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e0090305090301218083e617422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.448268+00
orleanshub-tests	695693023	card	-2002775054	0	224339026771974	\N	\\x2020e8401943433039303030303030303621e84019303031313930393030303036e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e00903050903012180b2c116422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.473589+00
orleanshub-tests	695693023	card	892253803	0	224339026771985	\N	\\x2020e8401943433039303030303030313121e84019303031313930393030303131e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e0090305090301218002901e422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.492273+00
orleanshub-tests	695693023	card	447985975	0	224339026771973	\N	\\x2020e8401943433039303030303030303521e84019303031313930393030303035e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e0090305090301218030881e422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.496536+00
orleanshub-tests	-337968140	citizen	1261681856	0	75439800328	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e04111726567697374727921808a232a422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c11921808a232a422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c11921808a232a422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c11921808a232a422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303038c101e0410768756221808a232a422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c16121808a232a422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c16121808a232a422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c16121808a232a422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c16121808a232a422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c16121808a232a422054df08810000000000000000e0e0e0010521808a232a422054df08810000000000000000e021808a232a422054df08810000000000000000e021000321e8000521808a232a422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.593299+00
orleanshub-tests	695693023	card	1910299134	0	224339026771990	\N	\\x2020e8401943433039303030303030313621e84019303031313930393030303136e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e00903050903012180cbfe2e422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.598221+00
orleanshub-tests	-337968140	citizen	1597652216	0	75439800326	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180a30730422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180a30730422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180a30730422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180a30730422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303036c101e041076875622180a30730422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180a30730422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180a30730422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180a30730422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180a30730422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180a30730422054df08810000000000000000e0e0e001052180a30730422054df08810000000000000000e02180a30730422054df08810000000000000000e021000321e800052180a30730422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.603412+00
orleanshub-tests	-337968140	citizen	-1145341824	0	75439800338	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180be2530422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180be2530422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180be2530422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180be2530422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303132c101e041076875622180be2530422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180be2530422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180be2530422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180be2530422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180be2530422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180be2530422054df08810000000000000000e0e0e001052180be2530422054df08810000000000000000e02180be2530422054df08810000000000000000e021000321e800052180be2530422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.604086+00
orleanshub-tests	-337968140	citizen	-1894779604	0	75439800329	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180a34430422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180a34430422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180a34430422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180a34430422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303039c101e041076875622180a34430422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180a34430422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180a34430422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180a34430422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180a34430422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180a34430422054df08810000000000000000e0e0e001052180a34430422054df08810000000000000000e02180a34430422054df08810000000000000000e021000321e800052180a34430422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.604913+00
orleanshub-tests	695693023	card	-1355898590	0	224339026771969	\N	\\x2020e8401943433039303030303030303121e84019303031313930393030303031e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e0090309090301218014cd8c422054df08810000000000000000e0e0	2	2026-12-07 05:09:24.211995+00
orleanshub-tests	-1774359907	consents	1317408121	0	75439800322	\N	\\x2020000321e84021c0ff77cc872cb9409df4050561cab10221e840074d4242411d6b79632d6f6e626f617264696e6741234de1bb9f2074c3a069206b686fe1baa36e3101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0003411166756c6c4e616d65e021801363b7422054df08810000000000000000e0218000404c1f3da5e108810000000000000000e00179e021809d53b8422054df08810000000000000000e0218077debc422054df08810000000000000000e0e0e0e0	2	2026-12-07 05:09:24.52714+00
orleanshub-tests	-337968140	citizen	1180376093	0	75439800340	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180525630422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180525630422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180525630422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180525630422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303134c101e041076875622180525630422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180525630422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180525630422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180525630422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180525630422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180525630422054df08810000000000000000e0e0e001052180525630422054df08810000000000000000e02180525630422054df08810000000000000000e021000321e800052180525630422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.60546+00
orleanshub-tests	-337968140	citizen	-2116127363	0	75439800336	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180b49e30422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180b49e30422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180b49e30422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180b49e30422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303130c101e041076875622180b49e30422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180b49e30422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180b49e30422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180b49e30422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180b49e30422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180b49e30422054df08810000000000000000e0e0e001052180b49e30422054df08810000000000000000e02180b49e30422054df08810000000000000000e021000321e800052180b49e30422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.607175+00
orleanshub-tests	-337968140	citizen	-524752064	0	75439800320	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00119411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e04111726567697374727921808da022422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c11921808da022422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c11921808da022422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c11921808da022422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303030c101e0410768756221808da022422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c16121808da022422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c16121808da022422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c16121808da022422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c16121808da022422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c16121808da022422054df08810000000000000000e0e0402163757272656e745265736964656e636520e820e8403b53e1bb912031207068e1bb91204875e1babf2c2048c3a0204ee1bb9969c101e041117265676973747279218026423e422054df08810000000000000000e0e0401b6d61726974616c53746174757320e820e8400f6d617272696564c101e0c1cd2180947847422054df08810000000000000000e0e0e0010d21808da022422054df08810000000000000000e02180947847422054df08810000000000000000e021000721e8000521808da022422054df08810000000000000000e0c119090301310159d1b7295753797374656d2e436f6c6c656374696f6e732e47656e657269632e4c69737460315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e020e80009218026423e422054df08810000000000000000e0c1cd0903053101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0003c1c3e0e020e8000d2180947847422054df08810000000000000000e0c1cd09030539070003c1d5e0e0e0010921000321e84021e84ea201ac1a757baadcd4e46367a73041193030313139303930303030300109415b766e2e6f726c65616e736875622e636974697a656e2e636976696c2d7374617475732d6368616e6765642e76312180947847422054df08810000000000000000e0010d39050003c1d5e0c101e0e021e0e0	3	2026-12-07 05:09:23.758162+00
orleanshub-tests	-1676486071	agency	1429565582	0	0	MBB	\\x2020e8403b4e67c3a26e2068c3a06e6720544d4350205175c3a26e20c491e1bb99690903050903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0005411166756c6c4e616d654017646174654f664269727468e039030003411d6b79632d6f6e626f617264696e67e00103e0010521806f3697422054df08810000000000000000e0010521e021000321e800052180e14997422054df08810000000000000000e041117265676973747279090305310159d1b7295753797374656d2e436f6c6c656374696f6e732e47656e657269632e4c69737460315b5b737472696e675d5d000d41096e616d6540096b696e64400d737461747573400d6669656c64734011707572706f736573401f7265717569726573436f6e73656e74e0c101e0e0e0	1	2026-12-07 05:09:24.285906+00
orleanshub-tests	-337968140	citizen	1670964091	0	75439800321	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00119411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180b4be30422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180b4be30422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180b4be30422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180b4be30422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303031c101e041076875622180b4be30422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180b4be30422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180b4be30422054df08810000000000000000e0e040156361726453746174757320e820e840096c6f7374c101e0410768756221802a728f422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180b4be30422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180b4be30422054df08810000000000000000e0e0402163757272656e745265736964656e636520e820e8403b53e1bb912031207068e1bb91204875e1babf2c2048c3a0204ee1bb9969c101e041117265676973747279218070014e422054df08810000000000000000e0e0401b6d61726974616c53746174757320e820e8400f6d617272696564c101e0c1cd2180c83054422054df08810000000000000000e0e0e001112180b4be30422054df08810000000000000000e021802a728f422054df08810000000000000000e021000921e800052180b4be30422054df08810000000000000000e0c119090301310159d1b7295753797374656d2e436f6c6c656374696f6e732e47656e657269632e4c69737460315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e020e80009218070014e422054df08810000000000000000e0c1cd0903053101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0003c1c3e0e020e8000d2180c83054422054df08810000000000000000e0c1cd09030539070003c1d5e0e020e8001121802a728f422054df08810000000000000000e0c19709031139070003411563617264537461747573e0e0e0010d21000321e84021e84ea201841c21758eba253c78c9e6414119303031313930393030303031010d4157766e2e6f726c65616e736875622e636974697a656e2e636172642d7265706f727465642d6c6f73742e763121802a728f422054df08810000000000000000e0011139050003c1b202e0c101e0e021e0e0	4	2026-12-07 05:09:24.23017+00
orleanshub-tests	-696213655	agency-catalog	328578014	0	0	\N	\\x200005213001312cd42e1d537472696e67436f6d706172657200030101e0010341074d424220e800050105e0e0e0	1	2026-12-07 05:09:24.291105+00
orleanshub-tests	695693023	card	-633569587	0	224339026771987	\N	\\x2020e8401943433039303030303030313321e84019303031313930393030303133e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e00903050903012180089d35422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.639893+00
orleanshub-tests	-337968140	citizen	-1343314303	0	75439800323	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00119411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180730d32422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180730d32422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180730d32422054df08810000000000000000e0e04011686f6d65746f776e20e820e840275468e1bbab6120546869c3aa6e204875e1babfc101e0411172656769737472792180a928d0422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303033c101e041076875622180730d32422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180730d32422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180730d32422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180730d32422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180730d32422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180730d32422054df08810000000000000000e0e0402163757272656e745265736964656e636520e820e8403b53e1bb912031207068e1bb91204875e1babf2c2048c3a0204ee1bb9969c101e0c14f2180763b5e422054df08810000000000000000e0e0401b6d61726974616c53746174757320e820e8400f6d617272696564c101e0c14f218041c067422054df08810000000000000000e0e0e001112180730d32422054df08810000000000000000e02180a928d0422054df08810000000000000000e021000921e800052180730d32422054df08810000000000000000e0c119090301310159d1b7295753797374656d2e436f6c6c656374696f6e732e47656e657269632e4c69737460315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e020e800092180763b5e422054df08810000000000000000e0c14f0903053101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0003c1c3e0e020e8000d218041c067422054df08810000000000000000e0c14f09030539070003c1d5e0e020e800112180a928d0422054df08810000000000000000e0c14f090305390700034111686f6d65746f776ee0e0e0010d21000321e84021e84ea2012c1ef9719d55795359d56b9e4119303031313930393030303033010d414f766e2e6f726c65616e736875622e636974697a656e2e7265636f72642d6368616e6765642e76312180a928d0422054df08810000000000000000e0011139050003c1b202e0c101e0e021e0e0	4	2026-12-07 05:09:24.653349+00
orleanshub-tests	-337968140	citizen	-371283648	0	75439800327	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e04111726567697374727921804d1932422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c11921804d1932422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c11921804d1932422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c11921804d1932422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303037c101e0410768756221804d1932422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c16121804d1932422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c16121804d1932422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c16121804d1932422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c16121804d1932422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c16121804d1932422054df08810000000000000000e0e0e0010521804d1932422054df08810000000000000000e021804d1932422054df08810000000000000000e021000321e8000521804d1932422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.616919+00
orleanshub-tests	-337968140	citizen	-1467086053	0	75439800325	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180b02e32422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180b02e32422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180b02e32422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180b02e32422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303035c101e041076875622180b02e32422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180b02e32422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180b02e32422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180b02e32422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180b02e32422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180b02e32422054df08810000000000000000e0e0e001052180b02e32422054df08810000000000000000e02180b02e32422054df08810000000000000000e021000321e800052180b02e32422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.61734+00
orleanshub-tests	-337968140	citizen	-2119676525	0	75439800345	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180512632422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180512632422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180512632422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180512632422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303139c101e041076875622180512632422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180512632422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180512632422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180512632422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180512632422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180512632422054df08810000000000000000e0e0e001052180512632422054df08810000000000000000e02180512632422054df08810000000000000000e021000321e800052180512632422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.618913+00
orleanshub-tests	-337968140	citizen	1656178450	0	75439800343	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180809d36422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180809d36422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180809d36422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180809d36422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303137c101e041076875622180809d36422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180809d36422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180809d36422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180809d36422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180809d36422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180809d36422054df08810000000000000000e0e0e001052180809d36422054df08810000000000000000e02180809d36422054df08810000000000000000e021000321e800052180809d36422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.646461+00
orleanshub-tests	-337968140	citizen	-622151605	0	75439800339	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e041117265676973747279218063aa36422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c119218063aa36422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c119218063aa36422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c119218063aa36422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303133c101e04107687562218063aa36422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c161218063aa36422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c161218063aa36422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c161218063aa36422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c161218063aa36422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c161218063aa36422054df08810000000000000000e0e0e00105218063aa36422054df08810000000000000000e0218063aa36422054df08810000000000000000e021000321e80005218063aa36422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.646896+00
orleanshub-tests	-337968140	citizen	976238491	0	75439800344	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180700633422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180700633422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180700633422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180700633422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303138c101e041076875622180700633422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180700633422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180700633422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180700633422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180700633422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180700633422054df08810000000000000000e0e0e001052180700633422054df08810000000000000000e02180700633422054df08810000000000000000e021000321e800052180700633422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.62405+00
orleanshub-tests	-337968140	citizen	1515471803	0	75439800342	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180280c34422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180280c34422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180280c34422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180280c34422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303136c101e041076875622180280c34422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180280c34422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180280c34422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180280c34422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180280c34422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180280c34422054df08810000000000000000e0e0e001052180280c34422054df08810000000000000000e02180280c34422054df08810000000000000000e021000321e800052180280c34422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.629666+00
orleanshub-tests	-337968140	citizen	-1437363551	0	75439800337	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180d35f34422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180d35f34422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180d35f34422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180d35f34422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303131c101e041076875622180d35f34422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180d35f34422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180d35f34422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180d35f34422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180d35f34422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180d35f34422054df08810000000000000000e0e0e001052180d35f34422054df08810000000000000000e02180d35f34422054df08810000000000000000e021000321e800052180d35f34422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.633393+00
orleanshub-tests	-337968140	citizen	1317408121	0	75439800322	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00119411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180549e34422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180549e34422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180549e34422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180549e34422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303032c101e041076875622180549e34422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180549e34422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180549e34422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180549e34422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180549e34422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180549e34422054df08810000000000000000e0e0402163757272656e745265736964656e636520e820e8403b53e1bb912031207068e1bb91204875e1babf2c2048c3a0204ee1bb9969c101e0411172656769737472792180a72058422054df08810000000000000000e0e0401b6d61726974616c53746174757320e820e8400f6d617272696564c101e0c1cd218079615b422054df08810000000000000000e0e0e0010d2180549e34422054df08810000000000000000e0218079615b422054df08810000000000000000e021000721e800052180549e34422054df08810000000000000000e0c119090301310159d1b7295753797374656d2e436f6c6c656374696f6e732e47656e657269632e4c69737460315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e020e800092180a72058422054df08810000000000000000e0c1cd0903053101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0003c1c3e0e020e8000d218079615b422054df08810000000000000000e0c1cd09030539070003c1d5e0e0e0010d21000321e84021e84ea201b31d6671926c2a538e7bd8cf4119303031313930393030303032010d4151766e2e6f726c65616e736875622e636974697a656e2e636f6e73656e742d7265766f6b65642e763121805ba4bd422054df08810000000000000000e0010d39070003411166756c6c4e616d65e021e84021c0ff77cc872cb9409df4050561cab10241074d4242411d6b79632d6f6e626f617264696e67e0e0e02101034121c0ff77cc872cb9409df4050561cab102e0e0	4	2026-12-07 05:09:24.532967+00
orleanshub-tests	-337968140	citizen	-1670637543	0	75439800324	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00119411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180c26f34422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180c26f34422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180c26f34422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180c26f34422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303034c101e041076875622180c26f34422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180c26f34422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180c26f34422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180c26f34422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180c26f34422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180c26f34422054df08810000000000000000e0e0402163757272656e745265736964656e636520e820e8403b53e1bb912031207068e1bb91204875e1babf2c2048c3a0204ee1bb9969c101e0411172656769737472792180cdc27d422054df08810000000000000000e0e0401b6d61726974616c53746174757320e820e8400f6d617272696564c101e0c1cd218066af86422054df08810000000000000000e0e0e0010d2180c26f34422054df08810000000000000000e0218066af86422054df08810000000000000000e021000721e800052180c26f34422054df08810000000000000000e0c119090301310159d1b7295753797374656d2e436f6c6c656374696f6e732e47656e657269632e4c69737460315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e020e800092180cdc27d422054df08810000000000000000e0c1cd0903053101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0003c1c3e0e020e8000d218066af86422054df08810000000000000000e0c1cd09030539070003c1d5e0e0e0010921000321e84021e84ea2014a1c8572aa4c12a4e8cbecd241193030313139303930303030340109415b766e2e6f726c65616e736875622e636974697a656e2e636976696c2d7374617475732d6368616e6765642e7631218066af86422054df08810000000000000000e0010d39050003c1d5e0c101e0e021e0e0	3	2026-12-07 05:09:24.176098+00
orleanshub-tests	-337968140	citizen	-465380002	0	75439800341	\N	\\x20203001312cd42e1d537472696e67436f6d706172657200030101e00115411166756c6c4e616d6520e820e840215472e1baa76e205468e1bb8b204d6169c101e0411172656769737472792180283235422054df08810000000000000000e0e04017646174654f66426972746820e820e84015313939302d30332d3034c101e0c1192180283235422054df08810000000000000000e0e0400773657820e820e8400d66656d616c65c101e0c1192180283235422054df08810000000000000000e0e04011686f6d65746f776e20e820e840174e616d20c490e1bb8b6e68c101e0c1192180283235422054df08810000000000000000e0e04015636172644e756d62657220e820e84019434330393030303030303135c101e041076875622180283235422054df08810000000000000000e0e04019636172644973737565644f6e20e820e84015323032312d30362d3031c101e0c1612180283235422054df08810000000000000000e0e0401963617264497373756564427920e820e8404143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848c101e0c1612180283235422054df08810000000000000000e0e040156361726453746174757320e820e8400b76616c6964c101e0c1612180283235422054df08810000000000000000e0e0401365496453746174757320e820e8400d616374697665c101e0c1612180283235422054df08810000000000000000e0e0401b63617264457870697265734f6e20e820e84015323033302d30332d3034c101e0c1612180283235422054df08810000000000000000e0e0e001052180283235422054df08810000000000000000e02180283235422054df08810000000000000000e021000321e800052180283235422054df08810000000000000000e0c1190903013101c3d96e3e4d526561644f6e6c794c697374496e74657266616365436f64656360315b5b737472696e675d5d0015c1b1c07bc069c057c08dc021c09fc00fc045c033e0e0e0010121e021e0e0	1	2026-12-07 05:09:23.637601+00
orleanshub-tests	695693023	card	-763139673	0	224339026771991	\N	\\x2020e8401943433039303030303030313721e84019303031313930393030303137e06195420b0061134f0b00414143e1bba5632043e1baa36e682073c3a17420514c48432076e1bb812054545848e00903050903012180f59235422054df08810000000000000000e0e0	1	2026-12-07 05:09:23.639597+00
\.


--
-- Data for Name: orleans_membership; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, suspect_times, start_time, i_am_alive_time) FROM stdin;
orleanshub	127.0.0.1	21619	155624960	Silo_bd8c6	vm	3	31619	\N	2026-12-07 05:09:20.280775+00	2026-12-07 05:09:21.89513+00
\.


--
-- Data for Name: orleans_membership_version; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.orleans_membership_version (deployment_id, version, updated_at) FROM stdin;
orleanshub	2	2026-12-07 05:09:21.900065+00
\.


--
-- Data for Name: orleans_reminder; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.orleans_reminder (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version) FROM stdin;
orleanshub-tests	citizen/001190900003	relay-events	2026-12-07 05:10:24.672135+00	60000	-683239561	0
\.


--
-- Data for Name: orleansquery; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.orleansquery (querykey, querytext) FROM stdin;
InsertMembershipVersionKey	\nWITH created AS (\n    INSERT INTO orleans_membership_version (deployment_id)\n    VALUES (@DeploymentId)\n    ON CONFLICT (deployment_id) DO NOTHING\n    RETURNING 1\n)\nSELECT EXISTS (SELECT 1 FROM created) AS inserted;\n
InsertMembershipKey	\nSELECT orleans_insert_membership(\n    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,\n    @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS succeeded;\n
UpdateMembershipKey	\nSELECT orleans_update_membership(\n    @DeploymentId, @Address, @Port, @Generation,\n    @Status, @SuspectTimes, @IAmAliveTime, @Version) AS succeeded;\n
UpdateIAmAlivetimeKey	\nUPDATE orleans_membership\nSET i_am_alive_time = GREATEST(i_am_alive_time, @IAmAliveTime)\nWHERE deployment_id = @DeploymentId\n  AND address       = @Address\n  AND port          = @Port\n  AND generation    = @Generation;\n
MembershipReadRowKey	\nSELECT\n    v.version         AS "Version",\n    m.address         AS "Address",\n    m.port            AS "Port",\n    m.generation      AS "Generation",\n    m.silo_name       AS "SiloName",\n    m.host_name       AS "HostName",\n    m.status          AS "Status",\n    m.proxy_port      AS "ProxyPort",\n    m.suspect_times   AS "SuspectTimes",\n    m.start_time      AS "StartTime",\n    m.i_am_alive_time AS "IAmAliveTime"\nFROM orleans_membership_version v\nLEFT JOIN orleans_membership m\n       ON m.deployment_id = v.deployment_id\n      AND m.address       = @Address\n      AND m.port          = @Port\n      AND m.generation    = @Generation\nWHERE v.deployment_id = @DeploymentId;\n
MembershipReadAllKey	\nSELECT\n    v.version         AS "Version",\n    m.address         AS "Address",\n    m.port            AS "Port",\n    m.generation      AS "Generation",\n    m.silo_name       AS "SiloName",\n    m.host_name       AS "HostName",\n    m.status          AS "Status",\n    m.proxy_port      AS "ProxyPort",\n    m.suspect_times   AS "SuspectTimes",\n    m.start_time      AS "StartTime",\n    m.i_am_alive_time AS "IAmAliveTime"\nFROM orleans_membership_version v\nLEFT JOIN orleans_membership m\n       ON m.deployment_id = v.deployment_id\nWHERE v.deployment_id = @DeploymentId;\n
GatewaysQueryKey	\nSELECT\n    address    AS "Address",\n    proxy_port AS "ProxyPort",\n    generation AS "Generation"\nFROM orleans_membership\nWHERE deployment_id = @DeploymentId\n  AND status        = @Status\n  AND proxy_port    > 0;\n
DeleteMembershipTableEntriesKey	\nDELETE FROM orleans_membership_version\nWHERE deployment_id = @DeploymentId;\n
CleanupDefunctSiloEntriesKey	\nDELETE FROM orleans_membership\nWHERE deployment_id   = @DeploymentId\n  AND status          = 6\n  AND i_am_alive_time < @IAmAliveTime\n  AND start_time      < @IAmAliveTime;\n
CleanupDefunctSiloEntryKey	\nDELETE FROM orleans_membership\nWHERE deployment_id   = @DeploymentId\n  AND address         = @Address\n  AND port            = @Port\n  AND generation      = @Generation\n  AND status          = 6\n  AND start_time      = @StartTime\n  AND i_am_alive_time = @IAmAliveTime\n  AND COALESCE(suspect_times, '') = COALESCE(@SuspectTimes, '');\n
WriteToStorageKey	\nSELECT orleans_write_grain_state(\n    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,\n    @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary\n) AS "NewGrainStateVersion";\n
ReadFromStorageKey	\nSELECT\n    payload AS "PayloadBinary",\n    version AS "Version"\nFROM orleans_grain_state\nWHERE service_id      = @ServiceId\n  AND grain_type_hash = @GrainTypeHash\n  AND grain_id_hash   = @GrainIdHash\n  AND grain_id_n0     = @GrainIdN0\n  AND grain_id_n1     = @GrainIdN1\n  AND grain_type      = @GrainTypeString\n  AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString;\n
ClearStorageKey	\nWITH cleared AS (\n    UPDATE orleans_grain_state\n    SET payload     = NULL,\n        version     = version + 1,\n        modified_at = now()\n    WHERE service_id      = @ServiceId\n      AND grain_type_hash = @GrainTypeHash\n      AND grain_id_hash   = @GrainIdHash\n      AND grain_id_n0     = @GrainIdN0\n      AND grain_id_n1     = @GrainIdN1\n      AND grain_type      = @GrainTypeString\n      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString\n      AND version         = @GrainStateVersion\n    RETURNING version\n)\nSELECT (SELECT version FROM cleared) AS "NewGrainStateVersion";\n
DeleteStorageKey	\nWITH deleted AS (\n    DELETE FROM orleans_grain_state\n    WHERE service_id      = @ServiceId\n      AND grain_type_hash = @GrainTypeHash\n      AND grain_id_hash   = @GrainIdHash\n      AND grain_id_n0     = @GrainIdN0\n      AND grain_id_n1     = @GrainIdN1\n      AND grain_type      = @GrainTypeString\n      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString\n      AND version         = @GrainStateVersion\n    RETURNING version\n)\nSELECT (SELECT version + 1 FROM deleted) AS "NewGrainStateVersion";\n
UpsertReminderRowKey	\nINSERT INTO orleans_reminder AS r\n    (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)\nVALUES\n    (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)\nON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE\nSET start_time = EXCLUDED.start_time,\n    period_ms  = EXCLUDED.period_ms,\n    grain_hash = EXCLUDED.grain_hash,\n    version    = r.version + 1\nRETURNING r.version AS "Version";\n
ReadReminderRowsKey	\nSELECT grain_id      AS "GrainId",\n       reminder_name AS "ReminderName",\n       start_time    AS "StartTime",\n       period_ms     AS "Period",\n       version       AS "Version"\nFROM orleans_reminder\nWHERE service_id = @ServiceId\n  AND grain_id   = @GrainId;\n
ReadReminderRowKey	\nSELECT grain_id      AS "GrainId",\n       reminder_name AS "ReminderName",\n       start_time    AS "StartTime",\n       period_ms     AS "Period",\n       version       AS "Version"\nFROM orleans_reminder\nWHERE service_id    = @ServiceId\n  AND grain_id      = @GrainId\n  AND reminder_name = @ReminderName;\n
ReadRangeRows1Key	\nSELECT grain_id      AS "GrainId",\n       reminder_name AS "ReminderName",\n       start_time    AS "StartTime",\n       period_ms     AS "Period",\n       version       AS "Version"\nFROM orleans_reminder\nWHERE service_id = @ServiceId\n  AND grain_hash > @BeginHash\n  AND grain_hash <= @EndHash;\n
ReadRangeRows2Key	\nSELECT grain_id      AS "GrainId",\n       reminder_name AS "ReminderName",\n       start_time    AS "StartTime",\n       period_ms     AS "Period",\n       version       AS "Version"\nFROM orleans_reminder\nWHERE service_id = @ServiceId\n  AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);\n
DeleteReminderRowKey	\nWITH deleted AS (\n    DELETE FROM orleans_reminder\n    WHERE service_id    = @ServiceId\n      AND grain_id      = @GrainId\n      AND reminder_name = @ReminderName\n      AND version       = @Version\n    RETURNING 1\n)\nSELECT EXISTS (SELECT 1 FROM deleted) AS deleted;\n
DeleteReminderRowsKey	\nDELETE FROM orleans_reminder\nWHERE service_id = @ServiceId;\n
\.


--
-- Data for Name: population_subscriptions; Type: TABLE DATA; Schema: public; Owner: -
--

COPY public.population_subscriptions (agency_code, event_type, purpose, created_at) FROM stdin;
\.


--
-- Name: agency_feed_feed_position_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.agency_feed_feed_position_seq', 1, true);


--
-- Name: citizen_events_position_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.citizen_events_position_seq', 12, true);


--
-- Name: agency_feed agency_feed_agency_code_event_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agency_feed
    ADD CONSTRAINT agency_feed_agency_code_event_id_key UNIQUE (agency_code, event_id);


--
-- Name: agency_feed agency_feed_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agency_feed
    ADD CONSTRAINT agency_feed_pkey PRIMARY KEY (feed_position);


--
-- Name: agency_webhooks agency_webhooks_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.agency_webhooks
    ADD CONSTRAINT agency_webhooks_pkey PRIMARY KEY (agency_code);


--
-- Name: audit_batches audit_batches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_batches
    ADD CONSTRAINT audit_batches_pkey PRIMARY KEY (chain_id, sequence);


--
-- Name: audit_chains audit_chains_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_chains
    ADD CONSTRAINT audit_chains_pkey PRIMARY KEY (chain_id);


--
-- Name: audit_disputes audit_disputes_audit_entry_id_kind_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_disputes
    ADD CONSTRAINT audit_disputes_audit_entry_id_kind_key UNIQUE (audit_entry_id, kind);


--
-- Name: audit_disputes audit_disputes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_disputes
    ADD CONSTRAINT audit_disputes_pkey PRIMARY KEY (id);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (chain_id, batch_sequence, batch_position, at);


--
-- Name: card_expiries card_expiries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.card_expiries
    ADD CONSTRAINT card_expiries_pkey PRIMARY KEY (card_number);


--
-- Name: citizen_events citizen_events_citizen_id_sequence_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.citizen_events
    ADD CONSTRAINT citizen_events_citizen_id_sequence_key UNIQUE (citizen_id, sequence);


--
-- Name: citizen_events citizen_events_event_id_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.citizen_events
    ADD CONSTRAINT citizen_events_event_id_key UNIQUE (event_id);


--
-- Name: citizen_events citizen_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.citizen_events
    ADD CONSTRAINT citizen_events_pkey PRIMARY KEY ("position");


--
-- Name: citizen_subscriptions citizen_subscriptions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.citizen_subscriptions
    ADD CONSTRAINT citizen_subscriptions_pkey PRIMARY KEY (agency_code, citizen_id);


--
-- Name: event_dispatch event_dispatch_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event_dispatch
    ADD CONSTRAINT event_dispatch_pkey PRIMARY KEY (singleton);


--
-- Name: fee_credit_caps fee_credit_caps_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fee_credit_caps
    ADD CONSTRAINT fee_credit_caps_pkey PRIMARY KEY (agency_code);


--
-- Name: fee_ledger fee_ledger_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fee_ledger
    ADD CONSTRAINT fee_ledger_pkey PRIMARY KEY (agency_code, day, product);


--
-- Name: fee_schedules fee_schedules_effective_from_key; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fee_schedules
    ADD CONSTRAINT fee_schedules_effective_from_key UNIQUE (effective_from);


--
-- Name: fee_schedules fee_schedules_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.fee_schedules
    ADD CONSTRAINT fee_schedules_pkey PRIMARY KEY (version);


--
-- Name: feed_retention feed_retention_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.feed_retention
    ADD CONSTRAINT feed_retention_pkey PRIMARY KEY (singleton);


--
-- Name: hub_schema_migrations hub_schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.hub_schema_migrations
    ADD CONSTRAINT hub_schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: idempotency_keys idempotency_keys_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.idempotency_keys
    ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (agency_code, key);


--
-- Name: orleans_membership pk_orleans_membership; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orleans_membership
    ADD CONSTRAINT pk_orleans_membership PRIMARY KEY (deployment_id, address, port, generation);


--
-- Name: orleans_membership_version pk_orleans_membership_version; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orleans_membership_version
    ADD CONSTRAINT pk_orleans_membership_version PRIMARY KEY (deployment_id);


--
-- Name: orleans_reminder pk_orleans_reminder; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orleans_reminder
    ADD CONSTRAINT pk_orleans_reminder PRIMARY KEY (service_id, grain_id, reminder_name);


--
-- Name: orleansquery pk_orleansquery; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orleansquery
    ADD CONSTRAINT pk_orleansquery PRIMARY KEY (querykey);


--
-- Name: population_subscriptions population_subscriptions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.population_subscriptions
    ADD CONSTRAINT population_subscriptions_pkey PRIMARY KEY (agency_code, event_type);


--
-- Name: agency_feed_agency_position; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX agency_feed_agency_position ON public.agency_feed USING btree (agency_code, feed_position);


--
-- Name: agency_feed_fed_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX agency_feed_fed_at ON public.agency_feed USING btree (fed_at);


--
-- Name: audit_disputes_agency; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_disputes_agency ON public.audit_disputes USING btree (agency_code, at DESC, id DESC);


--
-- Name: audit_log_citizen; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_citizen ON ONLY public.audit_log USING btree (citizen_id, at DESC, id DESC) WHERE (citizen_id IS NOT NULL);


--
-- Name: audit_log_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX audit_log_id ON ONLY public.audit_log USING btree (id);


--
-- Name: card_expiries_due; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX card_expiries_due ON public.card_expiries USING btree (expires_on);


--
-- Name: citizen_events_cursor; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX citizen_events_cursor ON public.citizen_events USING btree (tx, "position");


--
-- Name: citizen_events_type_cursor; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX citizen_events_type_cursor ON public.citizen_events USING btree (type, tx, "position");


--
-- Name: citizen_subscriptions_citizen; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX citizen_subscriptions_citizen ON public.citizen_subscriptions USING btree (citizen_id);


--
-- Name: fee_ledger_day; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX fee_ledger_day ON public.fee_ledger USING btree (day);


--
-- Name: idempotency_keys_expiry; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idempotency_keys_expiry ON public.idempotency_keys USING btree (expires_at);


--
-- Name: ix_orleans_reminder_ring; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_orleans_reminder_ring ON public.orleans_reminder USING btree (service_id, grain_hash);


--
-- Name: population_subscriptions_type; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX population_subscriptions_type ON public.population_subscriptions USING btree (event_type);


--
-- Name: ux_orleans_grain_state_identity; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX ux_orleans_grain_state_identity ON public.orleans_grain_state USING btree (service_id, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1, md5(grain_type), COALESCE(md5(grain_id_extension), ''::text));


--
-- Name: audit_batches audit_batches_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_batches_append_only BEFORE DELETE OR UPDATE ON public.audit_batches FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: audit_batches audit_batches_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_batches_no_truncate BEFORE TRUNCATE ON public.audit_batches FOR EACH STATEMENT EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: audit_chains audit_chains_advance_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_chains_advance_only BEFORE DELETE OR UPDATE ON public.audit_chains FOR EACH ROW EXECUTE FUNCTION public.audit_chain_advance_only();


--
-- Name: audit_chains audit_chains_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_chains_no_truncate BEFORE TRUNCATE ON public.audit_chains FOR EACH STATEMENT EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: audit_log audit_log_append_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_append_only BEFORE DELETE OR UPDATE ON public.audit_log FOR EACH ROW EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: audit_log audit_log_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON public.audit_log FOR EACH STATEMENT EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: fee_ledger fee_ledger_grow_only; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER fee_ledger_grow_only BEFORE DELETE OR UPDATE ON public.fee_ledger FOR EACH ROW EXECUTE FUNCTION public.fee_ledger_grow_only();


--
-- Name: fee_ledger fee_ledger_no_truncate; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER fee_ledger_no_truncate BEFORE TRUNCATE ON public.fee_ledger FOR EACH STATEMENT EXECUTE FUNCTION public.audit_refuse_change();


--
-- Name: orleans_membership fk_orleans_membership_version; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orleans_membership
    ADD CONSTRAINT fk_orleans_membership_version FOREIGN KEY (deployment_id) REFERENCES public.orleans_membership_version(deployment_id) ON DELETE CASCADE;


--
-- PostgreSQL database dump complete
--

\unrestrict dFIky174G3DcXY9WcvpAZmlklxWwQzDBstZTQFe2PRVIW2NlDdeNGX20y4XJMki

