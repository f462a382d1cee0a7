-- 0009: each agency's webhook endpoint and how far delivery to it got.
--
--  * delivered_through: the agency's feed cursor (agency_feed.feed_position) up to which every item was delivered or had
--    nothing the agency may see. Saved at most about once a second while delivering, so after a crash up to a second of
--    events can be delivered again (at least once; consumers de-duplicate on the event id).
--  * status: active, retrying (after a failed attempt, next_attempt_at says when) or failing (retries ran out at
--    failing_since + the configured retry period; events wait in the feed until the agency replays).
--  * secret: the Standard Webhooks signing key. HMAC needs it in clear, so it is stored as issued.
CREATE TABLE agency_webhooks
(
    agency_code       text        PRIMARY KEY,
    url               text        NOT NULL,
    secret            text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('active', 'retrying', 'failing')),
    delivered_through bigint      NOT NULL,
    attempts          integer     NOT NULL DEFAULT 0,
    last_error        text,
    next_attempt_at   timestamptz,
    failing_since     timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);
