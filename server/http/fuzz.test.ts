/**
 * Every route, hit with malformed input (security.md: "fuzz every route from its zod schema (zero 5xx)").
 * Deterministic: a seeded generator, so a failure reproduces.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, call, type Harness, startHarness } from '../testing/harness.js';
import { jobForm } from '../testing/images.js';
import { ROUTES } from './routes.js';

let h: Harness;
let token: string;
beforeAll(async () => {
  // Both marketplaces configured (at a closed local port) so every route runs its full input handling.
  const nowhere = 'http://127.0.0.1:9';
  h = await startHarness({
    SHOPEE_API_BASE: nowhere,
    SHOPEE_PARTNER_ID: '1000001',
    SHOPEE_PARTNER_KEY: 'fuzz-partner-key',
    TIKTOK_API_BASE: nowhere,
    TIKTOK_AUTH_BASE: nowhere,
    TIKTOK_SERVICES_BASE: nowhere,
    TIKTOK_APP_KEY: 'fuzz-app',
    TIKTOK_APP_SECRET: 'fuzz-secret',
    TIKTOK_SERVICE_ID: '7000000000000001',
  });
  const signup = await call(h.baseUrl, 'POST', '/v1/auth/signup', {
    body: { email: `fuzz-${randomUUID()}@example.com`, password: 'password123' },
  });
  token = signup.body.token;
});
afterAll(() => h?.close());

function seeded(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const rnd = seeded(42);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
const weirdStrings = [
  '',
  ' ',
  'a'.repeat(5000),
  '../../etc/passwd',
  '%00',
  '"; DROP TABLE sellers; --',
  '\u0000\uffff',
  '💥',
  '-1',
  '1e309',
  'null',
  randomUUID(),
];
const weirdValues: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  2 ** 53,
  Number.MAX_SAFE_INTEGER,
  [],
  [1, 2],
  {},
  { a: { b: { c: [] } } },
  ...weirdStrings,
];

function junkBody(): unknown {
  const shape = pick(['value', 'object', 'object', 'array']);
  if (shape === 'value') return pick(weirdValues);
  if (shape === 'array') return [pick(weirdValues), pick(weirdValues)];
  const keys = [
    'email',
    'password',
    'locale',
    'kind',
    'marketplace',
    'productId',
    'slot',
    'imageUrl',
    'presetId',
    'amount',
    'note',
    'sourceImageId',
    pick(weirdStrings),
  ];
  return Object.fromEntries(
    Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => [pick(keys), pick(weirdValues)]),
  );
}

function fillPath(path: string): string {
  return path.replace(/:(\w+)/g, () =>
    encodeURIComponent(pick([...weirdStrings, randomUUID(), 'shopee', 'tiktok', 'x'])),
  );
}

function junkQuery(): string {
  const keys = [
    'limit',
    'presetId',
    'marketplace',
    'productId',
    'state',
    'code',
    'shop_id',
    pick(weirdStrings),
  ];
  const params = new URLSearchParams();
  for (let i = 0; i < 3; i++) params.append(pick(keys), String(pick(weirdValues)));
  return params.toString();
}

describe('route fuzzing', () => {
  it('answers every malformed request with a 4xx (never a 5xx), as seller, admin and anonymous', async () => {
    const failures: string[] = [];
    for (const route of ROUTES) {
      for (let i = 0; i < 12; i++) {
        const path = `${fillPath(route.path)}?${junkQuery()}`;
        const who = pick([token, ADMIN_TOKEN, undefined, 'lmk_forged']);
        const headers: Record<string, string> = {
          'idempotency-key': pick([randomUUID(), '', 'short', 'x'.repeat(300)]),
        };
        const multipart = route.multipart && rnd() < 0.3;
        const res = await call(h.baseUrl, route.method.toUpperCase(), path, {
          token: who,
          headers,
          ...(multipart
            ? {
                form: jobForm(
                  Object.fromEntries(Object.entries(junkBody() as object).map(([k, v]) => [k, String(v)])),
                  Buffer.from(pick(weirdStrings)),
                ),
              }
            : route.method === 'get' || route.method === 'delete'
              ? {}
              : { body: junkBody() }),
        });
        if (res.status >= 500)
          failures.push(
            `${route.method.toUpperCase()} ${path} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
          );
        if (
          res.status >= 400 &&
          typeof res.body === 'object' &&
          res.body !== null &&
          !('error' in res.body)
        ) {
          failures.push(`${route.method.toUpperCase()} ${path} → ${res.status} without the error envelope`);
        }
      }
    }
    expect(failures).toEqual([]);
    // Nothing was charged or created by any of it.
    expect(await h.database.db('jobs').count({ n: '*' }).first()).toEqual({ n: '0' });
  });
});
