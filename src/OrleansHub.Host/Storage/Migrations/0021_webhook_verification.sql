-- 0021: webhooks are verified, bound to the key that set them, and can be disabled.
--
--  * status gains 'disabled': the operator stopped delivery (disabled_reason 'operator'), or the key that set the URL or
--    secret was revoked (disabled_reason 'key-revoked'); events wait in the feed.
--  * key_id: the agency key whose request last set the URL or secret (its ID, never the key). Delivery stops when that key
--    is revoked, so a stolen key cannot keep a webhook pointed at its own server past the revocation. Null for webhooks
--    registered before this migration.
--  * verified_at: when the endpoint last answered the signed verification challenge; a URL or secret takes effect only
--    after it did. Null for webhooks registered before this migration.
--  * Changes (created, URL changed, secret rotated, refused verification, disabled, removed) are in the audit log.
ALTER TABLE agency_webhooks DROP CONSTRAINT agency_webhooks_status_check;
ALTER TABLE agency_webhooks ADD CONSTRAINT agency_webhooks_status_check CHECK (status IN ('active', 'retrying', 'failing', 'disabled'));
ALTER TABLE agency_webhooks ADD COLUMN key_id text;
ALTER TABLE agency_webhooks ADD COLUMN verified_at timestamptz;
ALTER TABLE agency_webhooks ADD COLUMN disabled_reason text CHECK (disabled_reason IN ('operator', 'key-revoked'));
ALTER TABLE agency_webhooks ADD CONSTRAINT agency_webhooks_disabled_has_reason CHECK ((status = 'disabled') = (disabled_reason IS NOT NULL));
