#!/usr/bin/env bash
# Trainer benchmark on Fashion-MNIST (Debian's dataset-fashion-mnist): one-shot accuracy on the
# first 10,000 training images scored on the first 2,000 test images, retrain latency for +1,000,
# and accuracy after streaming the 10,000 in 10 increments; then the TF.js peer on the same
# out_relu features (dense softmax head, Adam 1e-3, 20 epochs).
#   bench/train/run.sh [TRAIN] [TEST] [INCREMENTS]      defaults: 10000 2000 10
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "Install Debian's dataset-fashion-mnist first: sudo apt-get install dataset-fashion-mnist" >&2
  exit 2
fi
export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
mvn -B -q -DskipTests package test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
(cd tools/tfjs-reference && npm ci --no-audit --no-fund --silent)
java -Xmx4g -XX:+UseSerialGC -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.streamtune.train.TrainBench "$@" 2>target/bench-train.log | tee target/bench-train.json
node tools/tfjs-reference/probe.mjs --dir target/bench-train/peer --epochs 20 | tee -a target/bench-train.json
