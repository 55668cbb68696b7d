#!/usr/bin/env bash
# Active against random labelling on Fashion-MNIST: 1,000 labelled, a pool of 20,000, 5 rounds of
# 500 chosen by the labelling queue's rule (margin under serve.uncertain.margin, the day's budget
# of 500) or at random; test accuracy on the 10,000 test images per round, both in one run.
# Needs Debian's dataset-fashion-mnist.
#   bench/active/run.sh [MARGIN]      default: 0.3
set -euo pipefail
cd "$(dirname "$0")/../.."
export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
mvn -B -q -DskipTests package test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java -Xmx6g -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.streamtune.feedback.ActiveLearningBench "$@" 2>target/bench-active.log | tee target/bench-active.json
