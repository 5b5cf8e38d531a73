#!/bin/sh
# Makes the recording CrossHostReplayTest replays: two shell jobs that read-modify-write a counter file, under
# a chaos seed that loses updates, recorded with --portable (the shell, cat and libc inside it) from /.
# Run it as root, from the repository's root, naming the host kind as bench/results/ does, after a change that
# legitimately alters the events of such a run:
#   sh it/src/test/resources/recordings/record-lost-update.sh amd-epyc-2cpu-pcid-rdtsc-traps
set -eu
kind=$1
out=it/src/test/resources/recordings/lost-update-$kind
rm -rf "$out"
script='echo 0 > /tmp/c; for j in 1 2; do (for i in 1 2 3 4 5 6 7 8 9 10; do n=$(cat /tmp/c); echo $((n+1)) > /tmp/c; done) & done; wait; n=$(cat /tmp/c); echo "count $n"; [ "$n" = 20 ]'
root=$(pwd)
(cd / && env -i PATH=/usr/bin:/bin "$root/detsim" record --portable --chaos --seed=3 --out="$root/$out" -- sh -c "$script") || true
echo "kept $out"
