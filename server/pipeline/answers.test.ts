import { describe, expect, it, vi } from 'vitest';
import { type AnswerMemo, type AnswerStep, remember } from './answers.js';

function mapMemo(): AnswerMemo & { store: Map<AnswerStep, Buffer> } {
  const store = new Map<AnswerStep, Buffer>();
  return {
    store,
    get: async (step) => store.get(step),
    put: async (step, answer) => {
      store.set(step, answer);
    },
  };
}

describe('remember', () => {
  it('asks the provider once per request and answers a retry from the memo', async () => {
    const memo = mapMemo();
    const call = vi.fn(async () => Buffer.from('scene bytes'));
    expect((await remember(memo, 'scene', 'prompt A', call)).toString()).toBe('scene bytes');
    expect((await remember(memo, 'scene', 'prompt A', call)).toString()).toBe('scene bytes');
    expect(call).toHaveBeenCalledOnce();
  });

  it('asks again for a different request (a relight of another composition)', async () => {
    const memo = mapMemo();
    const call = vi.fn(async () => Buffer.from('relit'));
    await remember(memo, 'relight', Buffer.from('photo 1'), call);
    await remember(memo, 'relight', Buffer.from('photo 2'), call);
    expect(call).toHaveBeenCalledTimes(2);
  });

  it('a memo that fails to read or write only costs the call', async () => {
    const broken: AnswerMemo = {
      get: async () => {
        throw new Error('disk gone');
      },
      put: async () => {
        throw new Error('disk full');
      },
    };
    const call = vi.fn(async () => Buffer.from('matte'));
    expect((await remember(broken, 'matte', 'photo', call)).toString()).toBe('matte');
    expect((await remember(undefined, 'matte', 'photo', call)).toString()).toBe('matte');
    expect(call).toHaveBeenCalledTimes(2);
  });

  it('does not keep a failed call', async () => {
    const memo = mapMemo();
    await expect(
      remember(memo, 'scene', 'p', async () => {
        throw new Error('503');
      }),
    ).rejects.toThrow('503');
    expect(memo.store.size).toBe(0);
  });
});
