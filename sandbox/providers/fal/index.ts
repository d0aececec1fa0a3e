/**
 * fal queue sandbox for BiRefNet (providers.md "fal.ai"): `Authorization: Key …`; submit
 * `POST /fal-ai/birefnet` → `{request_id, response_url, status_url, cancel_url}`; status
 * `GET …/requests/{id}/status` (IN_QUEUE on the first poll, then COMPLETED); result `GET …/requests/{id}`
 * → `{image: File}`, the file served from `/files/` without auth like fal's CDN. `image_url` must be a data
 * URI here (the client never publishes the photo).
 */
import { randomUUID } from 'node:crypto';
import { sniffImage } from '../../common/images.js';
import { borderMatte, type ProviderSandbox, ProviderSandboxError, startProviderSandbox } from '../common.js';

export const FAL_MODEL = 'fal-ai/birefnet';

interface Request {
  polls: number;
  png: Buffer;
  width: number;
  height: number;
}

export function startFalSandbox(options: { apiKey: string; port?: number }): Promise<ProviderSandbox> {
  const requests = new Map<string, Request>();
  return startProviderSandbox(
    {
      name: 'fal',
      path: `/${FAL_MODEL}`,
      keyHeader: 'authorization',
      readKey: (value) => /^Key (.+)$/.exec(value)?.[1],
      input: { kind: 'json', field: 'image_url' },
      errorBody: (e) => ({ detail: e.message }),
      wantsMask: () => false,
      routes(router, checkKey) {
        router.post(`/${FAL_MODEL}`, checkKey, async (ctx) => {
          const body = (ctx.request.body ?? {}) as Record<string, unknown>;
          const match =
            typeof body.image_url === 'string' ? /^data:[\w/+.-]+;base64,(.+)$/.exec(body.image_url) : null;
          const bytes = match?.[1] ? Buffer.from(match[1], 'base64') : undefined;
          if (!bytes || !sniffImage(bytes, ['image/jpeg', 'image/png', 'image/webp'])) {
            throw new ProviderSandboxError('invalid_image', 'image_url is not an image', 422);
          }
          const png = await borderMatte(bytes, false).catch(() => {
            throw new ProviderSandboxError('invalid_image', 'image could not be decoded', 422);
          });
          const size = { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }; // PNG IHDR
          const id = randomUUID();
          requests.set(id, { polls: 0, png, ...size });
          const base = `${ctx.protocol}://${ctx.host}/${FAL_MODEL}/requests/${id}`;
          ctx.body = {
            request_id: id,
            response_url: base,
            status_url: `${base}/status`,
            cancel_url: `${base}/cancel`,
          };
        });
        const find = (id: string | undefined): Request => {
          const request = id ? requests.get(id) : undefined;
          if (!request) throw new ProviderSandboxError('not_found', 'request not found', 404);
          return request;
        };
        router.get(`/${FAL_MODEL}/requests/:id/status`, checkKey, (ctx) => {
          const request = find(ctx.params.id);
          request.polls++;
          ctx.status = request.polls > 1 ? 200 : 202;
          ctx.body =
            request.polls > 1
              ? { status: 'COMPLETED', logs: [] }
              : { status: 'IN_QUEUE', queue_position: 0, logs: [] };
        });
        router.get(`/${FAL_MODEL}/requests/:id`, checkKey, (ctx) => {
          const request = find(ctx.params.id);
          if (request.polls < 2)
            throw new ProviderSandboxError('not_ready', 'request still in progress', 400);
          ctx.body = {
            image: {
              url: `${ctx.protocol}://${ctx.host}/files/${ctx.params.id}.png`,
              content_type: 'image/png',
              file_name: `${ctx.params.id}.png`,
              file_size: request.png.length,
              width: request.width,
              height: request.height,
            },
          };
        });
        router.get('/files/:name', (ctx) => {
          const request = find(ctx.params.name?.replace(/\.png$/, ''));
          ctx.type = 'image/png';
          ctx.body = request.png;
        });
      },
    },
    options,
  );
}
