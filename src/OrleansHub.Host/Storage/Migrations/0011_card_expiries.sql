-- 0011: cards waiting to expire, by date. The card grain records each card with an expiry date before it acknowledges
-- its issue or import; the expiry sweep takes the rows whose date has passed (FOR UPDATE SKIP LOCKED, so silos share the
-- work), tells each citizen grain, and deletes them. Recording a card again (a retried issue) changes nothing.
CREATE TABLE card_expiries
(
    card_number text PRIMARY KEY,
    citizen_id  text NOT NULL,
    expires_on  date NOT NULL
);

CREATE INDEX card_expiries_due ON card_expiries (expires_on);
