/**
 * Row 2 — what our types cost a consumer's `tsc --noEmit`. A small consumer project calls the
 * same 3 operations (get a user, list roles, create an organization) through our client and
 * through `@logto/api`; each `tsc --noEmit` runs in a fresh process, timed from spawn to exit,
 * with the process's own peak RSS. Both projects use the same strict tsconfig (skipLibCheck,
 * as almost every consumer has it).
 *
 * Both sides are measured the way a consumer repo has them (untimed setup): ours is the packed
 * client and generator installed from their tarballs, `logto-mgmt generate` run into the
 * consumer's `src/logto/` from the pinned spec, then `tsc` over the consumer and the generated
 * client (whose runtime comes as `.d.ts` from node_modules: checked below, since the scratch
 * directory lies inside this repository); theirs is `@logto/api` installed from the registry.
 * Each with skipLibCheck on (what almost every consumer has) and off. Informational rows
 * type-check the client prebuilt in the package (`import … from 'logto-mgmt'`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertSucceeded,
  freshScratchDir,
  interleave,
  isMain,
  median,
  repoRoot,
  runChild,
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

function writeConsumer(dir: string, source: string, skipLibCheck: boolean): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'consumer.ts'), source);
  writeFileSync(join(dir, `tsconfig.${skipLibCheck ? 'skip' : 'full'}.json`), JSON.stringify({ compilerOptions: { ...consumerTsconfig.compilerOptions, skipLibCheck }, files: consumerTsconfig.files }, null, 2));
  return dir;
}

/** A consumer repo: package.json, and `npm install` of what it depends on (tarballs or registry specs). */
async function installConsumer(dir: string, dependencies: string[], devDependencies: string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  const install = ['install', '--prefer-offline', '--no-audit', '--no-fund'];
  if (dependencies.length) assertSucceeded(await runChild('npm', [...install, ...dependencies], { cwd: dir, timeoutMs: 300_000 }), `npm install ${dependencies.join(' ')}`);
  if (devDependencies.length) assertSucceeded(await runChild('npm', [...install, '-D', ...devDependencies], { cwd: dir, timeoutMs: 300_000 }), `npm install -D ${devDependencies.join(' ')}`);
}

async function packOurs(scratch: string, args: string[]): Promise<string> {
  const packed = assertSucceeded(await runChild('npm', ['pack', '--json', '--pack-destination', scratch, ...args], { cwd: repoRoot, timeoutMs: 300_000 }), `npm pack ${args.join(' ')}`);
  return join(scratch, (JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as Array<{ filename: string }>)[0].filename);
}

function typecheck(dir: string, skipLibCheck: boolean, what: string): () => Promise<ChildRun> {
  const project = join(dir, `tsconfig.${skipLibCheck ? 'skip' : 'full'}.json`);
  return async () => assertSucceeded(await runNode([tscCli, '--noEmit', '-p', project], { rusage: true, timeoutMs: TIMEOUT_MS }), what);
}

