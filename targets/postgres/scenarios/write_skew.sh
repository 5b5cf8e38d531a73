#!/bin/sh
# Seed 004's write skew (A2) on PostgreSQL 15: two doctors are on call; two transactions at once each check
# that at least two are on call and take one of them off. Under REPEATABLE READ (snapshot isolation) both
# may commit — then nobody is on call; under SERIALIZABLE PostgreSQL aborts one of them. The server, its data
# and both clients live in one run, in a directory of their own under /tmp.
#
#   runuser -u postgres -- sh write_skew.sh [ISOLATION]     ISOLATION: "repeatable read" (default), "serializable"
#
# Prints "on call: N" (the invariant: N >= 1) and how each transaction ended.
set -e
iso=${1:-repeatable read}
d=$(mktemp -d /tmp/write-skew-XXXXXX)
bin=/usr/lib/postgresql/15/bin
$bin/initdb -D "$d/data" -A trust --no-sync >/dev/null
$bin/pg_ctl -D "$d/data" -o "-k $d -c listen_addresses= -c fsync=off" -w -l "$d/log" start >/dev/null
q() { psql -h "$d" -d postgres -Atq "$@"; }
q -c "create table doctors(name text primary key, on_call bool);
      insert into doctors values ('alice', true), ('bob', true)"
for name in alice bob; do
    (q -c "begin isolation level $iso;
           update doctors set on_call = false
            where name = '$name' and (select count(*) from doctors where on_call) >= 2;
           commit" >"$d/$name.out" 2>&1 && echo "$name: committed" >"$d/$name.end" \
        || echo "$name: $(grep -o 'could not serialize[^"]*' "$d/$name.out" | head -1)" >"$d/$name.end") &
done
wait
cat "$d/alice.end" "$d/bob.end"
echo "on call: $(q -c 'select count(*) from doctors where on_call')"
$bin/pg_ctl -D "$d/data" -w stop >/dev/null
rm -rf "$d"
