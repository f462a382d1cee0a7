-- 0018: the agency API's one pipeline.
--
--  * agency_refusal_tallies: requests refused before they authenticated (no key, an unknown, wrong or revoked key, or an
--    address over its budget of failed authentications) are counted per minute (UTC), agency (the one a wrong or revoked
--    key named, else 'unknown') and reason (the problem type's slug), instead of one permanent audit row each: a flood of
--    bad keys can no longer fill the disk. Each silo adds its counts every few seconds.
--  * idempotency_keys.disclosed: what a kept answer disclosed (operation, purpose, and per citizen the fields), so that a
--    replay re-checks the agency's status and the consent in force before the answer is sent again, and is audited.

CREATE TABLE agency_refusal_tallies
(
    minute      timestamptz NOT NULL,
    agency_code text        NOT NULL,
    reason      text        NOT NULL,
    refusals    bigint      NOT NULL CHECK (refusals > 0),
    PRIMARY KEY (minute, agency_code, reason)
);

ALTER TABLE idempotency_keys ADD COLUMN disclosed bytea;
