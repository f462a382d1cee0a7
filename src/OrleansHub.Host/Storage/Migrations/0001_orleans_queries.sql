-- 0001: the Orleans query catalogue.
--
-- The Orleans ADO.NET providers (clustering, persistence, reminders) ship no SQL.
-- At silo start each provider runs the hard-coded statement
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- and afterwards only ever executes the query texts it finds here, binding
-- named parameters (@Name). Later migrations insert one row per query key.
--
-- The provider's SELECT is unquoted, so PostgreSQL folds it to
-- orleansquery(querykey, querytext); those names are therefore fixed.
-- Npgsql resolves the provider's GetOrdinal("QueryKey") against the lower-case
-- column name through its case-insensitive fallback.

CREATE TABLE orleansquery
(
    querykey  text NOT NULL,
    querytext text NOT NULL,

    CONSTRAINT pk_orleansquery PRIMARY KEY (querykey)
);

COMMENT ON TABLE orleansquery IS
    'Query texts the Orleans ADO.NET providers load by key at silo start. Contract: see migrations 0002-0004.';
