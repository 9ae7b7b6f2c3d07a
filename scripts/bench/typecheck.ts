/**
 * Row 2 — what our types cost a consumer's `tsc --noEmit`. A small consumer project calls the
 * same 3 operations (get a user, list roles, create an organization) through our client and
 * through `@logto/api`; each `tsc --noEmit` runs in a fresh process, timed from spawn to exit,
 * with the process's own peak RSS. Both projects use the same strict tsconfig (skipLibCheck,
 * as almost every consumer has it).
 *
 * Ours is measured the way a package consumer gets it: declarations (`.d.ts`) emitted from
 * `generated/` + `runtime/` (untimed setup). A second, informational row type-checks against the
 * generated `.ts` sources, as in a repo that runs the generator itself.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  assertSucceeded,
  freshScratchDir,
  interleave,
  isMain,
  median,
  repoRoot,
  runNode,
  runsFromEnv,
  tscCli,
  type ChildRun,
} from './measure.js';
import {
  compareLowerIsBetter,
  formatBytes,
  formatMs,
  formatRatio,
  judgeLowerIsBetter,
  printResult,
  unavailableRow,
  type BenchResult,
  type BenchRow,
} from './table.js';

const GROUP = '2. Consumer type-check';
const TIMEOUT_MS = 180_000;
const ourClientSource = join(repoRoot, 'generated/client.ts');

const consumerTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM', 'DOM.Iterable'],
    types: [],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
  files: ['consumer.ts'],
};

const theirConsumer = `import { createManagementApi } from '@logto/api/management';

const { apiClient } = createManagementApi('default', {
  clientId: 'bench-client',
  clientSecret: 'bench-secret',
  baseUrl: 'http://127.0.0.1:3001',
  apiIndicator: 'https://default.logto.app/api',
});

const { data: user } = await apiClient.GET('/api/users/{userId}', { params: { path: { userId: 'u1' } } });
const { data: roles } = await apiClient.GET('/api/roles', { params: { query: { page: 1, page_size: 20 } } });
const { data: organization } = await apiClient.POST('/api/organizations', { body: { name: 'Acme' } });

export const summary: string = \`\${user?.primaryEmail} \${roles?.length} \${organization?.id}\`;
`;

/** Our consumer, importing the client from `clientModule` (a path relative to the consumer). */
function ourConsumer(clientModule: string): string {
  return `import { createLogtoManagementClient } from '${clientModule}';

const client = createLogtoManagementClient({
  endpoint: 'http://127.0.0.1:3001',
  clientId: 'bench-client',
  clientSecret: 'bench-secret',
});

const user = await client.users.get({ path: { userId: 'u1' } });
const roles = await client.roles.list({ query: { page: 1, page_size: 20 } });
const organization = await client.organizations.create({ body: { name: 'Acme' } });

export const summary: string = \`\${user.primaryEmail} \${roles.length} \${organization.id}\`;
`;
}

function writeConsumer(dir: string, source: string): string {
  writeFileSync(join(dir, 'consumer.ts'), source);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(consumerTsconfig, null, 2));
  return dir;
}

/** Emits the `.d.ts` a package consumer would install, from generated/ and runtime/. */
async function emitOurDeclarations(outDir: string): Promise<void> {
  const args = [
    tscCli,
    ...['--declaration', '--emitDeclarationOnly', '--outDir', outDir, '--rootDir', repoRoot],
    ...['--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--strict'],
    ...['--skipLibCheck', '--resolveJsonModule', '--lib', 'ES2022,DOM,DOM.Iterable', '--types', 'node'],
    join(repoRoot, 'generated/client.ts'),
  ];
  assertSucceeded(await runNode(args, { timeoutMs: TIMEOUT_MS }), 'declaration emit for generated/client.ts');
}

function typecheck(dir: string, what: string): () => Promise<ChildRun> {
  return async () =>
    assertSucceeded(await runNode([tscCli, '--noEmit', '-p', join(dir, 'tsconfig.json')], { rusage: true, timeoutMs: TIMEOUT_MS }), what);
}

