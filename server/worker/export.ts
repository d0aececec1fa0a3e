/**
 * The "export" job handler: the seller's finished photos → one ZIP in storage, with metadata.json →
 * capture; or, once the queue gives up, fail → release. The archive is streamed: yazl asks for one entry
 * at a time (addReadStreamLazy) and the output is piped to storage with backpressure, so at most one image
 * (plus, for multi-platform, the one render it came from) is in memory whatever the item count.
 */
import { createHash } from 'node:crypto';
import { type PassThrough, Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { ExportFormat } from '../../shared/api.js';
import { OUTPUT_PRESETS, type OutputPresetId } from '../../shared/presets.js';
import { stepsOfLook } from '../../shared/templates.js';
import type { WorkflowStep } from '../../shared/workflow.js';
import type { Db } from '../db/knex.js';
import { Job, JobExport, Seller } from '../db/models.js';
import type { Logger } from '../logger.js';
import type { EncodedFile } from '../pipeline/index.js';
import { type JobHandler, PermanentJobError } from '../queue/index.js';
import { zipKey } from '../services/exports.js';
import { completeJob, failJob, reportProgress, startProcessing } from '../services/jobs.js';
import type { Storage } from '../storage/index.js';
import type { Pipeline } from './enhance.js';
import { finalFailureCode, rethrowClassified } from './failure.js';

export interface ExportPipeline {
  enhance: Pipeline['enhance'];
  /** Returns the input itself when it is already in `format`. */
  transcodeImage(input: Buffer, format: ExportFormat): Promise<EncodedFile>;
  workflowForPlatform(
    steps: readonly WorkflowStep[],
    platform: OutputPresetId,
    format: ExportFormat,
  ): WorkflowStep[];
}

/** One image file of the archive, planned before anything is read. */
interface Entry {
  source: Job;
  path: string;
  format: ExportFormat;
  /** Null: the stored result (re-encoded when `format` differs). Set: re-rendered for that preset. */
  platform: OutputPresetId | null;
}

export interface MetadataFile {
  path: string;
  format: ExportFormat;
  platform: OutputPresetId | null;
  width: number;
  height: number;
  bytes: number;
  sha256: string;
}

/** metadata.json: what the seller can see about each photo, never storage keys or internals. */
export interface ExportMetadata {
  exportId: string;
  createdAt: string;
  formats: ExportFormat[] | 'as-made';
  platforms: OutputPresetId[];
  items: Array<{
    jobId: string;
    presetId: string | null;
    templateId: string | null;
    marketplace: string;
    productId: string;
    slot: number;
    sourceImageId: string | null;
    finishedAt: string | null;
    matte: { method: string | null; confidence: number | null };
    files: MetadataFile[];
  }>;
}

const FOLDER: Record<ExportFormat, string> = { jpeg: 'jpg', png: 'png' };

/** Readable, unique within the archive (the job id prefix), built from the listing the photo belongs to. */
function baseName(job: Job): string {
  return `${job.marketplace}-${job.productId}-slot${job.slot}-${job.id.slice(0, 8)}`;
}

function stepsOf(job: Job): readonly WorkflowStep[] {
  const steps = stepsOfLook(job);
  if (!steps) throw new PermanentJobError('NOT_FOUND');
  return steps;
}

/** "As made" for a result: PNG stays PNG; JPEG stays JPEG (and anything else becomes JPEG). */
function storedFormat(job: Job): ExportFormat {
  return job.resultMeta?.format === 'png' ? 'png' : 'jpeg';
}

/** Every file of the archive in order: per photo, its format folders, then its platform folders. */
function planEntries(sources: readonly Job[], spec: JobExport): Entry[] {
  const entries: Entry[] = [];
  for (const source of sources) {
    const name = baseName(source);
    const formats = spec.formats.length > 0 ? spec.formats : [storedFormat(source)];
    for (const format of formats) {
      entries.push({ source, format, platform: null, path: `${FOLDER[format]}/${name}.${FOLDER[format]}` });
    }
    for (const platform of spec.platforms) {
      const platformFormats = spec.formats.length > 0 ? spec.formats : [OUTPUT_PRESETS[platform].format];
      for (const format of platformFormats as ExportFormat[]) {
        entries.push({ source, format, platform, path: `${platform}/${name}.${FOLDER[format]}` });
      }
    }
  }
  return entries;
}

/** Input problems and missing files retrying cannot fix. */
const PERMANENT = new Set(['UNSUPPORTED_IMAGE', 'IMAGE_INVALID', 'NOT_FOUND']);

export function exportHandler(deps: {
  db: Db;
  storage: Storage;
  logger: Logger;
  pipeline: ExportPipeline;
  ttlDays: number;
}): JobHandler {
  const { db, storage, pipeline } = deps;

  return {
    async run({ id }, ctx) {
      const job = await startProcessing(db, id, ctx.attempt);
      if (!job) return; // finished already (a duplicate delivery)
      try {
        const spec = await JobExport.query(db).findById(id);
        const owner = await Seller.query(db).findById(job.sellerId);
        if (!spec || !owner) throw new PermanentJobError('NOT_FOUND');
        // Re-checked here, not trusted from the API: each source is the owner's own finished photo.
        const rows = await Job.query(db)
          .whereIn('id', spec.sourceJobIds)
          .where({ sellerId: job.sellerId, kind: 'enhance', status: 'succeeded' });
        const byId = new Map(rows.map((r) => [r.id, r]));
        const sources = spec.sourceJobIds.map((sourceId) => byId.get(sourceId));
        if (sources.some((s) => !s)) throw new PermanentJobError('NOT_FOUND');
        const entries = planEntries(sources as Job[], spec);

        const createdAt = new Date(job.createdAt);
        const metadata: ExportMetadata = {
          exportId: id,
          createdAt: createdAt.toISOString(),
          formats: spec.formats.length > 0 ? [...spec.formats] : 'as-made',
          platforms: [...spec.platforms],
          items: (sources as Job[]).map((s) => ({
            jobId: s.id,
            presetId: s.presetId,
            templateId: s.templateId,
            marketplace: s.marketplace,
            productId: s.productId,
            slot: s.slot,
            sourceImageId: s.sourceImageId,
            finishedAt: s.finishedAt ? new Date(s.finishedAt).toISOString() : null,
            matte: {
              method: s.resultMeta?.matteMethod ?? null,
              confidence: s.resultMeta?.confidence ?? null,
            },
            files: [],
          })),
        };
        const itemOf = new Map(metadata.items.map((item) => [item.jobId, item]));

        // The last platform render, kept for the entry after it (the same render in the other format).
        let lastRender: { key: string; file: EncodedFile } | undefined;
        const produce = async (entry: Entry): Promise<EncodedFile> => {
          const { source } = entry;
          if (!entry.platform) {
            const stored = source.resultKey ? await storage.get(source.resultKey) : undefined;
            // Retrying cannot bring a lost file back; the seller reads "export failed, credits returned".
            if (!stored) throw new PermanentJobError('EXPORT_FAILED');
            // The stored bytes themselves when the format matches; re-encoded otherwise.
            return pipeline.transcodeImage(stored, entry.format);
          }
          const key = `${source.id}|${entry.platform}`;
          if (lastRender?.key === key) return pipeline.transcodeImage(lastRender.file.data, entry.format);
          lastRender = undefined;
          const input = source.inputKey ? await storage.get(source.inputKey) : undefined;
          if (!input) throw new PermanentJobError('EXPORT_FAILED');
          // Render once per platform, losslessly when PNG is wanted too, and re-encode for the other format.
          const renderFormat: ExportFormat = spec.formats.includes('png') ? 'png' : entry.format;
          const output = await pipeline.enhance(input, {
            workflow: pipeline.workflowForPlatform(stepsOf(source), entry.platform, renderFormat),
            // Not the listing's marketplace: these files are for the platform, which enhance() checks.
            tier: owner.tier,
          });
          const rendered: EncodedFile = {
            data: output.data,
            format: renderFormat,
            width: output.width,
            height: output.height,
          };
          lastRender = { key, file: rendered };
          return entry.format === renderFormat
            ? rendered
            : pipeline.transcodeImage(rendered.data, entry.format);
        };

        const zip = new ZipFile();
        const output = zip.outputStream as PassThrough;
        // A failed entry must fail the write below, not leave it waiting for an end that never comes.
        zip.on('error', (error: Error) => output.destroy(error));
        let done = 0;
        for (const entry of entries) {
          zip.addReadStreamLazy(entry.path, { compress: false, mtime: createdAt }, (callback) => {
            produce(entry).then(
              async (file) => {
                itemOf.get(entry.source.id)!.files.push({
                  path: entry.path,
                  format: file.format,
                  platform: entry.platform,
                  width: file.width,
                  height: file.height,
                  bytes: file.data.length,
                  sha256: createHash('sha256').update(file.data).digest('hex'),
                });
                done += 1;
                const percent = 5 + (90 * done) / entries.length;
                await reportProgress(db, id, percent, 'zip');
                await ctx.updateProgress(percent);
                callback(null, Readable.from([file.data]));
              },
              (error: unknown) => callback(error, undefined as unknown as NodeJS.ReadableStream),
            );
          });
        }
        // Last, so it describes every file above: yazl asks for it only after they are all written.
        zip.addReadStreamLazy('metadata.json', { mtime: createdAt }, (callback) => {
          callback(null, Readable.from([Buffer.from(`${JSON.stringify(metadata, null, 2)}\n`)]));
        });
        zip.end();
        const bytes = await storage.putStream(zipKey(id), output);

        await completeJob(db, id, null, {
          resultKey: zipKey(id),
          withinTransaction: async (trx) => {
            await JobExport.query(trx)
              .patch({
                fileCount: entries.length,
                zipBytes: bytes,
                expiresAt: new Date(Date.now() + deps.ttlDays * 24 * 3600_000),
              })
              .where({ jobId: id });
          },
        });
      } catch (error) {
        rethrowClassified(error, PERMANENT);
      }
    },
    async onFinalFailure({ id }, error) {
      const code = finalFailureCode(error);
      if (await failJob(db, id, code))
        deps.logger.info({ exportId: id, code }, 'export failed; hold released');
      await storage.delete(zipKey(id));
    },
  };
}
