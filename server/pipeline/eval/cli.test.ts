import { afterEach, describe, expect, it, vi } from 'vitest';
import { categoriesOption, seedOption } from './cli.js';
import { CATEGORIES } from './scenes.js';

/** Runs `parse`, turning its process.exit into a thrown error carrying the exit code and the message. */
function exitOf(parse: () => unknown): { code: unknown; message: string } {
  const errors: string[] = [];
  vi.spyOn(console, 'error').mockImplementation((line: string) => errors.push(line));
  vi.spyOn(process, 'exit').mockImplementation((code) => {
    throw Object.assign(new Error('exit'), { code });
  });
  try {
    parse();
  } catch (error) {
    return { code: (error as { code: unknown }).code, message: errors.join('\n') };
  }
  throw new Error('did not exit');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('evaluation command options', () => {
  it('reads --seed, 1 when absent, and exits 2 with a usage line on anything but a whole number ≥ 1', () => {
    expect(seedOption(['node', 'x'], 'cmd')).toBe(1);
    expect(seedOption(['node', 'x', '--seed', '7'], 'cmd')).toBe(7);
    for (const bad of [['--seed'], ['--seed', '0'], ['--seed', '2.5'], ['--seed', 'two']]) {
      expect(exitOf(() => seedOption(['node', 'x', ...bad], 'cmd'))).toEqual({
        code: 2,
        message: 'cmd: --seed takes a whole number ≥ 1, e.g. --seed 2',
      });
    }
  });

  it('reads repeated --category, every category when absent, and exits 2 on an unknown one', () => {
    expect(categoriesOption(['node', 'x'], 'cmd')).toEqual(CATEGORIES);
    expect(categoriesOption(['--category', 'tiles', '--seed', '2', '--category', 'clutter'], 'cmd')).toEqual([
      'tiles',
      'clutter',
    ]);
    const { code, message } = exitOf(() => categoriesOption(['--category', 'carpet'], 'cmd'));
    expect(code).toBe(2);
    expect(message).toContain('--category takes one of plain, gradient');
  });
});
