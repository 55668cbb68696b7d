#!/usr/bin/env node
// Reference feature extractor: writes the pooled activations of the requested
// layers for each PNG, one image at a time, as JSON (float32 values, exact).
// Usage: node features.mjs --model <dir> --layers a,b,c [--backend wasm|cpu] --out <file.json> <img.png>...
import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, loadFeatureExtractor, preprocess, splitList, tf } from './lib.mjs';

const { values, positionals: images } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string' },
    layers: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    out: { type: 'string' },
  },
});
if (!values.model || !values.layers || !values.out || images.length === 0) {
  console.error('usage: node features.mjs --model <dir> --layers a,b,c [--backend wasm|cpu] --out <file.json> <img.png>...');
  process.exit(2);
}

async function main() {
  const layers = splitList(values.layers);
  const info = await initBackend(values.backend);
  console.error(`backend ${info.backend}, simd ${info.simd}, threads ${info.threads}`);
  const extract = await loadFeatureExtractor(values.model, layers);

  const results = [];
  for (const file of images) {
    const bytes = await readFile(file);
    const features = tf.tidy(() => {
      const pooled = extract(preprocess(bytes).expandDims(0));
      return Object.fromEntries(layers.map((name) => [name, Array.from(pooled[name].dataSync())]));
    });
    results.push({ file: basename(file), features });
  }
  await writeFile(values.out, JSON.stringify({ backend: info.backend, layers, images: results }));
}

main().catch((err) => {
  console.error(`error: ${err.message}`);
  process.exit(1);
});
