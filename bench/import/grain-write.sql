-- One grain-state insert as the hub's ADO.NET storage issues it: the per-write ceiling PostgreSQL gives on this machine.
\set n random(1, 2000000000)
SELECT orleans_write_grain_state(:n, :n, 0, 77, 'bench', 'k' || :n, 'pgbench', NULL, '\x0102030405060708'::bytea);
