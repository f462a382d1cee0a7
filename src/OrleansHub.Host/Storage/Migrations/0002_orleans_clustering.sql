-- 0002: cluster membership for Microsoft.Orleans.Clustering.AdoNet (10.4.x).
--
-- Contract (from the provider's RelationalOrleansQueries / DbStoredQueries):
--  * Required keys: InsertMembershipVersionKey, InsertMembershipKey, UpdateMembershipKey,
--    UpdateIAmAlivetimeKey (lower-case "t" in "time"), MembershipReadRowKey,
--    MembershipReadAllKey, GatewaysQueryKey, DeleteMembershipTableEntriesKey,
--    CleanupDefunctSiloEntriesKey. Optional (used when present): CleanupDefunctSiloEntryKey.
--  * The cluster id is bound as @DeploymentId. A silo is identified by
--    @Address (text), @Port, @Generation.
--  * Result columns are read BY NAME: Address, Port, Generation, SiloName, HostName,
--    Status, ProxyPort, SuspectTimes, StartTime, IAmAliveTime, Version. We alias them with
--    quoted exact-case names so the lookup matches without relying on case folding.
--  * Insert/Update/InsertVersion return one row with one column, read as a boolean.
--  * Table versioning: every membership row shares the table version stored in
--    orleans_membership_version. Insert/Update receive the version the silo last read
--    (@Version) and must succeed only if it is still current, bumping it by one;
--    otherwise they change nothing and return false so Orleans re-reads and retries.
--  * Read queries must always return at least the version row (LEFT JOIN), since the
--    provider takes the table version from the first row even when there are no silos.

CREATE TABLE orleans_membership_version
(
    deployment_id text        NOT NULL,
    version       integer     NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now(),

    CONSTRAINT pk_orleans_membership_version PRIMARY KEY (deployment_id)
);

CREATE TABLE orleans_membership
(
    deployment_id   text        NOT NULL,
    address         text        NOT NULL,
    port            integer     NOT NULL,
    generation      integer     NOT NULL,
    silo_name       text        NOT NULL,
    host_name       text        NOT NULL,
    status          integer     NOT NULL,  -- Orleans SiloStatus (3 = Active, 6 = Dead)
    proxy_port      integer     NULL,      -- gateway port, 0 when the silo is no gateway
    suspect_times   text        NULL,      -- "silo,date|silo,date" list written by Orleans
    start_time      timestamptz NOT NULL,
    i_am_alive_time timestamptz NOT NULL,

    CONSTRAINT pk_orleans_membership PRIMARY KEY (deployment_id, address, port, generation),
    -- Removing a cluster's version row removes its silos too.
    CONSTRAINT fk_orleans_membership_version FOREIGN KEY (deployment_id)
        REFERENCES orleans_membership_version (deployment_id) ON DELETE CASCADE
);

-- Inserts a silo row only if the caller's table version is still current.
-- The version row is locked first: every membership write goes through it,
-- so holding that lock serialises concurrent writers without retries.
CREATE FUNCTION orleans_insert_membership
(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_silo_name        text,
    p_host_name        text,
    p_status           integer,
    p_proxy_port       integer,
    p_start_time       timestamptz,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer
)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
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
$fn$;

-- Updates a silo row (status, suspicions, liveness) only if the caller's table
-- version is still current; same locking scheme as orleans_insert_membership.
CREATE FUNCTION orleans_update_membership
(
    p_deployment_id    text,
    p_address          text,
    p_port             integer,
    p_generation       integer,
    p_status           integer,
    p_suspect_times    text,
    p_i_am_alive_time  timestamptz,
    p_expected_version integer
)
RETURNS boolean
LANGUAGE plpgsql
AS $fn$
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
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Creates the cluster's version row on first start; true only if it was created.
-- Always yields exactly one row (the provider reads the first row).
('InsertMembershipVersionKey', $q$
WITH created AS (
    INSERT INTO orleans_membership_version (deployment_id)
    VALUES (@DeploymentId)
    ON CONFLICT (deployment_id) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created) AS inserted;
$q$),

('InsertMembershipKey', $q$
SELECT orleans_insert_membership(
    @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
    @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version) AS succeeded;
$q$),

('UpdateMembershipKey', $q$
SELECT orleans_update_membership(
    @DeploymentId, @Address, @Port, @Generation,
    @Status, @SuspectTimes, @IAmAliveTime, @Version) AS succeeded;
$q$),

-- Heartbeat; not versioned and its result is not read.
('UpdateIAmAlivetimeKey', $q$
UPDATE orleans_membership
SET i_am_alive_time = GREATEST(i_am_alive_time, @IAmAliveTime)
WHERE deployment_id = @DeploymentId
  AND address       = @Address
  AND port          = @Port
  AND generation    = @Generation;
$q$),

('MembershipReadRowKey', $q$
SELECT
    v.version         AS "Version",
    m.address         AS "Address",
    m.port            AS "Port",
    m.generation      AS "Generation",
    m.silo_name       AS "SiloName",
    m.host_name       AS "HostName",
    m.status          AS "Status",
    m.proxy_port      AS "ProxyPort",
    m.suspect_times   AS "SuspectTimes",
    m.start_time      AS "StartTime",
    m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.deployment_id = v.deployment_id
      AND m.address       = @Address
      AND m.port          = @Port
      AND m.generation    = @Generation
WHERE v.deployment_id = @DeploymentId;
$q$),

('MembershipReadAllKey', $q$
SELECT
    v.version         AS "Version",
    m.address         AS "Address",
    m.port            AS "Port",
    m.generation      AS "Generation",
    m.silo_name       AS "SiloName",
    m.host_name       AS "HostName",
    m.status          AS "Status",
    m.proxy_port      AS "ProxyPort",
    m.suspect_times   AS "SuspectTimes",
    m.start_time      AS "StartTime",
    m.i_am_alive_time AS "IAmAliveTime"
FROM orleans_membership_version v
LEFT JOIN orleans_membership m
       ON m.deployment_id = v.deployment_id
WHERE v.deployment_id = @DeploymentId;
$q$),

-- Used by clients; the provider binds @Status = 3 (Active).
('GatewaysQueryKey', $q$
SELECT
    address    AS "Address",
    proxy_port AS "ProxyPort",
    generation AS "Generation"
FROM orleans_membership
WHERE deployment_id = @DeploymentId
  AND status        = @Status
  AND proxy_port    > 0;
$q$),

-- Drops the whole cluster; silo rows go with the version row (ON DELETE CASCADE).
('DeleteMembershipTableEntriesKey', $q$
DELETE FROM orleans_membership_version
WHERE deployment_id = @DeploymentId;
$q$),

-- Fallback bulk cleanup (only used if CleanupDefunctSiloEntryKey were missing):
-- removes Dead (6) silos not heard from since the cutoff.
('CleanupDefunctSiloEntriesKey', $q$
DELETE FROM orleans_membership
WHERE deployment_id   = @DeploymentId
  AND status          = 6
  AND i_am_alive_time < @IAmAliveTime
  AND start_time      < @IAmAliveTime;
$q$),

-- Per-row cleanup: the provider picked this Dead row from a read; delete it only if
-- it is unchanged since, so a concurrent update is never lost.
('CleanupDefunctSiloEntryKey', $q$
DELETE FROM orleans_membership
WHERE deployment_id   = @DeploymentId
  AND address         = @Address
  AND port            = @Port
  AND generation      = @Generation
  AND status          = 6
  AND start_time      = @StartTime
  AND i_am_alive_time = @IAmAliveTime
  AND COALESCE(suspect_times, '') = COALESCE(@SuspectTimes, '');
$q$);
