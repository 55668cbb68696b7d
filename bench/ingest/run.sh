#!/usr/bin/env bash
# Ingest benchmark: events/s end to end (produced → stored in S3) for ~20 KiB inline JPEGs,
# against raw S3 PUT throughput of the same objects on the same server, in the same run.
#   bench/ingest/run.sh [EVENTS] [THREADS...]     defaults: 4000, then 2 and 4 threads
set -euo pipefail
cd "$(dirname "$0")/../.."
events="${1:-4000}"
shift || true
threads=("${@:-2 4}")
export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
mvn -B -q -DskipTests package test-compile
for t in ${threads[@]}; do
  java -Xmx2g -XX:+UseSerialGC -cp "target/test-classes:target/classes:target/lib/*" \
    dev.streamtune.ingest.IngestBench "$events" "$t" 2>target/bench-ingest-$t.log
done | tee target/bench-ingest.jsonl
