#!/usr/bin/env bash
# Feature-extraction benchmark: Streamtune (DJL + TensorFlow 2.10 CPU) against the TF.js peer
# (tools/tfjs-reference: TF.js 4.22, wasm backend with SIMD, in Node.js), on the same PNGs, from
# encoded bytes in memory to feature vectors, decoding included. Prints JSON lines and a summary.
#   bench/features/run.sh [SECONDS_PER_POINT] [SOAK_COUNT]     defaults: 20 20000 (SOAK 0 skips it)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-20}"
soak="${2:-20000}"
out=target/bench-features
mkdir -p "$out"

export DJL_OFFLINE=true TF_ENABLE_ONEDNN_OPTS=1 TF_CPP_MIN_LOG_LEVEL=3
mvn -B -q -DskipTests package test-compile
bash tools/test-photos/fetch.sh target/test-photos
(cd tools/tfjs-reference && npm ci --no-audit --no-fund --silent)
cp="target/test-classes:target/classes:target/lib/*"
java_run() { java -Xmx512m -XX:+UseSerialGC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$cp" dev.streamtune.ml.FeatureBench "$@"; }

java_run prepare "$out/images" 64
model="$HOME/.streamtune/base-model/nsfwjs-4.4.0-mobilenet_v2"
images=("$out"/images/*.png)

echo "# Streamtune: all candidate layers (block_12_add, block_13_expand_relu, out_relu) and the head, one pass"
java_run run "$out/images" "$seconds" 1 8 16 | tee "$out/streamtune.jsonl"
echo "# TF.js peer, wasm + SIMD"
for layer in out_relu block_13_expand_relu; do
  node tools/tfjs-reference/bench.mjs --model "$model" --layer "$layer" --backend wasm --batch 1,8 \
    --seconds "$seconds" "${images[@]}" 2>/dev/null
done | tee "$out/peer.jsonl"
if [ "$soak" -gt 0 ]; then
  echo "# Memory over $soak extractions"
  java_run soak "$out/images" "$soak" | tee "$out/soak.jsonl"
fi

node -e '
const fs = require("fs");
const read = f => fs.readFileSync(f, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
const ours = read(process.argv[1]), peer = read(process.argv[2]);
const best = a => a.reduce((x, y) => (y.imagesPerSecond > x.imagesPerSecond ? y : x));
const b1 = ours.find(r => r.batch === 1), bb = best(ours);
for (const layer of ["out_relu", "block_13_expand_relu"]) {
  const p = peer.filter(r => r.layer === layer), p1 = p.find(r => r.batch === 1), pb = best(p);
  console.log(`${layer}: Streamtune batch 1 ${b1.imagesPerSecond.toFixed(1)} img/s vs peer ${p1.imagesPerSecond.toFixed(1)} (x${(b1.imagesPerSecond / p1.imagesPerSecond).toFixed(1)}); ` +
    `best Streamtune (batch ${bb.batch}) ${bb.imagesPerSecond.toFixed(1)} vs best peer (batch ${pb.batch}) ${pb.imagesPerSecond.toFixed(1)} (x${(bb.imagesPerSecond / pb.imagesPerSecond).toFixed(1)})`);
}
console.log(`Streamtune peak RSS ${Math.max(...ours.map(r => r.peakRssMiB))} MiB`);
' "$out/streamtune.jsonl" "$out/peer.jsonl"
