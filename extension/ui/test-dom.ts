/**
 * A linkedom document as `window`/`document` for component tests (never imported by product code).
 * Import it first, as a side effect: TanStack Query decides once, when it loads, whether it runs on a
 * server (`typeof window === 'undefined'`), and on a "server" it never polls (refetchInterval).
 */
import { parseHTML } from 'linkedom';

const dom = parseHTML('<!doctype html><html><body></body></html>');
export const window = dom.window;
export const document = dom.document;
Object.assign(globalThis, { window, document, IS_REACT_ACT_ENVIRONMENT: true });
Object.defineProperty(globalThis, 'navigator', {
  value: { languages: ['en-US'], userAgent: 'node' },
  configurable: true,
});