export async function benchTypecheck(): Promise<BenchResult> {
  const runs = runsFromEnv(3);
  const scratch = freshScratchDir('typecheck');
  const rows: BenchRow[] = [];
  const measurements: Record<string, () => Promise<ChildRun>> = {};
  try {
    const logtoApiVersion = (JSON.parse(readFileSync(join(repoRoot, 'node_modules/@logto/api/package.json'), 'utf8')) as { version: string }).version;
    const theirs = join(scratch, 'theirs');
    await installConsumer(theirs, [`@logto/api@${logtoApiVersion}`], []);
    const client = await packOurs(scratch, []);
    const generator = await packOurs(scratch, ['--workspace', 'logto-mgmt-generator']);
    const ours = join(scratch, 'ours');
    await installConsumer(ours, [client], [generator]);
    assertSucceeded(
      await runNode([join(ours, 'node_modules/logto-mgmt-generator/dist/cli/cli.js'), 'generate', '--spec', join(repoRoot, 'test/specs/logto-1.42.0.json'), '--out', 'src/logto'], {
        cwd: ours,
        timeoutMs: TIMEOUT_MS,
      }),
      'logto-mgmt generate in the consumer',
    );
    // The consumer must import the installed runtime, not this repository's runtime sources.
    const lock = JSON.parse(readFileSync(join(ours, 'src/logto/spec.lock.json'), 'utf8')) as { runtimeImport: string };
    if (lock.runtimeImport !== 'logto-mgmt/runtime') throw new Error(`the consumer's generated client imports ${lock.runtimeImport}, not logto-mgmt/runtime`);
    for (const skipLibCheck of [true, false]) {
      const key = skipLibCheck ? 'Skip' : 'Full';
      writeConsumer(theirs, theirConsumer, skipLibCheck);
      writeConsumer(ours, ourConsumer('./src/logto/index.js'), skipLibCheck);
      measurements[`theirs${key}`] = typecheck(theirs, skipLibCheck, `tsc on the @logto/api consumer (skipLibCheck ${skipLibCheck})`);
      measurements[`ours${key}`] = typecheck(ours, skipLibCheck, `tsc on our generated consumer (skipLibCheck ${skipLibCheck})`);
    }
    const prebuilt = join(ours, 'prebuilt');
    mkdirSync(prebuilt, { recursive: true });
    writeFileSync(join(prebuilt, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    for (const skipLibCheck of [true, false]) {
      writeConsumer(prebuilt, ourConsumer('logto-mgmt'), skipLibCheck);
      measurements[`prebuilt${skipLibCheck ? 'Skip' : 'Full'}`] = typecheck(prebuilt, skipLibCheck, `tsc on a consumer of the prebuilt client (skipLibCheck ${skipLibCheck})`);
    }
  } catch (error) {
    return { rows: [unavailableRow(GROUP, 'tsc --noEmit, 3 calls', 'no slower, no bigger', (error as Error).message)] };
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

  const compare = (key: string, their: string, label: string, informational: boolean) => {
    const timeVerdict = judgeLowerIsBetter(time(key), time(their), 1, 'slower');
    const memoryVerdict = judgeLowerIsBetter(peak(key), peak(their), 1, 'bigger');
    rows.push({
      group: GROUP,
      name: `tsc --noEmit time, 3 calls, ${label}`,
      ours: timeCell(key),
      theirs: `${timeCell(their)} (@logto/api)`,
      ratio: formatRatio(time(key), time(their)),
      target: informational ? 'informational' : 'no slower (≤ 1.00×)',
      ...(informational ? { verdict: 'INFO' as const, detail: compareLowerIsBetter(time(key), time(their), 'slower') } : timeVerdict),
      runs: runsLabel,
    });
    rows.push({
      group: GROUP,
      name: `tsc --noEmit peak RSS, 3 calls, ${label}`,
      ours: formatBytes(peak(key)),
      theirs: `${formatBytes(peak(their))} (@logto/api)`,
      ratio: formatRatio(peak(key), peak(their)),
      target: informational ? 'informational' : 'no bigger (≤ 1.00×)',
      ...(informational ? { verdict: 'INFO' as const, detail: compareLowerIsBetter(peak(key), peak(their), 'bigger') } : memoryVerdict),
      runs: runsLabel,
    });
  };
  compare('oursSkip', 'theirsSkip', 'consumer repo after `npm run generate`, skipLibCheck on', false);
  compare('oursFull', 'theirsFull', 'consumer repo after `npm run generate`, skipLibCheck off', false);
  compare('prebuiltSkip', 'theirsSkip', 'prebuilt client from the package (`logto-mgmt`), skipLibCheck on', true);
  compare('prebuiltFull', 'theirsFull', 'prebuilt client from the package (`logto-mgmt`), skipLibCheck off', true);
  return { rows };
}

if (isMain(import.meta.url)) printResult(await benchTypecheck());
