/**
 * Operator command: download the weights for the ONNX background-removal provider.
 *   npm run models:fetch -- <isnet|birefnet|u2net> [--out PATH] [--sha256 HEX] [--url URL]
 * Progress on stderr; the settings to use on stdout. Exit 0 done, 1 download failed, 64 bad usage.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { downloadModel } from '../providers/background-removal/model-download.js';
import {
  NON_COMMERCIAL_MESSAGE,
  NON_COMMERCIAL_MODEL,
  ONNX_MODEL_KINDS,
  ONNX_MODELS,
  type OnnxModelKind,
} from '../providers/background-removal/onnx-models.js';
import { commandLine } from './cli.js';

const USAGE = `Usage: npm run models:fetch -- <${ONNX_MODEL_KINDS.join('|')}> [--out PATH] [--sha256 HEX] [--url URL]

${ONNX_MODEL_KINDS.map((k) => `  ${k.padEnd(9)} ${ONNX_MODELS[k].fileName} (${ONNX_MODELS[k].licence})`).join('\n')}

  --out PATH     where to save it (default .data/models/<file name>)
  --sha256 HEX   refuse the file unless its SHA-256 is this
  --url URL      download from here instead (a mirror, or a local server in tests)
  -h, --help     this text

Exit codes: 0 saved, 1 download failed or checksum mismatch, 64 bad usage.`;

const cli = commandLine(USAGE, () =>
  parseArgs({
    options: {
      out: { type: 'string' },
      sha256: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  }),
);
const { values: args, positionals } = cli;
// Annotated, so a call narrows like `process.exit` does.
const usageError: (message: string) => never = cli.usageError;
const requested = positionals[0];
if (!requested || positionals.length > 1) usageError('Name exactly one model.');
if (NON_COMMERCIAL_MODEL.test(requested)) usageError(`${requested}: ${NON_COMMERCIAL_MESSAGE}.`);
if (!(ONNX_MODEL_KINDS as readonly string[]).includes(requested)) {
  usageError(`Unknown model "${requested}". Known: ${ONNX_MODEL_KINDS.join(', ')}.`);
}
const kind = requested as OnnxModelKind;
const spec = ONNX_MODELS[kind];
const url = args.url ?? spec.url;
const out = resolve(args.out ?? `.data/models/${spec.fileName}`);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<number> {
  process.stderr.write(`${kind} (${spec.licence}) ← ${url}\n`);
  // A line per 10 % (or per 25 MB without a length): readable in a terminal and in a CI log alike.
  let nextMark = 0;
  try {
    const done = await downloadModel({
      url,
      out,
      ...(args.sha256 ? { sha256: args.sha256 } : {}),
      onProgress: (received, total) => {
        const mark = total ? Math.floor((received / total) * 10) : Math.floor(received / (25 * 1024 * 1024));
        if (mark < nextMark) return;
        nextMark = mark + 1;
        process.stderr.write(total ? `  ${mark * 10}% of ${mb(total)}\n` : `  ${mb(received)}\n`);
      },
    });
    process.stderr.write(`saved ${done.path} (${mb(done.bytes)}, sha256 ${done.sha256})\n`);
    if (!args.sha256) process.stderr.write('no --sha256 given: pin the one above for the next install\n');
    process.stdout.write(`BG_REMOVAL_PROVIDER=onnx\nONNX_MODEL_PATH=${done.path}\nONNX_MODEL_KIND=${kind}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`✗ ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = await main();
