/**
 * Binds generated wrappers to one client, so `users.get(client, params)` can be called as
 * `client.users.get(params)`. The free functions stay the tree-shakeable form; the bound
 * client imports every namespace.
 */
import type { ApiPromise } from './api-promise.js';
import type { Operation, OperationArgs, OperationClient, PaginatedOperation } from './operation.js';
import { paginate, type PaginateArgs, type PaginatedIterator } from '../pagination/pagination.js';

/** A paginated list, bound: call it for one page, or `.iterate()` it for every item. */
export interface BoundPaginatedOperation<Params, Item> {
  (...args: OperationArgs<Params>): ApiPromise<Item[]>;
  /** Walks every page: `for await (const user of client.users.list.iterate({ query }))`. */
  iterate(...args: PaginateArgs<Params>): PaginatedIterator<Item>;
}

// `paginatedTypes` is optional, so every operation is assignable to `{ paginatedTypes?: … }`:
// test that the key exists instead.
export type BoundOperation<O> = 'paginatedTypes' extends keyof O
  ? O extends { paginatedTypes?: { params: infer Params; item: infer Item } }
    ? BoundPaginatedOperation<Params, Item>
    : never
  : O extends { types?: { params: infer Params; data: infer Data } }
    ? (...args: OperationArgs<Params>) => ApiPromise<Data>
    : never;

export type BoundNamespace<Namespace> = { readonly [Name in keyof Namespace]: BoundOperation<Namespace[Name]> };

export function bindNamespace<Namespace extends Record<string, Operation<any, any>>>(
  client: OperationClient,
  namespace: Namespace,
): BoundNamespace<Namespace> {
  const bound: Record<string, unknown> = {};
  for (const [name, operation] of Object.entries(namespace)) {
    const call = (params?: any, options?: any) => operation(client, params, options);
    const value = operation.descriptor.paginated
      ? Object.assign(call, {
          iterate: (params?: any, options?: any) =>
            paginate(client, operation as PaginatedOperation<any, any>, params, options),
        })
      : call;
    // Defined, not assigned: a method named `__proto__` must be a property, not the prototype.
    Object.defineProperty(bound, name, { value, enumerable: true });
  }
  return bound as BoundNamespace<Namespace>;
}
