#!/usr/bin/env bash
# Serve benchmark: classify requests/s and p50/p99 latency over HTTP at concurrency 1 and 8, against
# the same model through its DJL predictor in the same JVM (the ratio is HTTP's overhead).
#   bench/serve/run.sh [SECONDS]      default: 20 per measurement
set -euo pipefail
cd "$(dirname "$0")/../.."
export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
mvn -B -q -DskipTests package test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java -Xmx2g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.streamtune.serve.ServeBench "$@" 2>target/bench-serve.log | tee target/bench-serve.json
