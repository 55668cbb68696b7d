// Shared pieces of the TF.js reference tools: backend set-up, loading a local
// layers model, the exact preprocessing the Java implementation mirrors, and
// pooled feature extraction from named layers.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import pngjs from 'pngjs';

export { tf };

const INPUT_SIZE = 224;
/** Special layer name: the model's own final output (softmax over 5 classes). */
export const LOGITS = 'logits';

/**
 * Activates the 'wasm' or 'cpu' backend. Returns {backend, simd, threads}.
 * In Node the wasm backend never uses threads (tfjs disables them there), so it
 * runs the single-threaded SIMD binary when the runtime supports SIMD.
 */
export async function initBackend(name) {
  if (name === 'wasm') {
    const require = createRequire(import.meta.url);
    setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`);
  } else if (name !== 'cpu') {
    throw new Error(`unknown backend '${name}' (use wasm or cpu)`);
  }
  if (!(await tf.setBackend(name))) throw new Error(`backend '${name}' failed to initialise`);
  await tf.ready();
  if (name === 'cpu') return { backend: name, simd: false, threads: 1 };
  return { backend: name, simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'), threads: getThreadsCount() };
}

/** IOHandler reading <dir>/model.json and concatenating its weight shards in manifest order. */
export function directoryHandler(dir) {
  return {
    async load() {
      const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
      const data = Buffer.concat(await Promise.all(paths.map((p) => readFile(join(dir, p)))));
      return {
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
        format: modelJson.format,
        generatedBy: modelJson.generatedBy,
        convertedBy: modelJson.convertedBy,
      };
    },
  };
}

/**
 * Loads the layers model in `dir` and returns a function mapping a [n,224,224,3]
 * batch to {layer: Tensor2D [n, features]}: 4-D outputs are averaged over height
 * and width, `logits` (and any other 2-D output) is returned as-is.
 * Call it inside tf.tidy.
 */
export async function loadFeatureExtractor(dir, layers) {
  const model = await tf.loadLayersModel(directoryHandler(dir));
  const outputs = layers.map((name) => (name === LOGITS ? model.outputs[0] : model.getLayer(name).output));
  const extractor = tf.model({ inputs: model.inputs, outputs });
  return (batch) => {
    const results = [extractor.predict(batch)].flat();
    return Object.fromEntries(
      layers.map((name, i) => [name, results[i].rank === 4 ? tf.mean(results[i], [1, 2]) : results[i]]),
    );
  };
}

/**
 * PNG bytes -> float32 [224,224,3] in [0,1]: pngjs decodes to 8-bit RGBA, alpha is
 * dropped, values are divided by 255 and resized bilinearly with alignCorners = true
 * (as the nsfwjs package does). Call it inside tf.tidy.
 */
export function preprocess(pngBytes) {
  const { width, height, data } = pngjs.PNG.sync.read(pngBytes);
  const rgb = new Int32Array(width * height * 3);
  for (let px = 0; px < width * height; px++) {
    rgb[px * 3] = data[px * 4];
    rgb[px * 3 + 1] = data[px * 4 + 1];
    rgb[px * 3 + 2] = data[px * 4 + 2];
  }
  const image = tf.tensor3d(rgb, [height, width, 3], 'int32').toFloat().div(255);
  return tf.image.resizeBilinear(image, [INPUT_SIZE, INPUT_SIZE], true);
}

/** Splits a comma-separated option value into its non-empty items. */
export const splitList = (value) => value.split(',').map((s) => s.trim()).filter(Boolean);
