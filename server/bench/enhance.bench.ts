/**
 * npm run bench [-- --json]: server-side time of "Enhance photo" (Shopee white studio) on 1200×1200
 * synthetic listing photos, next to a bare sharp decode → resize → encode of the same images in the same
 * run (the ratio is comparable across machines). Prints a table, or one JSON object on the last line.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { enhance } from '../pipeline/index.js';
import { makeProductPhoto } from '../pipeline/testing/synthetic.js';

const json = process.argv.includes('--json');
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const backgrounds = ['wood', 'fabric', 'plain', 'gradient'] as const;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

const inputs = await Promise.all(
  Array.from({ length: RUNS }, (_, i) =>
    makeProductPhoto({ width: 1200, height: 1200, seed: i + 1, background: backgrounds[i % 4] }),
  ),
);
// Warm-up: the first sharp call loads libvips and JIT-compiles our code.
await enhance(inputs[0]!.image, { presetId: 'shopee-white-studio' });

const enhanceMs: number[] = [];
const baselineMs: number[] = [];
for (const { image } of inputs) {
  let t = performance.now();
  await sharp(image)
    .rotate()
    .resize(1200, 1200, { fit: 'contain', background: '#fff' })
    .jpeg({ quality: 90 })
    .toBuffer();
  baselineMs.push(performance.now() - t);
  t = performance.now();
  await enhance(image, { presetId: 'shopee-white-studio' });
  enhanceMs.push(performance.now() - t);
}

const result = {
  machine: { cpus: os.cpus().length, node: process.version },
  runs: RUNS,
  shopeeWhiteStudio: {
    p50Ms: Math.round(quantile(enhanceMs, 0.5)),
    p95Ms: Math.round(quantile(enhanceMs, 0.95)),
  },
  bareSharp: { p50Ms: Math.round(quantile(baselineMs, 0.5)), p95Ms: Math.round(quantile(baselineMs, 0.95)) },
  ratioP50: Number((quantile(enhanceMs, 0.5) / quantile(baselineMs, 0.5)).toFixed(2)),
  target: { p50Ms: 400 },
  rssMb: Math.round(process.memoryUsage().rss / 1e6),
};

if (json) console.log(JSON.stringify(result));
else {
  console.log(
    `Enhance photo, "Shopee white studio", 1200×1200 input, ${RUNS} runs, ${result.machine.cpus} CPUs`,
  );
  console.log(
    `  enhance     p50 ${result.shopeeWhiteStudio.p50Ms} ms   p95 ${result.shopeeWhiteStudio.p95Ms} ms   (target p50 ≤ 400 ms)`,
  );
  console.log(`  bare sharp  p50 ${result.bareSharp.p50Ms} ms   p95 ${result.bareSharp.p95Ms} ms`);
  console.log(`  ratio p50   ${result.ratioP50}×   process RSS ${result.rssMb} MB`);
}
