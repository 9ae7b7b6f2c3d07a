/**
 * Row 6 — what a consumer ships. esbuild bundles (browser platform, ESM, minified), then gzip
 * level 9, of a consumer calling 1 and 3 operations through our tree-shakeable form
 * (`import * as users from '…/operations/users'` + the runtime client with auth, retries and limiter)
 * vs the same calls through `@logto/api`. The bound `createLogtoManagementClient` (every
 * namespace, not tree-shaken) is an extra, informational row. Bundling is deterministic, so
 * each size is measured once.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { freshScratchDir, isMain, repoRoot } from './measure.js';
import {
  formatBytes,
  formatRatio,
  judgeLowerIsBetter,
  compareLowerIsBetter,
  printResult,
  unavailableRow,
  type BenchResult,
  type BenchRow,
} from './table.js';

const GROUP = '6. Bundle size';
const MAX_RATIO = 2;

interface BundleSize {
  minified: number;
  gzipped: number;
  /** Imports left out of the bundle (node built-ins): a browser consumer would need a polyfill. */
  externals: string[];
  /** Minified bytes each input file contributes, largest first (esbuild's metafile). */
  inputs: { path: string; bytes: number }[];
  /** Operation descriptors in the output (each carries `path:"/api/…"`): shows tree-shaking. */
  operations: number;
}

const clientOptions = `{ endpoint: 'https://tenant.logto.app', clientId: 'id', clientSecret: 'secret' }`;

const theirs = {
  one: `import { createManagementApi } from '@logto/api/management';
const { apiClient } = createManagementApi('tenant', { clientId: 'id', clientSecret: 'secret' });
export const user = await apiClient.GET('/api/users/{userId}', { params: { path: { userId: 'u1' } } });
`,
  three: `import { createManagementApi } from '@logto/api/management';
const { apiClient } = createManagementApi('tenant', { clientId: 'id', clientSecret: 'secret' });
export const user = await apiClient.GET('/api/users/{userId}', { params: { path: { userId: 'u1' } } });
export const roles = await apiClient.GET('/api/roles', { params: { query: { page: 1 } } });
export const organization = await apiClient.POST('/api/organizations', { body: { name: 'Acme' } });
`,
};

function ours(dir: string) {
  const from = (file: string) => {
    const path = relative(dir, join(repoRoot, file)).split('\\').join('/');
    return path.startsWith('.') ? path : `./${path}`;
  };
  const runtime = from('runtime/index.js');
  // One module per tag (`logto-mgmt/operations/users` in the package): esbuild does not
  // tree-shake through `export * as users` re-exports, so the index would bring every
  // operation of each namespace named.
  const tag = (name: string) => from(`generated/operations/${name}.js`);
  return {
    one: `import { createLogtoClient } from '${runtime}';
import * as users from '${tag('users')}';
const client = createLogtoClient(${clientOptions});
export const user = await users.get(client, { path: { userId: 'u1' } });
`,
    three: `import { createLogtoClient } from '${runtime}';
import * as organizations from '${tag('organizations')}';
import * as roles from '${tag('roles')}';
import * as users from '${tag('users')}';
const client = createLogtoClient(${clientOptions});
export const user = await users.get(client, { path: { userId: 'u1' } });
export const roleList = await roles.list(client, { query: { page: 1 } });
export const organization = await organizations.create(client, { body: { name: 'Acme' } });
`,
    runtimeOnly: `import { createLogtoClient } from '${runtime}';
export const client = createLogtoClient(${clientOptions});
`,
    oneFromIndex: `import { createLogtoClient } from '${runtime}';
import { users } from '${from('generated/operations/index.js')}';
const client = createLogtoClient(${clientOptions});
export const user = await users.get(client, { path: { userId: 'u1' } });
`,
    bound: `import { createLogtoManagementClient } from '${from('generated/client.js')}';
const client = createLogtoManagementClient(${clientOptions});
export const user = await client.users.get({ path: { userId: 'u1' } });
`,
  };
}

