/**
 * Binds generated wrappers to one client, so `users.get(client, params)` can be called as
 * `client.users.get(params)`. The free functions stay the tree-shakeable form; the bound
 * client imports every namespace.
 */
import type { ApiPromise } from './api-promise.js';
import type { Operation, OperationArgs, OperationClient } from './operation.js';

export type BoundOperation<O> =
  O extends { types?: { params: infer Params; data: infer Data } }
    ? (...args: OperationArgs<Params>) => ApiPromise<Data>
    : never;

export type BoundNamespace<Namespace> = { readonly [Name in keyof Namespace]: BoundOperation<Namespace[Name]> };

export function bindNamespace<Namespace extends Record<string, Operation<any, any>>>(
  client: OperationClient,
  namespace: Namespace,
): BoundNamespace<Namespace> {
  const bound: Record<string, unknown> = {};
  for (const [name, operation] of Object.entries(namespace)) {
    bound[name] = (params?: any, options?: any) => operation(client, params, options);
  }
  return bound as BoundNamespace<Namespace>;
}
