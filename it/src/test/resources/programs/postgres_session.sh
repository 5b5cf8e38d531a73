#!/bin/sh
# PostgreSQL 15: initdb, start, a few queries, stop — all in one process tree (run as the postgres user, DIR its own).
#   bench/postgres_session.sh DIR
set -e
d=$1
bin=/usr/lib/postgresql/15/bin
$bin/initdb -D "$d/data" -A trust --no-sync >/dev/null
$bin/pg_ctl -D "$d/data" -o "-k $d -c listen_addresses= -c fsync=off" -w -l "$d/log" start >/dev/null
psql -h "$d" -d postgres -Atc 'create table t(x int); insert into t select generate_series(1,100); select sum(x) from t'
$bin/pg_ctl -D "$d/data" -w stop >/dev/null
