#!/usr/bin/env bash
# Soak benchmark: ContinuousOperationIT for longer. Two ingest instances, two trainers and serve as
# worker processes on the embedded stack; upstream traffic with ImageRefs, relabels and 5% hostile
# records; a process stopped (SIGTERM or SIGKILL) or started every 60-90 s; S3 and the schema
# registry down 30 s once each. Writes target/soak-report.json (membership changes, records,
# versions, hostile records, RSS of every process at start and end).
#   bench/soak/run.sh [DURATION] [SEED]    defaults: PT60M of traffic, a fresh seed
set -euo pipefail
cd "$(dirname "$0")/../.."
export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
seed=()
[ -n "${2:-}" ] && seed=(-Dsoak.seed="$2")
mvn -B -o -DskipTests package
mvn -B -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ContinuousOperationIT \
  -Dfailsafe.failIfNoSpecifiedTests=false -Dsoak.duration="${1:-PT60M}" "${seed[@]}" \
  -Dfailsafe.timeout=0 | tee target/bench-soak.log | grep -E 'soak|Tests run|BUILD'
cat target/soak-report.json
