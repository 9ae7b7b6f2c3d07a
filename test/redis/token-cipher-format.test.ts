/**
 * `TokenCipher` (runtime/store/token-cipher.ts): the sealed format other processes (and other
 * versions) read, what it refuses, and that neither the key nor its material leaks.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TokenCipher } from '../../runtime/store/token-cipher.js';

const secret = 'client-secret-1';
const salt = 'token:m2m:0badcafe';
/** Sealed by this version (HKDF info 'logto-mgmt token cache v1'): every later one must still open it. */
const SEALED_V1 = 'v1.fABH7Lwc0gSWDORc.LmS/ev0KINDH87qyOSZXpPETmXCPpI8tD//S89+aulRuOtDSl3E=';

describe('TokenCipher', () => {
  afterEach(() => vi.restoreAllMocks());

  it('opens an entry sealed by another process with the same secret and salt', async () => {
    expect(await new TokenCipher(secret, salt).decrypt(SEALED_V1)).toBe('{"accessToken":"at-1"}');
    expect(await new TokenCipher(secret, 'token:m2m:other').decrypt(SEALED_V1)).toBeUndefined();
  });

  it('refuses anything but its own format: another version tag, a missing part, an extra part', async () => {
    const cipher = new TokenCipher(secret, salt);
    const [, iv, data] = (await cipher.encrypt('plain')).split('.');
    expect(await cipher.decrypt(`v1.${iv}.${data}`)).toBe('plain');
    for (const sealed of [`v2.${iv}.${data}`, `.${iv}.${data}`, `v1..${data}`, `v1.${iv}.`, `v1.${iv}`, `v1.${iv}.${data}.x`]) {
      expect(await cipher.decrypt(sealed), sealed).toBeUndefined();
    }
  });

  it('derives a key that cannot be exported, and serialises as its name only', async () => {
    const derived: Promise<CryptoKey>[] = [];
    const deriveKey = globalThis.crypto.subtle.deriveKey.bind(globalThis.crypto.subtle);
    vi.spyOn(globalThis.crypto.subtle, 'deriveKey').mockImplementation((...args) => {
      const key = deriveKey(...args);
      derived.push(key);
      return key;
    });
    const cipher = new TokenCipher(secret, salt);
    expect(await cipher.decrypt(SEALED_V1)).toBe('{"accessToken":"at-1"}');
    expect(derived).toHaveLength(1);
    const key = await derived[0]!;
    expect(key.extractable).toBe(false);
    await expect(globalThis.crypto.subtle.exportKey('raw', key)).rejects.toThrow();
    expect(JSON.stringify({ cipher })).toBe('{"cipher":"TokenCipher"}');
  });
});
