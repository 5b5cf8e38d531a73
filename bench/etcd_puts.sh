#!/usr/bin/env bash
# etcd started in the background and 50 puts and a get with etcdctl, all in one process tree, then etcd stopped:
# the etcd put workload in a form record and replay can keep whole (no client outside the run).
set -euo pipefail
dir=$1 port=${2:-23790}
etcd --data-dir "$dir/etcd" --listen-client-urls "http://127.0.0.1:$port" --advertise-client-urls "http://127.0.0.1:$port" \
  --listen-peer-urls "http://127.0.0.1:$((port + 1))" --initial-advertise-peer-urls "http://127.0.0.1:$((port + 1))" \
  --initial-cluster "default=http://127.0.0.1:$((port + 1))" --log-level error >/dev/null 2>&1 &
ctl() { etcdctl --endpoints="127.0.0.1:$port" --command-timeout=10s "$@"; }
for i in $(seq 1 100); do ctl endpoint health >/dev/null 2>&1 && break; sleep 0.1; done
for i in $(seq 1 50); do ctl put "k$i" "v$i" >/dev/null; done
ctl get k50 --print-value-only
# etcd is left running: detsim kills what outlives the script.
