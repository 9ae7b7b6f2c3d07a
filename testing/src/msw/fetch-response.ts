/**
 * A `FakeResponse` that becomes a fetch `Response`: what MSW hands back to the intercepted
 * `fetch`. The status and headers resolve `response` at the first write; the body streams, so
 * a stalled body stalls the client's read, and `destroy()` is a network error (before any
 * byte) or a body that breaks off (after some).
 */
import type { FakeResponse } from '../http/exchange.js';

export class FetchResponse implements FakeResponse {
  statusCode = 200;
  readonly response: Promise<Response>;
  #headers = new Headers();
  #started = false;
  #finished = false;
  #controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  #resolve!: (response: Response) => void;
  readonly #closeListeners: Array<() => void> = [];
  readonly #encoder = new TextEncoder();

  constructor(signal?: AbortSignal) {
    this.response = new Promise((resolve) => (this.#resolve = resolve));
    // The client gave up (its timeout): like a closed socket, stalled answers are released.
    signal?.addEventListener('abort', () => this.#close(), { once: true });
  }

  get headersSent(): boolean {
    return this.#started;
  }

  setHeader(name: string, value: string | number | readonly string[]): this {
    this.#headers.delete(name);
    for (const item of Array.isArray(value) ? value : [value]) this.#headers.append(name, String(item));
    return this;
  }

  writeHead(status: number, headers?: Record<string, string | number | string[]>): this {
    this.statusCode = status;
    for (const [name, value] of Object.entries(headers ?? {})) this.setHeader(name, value);
    this.#start();
    return this;
  }

  write(chunk: string, callback?: () => void): boolean {
    this.#start();
    this.#controller?.enqueue(this.#encoder.encode(chunk));
    callback?.();
    return true;
  }

  end(text?: string): this {
    this.#start();
    if (text) this.#controller?.enqueue(this.#encoder.encode(text));
    this.#controller?.close();
    this.#finished = true;
    this.#close();
    return this;
  }

  destroy(): this {
    if (!this.#started) {
      this.#started = true;
      this.#resolve(Response.error());
    } else if (!this.#finished) {
      this.#controller?.error(new TypeError('terminated: other side closed'));
    }
    this.#finished = true;
    this.#close();
    return this;
  }

  on(_event: 'close', listener: () => void): this {
    this.#closeListeners.push(listener);
    return this;
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    // 204/304 carry no body; a Response with a stream there throws.
    const bodyless = this.statusCode === 204 || this.statusCode === 304;
    const body = bodyless
      ? null
      : new ReadableStream<Uint8Array>({
          start: (controller) => {
            this.#controller = controller;
          },
        });
    this.#headers.delete('content-length');
    this.#resolve(new Response(body, { status: this.statusCode, headers: this.#headers }));
  }

  #close(): void {
    for (const listener of this.#closeListeners.splice(0)) listener();
  }
}
