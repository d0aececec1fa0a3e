/**
 * One https server answering for several real hostnames (a seller center and its image CDN), chosen by the
 * Host header, so Chromium reaches the real hostnames through --host-resolver-rules and content scripts run
 * with their real `matches`.
 */
import { generate } from 'selfsigned';

/**
 * A certificate for every hostname (plus 127.0.0.1), made at start: nothing secret is committed. The first
 * hostname is also the common name.
 */
export async function makeSandboxCertificate(
  hostnames: readonly string[],
): Promise<{ key: string; cert: string }> {
  const [commonName] = hostnames;
  if (!commonName) throw new TypeError('a sandbox certificate needs at least one hostname');
  const notBeforeDate = new Date(Date.now() - 24 * 3600_000); // tolerate a slightly wrong clock
  const notAfterDate = new Date(Date.now() + 30 * 24 * 3600_000);
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec', // P-256: generated in milliseconds, unlike a 2048-bit RSA key
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...hostnames.map((value) => ({ type: 2 as const, value })),
          { type: 7 as const, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/**
 * Host header match for any of the hostnames, with or without a port (tests connect to 127.0.0.1:<port>
 * with an explicit Host).
 */
export const hostPattern = (...hostnames: readonly string[]): RegExp =>
  new RegExp(`^(${hostnames.map((h) => h.replaceAll('.', '\\.')).join('|')})(:\\d+)?$`, 'i');
