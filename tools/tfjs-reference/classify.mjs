#!/usr/bin/env node
// Runs a classifier exported by Streamtune's TfjsExporter (a TF.js layers model
// whose output is softmax probabilities) on PNGs, one image at a time, and writes
// {"<file basename>": [probabilities...]} as JSON (float32 values, exact), in the
// order of the labels in model.json's userDefinedMetadata.
// Usage: node classify.mjs --model <dir> [--backend wasm|cpu] --out <file.json> <img.png>...
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { directoryHandler, initBackend, preprocess, tf } from './lib.mjs';

const { values, positionals: images } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string' },
  },
});
if (!values.model || !values.out || images.length === 0) {
  console.error('usage: node classify.mjs --model <dir> [--backend wasm|cpu] --out <file.json> <img.png>...');
  process.exit(2);
}

async function main() {
  const info = await initBackend(values.backend);
  console.error(`backend ${info.backend}, simd ${info.simd}, threads ${info.threads}`);
  const model = await tf.loadLayersModel(directoryHandler(values.model));

  const results = {};
  for (const file of images) {
    const name = basename(file);
    if (name in results) throw new Error(`two images are named ${name}`);
    const bytes = await readFile(file);
    results[name] = tf.tidy(() => Array.from(model.predict(preprocess(bytes).expandDims(0)).dataSync()));
  }
  await writeFile(values.out, JSON.stringify(results));
}

main().catch((err) => {
  console.error(`error: ${err.message}`);
  process.exit(1);
});
