-- The plain design the hub's write path is measured against (issue 15): one change = UPDATE of the citizen's row + INSERT
-- of its event into a log shaped like citizen_events (0007: unique event_id and (citizen_id, sequence), cursor indexes),
-- one commit per change. Random citizens of the same imported population, the same kind of residence change.
\set n random(1, :count)
\set street random(1, 999)
BEGIN;
UPDATE plain_citizens SET record = jsonb_set(record, '{currentResidence}', to_jsonb('Số ' || :street || ' ngõ 7 phố Huế, Hai Bà Trưng, Hà Nội')),
       version = version + 1
WHERE n = :n;
INSERT INTO plain_events (event_id, citizen_id, sequence, type, occurred_at, record_version, changed_fields)
SELECT gen_random_uuid(), id, version - 1, 'vn.orleanshub.citizen.residence-changed.v1', now(), version, ARRAY['currentResidence']
FROM plain_citizens WHERE n = :n;
COMMIT;
