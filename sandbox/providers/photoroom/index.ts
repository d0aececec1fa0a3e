/**
 * Photoroom sandbox: `POST /v1/segment`, `x-api-key`, multipart `image_file` (providers.md "Photoroom");
 * errors as `{detail, status_code, type}`. Answers a PNG cut-out.
 */
import { type ProviderSandbox, startProviderSandbox } from '../common.js';

export function startPhotoroomSandbox(options: { apiKey: string; port?: number }): Promise<ProviderSandbox> {
  return startProviderSandbox(
    {
      name: 'photoroom',
      path: '/v1/segment',
      keyHeader: 'x-api-key',
      input: { kind: 'multipart', field: 'image_file' },
      errorBody: (e) => ({ detail: e.message, status_code: e.httpStatus, type: e.code }),
      wantsMask: () => false,
    },
    options,
  );
}
