/** The operator CLI as a child process, on a temp folder of synthetic photos and a non-image. */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProductPhoto } from '../pipeline/testing/synthetic.js';

const run = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      'tsx',
      'server/bin/enhance.ts',
      ...args,
    ]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lumiku-cli-'));
  await writeFile(join(dir, 'a.jpg'), (await makeProductPhoto({ width: 800, height: 600, seed: 1 })).image);
  await writeFile(
    join(dir, 'b.jpg'),
    (await makeProductPhoto({ width: 640, height: 640, seed: 2, background: 'plain' })).image,
  );
  await writeFile(join(dir, 'notes.jpg'), 'not a photo, just text\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('npm run enhance', () => {
  it('enhances every image in a folder, reports the bad file clearly and exits 1', async () => {
    const out = join(dir, 'out');
    const { code, stderr } = await cli(['--preset', 'shopee-white-studio', '--in', dir, '--out', out]);
    expect(code).toBe(1);
    expect(stderr).toContain('notes.jpg ✗ This file is not a JPEG, PNG or WebP image.');
    expect(stderr).toMatch(/\[\d\/3\] a\.jpg → .*a\.jpg 1200×1200 \d+ KB \d+ ms/);
    expect((await readdir(out)).sort()).toEqual(['a.jpg', 'b.jpg']);
    for (const name of ['a.jpg', 'b.jpg']) {
      const meta = await sharp(join(out, name)).metadata();
      expect(meta).toMatchObject({ format: 'jpeg', width: 1200, height: 1200 });
    }
  }, 60_000);

  it('--matte writes greyscale PNG mattes of the input size: product white, corners black', async () => {
    const out = join(dir, 'mattes');
    const { code } = await cli(['--in', dir, '--out', out, '--matte']);
    expect(code).toBe(1);
    expect((await readdir(out)).sort()).toEqual(['a.matte.png', 'b.matte.png']);
    for (const [name, width, height] of [
      ['a.matte.png', 800, 600],
      ['b.matte.png', 640, 640],
    ] as const) {
      const meta = await sharp(join(out, name)).metadata();
      expect(meta).toMatchObject({ format: 'png', width, height, channels: 1, depth: 'uchar' });
      const { data } = await sharp(join(out, name))
        .extractChannel(0)
        .raw()
        .toBuffer({ resolveWithObject: true });
      const at = (x: number, y: number) => data[y * width + x];
      expect(at(width >> 1, height >> 1)).toBe(255);
      for (const [x, y] of [
        [2, 2],
        [width - 3, 2],
        [2, height - 3],
        [width - 3, height - 3],
      ] as const) {
        expect(at(x, y)).toBe(0);
      }
    }
  }, 60_000);

  it('rejects an unknown preset with the valid ids and exit 64', async () => {
    const { code, stderr } = await cli(['--preset', 'nope', '--in', dir, '--out', join(dir, 'x')]);
    expect(code).toBe(64);
    expect(stderr).toContain('Unknown preset "nope"');
    expect(stderr).toContain('shopee-white-studio');
  });
});
