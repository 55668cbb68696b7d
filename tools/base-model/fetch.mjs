#!/usr/bin/env node
// Fetches the default base model (the MobileNetV2 classifier shipped inside the
// nsfwjs@4.4.0 npm package as UMD bundles) and writes it out as a standard
// TF.js layers model: <outDir>/model.json + <outDir>/group1-shard1of1.bin.
// Usage: node fetch.mjs <outDir>
// Exit codes: 0 ok, 2 usage, 3 shard sha256 mismatch, 1 other failure.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const PACKAGE = 'nsfwjs@4.4.0';
const MODEL_DIR = 'package/dist/models/mobilenet_v2';
const SHARD_NAME = 'group1-shard1of1.bin';
const EXPECTED_SHA256 = '8e7dddbb16acacc1bf1601b1b8a761e730ff934b7f2d7771312b2f000e5f5f13';

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/** Writes via a temporary name in the same directory, then renames into place. */
function writeAtomic(path, data) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Downloads and unpacks the npm package; returns {modelTopology, weightsManifest, shard}. */
function loadFromPackage(workDir) {
  execFileSync('npm', ['pack', PACKAGE, '--pack-destination', workDir, '--silent'], {
    cwd: workDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarball = readdirSync(workDir).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${PACKAGE} produced no tarball`);
  execFileSync('tar', ['-xzf', tarball], { cwd: workDir, stdio: 'inherit' });

  const require = createRequire(join(workDir, 'package.json'));
  const { modelTopology, weightsManifest } = require(join(workDir, MODEL_DIR, 'model.min.js'));
  const shardBase64 = require(join(workDir, MODEL_DIR, 'group1-shard1of1.min.js'));
  if (typeof shardBase64 !== 'string') throw new Error('shard bundle did not export a base64 string');
  return { modelTopology, weightsManifest, shard: Buffer.from(shardBase64, 'base64') };
}

function main() {
  const [outArg] = process.argv.slice(2);
  if (!outArg) {
    console.error('usage: node fetch.mjs <outDir>');
    process.exit(2);
  }
  const outDir = resolve(outArg);
  const modelJsonPath = join(outDir, 'model.json');
  const shardPath = join(outDir, SHARD_NAME);
  const report = () =>
    console.log(JSON.stringify({ modelJson: modelJsonPath, shard: shardPath, sha256: EXPECTED_SHA256 }));

  if (existsSync(modelJsonPath) && existsSync(shardPath) && sha256(readFileSync(shardPath)) === EXPECTED_SHA256) {
    report();
    return;
  }

  const workDir = mkdtempSync(join(tmpdir(), 'base-model-'));
  try {
    const { modelTopology, weightsManifest, shard } = loadFromPackage(workDir);
    const actual = sha256(shard);
    if (actual !== EXPECTED_SHA256) {
      console.error(`shard sha256 mismatch: expected ${EXPECTED_SHA256}, actual ${actual}`);
      process.exitCode = 3;
      return;
    }
    if (weightsManifest.length !== 1) throw new Error(`expected one weights group, got ${weightsManifest.length}`);

    const modelJson = {
      format: 'layers-model',
      generatedBy: 'keras v2.2.4',
      convertedBy: `streamtune tools/base-model from ${PACKAGE}`,
      modelTopology,
      weightsManifest: [{ paths: [SHARD_NAME], weights: weightsManifest[0].weights }],
    };
    mkdirSync(outDir, { recursive: true });
    // Shard first, so an existing model.json always has its weights beside it.
    writeAtomic(shardPath, shard);
    writeAtomic(modelJsonPath, JSON.stringify(modelJson));
    report();
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (err) {
  console.error(`fetch failed: ${err.message}`);
  process.exitCode = 1;
}
