/** Helpers the marketplace client tests share (they run each client against its sandbox over real HTTP). */
import { once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import sharp from 'sharp';

/** The client error `promise` rejects with; a success or any other error fails the test. */
export async function rejectionOf<E>(
  promise: Promise<unknown>,
  isError: (err: unknown) => err is E,
): Promise<E> {
  try {
    await promise;
  } catch (err) {
    if (isError(err)) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

/** A solid-colour square JPEG, as a seller's photo. */
export function solidJpeg(color: string, size: number): Promise<Buffer> {
  return sharp({ create: { width: size, height: size, channels: 3, background: color } })
    .jpeg()
    .toBuffer();
}

/** A loopback port that was free a moment ago: nothing listens there, so connecting is refused. */
export async function unusedPort(): Promise<number> {
  const probe = net.createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A fetch that answers every request with `answer` as JSON, for answers the sandbox never gives. */
export function answering(answer: unknown, status = 200): typeof fetch {
  return async () =>
    new Response(JSON.stringify(answer), { status, headers: { 'content-type': 'application/json' } });
}
