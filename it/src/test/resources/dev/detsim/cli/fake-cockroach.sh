#!/bin/sh
# A stand-in for the cockroach binary, for testing detsim feasibility's CockroachDB rows where no CockroachDB
# exists: `version` answers as cockroach does, and `start-single-node` starts PostgreSQL 15 (the same wire
# protocol) as the postgres user on the --listen-addr port, then writes the listening-url file as cockroach
# does. Needs root (runuser) and postgresql-15. SIGTERM stops PostgreSQL, removes its files and exits 0.
set -eu
bin=/usr/lib/postgresql/15/bin
case "${1:-}" in
    version)
        echo "Build Tag:        v0.0.0-fake (PostgreSQL 15 behind a script)"
        echo "Platform:         linux amd64"
        exit 0 ;;
    start-single-node) ;;
    *) echo "fake cockroach: unsupported command: ${1:-}" >&2; exit 1 ;;
esac
addr=""; urlfile=""
for a in "$@"; do
    case "$a" in
        --listen-addr=*) addr=${a#--listen-addr=} ;;
        --listening-url-file=*) urlfile=${a#--listening-url-file=} ;;
    esac
done
port=${addr##*:}
data=$(mktemp -d /tmp/fake-cockroach-pg.XXXXXX)
chown postgres:postgres "$data"
stop() {
    runuser -u postgres -- "$bin/pg_ctl" -D "$data/pg" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$data"
    exit 0
}
trap stop TERM INT
runuser -u postgres -- "$bin/initdb" -D "$data/pg" -A trust -U root -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$data/pg" -l "$data/server.log" -w -t 60 \
    -o "-p $port -k $data -c listen_addresses=127.0.0.1" start >/dev/null
printf 'postgresql://root@127.0.0.1:%s/postgres?sslmode=disable\n' "$port" > "$urlfile"
while :; do
    sleep 1 &
    wait $! || true
done
