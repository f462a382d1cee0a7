-- 0020: keyed audit chains.
--
--  * A batch written with an audit key is hashed with HMAC-SHA-256 under that key (held outside the database, in
--    configuration Hub:Audit:Keys:<id>); key_id names which, so keys can be rotated. NULL: an unkeyed batch written
--    before keys existed (plain SHA-256); `audit verify` still checks it and reports it as unkeyed.
--  * Adding a nullable column rewrites no row and fires no trigger; audit_batches stays append-only.

ALTER TABLE audit_batches ADD COLUMN key_id text CHECK (key_id IS NULL OR key_id ~ '^[A-Za-z0-9._-]{1,64}$');
