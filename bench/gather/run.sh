#!/usr/bin/env bash
# The trainer's feature gathering over Fashion-MNIST PNGs in the embedded S3: one GET at a time
# against train.extract.downloads at once, on the local store and behind a fixed latency per GET.
#   bench/gather/run.sh [IMAGES] [REPS] [LATENCY_MS]     defaults: 2000 2 20
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -d /usr/share/datasets/fashion-mnist ]; then
  echo "Install Debian's dataset-fashion-mnist first: sudo apt-get install dataset-fashion-mnist" >&2
  exit 2
fi
export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
mvn -B -q -DskipTests package test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
mkdir -p target/bench-gather
java -Xmx4g -XX:+UseSerialGC -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.streamtune.train.GatherBench "${1:-2000}" "${2:-2}" "${3:-20}" 2>target/bench-gather/log \
  | tee target/bench-gather/results.jsonl
