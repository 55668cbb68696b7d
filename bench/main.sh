#!/usr/bin/env bash
# Builds Streamtune with its tests and runs one benchmark's main class on the test classpath, its
# log in target/bench-NAME.log and its JSON in target/bench-NAME.json (also on standard output).
#   bench/main.sh NAME HEAP CLASS [ARGS...]      e.g. bench/main.sh drift 3g dev.streamtune.feedback.DriftBench
set -euo pipefail
cd "$(dirname "$0")/.."
name=$1 heap=$2 main=$3
shift 3
export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
mvn -B -q -DskipTests package test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java "-Xmx$heap" -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  "$main" "$@" 2>"target/bench-$name.log" | tee "target/bench-$name.json"