export async function benchTypecheck(): Promise<BenchResult> {
  const runs = runsFromEnv(3);
  const scratch = freshScratchDir('typecheck');
  const theirs = writeConsumer(freshScratchDir('typecheck/theirs'), theirConsumer);
  const measurements: Record<string, () => Promise<ChildRun>> = { theirs: typecheck(theirs, 'tsc on the @logto/api consumer') };

  const rows: BenchRow[] = [];
  const haveOurs = existsSync(ourClientSource);
  if (haveOurs) {
    try {
      const declarations = join(scratch, 'declarations');
      await emitOurDeclarations(declarations);
      const fromDeclarations = writeConsumer(freshScratchDir('typecheck/ours-dts'), '');
      writeFileSync(join(fromDeclarations, 'consumer.ts'), ourConsumer(importPath(fromDeclarations, join(declarations, 'generated/client.js'))));
      measurements.oursDts = typecheck(fromDeclarations, 'tsc on our consumer (.d.ts)');
      const fromSources = writeConsumer(freshScratchDir('typecheck/ours-ts'), '');
      writeFileSync(join(fromSources, 'consumer.ts'), ourConsumer(importPath(fromSources, join(repoRoot, 'generated/client.js'))));
      measurements.oursTs = typecheck(fromSources, 'tsc on our consumer (.ts sources)');
    } catch (error) {
      rows.push(unavailableRow(GROUP, 'tsc --noEmit, 3 calls', 'no slower, no bigger', (error as Error).message));
    }
  } else {
    rows.push(unavailableRow(GROUP, 'tsc --noEmit, 3 calls', 'no slower, no bigger', 'generated/client.ts (createLogtoManagementClient) is not on this branch yet'));
  }

  let samples: Record<string, ChildRun[]>;
  try {
    await interleave(1, measurements); // warm-up, and proves every consumer type-checks cleanly
    samples = await interleave(runs, measurements);
  } catch (error) {
    return { rows: [...rows, unavailableRow(GROUP, 'tsc --noEmit, 3 calls', 'no slower, no bigger', (error as Error).message)] };
  }
  const runsLabel = `median of ${runs} (+1 warm-up)`;
  const time = (key: string) => median(samples[key].map((run) => run.wallMs));
  const cpu = (key: string) => median(samples[key].map((run) => ((run.rusage?.userCPUTime ?? Number.NaN) + (run.rusage?.systemCPUTime ?? 0)) / 1000));
  // CPU time beside wall time: it barely moves on a busy machine, so a row taken under load can still be read.
  const timeCell = (key: string) => (Number.isNaN(cpu(key)) ? formatMs(time(key)) : `${formatMs(time(key))} (CPU ${formatMs(cpu(key))})`);
  const peak = (key: string) => median(samples[key].map((run) => (run.rusage?.maxRSS ?? Number.NaN) * 1024));

  const compare = (key: string, label: string, informational: boolean) => {
    const timeVerdict = judgeLowerIsBetter(time(key), time('theirs'), 1, 'slower');
    const memoryVerdict = judgeLowerIsBetter(peak(key), peak('theirs'), 1, 'bigger');
    rows.push({
      group: GROUP,
      name: `tsc --noEmit time, 3 calls, ${label}`,
      ours: timeCell(key),
      theirs: `${timeCell('theirs')} (@logto/api)`,
      ratio: formatRatio(time(key), time('theirs')),
      target: informational ? 'informational' : 'no slower (≤ 1.00×)',
      ...(informational ? { verdict: 'INFO' as const, detail: compareLowerIsBetter(time(key), time('theirs'), 'slower') } : timeVerdict),
      runs: runsLabel,
    });
    rows.push({
      group: GROUP,
      name: `tsc --noEmit peak RSS, 3 calls, ${label}`,
      ours: formatBytes(peak(key)),
      theirs: `${formatBytes(peak('theirs'))} (@logto/api)`,
      ratio: formatRatio(peak(key), peak('theirs')),
      target: informational ? 'informational' : 'no bigger (≤ 1.00×)',
      ...(informational ? { verdict: 'INFO' as const, detail: compareLowerIsBetter(peak(key), peak('theirs'), 'bigger') } : memoryVerdict),
      runs: runsLabel,
    });
  };
  if (samples.oursDts) compare('oursDts', 'package .d.ts', false);
  if (samples.oursTs) compare('oursTs', 'generated .ts sources in the consumer repo', true);
  if (!samples.oursDts) {
    rows.push({
      group: GROUP,
      name: 'reference: @logto/api consumer alone',
      ours: '—',
      theirs: `${timeCell('theirs')}, ${formatBytes(peak('theirs'))} peak RSS`,
      ratio: '—',
      target: 'informational',
      verdict: 'INFO',
      detail: 'their side, measured so the row is ready when ours lands',
      runs: runsLabel,
    });
  }
  return { rows };
}

function importPath(fromDir: string, target: string): string {
  const path = relative(fromDir, target).split('\\').join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

if (isMain(import.meta.url)) printResult(await benchTypecheck());
