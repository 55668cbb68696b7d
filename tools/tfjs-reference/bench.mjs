#!/usr/bin/env node
// Benchmark peer: images per second, end to end from in-memory PNG bytes
// (decode + preprocess + predict + pooled feature read back), per batch size.
// Each batch size gets WARMUP_BATCHES untimed batches first. Prints one JSON line per batch size.
// Usage: node bench.mjs --model <dir> --layer out_relu [--backend wasm|cpu] [--batch 1,8] [--seconds 20] <img.png>...
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { initBackend, loadFeatureExtractor, preprocess, splitList, tf } from './lib.mjs';

const WARMUP_BATCHES = 3;

const { values, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string' },
    layer: { type: 'string', default: 'out_relu' },
    backend: { type: 'string', default: 'wasm' },
    batch: { type: 'string', default: '1,8' },
    seconds: { type: 'string', default: '20' },
  },
});
const batchSizes = splitList(values.batch).map(Number);
const seconds = Number(values.seconds);
if (!values.model || files.length === 0 || !(seconds > 0) || !batchSizes.every((b) => Number.isInteger(b) && b > 0)) {
  console.error('usage: node bench.mjs --model <dir> --layer <name> [--backend wasm|cpu] [--batch 1,8] [--seconds 20] <img.png>...');
  process.exit(2);
}

async function main() {
  const info = await initBackend(values.backend);
  const extract = await loadFeatureExtractor(values.model, [values.layer]);
  const pngs = await Promise.all(files.map((f) => readFile(f)));

  let next = 0;
  /** Runs one batch of `size` images (cycling through the inputs) and reads the features back. */
  function runBatch(size) {
    tf.tidy(() => {
      const batch = tf.stack(Array.from({ length: size }, () => preprocess(pngs[next++ % pngs.length])));
      extract(batch)[values.layer].dataSync();
    });
  }

  for (const batch of batchSizes) {
    for (let i = 0; i < WARMUP_BATCHES; i++) runBatch(batch);
    let images = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < seconds) {
      runBatch(batch);
      images += batch;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    }
    console.log(JSON.stringify({
      peer: `tfjs-${info.backend}`,
      simd: info.simd,
      threads: info.threads,
      layer: values.layer,
      batch,
      images,
      seconds: Number(elapsed.toFixed(3)),
      imagesPerSecond: Number((images / elapsed).toFixed(3)),
    }));
  }
}

main().catch((err) => {
  console.error(`error: ${err.message}`);
  process.exit(1);
});
