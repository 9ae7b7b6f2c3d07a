/**
 * A many-to-many relation between the fake's rows (user → roles, organization → members…).
 */
export class Relation {
  readonly #links = new Map<string, Set<string>>();

  of(owner: string): string[] {
    return [...(this.#links.get(owner) ?? [])];
  }

  has(owner: string, id: string): boolean {
    return this.#links.get(owner)?.has(id) ?? false;
  }

  /** Adds the ids; returns the ones that were not linked yet. */
  add(owner: string, ids: Iterable<string>): string[] {
    let set = this.#links.get(owner);
    if (!set) this.#links.set(owner, (set = new Set()));
    const added: string[] = [];
    for (const id of ids) if (!set.has(id)) added.push((set.add(id), id));
    return added;
  }

  replace(owner: string, ids: Iterable<string>): void {
    this.#links.set(owner, new Set(ids));
  }

  remove(owner: string, id: string): boolean {
    return this.#links.get(owner)?.delete(id) ?? false;
  }

  /** Forgets an owner, and the id wherever it is linked. */
  forget(id: string): void {
    this.#links.delete(id);
    for (const set of this.#links.values()) set.delete(id);
  }

  /** Owners linked to an id. */
  ownersOf(id: string): string[] {
    return [...this.#links].filter(([, set]) => set.has(id)).map(([owner]) => owner);
  }
}
