/**
 * Marketplace tokens at rest: AES-256-GCM, random 96-bit nonce, AAD binding the ciphertext to its
 * connection, marketplace and key id (security.md, "OAuth connections"). Stored as base64(nonce|ct|tag).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface TokenKey {
  id: string;
  key: Buffer;
}

export interface TokenContext {
  connectionId: string;
  marketplace: string;
}

const aad = (ctx: TokenContext, keyId: string) =>
  Buffer.from(`${ctx.connectionId}|${ctx.marketplace}|${keyId}`);

export class TokenCipher {
  constructor(private readonly keys: readonly TokenKey[]) {
    if (keys.length === 0) throw new Error('TokenCipher needs at least one key');
  }

  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  encrypt(plaintext: string, ctx: TokenContext): { ciphertext: string; keyId: string } {
    const { id, key } = this.keys[0]!;
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad(ctx, id));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { ciphertext: Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64'), keyId: id };
  }

  decrypt(ciphertext: string, keyId: string, ctx: TokenContext): string {
    const entry = this.keys.find((k) => k.id === keyId);
    if (!entry) throw new Error(`token key ${keyId} is not configured`);
    const raw = Buffer.from(ciphertext, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', entry.key, raw.subarray(0, 12));
    decipher.setAAD(aad(ctx, keyId));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  }
}
