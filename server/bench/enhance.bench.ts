/**
 * npm run bench [-- --json]: server-side time of "Enhance photo" for every workflow preset on 1200×1200
 * synthetic listing photos, next to a bare sharp decode → resize → encode of the same images in the same
 * run (the ratio is comparable across machines). Prints a table, or one JSON object on the last line.
 * BENCH_RUNS (default 20) photos per preset; BENCH_PRESETS=id,id limits the presets.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { WORKFLOW_PRESET_IDS, type WorkflowPresetId } from '../../shared/presets.js';
import { enhance } from '../pipeline/index.js';
import { makeProductPhoto } from '../pipeline/testing/synthetic.js';

const json = process.argv.includes('--json');
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const presets = (process.env.BENCH_PRESETS?.split(',') ?? WORKFLOW_PRESET_IDS) as WorkflowPresetId[];
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
for (const presetId of presets) await enhance(inputs[0]!.image, { presetId });

const baselineMs: number[] = [];
const enhanceMs = new Map<WorkflowPresetId, number[]>(presets.map((id) => [id, []]));
for (const { image } of inputs) {
  const t = performance.now();
  await sharp(image)
    .rotate()
    .resize(1200, 1200, { fit: 'contain', background: '#fff' })
    .jpeg({ quality: 90 })
    .toBuffer();
  baselineMs.push(performance.now() - t);
  // Presets interleaved per photo, so a noisy moment on the machine hits them all alike.
  for (const presetId of presets) {
    const started = performance.now();
    await enhance(image, { presetId });
    enhanceMs.get(presetId)!.push(performance.now() - started);
  }
}

const baselineP50 = quantile(baselineMs, 0.5);
const result = {
  machine: { cpus: os.cpus().length, node: process.version },
  runs: RUNS,
  presets: Object.fromEntries(
    presets.map((id) => {
      const times = enhanceMs.get(id)!;
      return [
        id,
        {
          p50Ms: Math.round(quantile(times, 0.5)),
          p95Ms: Math.round(quantile(times, 0.95)),
          ratioP50: Number((quantile(times, 0.5) / baselineP50).toFixed(2)),
        },
      ];
    }),
  ),
  bareSharp: { p50Ms: Math.round(baselineP50), p95Ms: Math.round(quantile(baselineMs, 0.95)) },
  target: { preset: 'shopee-white-studio', p50Ms: 400 },
  rssMb: Math.round(process.memoryUsage().rss / 1e6),
};

if (json) console.log(JSON.stringify(result));
else {
  console.log(`Enhance photo, 1200×1200 input, ${RUNS} runs per preset, ${result.machine.cpus} CPUs`);
  const width = Math.max(...presets.map((id) => id.length));
  for (const [id, t] of Object.entries(result.presets)) {
    const target = id === result.target.preset ? `   (target p50 ≤ ${result.target.p50Ms} ms)` : '';
    console.log(
      `  ${id.padEnd(width)}  p50 ${String(t.p50Ms).padStart(4)} ms   p95 ${String(t.p95Ms).padStart(4)} ms   ${t.ratioP50}× bare sharp${target}`,
    );
  }
  console.log(
    `  ${'bare sharp'.padEnd(width)}  p50 ${String(result.bareSharp.p50Ms).padStart(4)} ms   p95 ${String(result.bareSharp.p95Ms).padStart(4)} ms`,
  );
  console.log(`  process RSS ${result.rssMb} MB`);
}
