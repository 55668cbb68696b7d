#!/usr/bin/env bash
# Drift benchmark: a Fashion-MNIST classifier serves the test images of half the classes, then the
# same images inverted, then rotated by 90 degrees; the feedback role's drift monitor (default
# settings) must stay silent over the undrifted requests and ask once after the switch. Needs
# Debian's dataset-fashion-mnist.
#   bench/drift/run.sh [TRAIN] [UNDRIFTED]      default: 2,000 training images, 50,000 requests
set -euo pipefail
cd "$(dirname "$0")/../.."
export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
mvn -B -q -DskipTests package test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java -Xmx3g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.streamtune.feedback.DriftBench "$@" 2>target/bench-drift.log | tee target/bench-drift.json
