-- 0003: grain state storage for Microsoft.Orleans.Persistence.AdoNet (10.4.x).
--
-- Contract (from the provider's AdoNetGrainStorage):
--  * Keys: WriteToStorageKey, ReadFromStorageKey, ClearStorageKey (required) and
--    DeleteStorageKey (optional; required when DeleteStateOnClear = true).
--  * Every query gets: @GrainIdHash int, @GrainIdN0 bigint, @GrainIdN1 bigint,
--    @GrainTypeHash int, @GrainTypeString text, @GrainIdExtensionString text (may be NULL),
--    @ServiceId text. Write/Clear/Delete also get @GrainStateVersion int (NULL when the
--    grain has no ETag yet); Write also gets @PayloadBinary bytea.
--  * Read returns zero or one row with columns "PayloadBinary" and "Version" (by name).
--  * Write returns one row whose "NewGrainStateVersion" is the new version, or NULL when
--    the version check fails. Clear/Delete return one row whose first column is the new
--    version, or NULL on a version mismatch. The provider turns NULL (or a version equal
--    to the grain's ETag) into InconsistentStateException.
--  * A grain's identity is all seven key values; the hashes only narrow the search.
--  * Caveat (provider behaviour, not fixable here): @GrainTypeString is the STATE NAME
--    from [PersistentState("name", ...)], not the grain type, and integer/Guid keys carry
--    no grain type either. Two grain classes with the same key and the same state name
--    share one row, so give every grain class its own state name
--    (dotnet/orleans#8746, #9737).

CREATE TABLE orleans_grain_state
(
    service_id         text        NOT NULL,
    grain_type_hash    integer     NOT NULL,
    grain_type         text        NOT NULL,
    grain_id_hash      integer     NOT NULL,
    grain_id_n0        bigint      NOT NULL,
    grain_id_n1        bigint      NOT NULL,
    grain_id_extension text        NULL,      -- string key or key extension
    payload            bytea       NULL,      -- NULL after ClearState (row keeps its version)
    version            integer     NOT NULL,
    modified_at        timestamptz NOT NULL DEFAULT now()
);

-- One row per grain, so two activations racing to write the first state cannot both
-- insert. Strings are hashed to keep index entries small whatever the key length;
-- a NULL extension maps to '' which no md5 value can equal.
CREATE UNIQUE INDEX ux_orleans_grain_state_identity
    ON orleans_grain_state
    (
        service_id, grain_type_hash, grain_id_hash, grain_id_n0, grain_id_n1,
        md5(grain_type), COALESCE(md5(grain_id_extension), '')
    );

-- Optimistic write: insert when the grain has no version yet, otherwise update only
-- if the stored version still equals the caller's. Returns the new version or NULL.
CREATE FUNCTION orleans_write_grain_state
(
    p_grain_id_hash      integer,
    p_grain_id_n0        bigint,
    p_grain_id_n1        bigint,
    p_grain_type_hash    integer,
    p_grain_type         text,
    p_grain_id_extension text,
    p_service_id         text,
    p_expected_version   integer,
    p_payload            bytea
)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
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
$fn$;

INSERT INTO orleansquery (querykey, querytext) VALUES

('WriteToStorageKey', $q$
SELECT orleans_write_grain_state(
    @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString,
    @GrainIdExtensionString, @ServiceId, @GrainStateVersion, @PayloadBinary
) AS "NewGrainStateVersion";
$q$),

('ReadFromStorageKey', $q$
SELECT
    payload AS "PayloadBinary",
    version AS "Version"
FROM orleans_grain_state
WHERE service_id      = @ServiceId
  AND grain_type_hash = @GrainTypeHash
  AND grain_id_hash   = @GrainIdHash
  AND grain_id_n0     = @GrainIdN0
  AND grain_id_n1     = @GrainIdN1
  AND grain_type      = @GrainTypeString
  AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString;
$q$),

-- Clear keeps the row (payload NULL) and bumps the version, so a stale writer that
-- still holds the old ETag fails afterwards.
('ClearStorageKey', $q$
WITH cleared AS (
    UPDATE orleans_grain_state
    SET payload     = NULL,
        version     = version + 1,
        modified_at = now()
    WHERE service_id      = @ServiceId
      AND grain_type_hash = @GrainTypeHash
      AND grain_id_hash   = @GrainIdHash
      AND grain_id_n0     = @GrainIdN0
      AND grain_id_n1     = @GrainIdN1
      AND grain_type      = @GrainTypeString
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version         = @GrainStateVersion
    RETURNING version
)
SELECT (SELECT version FROM cleared) AS "NewGrainStateVersion";
$q$),

-- Used instead of ClearStorageKey when DeleteStateOnClear = true. The returned value
-- only has to differ from the caller's ETag; the provider then resets the ETag to NULL.
('DeleteStorageKey', $q$
WITH deleted AS (
    DELETE FROM orleans_grain_state
    WHERE service_id      = @ServiceId
      AND grain_type_hash = @GrainTypeHash
      AND grain_id_hash   = @GrainIdHash
      AND grain_id_n0     = @GrainIdN0
      AND grain_id_n1     = @GrainIdN1
      AND grain_type      = @GrainTypeString
      AND grain_id_extension IS NOT DISTINCT FROM @GrainIdExtensionString
      AND version         = @GrainStateVersion
    RETURNING version
)
SELECT (SELECT version + 1 FROM deleted) AS "NewGrainStateVersion";
$q$);
