/**
 * remove.bg sandbox: `POST /v1.0/removebg`, `X-Api-Key`, multipart `image_file` (providers.md "remove.bg");
 * errors as remove.bg's `{errors:[{title, code}]}`. `type=mask`-style output via `channels=alpha`.
 */
import { type ProviderSandbox, startProviderSandbox } from '../common.js';

export function startRemoveBgSandbox(options: { apiKey: string; port?: number }): Promise<ProviderSandbox> {
  return startProviderSandbox(
    {
      name: 'remove.bg',
      path: '/v1.0/removebg',
      keyHeader: 'x-api-key',
      input: { kind: 'multipart', field: 'image_file' },
      errorBody: (e) => ({ errors: [{ title: e.message, code: e.code }] }),
      wantsMask: (fields) => fields.channels === 'alpha',
    },
    options,
  );
}
