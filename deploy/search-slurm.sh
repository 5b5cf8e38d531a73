#!/bin/bash
# detsim search as a Slurm job array: 4 shards of seeds 1..10000, shard i = array task i (the indices must
# be 0..N-1, with N = --shards). Each task writes a bug base of its own under $BUGS (a shared file system).
# Submit: BUGS=/shared/detsim-bugs sbatch deploy/search-slurm.sh
# Then:   detsim bugs merge --into=$BUGS/all $BUGS/shard-*; detsim bugs --bugbase=$BUGS/all
#SBATCH --job-name=detsim-search
#SBATCH --array=0-3
#SBATCH --cpus-per-task=2
#SBATCH --output=detsim-search-%A-%a.log
set -u
: "${BUGS:?set BUGS to a directory every node can write}"
# Exit 42 (a bug found) shows as a FAILED task in sacct: that is the search's answer, not a crash; Slurm does
# not requeue it unless --requeue is given.
exec detsim search --seeds=1..10000 --shards=4 --jobs="$SLURM_CPUS_PER_TASK" \
    --bugbase="$BUGS/shard-$SLURM_ARRAY_TASK_ID" --json="$BUGS/report-$SLURM_ARRAY_TASK_ID.json" \
    -- /opt/target/run-test
