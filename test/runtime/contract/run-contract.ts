/**
 * The contract check, for any generated output: call each of its operations once with minimal
 * schema-valid arguments (built from the vendor spec it was generated from) against a spec
 * server started on that spec, and collect what the server objected to. Used for the pinned
 * output (contract.test.ts) and for every other spec the generator must handle
 * (test/generator/every-spec.test.ts: Logto 1.34.0, specs without a quirk, unusual fixtures).
 */
import { createLogtoClient, type Operation } from '../../../runtime/index.js';
import { withoutUntypedNullable } from './logto-schema-rules.js';
import { ArgumentGenerator, CannotGenerate, type SpecDocument } from './minimal-arguments.js';
import type { SpecServer } from './spec-server.js';

export const CONTRACT_TOKENS = { m2m: 'contract-m2m-token', user: 'contract-user-token' };

export interface ContractOperation {
  /** `namespace.method`, for messages. */
  name: string;
  operation: Operation<any, any>;
}

export interface ContractOutcome {
  exercised: number;
  skipped: Array<{ id: string; reason: string }>;
  failures: Array<{ id: string; error: string }>;
  violations: SpecServer['violations'];
  /** One line per problem, for the assertion message. */
  report: string;
}

/** Every wrapper of a generated `operations/index.ts` (its namespaces, as imported). */
export function generatedOperations(namespaces: Record<string, unknown>): ContractOperation[] {
  return Object.entries(namespaces).flatMap(([namespace, members]) =>
    Object.entries(members as Record<string, unknown>)
      .filter(([, value]) => typeof value === 'function' && 'descriptor' in (value as object))
      .map(([name, value]) => ({ name: `${namespace}.${name}`, operation: value as Operation<any, any> })),
  );
}

export function specOperationCount(spec: SpecDocument): number {
  return Object.values(spec.paths).reduce(
    (count, item) => count + Object.keys(item).filter((key) => ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(key)).length,
    0,
  );
}

/** Hits are counted by route: the generator may give an operation another operationId (`list-users` → `ListUsers`). */
export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

export async function runContract(
  spec: SpecDocument,
  server: SpecServer,
  operations: readonly ContractOperation[],
  options: { allQuery?: boolean; label?: string } = {},
): Promise<ContractOutcome> {
  server.hits.clear();
  const violationsBefore = server.violations.length;
  const generator = new ArgumentGenerator(withoutUntypedNullable(spec));
  // One request per operation and no client-side pacing: the server counts exactly one hit each.
  const client = createLogtoClient({
    endpoint: server.url,
    getAccessToken: () => CONTRACT_TOKENS.m2m,
    userToken: CONTRACT_TOKENS.user,
    logger: { warn: () => {} },
    rateLimit: false,
    maxRetries: 0,
  });
  const skipped: ContractOutcome['skipped'] = [];
  const failures: ContractOutcome['failures'] = [];
  let exercised = 0;

  for (const { operation } of operations) {
    const { id, method, path } = operation.descriptor;
    let args: ReturnType<ArgumentGenerator['argumentsFor']>;
    try {
      args = generator.argumentsFor(method, path, options.allQuery);
    } catch (error) {
      if (!(error instanceof CannotGenerate)) throw error;
      skipped.push({ id, reason: error.message });
      continue;
    }
    const before = server.violations.length;
    try {
      await (operation as any)(client, { path: args.path, query: args.query, body: args.body });
    } catch (error) {
      failures.push({ id, error: (error as Error).message });
    }
    if (server.violations.length > before) {
      const problem = generator.bodyProblem(method, path, args.body);
      if (problem) for (const violation of server.violations.slice(before)) violation.problem += ` — ${problem}`;
    } else if (server.hits.get(routeKey(method, path)) !== 1) {
      failures.push({ id, error: `the server saw ${server.hits.get(routeKey(method, path)) ?? 0} valid requests for it` });
    }
    exercised++;
  }

  const violations = server.violations.slice(violationsBefore);
  const report = [
    `contract${options.label ? ` ${options.label}` : ''} (${options.allQuery ? 'all query parameters' : 'minimal'}): exercised ${exercised}/${operations.length} operations, ${violations.length} violations, ${skipped.length} not exercisable`,
    ...skipped.map((s) => `  not exercised: ${s.id}: ${s.reason}`),
    ...violations.slice(0, 30).map((v) => `  violation: ${v.operationId ?? '?'} ${v.method} ${v.url}: ${v.problem}`),
    ...failures.slice(0, 30).map((f) => `  failed: ${f.id}: ${f.error}`),
  ].join('\n');
  return { exercised, skipped, failures, violations, report };
}
