#!/usr/bin/env bash
# The "ID=0 bug" of source report 002, as a new user would write it: WORKERS (default 6) concurrent workers
# each insert one row with the sqlite3 CLI, busy timeout 0 (sqlite3's default, stated here), and on
# "database is locked" retry the insert; after a retry the script asks last_insert_rowid() in a new
# connection, which answers 0, so that worker records id 0. Whether a worker meets the lock depends only on
# how the workers' transactions interleave.
#
#   retry_rowid.sh DIR [WORKERS]
#
# DIR must not exist; it holds the database and is removed at the end (so repeated runs start alike).
# Prints "K of N workers recorded id 0" and exits 1 when K > 0 (the failure), 0 when every id is real.
set -u
dir=$1
workers=${2:-6}
mkdir "$dir" || exit 2
export TMPDIR=$dir # sqlite3 looks at its temp directory; the host's /tmp changes under other programs
db=$dir/index.db
sqlite3 "$db" 'create table records (id integer primary key autoincrement, worker integer);' || exit 2

# Runs the SQL in $1 in a new connection; on "database is locked" runs it again, up to 100 times.
# Sets out to its output and retried to how many times it had to try again.
sqlite_with_retry() {
    retried=0
    while true; do
        if out=$(sqlite3 -cmd '.timeout 0' "$db" "$1" 2>&1); then return 0; fi
        case $out in
            *"database is locked"*) ;;
            *) echo "worker: $out" >&2; return 1 ;;
        esac
        retried=$((retried + 1))
        [ "$retried" -lt 100 ] || return 1
        sleep 0.01
    done
}

worker() {
    local w=$1 id
    sqlite_with_retry "insert into records (worker) values ($w); select last_insert_rowid();" || exit 2
    id=$out
    if [ "$retried" -gt 0 ]; then
        # The report's bug: after a retry the id is asked for again, in a new connection, which has inserted
        # nothing and so answers 0.
        id=$(sqlite3 "$db" 'select last_insert_rowid();')
    fi
    echo "$id" > "$dir/worker.$w"
}

for w in $(seq 1 "$workers"); do worker "$w" & done
wait
zero=0
for w in $(seq 1 "$workers"); do
    [ "$(cat "$dir/worker.$w" 2>/dev/null)" = 0 ] && zero=$((zero + 1))
done
rows=$(sqlite3 "$db" 'select count(*) from records;')
rm -r "$dir"
echo "$zero of $workers workers recorded id 0 ($rows rows)"
[ "$zero" -eq 0 ]
