#!/usr/bin/env bash
# Scale benchmark on the whole Fashion-MNIST (Debian's dataset-fashion-mnist): the 60,000 training
# images streamed in increments of 2,000 through ingest to a standalone trainer (30 versions,
# train.mode=auto, defaults otherwise), against one cold top training on all of them; every
# version scored on the 10,000 test images. Each phase (stream, oneshot) runs on a stack of its
# own and writes target/bench-scale/{phase}.json as it goes, so they can run in separate sessions;
# bench/scale/plot.py then draws target/bench-scale/scale.svg.
#   bench/scale/run.sh [TOTAL] [INCREMENT] [TEST] [PHASES] [PACE]
#   defaults: 60000 2000 10000 stream,oneshot 0 (PHASES may also name head: the stream again with
#   train.mode=head; PACE spreads each increment over that many seconds, 0 sends it in one burst)
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  echo "Install Debian's dataset-fashion-mnist first: sudo apt-get install dataset-fashion-mnist" >&2
  exit 2
fi
export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
mvn -B -q -DskipTests package test-compile
mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
java -Xmx4g -XX:+UseSerialGC -Dstreamtune.bench.commit="$(git rev-parse --short HEAD)" \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  dev.streamtune.train.ScaleBench "$@" 2>target/bench-scale.log | tail -c 2000
one=(); [ -f target/bench-scale/oneshot.json ] && one=(target/bench-scale/oneshot.json)
if [ -f target/bench-scale/stream.json ]; then
  python3 bench/scale/plot.py target/bench-scale/stream.json "${one[@]}" target/bench-scale/scale.svg
fi
