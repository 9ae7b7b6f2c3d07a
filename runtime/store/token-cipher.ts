/**
 * Encrypts cached access tokens with a key derived from the client secret, so a dump of a
 * shared store (Redis RDB/AOF file, `MONITOR`, a replica) hands out neither the secret (never
 * stored) nor a usable token: reading one needs the client secret, which can mint tokens anyway.
 *
 * AES-256-GCM (authenticated: a tampered or foreign entry fails to decrypt and is treated as a
 * miss) with a fresh 96-bit IV per entry; the key is HKDF-SHA256(secret, salt = cache key), so
 * the same secret used under another prefix yields another key. Web Crypto only: no dependency.
 */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const FORMAT = 'v1';

export class TokenCipher {
  readonly #key: Promise<CryptoKey>;

  constructor(secret: string, salt: string) {
    this.#key = deriveKey(secret, salt);
    // A rejected derivation surfaces on first use; don't let it be an unhandled rejection.
    this.#key.catch(() => {});
  }

  async encrypt(plaintext: string): Promise<string> {
    const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
    const sealed = await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await this.#key, encoder.encode(plaintext));
    return `${FORMAT}.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
  }

  /** The plaintext, or `undefined` when `sealed` is not ours (other secret, tampered, other format). */
  async decrypt(sealed: string): Promise<string | undefined> {
    const [format, iv, data, ...rest] = sealed.split('.');
    if (format !== FORMAT || !iv || !data || rest.length) return undefined;
    try {
      const plain = await globalThis.crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: fromBase64(iv) },
        await this.#key,
        fromBase64(data),
      );
      return decoder.decode(plain);
    } catch {
      return undefined;
    }
  }

  // Keep the key material out of `util.inspect` and JSON output.
  toJSON() {
    return 'TokenCipher';
  }
}

async function deriveKey(secret: string, salt: string): Promise<CryptoKey> {
  const material = await globalThis.crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  return globalThis.crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode(salt), info: encoder.encode('logto-mgmt token cache v1') },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
