/**
 * Answers of hosted models kept across a job's attempts. A queue retry (a later step failed, the worker
 * died) would otherwise pay the provider again for an image it already made; with a memo it reuses the
 * bytes. Each answer is kept with a digest of the request it answered, and only that request gets it
 * back (a relight asked of a different composition calls the model again). Best effort: a memo that
 * cannot be read or written only costs the provider call.
 */
import { createHash } from 'node:crypto';
import type { BackgroundRemover } from '../providers/background-removal/types.js';
import type { Relighter, SceneGenerator } from '../providers/generative/types.js';

/** The hosted calls of one job: the background remover's cut-out, the AI scene, the IC-Light relight. */
export type AnswerStep = 'matte' | 'scene' | 'relight';
export const ANSWER_STEPS: readonly AnswerStep[] = ['matte', 'scene', 'relight'];

export interface AnswerMemo {
  get(step: AnswerStep): Promise<Buffer | undefined>;
  put(step: AnswerStep, answer: Buffer): Promise<void>;
}

/** `call`'s answer to `request`, from `memo` when an earlier attempt of the job already got it. */
export async function remember(
  memo: AnswerMemo | undefined,
  step: AnswerStep,
  request: Buffer | string,
  call: () => Promise<Buffer>,
): Promise<Buffer> {
  if (!memo) return call();
  const digest = createHash('sha256').update(request).digest();
  const kept = await memo.get(step).catch(() => undefined);
  if (kept && kept.length > digest.length && kept.subarray(0, digest.length).equals(digest)) {
    return kept.subarray(digest.length);
  }
  const answer = await call();
  await memo.put(step, Buffer.concat([digest, answer])).catch(() => undefined);
  return answer;
}

/** The remover, the scene generator and the relighter, each answering from `memo` when it can. */
export function remembering(memo: AnswerMemo | undefined) {
  return {
    remover: (remover: BackgroundRemover): BackgroundRemover =>
      memo
        ? {
            provider: remover.provider,
            removeBackground: (image) =>
              remember(memo, 'matte', image, () => remover.removeBackground(image)),
          }
        : remover,
    scenes: (generator: SceneGenerator): SceneGenerator =>
      memo
        ? {
            provider: generator.provider,
            generateScene: (request, options) =>
              remember(memo, 'scene', JSON.stringify(request), () =>
                generator.generateScene(request, options),
              ),
          }
        : generator,
    relighter: (relighter: Relighter): Relighter =>
      memo
        ? {
            provider: relighter.provider,
            relight: (request, options) => {
              const { image, ...rest } = request;
              const asked = Buffer.concat([image, Buffer.from(JSON.stringify(rest))]);
              return remember(memo, 'relight', asked, () => relighter.relight(request, options));
            },
          }
        : relighter,
  };
}
