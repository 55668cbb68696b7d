#!/usr/bin/env bash
# Predictions benchmark: classify requests/s over HTTP with every classification published to the
# predictions topic (serve.predictions.sample=1) against none (0), two serve instances on one
# embedded stack, measured alternately at concurrency 1 and 8; the ratio is the publishing's cost.
#   bench/predictions/run.sh [SECONDS] [ROUNDS]      default: 15 s a measurement, 2 rounds
set -euo pipefail
cd "$(dirname "$0")/../.."
export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
mvn -B -q -DskipTests package test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java -Xmx2g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.streamtune.serve.PredictionsBench "$@" 2>target/bench-predictions.log | tee target/bench-predictions.json
