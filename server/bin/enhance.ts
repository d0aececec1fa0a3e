/**
 * Operator CLI on the same pipeline as the worker:
 *   npm run enhance -- --preset <id> --in <file|folder> --out <folder> [--matte] [--tier <tier>]
 * Progress per file on stderr; exit 1 if any file failed, 64 on bad usage, 0 otherwise.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Tier } from '../../shared/api.js';
import { WORKFLOW_PRESET_IDS, type WorkflowPresetId } from '../../shared/presets.js';
import { isAppError } from '../errors.js';
import { computeMatte, enhance } from '../pipeline/index.js';
import { sniffFormat } from '../pipeline/inspect.js';
import { commandLine } from './cli.js';

const USAGE = `Usage: npm run enhance -- [--preset <id>] --in <file|folder> --out <folder> [--matte] [--tier <tier>]

  --preset <id>   workflow preset (default shopee-white-studio): ${WORKFLOW_PRESET_IDS.join(', ')}
  --in <path>     a JPEG/PNG/WebP file, or a folder (its files, not sub-folders; type decided by the bytes)
  --out <folder>  where results go (created if missing); <name>.<jpg|png|webp>
  --matte         write the alpha matte instead: <name>.matte.png, 8-bit greyscale, input size
  --tier <tier>   ${Tier.options.join(', ')} (default professional: no watermark, no size cap)
  -h, --help      this text

Exit codes: 0 all files done, 1 some file failed, 64 bad usage.`;

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);
const EXTENSION_OF = { jpeg: 'jpg', png: 'png', webp: 'webp' } as const;

const cli = commandLine(USAGE, () =>
  parseArgs({
    options: {
      preset: { type: 'string', default: 'shopee-white-studio' },
      in: { type: 'string' },
      out: { type: 'string' },
      matte: { type: 'boolean', default: false },
      tier: { type: 'string', default: 'professional' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  }),
);
const args = cli.values;
// Annotated, so a call narrows like `process.exit` does.
const usageError: (message: string) => never = cli.usageError;
if (!(WORKFLOW_PRESET_IDS as readonly string[]).includes(args.preset)) {
  usageError(`Unknown preset "${args.preset}". Valid presets:\n  ${WORKFLOW_PRESET_IDS.join('\n  ')}`);
}
const presetId = args.preset as WorkflowPresetId;
const tier = Tier.safeParse(args.tier);
if (!tier.success) usageError(`Unknown tier "${args.tier}". Valid tiers: ${Tier.options.join(', ')}`);
if (!args.in) usageError('--in is required.');
if (!args.out) usageError('--out is required.');
const inPath = args.in;
const outDir = args.out;

interface Candidate {
  path: string;
  /** Named on the command line: a non-image is a failure, not a skip. */
  explicit: boolean;
}

async function collect(path: string): Promise<Candidate[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    usageError(`--in ${path}: no such file or folder.`);
  }
  if (info.isFile()) return [{ path, explicit: true }];
  if (!info.isDirectory()) usageError(`--in ${path}: not a file or folder.`);
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => ({ path: join(path, name), explicit: false }));
}

const kb = (bytes: number) => `${Math.max(1, Math.round(bytes / 1024))} KB`;

async function main(): Promise<number> {
  const candidates = await collect(inPath);
  await mkdir(outDir, { recursive: true });

  // Decide by the bytes: images go through; a file whose name claims to be an image but whose bytes
  // aren't is a failure (the pipeline says why); anything else in a folder is skipped.
  const work: Array<{ path: string; bytes: Buffer }> = [];
  let skipped = 0;
  for (const candidate of candidates) {
    const bytes = await readFile(candidate.path);
    const looksLikeImage = IMAGE_EXTENSIONS.has(extname(candidate.path).toLowerCase());
    if (sniffFormat(bytes) || looksLikeImage || candidate.explicit) {
      work.push({ path: candidate.path, bytes });
    } else {
      skipped++;
      process.stderr.write(
        `skip ${basename(candidate.path)}: not a JPEG, PNG or WebP image (by its bytes)\n`,
      );
    }
  }

  let failed = 0;
  for (const [index, { path, bytes }] of work.entries()) {
    const name = basename(path);
    const stem = basename(path, extname(path));
    const prefix = `[${index + 1}/${work.length}] ${name}`;
    const started = performance.now();
    try {
      let outPath: string;
      let facts: { width: number; height: number; bytes: number };
      if (args.matte) {
        const matte = await computeMatte(bytes);
        outPath = join(outDir, `${stem}.matte.png`);
        await writeFile(outPath, matte.data);
        facts = { width: matte.width, height: matte.height, bytes: matte.data.length };
      } else {
        const result = await enhance(bytes, { presetId, tier: tier.data });
        outPath = join(outDir, `${stem}.${EXTENSION_OF[result.format]}`);
        await writeFile(outPath, result.data);
        facts = result;
      }
      const ms = Math.round(performance.now() - started);
      process.stderr.write(
        `${prefix} → ${outPath} ${facts.width}×${facts.height} ${kb(facts.bytes)} ${ms} ms\n`,
      );
    } catch (error) {
      failed++;
      const message = isAppError(error)
        ? `${error.message} (${error.code})`
        : `unexpected error: ${(error as Error)?.message ?? String(error)}`;
      process.stderr.write(`${prefix} ✗ ${message}\n`);
    }
  }
  const done = work.length - failed;
  process.stderr.write(`${done} written, ${failed} failed, ${skipped} skipped\n`);
  return failed > 0 ? 1 : 0;
}

process.exitCode = await main();
