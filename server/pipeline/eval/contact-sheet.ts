/**
 * node --import tsx server/pipeline/eval/contact-sheet.ts [--out DIR] [--seed N] [--category NAME]…
 *   (default .tmp/contact-sheet/, seed 1, every category)
 *
 * One PNG per category of the evaluation set, a row per image: input | predicted matte | cut-out on a
 * checkerboard | error map (red = product missed, blue = background kept), IoU printed on the row. For
 * looking at halos and lost parts, which the mean numbers hide.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type RawImage, sharp } from '../sharp.js';
import { decodeRgb } from '../testing/pixels.js';
import { categoriesOption, seedOption } from './cli.js';
import { evaluateScene, type SceneResult } from './run.js';
import { sceneSpecs } from './scenes.js';

const TILE = 300;
const GAP = 6;
const outIndex = process.argv.indexOf('--out');
const outDir = path.resolve(outIndex > 0 ? process.argv[outIndex + 1]! : '.tmp/contact-sheet');

// Options checked before anything is written.
const seed = seedOption(process.argv, 'contact-sheet');
const categories = categoriesOption(process.argv, 'contact-sheet');
await mkdir(outDir, { recursive: true });
const specs = sceneSpecs(undefined, seed);
for (const category of categories) {
  const rows: SceneResult[] = [];
  for (const spec of specs.filter((s) => s.category === category)) rows.push(await evaluateScene(spec));
  const layers: { input: Buffer; left: number; top: number }[] = [];
  for (const [r, row] of rows.entries()) {
    const top = r * (TILE + GAP);
    const tiles = await tilesFor(row);
    tiles.forEach((tile, c) => {
      layers.push({ input: tile, left: c * (TILE + GAP), top });
    });
    const { spec } = row.scene;
    const label = `${spec.shape}/${spec.material}${spec.cutOff ? ' cut-off' : ''}  IoU ${row.iou.toFixed(3)}  MAE ${row.mae.toFixed(4)}  conf ${row.confidence.toFixed(2)}`;
    layers.push({ input: textSvg(label), left: 0, top });
  }
  const file = path.join(outDir, `${category}.png`);
  await sharp({
    create: {
      width: 4 * TILE + 3 * GAP,
      height: rows.length * (TILE + GAP) - GAP,
      channels: 3,
      background: '#202020',
    },
  })
    .composite(layers)
    .png()
    .toFile(file);
  console.log(`${file}  mean IoU ${(rows.reduce((a, r) => a + r.iou, 0) / rows.length).toFixed(3)}`);
}

async function tilesFor(row: SceneResult): Promise<Buffer[]> {
  const { width, height } = row.scene.spec;
  const rgb = await decodeRgb(row.scene.jpeg);
  const n = width * height;
  const matte: RawImage = { data: row.alpha, width, height, channels: 1 };
  const cutout = Buffer.alloc(n * 3);
  const error = Buffer.alloc(n * 3);
  for (let p = 0; p < n; p++) {
    const a = row.alpha[p]! / 255;
    const x = p % width;
    const y = (p - x) / width;
    const checker = ((x >> 4) + (y >> 4)) & 1 ? 200 : 255;
    for (let c = 0; c < 3; c++) cutout[p * 3 + c] = Math.round(rgb.data[p * 3 + c]! * a + checker * (1 - a));
    const d = row.alpha[p]! - row.scene.alpha[p]!;
    // Missed product in red, kept background in blue, on a dimmed grey copy of the photo.
    const grey = rgb.data[p * 3 + 1]! * 0.35;
    error[p * 3] = Math.min(255, grey + Math.max(0, -d));
    error[p * 3 + 1] = grey;
    error[p * 3 + 2] = Math.min(255, grey + Math.max(0, d));
  }
  const toTile = (image: RawImage) =>
    sharp(image.data, { raw: { width, height, channels: image.channels } })
      .resize(TILE, TILE, { fit: 'contain', background: '#202020' })
      .png()
      .toBuffer();
  return Promise.all([
    toTile(rgb),
    toTile(matte),
    toTile({ data: cutout, width, height, channels: 3 }),
    toTile({ data: error, width, height, channels: 3 }),
  ]);
}

function textSvg(text: string): Buffer {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${4 * TILE}" height="22"><rect width="100%" height="22" fill="#000" opacity="0.6"/><text x="6" y="16" font-family="sans-serif" font-size="14" fill="#fff">${escaped}</text></svg>`,
  );
}
