#!/usr/bin/env bash
# PostgreSQL's CPU per transaction of a pgbench script, against a running private server of deploy/postgres.sh:
#   HUB_RUN_DIR=... HUB_PG_PORT=... bench/lookup/pgbench/pg-cpu.sh NAME SCRIPT [CLIENTS]   (10 s; default 4 clients)
# Counts the server's live processes from /proc, and the backends that exited (pgbench's) from the postmaster's
# cutime/cstime. The scripts beside this one are the pieces of an audit batch (bench/results/lookup-2026-12-07-audit-round-trips.md).
# ledger*.sql call fee_ledger_add as the database has it (PL/pgSQL, a row per writer since migration 0022; its SQL form
# and the PL/pgSQL copy it was measured against are in git history before that migration); floor.sql writes scratch_t.
set -euo pipefail
name=$1 script=$2 clients=${3:-4}
hz=$(getconf CLK_TCK)
postmaster=$(head -n 1 "$HUB_RUN_DIR/pgdata/postmaster.pid")
live() { local t=0 pid; for pid in $postmaster $(pgrep -P "$postmaster"); do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0))); done; echo $t; }
exited() { awk '{print $16 + $17}' "/proc/$postmaster/stat"; }
psql -qAtX -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d orleanshub -c "CREATE TABLE IF NOT EXISTS scratch_t (v int)"
l0=$(live); e0=$(exited)
out=$(pgbench -n -h 127.0.0.1 -p "$HUB_PG_PORT" -U postgres -d orleanshub -f "$script" -c "$clients" -j 2 -T 10 2>&1)
l1=$(live); e1=$(exited)
tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<<"$out")
[[ -n "$tx" && "$tx" != 0 ]] || { echo "$out" >&2; exit 1; }
echo "$name clients=$clients tx=$tx tps=$(sed -n 's/^tps = \([0-9.]*\).*/\1/p' <<<"$out") pg_us_per_tx=$(( ((l1 - l0) + (e1 - e0)) * 1000000 / hz / tx ))"
