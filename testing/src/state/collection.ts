/**
 * An ordered in-memory table with an optional lazily generated prefix: `seedLazy(200_000, …)`
 * makes 200 000 rows that exist only as a count and a generator, so a memory test measures
 * the client, not the fake. Reading a page of lazy rows generates just that page.
 * Mutating a lazy row materialises the lazy prefix first (O(n), fine for tests).
 */
export interface LazyRows<T> {
  count: number;
  /** Row at index i (0-based) — must be deterministic. */
  make(index: number): T;
  /** Inverse of make(i).id, or -1. */
  indexOf(id: string): number;
}

export class Collection<T extends { id: string }> {
  #lazy: LazyRows<T> | undefined;
  #rows: T[] = [];

  /** Rows generated on demand (they come first). */
  get lazyCount(): number {
    return this.#lazy?.count ?? 0;
  }

  get size(): number {
    return (this.#lazy?.count ?? 0) + this.#rows.length;
  }

  seedLazy(rows: LazyRows<T>): void {
    this.#materialise();
    this.#lazy = rows;
    // Lazy rows come first; explicit rows that existed before are kept after them.
  }

  insert(row: T): T {
    this.#rows.push(row);
    return row;
  }

  at(index: number): T | undefined {
    const lazyCount = this.#lazy?.count ?? 0;
    if (index < lazyCount) return this.#lazy!.make(index);
    return this.#rows[index - lazyCount];
  }

  slice(offset: number, limit: number): T[] {
    const out: T[] = [];
    const end = Math.min(this.size, offset + limit);
    for (let i = offset; i < end; i++) out.push(this.at(i)!);
    return out;
  }

  get(id: string): T | undefined {
    const lazyIndex = this.#lazy ? this.#lazy.indexOf(id) : -1;
    if (lazyIndex >= 0 && lazyIndex < this.#lazy!.count) return this.#lazy!.make(lazyIndex);
    return this.#rows.find((row) => row.id === id);
  }

  /** Iterates every row without keeping generated ones alive. */
  *[Symbol.iterator](): IterableIterator<T> {
    const size = this.size;
    for (let i = 0; i < size; i++) yield this.at(i)!;
  }

  filter(predicate: (row: T) => boolean): T[] {
    const out: T[] = [];
    for (const row of this) if (predicate(row)) out.push(row);
    return out;
  }

  find(predicate: (row: T) => boolean): T | undefined {
    for (const row of this) if (predicate(row)) return row;
    return undefined;
  }

  update(id: string, patch: Partial<T>): T | undefined {
    this.#materialise();
    const row = this.#rows.find((candidate) => candidate.id === id);
    if (!row) return undefined;
    Object.assign(row, patch);
    return row;
  }

  delete(id: string): boolean {
    this.#materialise();
    const index = this.#rows.findIndex((row) => row.id === id);
    if (index < 0) return false;
    this.#rows.splice(index, 1);
    return true;
  }

  clear(): void {
    this.#lazy = undefined;
    this.#rows = [];
  }

  #materialise(): void {
    if (!this.#lazy) return;
    const lazy = this.#lazy;
    this.#lazy = undefined;
    const generated: T[] = [];
    for (let i = 0; i < lazy.count; i++) generated.push(lazy.make(i));
    this.#rows = generated.concat(this.#rows);
  }
}
