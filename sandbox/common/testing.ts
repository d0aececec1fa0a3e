/** Test helpers both sandboxes share: a seller's click on an authorization page, and https by Host. */
import https from 'node:https';
import type { TLSSocket } from 'node:tls';

/** Undoes escapeHtml's numeric entities in attribute values. */
export const decodeEntities = (value: string): string =>
  value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

/**
 * Loads the authorization page and submits its form as a browser would, with the fields `fields` picks from
 * the page. Returns the callback URL the marketplace redirects to.
 */
export async function submitAuthorizationForm(
  pageUrl: string,
  fields: (html: string) => URLSearchParams,
): Promise<URL> {
  const page = await fetch(pageUrl);
  const html = await page.text();
  if (!page.ok) throw new Error(`authorization page answered ${page.status}: ${html.slice(0, 200)}`);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action || !html.includes('id="authorize"')) throw new Error('not an authorization page');
  const body = fields(html);
  const answer = await fetch(new URL(decodeEntities(action), pageUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    redirect: 'manual',
  });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) {
    throw new Error(`authorization answered ${answer.status}: ${(await answer.text()).slice(0, 200)}`);
  }
  return new URL(location);
}

export interface HttpsAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The certificate's subjectAltName, e.g. `DNS:seller.shopee.co.id, …`. */
  altNames: string;
}

/** GET over https from the sandbox's https server on `port`, as the browser reaching `hostname` would. */
export function httpsGet(port: number, hostname: string, path: string): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port,
        path,
        servername: hostname,
        headers: { host: hostname },
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const altNames = (res.socket as TLSSocket).getPeerCertificate().subjectaltname ?? '';
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            altNames,
          }),
        );
      },
    );
    req.on('error', reject);
  });
}