async function bundle(dir: string, name: string, source: string): Promise<BundleSize> {
  const entry = join(dir, `${name}.ts`);
  writeFileSync(entry, source);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    // Left out and reported: a browser/edge consumer would have to polyfill them.
    external: ['node:*'],
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  writeFileSync(join(dir, `${name}.min.js`), code);
  const externals = new Set<string>();
  for (const input of Object.values(result.metafile.inputs)) {
    for (const imported of input.imports) if (imported.external) externals.add(imported.path);
  }
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => ({ path: path.replace(/^(\.\.\/)+/, '').replace(/^.*node_modules\//, 'node_modules/'), bytes: bytesInOutput }))
    .filter((input) => input.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  const operations = result.outputFiles[0].text.match(/path:"\/api\//g)?.length ?? 0;
  return { minified: code.byteLength, gzipped: gzipSync(code, { level: 9 }).byteLength, externals: [...externals].sort(), inputs, operations };
}

function sizeCell(size: BundleSize): string {
  return `${formatBytes(size.gzipped)} min+gz (${formatBytes(size.minified)} min)`;
}

export async function benchBundleSize(): Promise<BenchResult> {
  const dir = freshScratchDir('bundle-size');
  const rows: BenchRow[] = [];
  const theirSizes = { one: await bundle(dir, 'theirs-one', theirs.one), three: await bundle(dir, 'theirs-three', theirs.three) };
  const ourSources = ours(dir);
  const haveOperations = existsSync(join(repoRoot, 'generated/operations/index.ts'));

  for (const [key, label] of [
    ['one', '1 call (get a user)'],
    ['three', '3 calls (get a user, list roles, create an organization)'],
  ] as const) {
    const target = `≤ ${MAX_RATIO}× @logto/api`;
    if (!haveOperations) {
      rows.push(
        unavailableRow(
          GROUP,
          `${label}, tree-shaken`,
          target,
          `generated/operations/ is not on this branch yet (@logto/api: ${sizeCell(theirSizes[key])})`,
        ),
      );
      continue;
    }
    try {
      const size = await bundle(dir, `ours-${key}`, ourSources[key]);
      const verdict = judgeLowerIsBetter(size.gzipped, theirSizes[key].gzipped, MAX_RATIO, 'bigger');
      const externals = size.externals.length ? `; imports ${size.externals.join(', ')} (not bundled)` : '';
      rows.push({
        group: GROUP,
        name: `${label}, tree-shaken operations + runtime client`,
        ours: sizeCell(size),
        theirs: `${sizeCell(theirSizes[key])} (@logto/api)`,
        ratio: formatRatio(size.gzipped, theirSizes[key].gzipped),
        target,
        verdict: verdict.verdict,
        detail: verdict.detail + externals,
        runs: '1 (deterministic)',
      });
    } catch (error) {
      rows.push(unavailableRow(GROUP, `${label}, tree-shaken`, target, (error as Error).message.split('\n')[0]));
    }
  }

  if (existsSync(join(repoRoot, 'generated/client.ts'))) {
    try {
      const size = await bundle(dir, 'ours-bound', ourSources.bound);
      rows.push({
        group: GROUP,
        name: '1 call through the bound createLogtoManagementClient (every namespace, not tree-shaken)',
        ours: sizeCell(size),
        theirs: `${sizeCell(theirSizes.one)} (@logto/api)`,
        ratio: formatRatio(size.gzipped, theirSizes.one.gzipped),
        target: 'informational',
        verdict: 'INFO',
        detail: compareLowerIsBetter(size.gzipped, theirSizes.one.gzipped, 'bigger'),
        runs: '1 (deterministic)',
      });
    } catch (error) {
      rows.push(unavailableRow(GROUP, 'bound createLogtoManagementClient', 'informational', (error as Error).message.split('\n')[0]));
    }
  } else {
    rows.push(unavailableRow(GROUP, 'bound createLogtoManagementClient', 'informational', 'generated/client.ts is not on this branch yet'));
  }
  return { rows, details: haveOperations ? await breakdown(dir, ourSources, theirSizes.one) : undefined };
}

/** Where our bytes go: the runtime alone, the import form, and the largest input files. */
async function breakdown(dir: string, sources: ReturnType<typeof ours>, theirsOne: BundleSize): Promise<string> {
  const variants: [string, string][] = [
    ['runtime client alone (`createLogtoClient`, no operation)', sources.runtimeOnly],
    ['1 call, `import * as users from …/operations/users` (one tag module: the tree-shakeable form)', sources.one],
    ['1 call, `import { users } from …/operations` (the namespace index: not tree-shaken by esbuild)', sources.oneFromIndex],
    ['3 calls, one tag module each (organizations, roles, users)', sources.three],
  ];
  const lines = [
    'Bundle size breakdown (esbuild, browser, minified; gzip -9):',
    '',
    '| Consumer | min+gz | min | operation descriptors bundled |',
    '| --- | ---: | ---: | ---: |',
    `| @logto/api, 1 call | ${formatBytes(theirsOne.gzipped)} | ${formatBytes(theirsOne.minified)} | — |`,
  ];
  let documented: BundleSize | undefined;
  for (const [label, source] of variants) {
    try {
      const size = await bundle(dir, `breakdown-${variants.findIndex(([l]) => l === label)}`, source);
      if (source === sources.one) documented = size;
      lines.push(`| ${label} | ${formatBytes(size.gzipped)} | ${formatBytes(size.minified)} | ${size.operations} |`);
    } catch (error) {
      lines.push(`| ${label} | failed: ${(error as Error).message.split('\n')[0]} | | |`);
    }
  }
  if (documented) {
    lines.push('', 'Largest inputs of the 1-call bundle (minified bytes before gzip):', '', '| Input | bytes |', '| --- | ---: |');
    for (const input of documented.inputs.slice(0, 12)) lines.push(`| ${input.path} | ${input.bytes} |`);
  }
  return lines.join('\n');
}

if (isMain(import.meta.url)) printResult(await benchBundleSize());
