-- 0010: consent-revoked events. Such an event goes to one agency, the one the consent was given to, instead of to the
-- citizen's followers: the log keeps which consent (and so which agency and purpose), the feed keeps the consent's ID.
ALTER TABLE citizen_events
    ADD COLUMN consent_id      uuid,
    ADD COLUMN consent_agency  text,
    ADD COLUMN consent_purpose text;

ALTER TABLE agency_feed ADD COLUMN consent_id uuid;
