#!/usr/bin/env bash
# 8 sqlite3 writers at once against one database file, 50 single-row transactions each, then the count.
# Each writer waits up to 60 s for the database lock (.timeout), as a real client would.
set -euo pipefail
db=$1
sqlite3 "$db" 'create table t (writer integer, n integer);' >/dev/null
for w in 1 2 3 4 5 6 7 8; do
  (
    for n in $(seq 1 50); do echo "begin; insert into t values ($w, $n); commit;"; done
  ) | sqlite3 -cmd '.timeout 60000' "$db" &
done
wait
echo "rows $(sqlite3 "$db" 'select count(*) from t;')"
