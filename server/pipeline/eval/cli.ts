/** Command-line options shared by the evaluation commands (matte-eval.ts, contact-sheet.ts). */
import { CATEGORIES, type Category } from './scenes.js';

/** `--seed N`: which set of scenes (default 1, the set the segmentation was tuned on). Exits on a bad N. */
export function seedOption(argv: readonly string[], command: string): number {
  const at = argv.indexOf('--seed');
  const seed = at >= 0 ? Number(argv[at + 1]) : 1;
  if (!Number.isInteger(seed) || seed < 1) {
    console.error(`${command}: --seed takes a whole number ≥ 1, e.g. --seed 2`);
    process.exit(2);
  }
  return seed;
}

/** `--category NAME` (repeatable): only those categories (default all). Exits on an unknown name. */
export function categoriesOption(argv: readonly string[], command: string): readonly Category[] {
  const named = argv.flatMap((arg, i) => (arg === '--category' ? [argv[i + 1] ?? ''] : []));
  for (const name of named) {
    if (!(CATEGORIES as readonly string[]).includes(name)) {
      console.error(`${command}: --category takes one of ${CATEGORIES.join(', ')}`);
      process.exit(2);
    }
  }
  return named.length > 0 ? (named as Category[]) : CATEGORIES;
}
