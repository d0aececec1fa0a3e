/**
 * Each sandbox runs two servers: its API (http) and its seller center + image CDN (https, see hosts.ts).
 * They start together, both close if either cannot listen, and they close once however often asked.
 */
import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

/** Where a sandbox listens. */
export interface SandboxListenOptions {
  /** Port of the http server: the marketplace API and its authorization page; 0 = random. @defaultValue 0 */
  apiPort?: number;
  /** Port of the HTTPS seller-center + CDN server; 0 = random. @defaultValue 0 */
  httpsPort?: number;
  /** @defaultValue '127.0.0.1' */
  host?: string;
}

export interface SandboxServers {
  /** `http://<host>:<port>` of the API server. */
  apiBaseUrl: string;
  httpsPort: number;
  /** Chromium --host-resolver-rules sending each of `hostnames` to the https server. */
  hostResolverRules(hostnames: readonly string[]): string;
  close(): Promise<void>;
}

export async function startSandboxServers(
  apps: { api: Koa; web: Koa; tls: { key: string; cert: string } },
  options: SandboxListenOptions,
): Promise<SandboxServers> {
  const host = options.host ?? '127.0.0.1';
  const apiServer = http.createServer(apps.api.callback());
  const webServer = https.createServer({ key: apps.tls.key, cert: apps.tls.cert }, apps.web.callback());

  let apiPort: number;
  let httpsPort: number;
  try {
    apiPort = await listen(apiServer, options.apiPort ?? 0, host);
    httpsPort = await listen(webServer, options.httpsPort ?? 0, host);
  } catch (err) {
    await Promise.allSettled([closeServer(apiServer), closeServer(webServer)]);
    throw err;
  }

  const urlHost = host.includes(':') ? `[${host}]` : host;
  // A wildcard bind address is reached on loopback.
  const mappedHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : urlHost;
  let closing: Promise<void> | undefined;

  return {
    apiBaseUrl: `http://${mappedHost}:${apiPort}`,
    httpsPort,
    hostResolverRules: (hostnames) =>
      hostnames.map((name) => `MAP ${name} ${mappedHost}:${httpsPort}`).join(', '),
    close() {
      closing ??= Promise.all([closeServer(apiServer), closeServer(webServer)]).then(() => undefined);
      return closing;
    },
  };
}

async function listen(server: http.Server | https.Server, port: number, host: string): Promise<number> {
  server.listen(port, host);
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: http.Server | https.Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve, reject) =>
    server.close((err) => (err ? reject(err) : resolve())),
  );
  // Keep-alive sockets (browsers, fetch) would otherwise hold close() open.
  server.closeAllConnections();
  await closed;
}
