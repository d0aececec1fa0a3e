import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenCipher } from './token-cipher.js';

const k1 = { id: 'k1', key: randomBytes(32) };
const k2 = { id: 'k2', key: randomBytes(32) };
const ctx = { connectionId: '7b0d3c1e-1111-4222-8333-944455556666', marketplace: 'shopee' };

describe('TokenCipher', () => {
  it('round-trips, with a fresh nonce each time', () => {
    const cipher = new TokenCipher([k1]);
    const a = cipher.encrypt('access-token-123', ctx);
    const b = cipher.encrypt('access-token-123', ctx);
    expect(a.ciphertext).not.toBe(b.ciphertext);
    expect(a.ciphertext).not.toContain('access-token');
    expect(cipher.decrypt(a.ciphertext, a.keyId, ctx)).toBe('access-token-123');
  });

  it('binds the ciphertext to its connection (AAD): moved to another row it does not decrypt', () => {
    const cipher = new TokenCipher([k1]);
    const { ciphertext, keyId } = cipher.encrypt('secret', ctx);
    expect(() => cipher.decrypt(ciphertext, keyId, { ...ctx, connectionId: 'other' })).toThrow();
    expect(() => cipher.decrypt(ciphertext, keyId, { ...ctx, marketplace: 'tiktok' })).toThrow();
  });

  it('rotates: new key encrypts, old key still decrypts', () => {
    const old = new TokenCipher([k1]).encrypt('secret', ctx);
    const rotated = new TokenCipher([k2, k1]);
    expect(rotated.decrypt(old.ciphertext, old.keyId, ctx)).toBe('secret');
    expect(rotated.encrypt('secret', ctx).keyId).toBe('k2');
    expect(() => new TokenCipher([k2]).decrypt(old.ciphertext, old.keyId, ctx)).toThrow(/not configured/);
  });
});
