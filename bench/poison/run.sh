#!/usr/bin/env bash
# Poison benchmark: ingest records/s with 10% bad records (the bad-input corpus: every fault kind,
# the 50,000x50,000 PNG and the 10,000-frame GIF included) against 0%, in alternating pairs on one
# dev stack; then one ingest fed the 10% mix for SOAK rounds, with heap after GC and RSS after each.
#   bench/poison/run.sh [RECORDS] [PAIRS] [SOAK]   defaults: 3000 records per run, 3 pairs, 10 soak rounds
set -euo pipefail
cd "$(dirname "$0")/../.."
export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
mvn -B -q -o -DskipTests package test-compile
java -Xmx2g -XX:+UseSerialGC -Dorg.apache.avro.limits.bytes.maxLength=67108864 \
  -Dorg.apache.avro.limits.string.maxLength=16777216 \
  -Dorg.apache.avro.limits.collectionItems.maxLength=1048576 \
  -cp "target/test-classes:target/classes:target/lib/*" \
  dev.streamtune.ingest.PoisonBench "${1:-3000}" "${2:-3}" "${3:-10}" 2>target/bench-poison.log | tee target/bench-poison.json
