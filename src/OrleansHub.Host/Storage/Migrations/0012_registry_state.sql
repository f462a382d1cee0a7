-- 0012: the registry's own tables for citizen and card grains, written by the group-committing registry storage
-- (Host/Registry): one transaction per batch of grain writes carries their states and every row the changes produced.
--
--  * citizen_state, card_state: one row per grain, found by primary key (the 12-digit personal ID as a bigint; the card
--    number). version is the grain's Orleans ETag, checked row by row in each batch so a conflict fails that grain
--    alone. payload is the state in Orleans' binary serializer: the current record and what the next write needs,
--    never its history. fillfactor 80 leaves room on each page for the next version of its rows, so an update is HOT
--    (no index entry written); payloads are compressed in line (lz4) from 128 bytes, never moved out of line.
--  * citizen_history: every accepted change, append-only, paged per citizen newest first by (citizen_id, version).
--    Hash-partitioned by citizen (16 partitions, all created here: nothing is created at run time). Retention: kept for
--    the life of the record; it is the registry's account of who changed what.
--  * citizen_consent_notices: consents whose revocation a record has told its agency of (the event is raised once).
--  * The previous release kept these grains in orleans_grain_state (Orleans' ADO.NET provider) with their whole history,
--    event outbox and consent notices inside the payload. Their rows move here unchanged; each record's history,
--    outbox and notices leave the payload for their tables the first time its grain activates (CitizenGrain). Silos of
--    the previous release must be stopped before this runs: they would go on writing the old table.
--  * One Orleans service per database: the service ID is not part of these keys (two services' rows would collide
--    here, and this migration fails rather than mix them).

CREATE TABLE citizen_state
(
    citizen_id bigint  PRIMARY KEY,
    version    integer NOT NULL,
    payload    bytea   NOT NULL
) WITH (fillfactor = 80, toast_tuple_target = 128);

ALTER TABLE citizen_state ALTER COLUMN payload SET STORAGE MAIN, ALTER COLUMN payload SET COMPRESSION lz4;

CREATE TABLE card_state
(
    card_number text    PRIMARY KEY,
    version     integer NOT NULL,
    payload     bytea   NOT NULL
) WITH (fillfactor = 80, toast_tuple_target = 128);

ALTER TABLE card_state ALTER COLUMN payload SET STORAGE MAIN, ALTER COLUMN payload SET COMPRESSION lz4;

CREATE TABLE citizen_history
(
    citizen_id     bigint      NOT NULL,
    version        bigint      NOT NULL,
    at             timestamptz NOT NULL,
    kind           smallint    NOT NULL, -- OrleansHub.Abstractions.Citizens.ChangeKind
    source         text        NOT NULL,
    changed_fields text[]      NOT NULL,
    PRIMARY KEY (citizen_id, version)
) PARTITION BY HASH (citizen_id);

DO $$
BEGIN
    FOR i IN 0..15 LOOP
        EXECUTE format('CREATE TABLE citizen_history_p%s PARTITION OF citizen_history FOR VALUES WITH (MODULUS 16, REMAINDER %s)',
                       lpad(i::text, 2, '0'), i);
    END LOOP;
END
$$;

CREATE TABLE citizen_consent_notices
(
    citizen_id bigint NOT NULL,
    consent_id uuid   NOT NULL,
    PRIMARY KEY (citizen_id, consent_id)
);

-- How the ADO.NET provider kept a string-keyed grain: a key that parses as hexadecimal (every personal ID, and card
-- numbers such as CC0000000001) as that number in grain_id_n1 with no extension, any other key in grain_id_extension.
-- A personal ID always has 12 digits, so its leading zeros come back with lpad. So does a card number with 12
-- characters; a shorter hexadecimal card number that began with 0 cannot be told from its zero-padded forms, so such
-- rows (none in any data this hub made: its card numbers begin with letters) stay in orleans_grain_state, unmoved.
INSERT INTO citizen_state (citizen_id, version, payload)
SELECT lpad(to_hex(grain_id_n1), 12, '0')::bigint, version, payload
FROM orleans_grain_state
WHERE grain_type = 'citizen' AND grain_id_extension IS NULL AND payload IS NOT NULL;

INSERT INTO card_state (card_number, version, payload)
SELECT coalesce(grain_id_extension, upper(to_hex(grain_id_n1))), version, payload
FROM orleans_grain_state
WHERE grain_type = 'card' AND payload IS NOT NULL AND (grain_id_extension IS NOT NULL OR length(to_hex(grain_id_n1)) = 12);

DELETE FROM orleans_grain_state
WHERE grain_type = 'citizen' AND grain_id_extension IS NULL
   OR grain_type = 'card' AND (grain_id_extension IS NOT NULL OR length(to_hex(grain_id_n1)) = 12);
