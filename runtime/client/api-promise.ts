/**
 * The promise every wrapper returns: `await` it for the typed data, or call
 * `.withResponse()` for `{ data, response }` (status, headers such as `Total-Number`).
 *
 * It extends Promise so `instanceof Promise`, `await` and `Promise.all` work, but delegates
 * `then` to the underlying result so no second request or parse happens (model: openai-node's
 * APIPromise).
 */
export interface ApiResult<Data> {
  data: Data;
  response: Response;
}

export class ApiPromise<Data> extends Promise<Data> {
  readonly #result: Promise<ApiResult<Data>>;
  #data: Promise<Data> | undefined;

  constructor(result: Promise<ApiResult<Data>>) {
    // The base promise is never used: `then` below reads from `result` instead.
    super((resolve) => resolve(undefined as Data));
    this.#result = result;
  }

  // `then`/`catch`/`finally` on a Promise subclass construct new instances through
  // `Symbol.species`; point it at the plain Promise so our constructor is never called that way.
  static override get [Symbol.species]() {
    return Promise;
  }

  /** Resolves to the parsed data together with the raw `Response`. */
  withResponse(): Promise<ApiResult<Data>> {
    return this.#result;
  }

  #parsed(): Promise<Data> {
    return (this.#data ??= this.#result.then((r) => r.data));
  }

  override then<T1 = Data, T2 = never>(
    onfulfilled?: ((value: Data) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    return this.#parsed().then(onfulfilled, onrejected);
  }

  override catch<T = never>(onrejected?: ((reason: unknown) => T | PromiseLike<T>) | null): Promise<Data | T> {
    return this.#parsed().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<Data> {
    return this.#parsed().finally(onfinally);
  }
}
