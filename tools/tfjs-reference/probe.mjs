#!/usr/bin/env node
// The TF.js peer of the trainer benchmark: a dense softmax head trained with tf.layers on the
// features TrainBench wrote (float32 little-endian rows), Adam 1e-3, batch 64, the given epochs;
// prints the test accuracy as one JSON line.
// Usage: node probe.mjs --dir target/bench-train/peer [--epochs 20] [--zscore] [--backend wasm|cpu]
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, tf } from './lib.mjs';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    epochs: { type: 'string', default: '20' },
    zscore: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
  },
});
if (!values.dir) {
  console.error('usage: node probe.mjs --dir <peer dir> [--epochs 20] [--zscore] [--backend wasm|cpu]');
  process.exit(2);
}

async function floats(name) {
  const b = await readFile(join(values.dir, name));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
}

function standardize(train, test, dims) {
  const n = train.length / dims;
  const mean = new Float32Array(dims);
  const std = new Float32Array(dims);
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) mean[j] += train[i * dims + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dims; j++) std[j] += (train[i * dims + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < dims; j++) std[j] = Math.max(1e-3, Math.sqrt(std[j]));
  for (const a of [train, test]) for (let i = 0; i < a.length; i++) a[i] = (a[i] - mean[i % dims]) / std[i % dims];
}

async function main() {
  const info = await initBackend(values.backend);
  const meta = JSON.parse(await readFile(join(values.dir, 'meta.json'), 'utf8'));
  const [trainX, trainY, testX, testY] = await Promise.all(
    ['train-x.f32', 'train-y.f32', 'test-x.f32', 'test-y.f32'].map(floats));
  const trainX2 = Float32Array.from(trainX);
  const testX2 = Float32Array.from(testX);
  if (values.zscore) standardize(trainX2, testX2, meta.dims);
  const xs = tf.tensor2d(trainX2, [trainY.length, meta.dims]);
  const ys = tf.oneHot(tf.tensor1d(Int32Array.from(trainY), 'int32'), meta.classes);
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: meta.classes, activation: 'softmax', inputShape: [meta.dims],
    kernelInitializer: tf.initializers.glorotUniform({ seed: 42 }) }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const t0 = Date.now();
  await model.fit(xs, ys, { batchSize: 64, epochs: Number(values.epochs), shuffle: true, verbose: 0 });
  const pred = model.predict(tf.tensor2d(testX2, [testY.length, meta.dims])).argMax(1).dataSync();
  let ok = 0;
  for (let i = 0; i < testY.length; i++) ok += pred[i] === testY[i] ? 1 : 0;
  console.log(JSON.stringify({ peer: `tfjs ${info.backend} dense softmax on ${meta.layer}${values.zscore ? ' z-scored' : ''}`,
    epochs: Number(values.epochs), train: trainY.length, test: testY.length, testAccuracy: ok / testY.length,
    seconds: (Date.now() - t0) / 1000 }));
}

main().catch((e) => { console.error(e); process.exit(1); });
