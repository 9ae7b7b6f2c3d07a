/**
 * `init --ci github`: the workflow it writes parses, runs daily and on demand with exactly the
 * permissions it needs and no secret, and — run step by step in a temporary git repo (bare
 * `origin` beside it) against a loopback spec server — regenerates with --bump, type-checks,
 * tests, pushes one branch and opens, then updates, one pull request. Only what needs GitHub is
 * stood in for: `actions/checkout` / `setup-node` (the repo is already there, Node is this one),
 * `npm ci` (node_modules is linked to this repo's) and `gh` (a recorder on PATH).
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { chmod, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { initConsumer } from '../../generator/cli/init.js';
import { FIXTURES, REPO_ROOT, workspace } from './workspace.js';

const run = promisify(execFile);
const miniSpec = JSON.parse(await readFile(join(FIXTURES, 'mini', 'spec.json'), 'utf8'));
const SECRET = 'spec-token-7f3a9c';
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Serves `current.spec` at /api/swagger.json to requests carrying the secret, and counts them. */
async function specServer() {
  const state = { spec: miniSpec as unknown, requests: [] as Array<{ authorization?: string }> };
  const server = createServer((request, response) => {
    state.requests.push({ authorization: request.headers.authorization });
    if (request.url !== '/api/swagger.json') return void response.writeHead(404).end('Not Found');
    if (request.headers.authorization !== `Bearer ${SECRET}`) return void response.writeHead(401).end('Unauthorized');
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.spec));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { state, url: `http://127.0.0.1:${port}/api/swagger.json` };
}

const git = async (cwd: string, ...args: string[]) => (await run('git', args, { cwd })).stdout.trim();
/** A file as committed on a branch, byte for byte. */
const committed = async (gitDir: string, branch: string, file: string) => (await run('git', ['show', `${branch}:${file}`], { cwd: gitDir })).stdout;

/** `gh`, recording each call (and the body file it was given) instead of calling GitHub. */
const fakeGh = `#!/usr/bin/env node
const fs = require('node:fs');
const path = require('node:path');
const record = process.env.GH_RECORD;
const args = process.argv.slice(2);
const bodyFile = args[args.indexOf('--body-file') + 1];
const body = args.includes('--body-file') ? fs.readFileSync(bodyFile, 'utf8') : undefined;
fs.appendFileSync(path.join(record, 'calls.jsonl'), JSON.stringify({ args, body, token: process.env.GH_TOKEN }) + '\\n');
const open = path.join(record, 'open-pr');
if (args[0] === 'pr' && args[1] === 'list') process.stdout.write(fs.existsSync(open) ? fs.readFileSync(open, 'utf8') : '');
if (args[0] === 'pr' && args[1] === 'create') { fs.writeFileSync(open, '1\\n'); console.log('https://github.com/acme/app/pull/1'); }
`;

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
}

/**
 * Runs the job's `run:` steps in order the way a GitHub runner does (bash -eo pipefail, job and
 * step env, `${{ }}` expressions for secrets, `github.*` and step outputs, `if:` on outputs and
 * outcomes, `continue-on-error`). Stops at the first failing step that may not fail.
 */
async function runJob(workflow: any, cwd: string, extraEnv: Record<string, string>, secrets: Record<string, string>) {
  const job = workflow.jobs.update;
  const outputs: Record<string, Record<string, string>> = {};
  const outcomes: Record<string, string> = {};
  const github: Record<string, string> = { token: 'github-token-of-the-job', server_url: 'https://github.com', repository: 'acme/app', run_id: '42' };
  const ran: string[] = [];
  const value = (inner: string) => {
    let match: RegExpMatchArray | null;
    if ((match = inner.match(/^secrets\.(\w+)$/))) return secrets[match[1]!] ?? '';
    if ((match = inner.match(/^github\.(\w+)$/)) && match[1]! in github) return github[match[1]!]!;
    if ((match = inner.match(/^steps\.([\w-]+)\.outputs\.([\w-]+)$/))) return outputs[match[1]!]?.[match[2]!] ?? '';
    if ((match = inner.match(/^steps\.([\w-]+)\.outcome$/))) return outcomes[match[1]!] ?? '';
    throw new Error(`expression not understood by this test: ${inner}`);
  };
  const expression = (text: string) => text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, inner: string) => value(inner));
  const condition = (text: string) =>
    text.split(' || ').some((part) => {
      const match = part.match(/^(\S+) (==|!=) '([^']*)'$/);
      if (!match) throw new Error(`condition not understood by this test: ${text}`);
      return match[2] === '==' ? value(match[1]!) === match[3] : value(match[1]!) !== match[3];
    });
  for (const [index, step] of (job.steps as Step[]).entries()) {
    if (step.uses) {
      expect(['actions/checkout@v4', 'actions/setup-node@v4']).toContain(step.uses);
      continue;
    }
    if (step.run === 'npm ci') continue;
    if (step.if && !condition(step.if)) {
      if (step.id) outcomes[step.id] = 'skipped';
      continue;
    }
    const outputFile = join(cwd, '..', `github-output-${index}`);
    await writeFile(outputFile, '');
    const env: Record<string, string> = { ...(process.env as Record<string, string>), ...extraEnv, GITHUB_OUTPUT: outputFile };
    for (const [name, text] of Object.entries({ ...job.env, ...step.env })) env[name] = expression(String(text));
    const failure = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], { cwd, env, maxBuffer: 64 * 1024 * 1024 }).then(
      () => undefined,
      (error) => `${error.stdout}${error.stderr}`,
    );
    ran.push(step.name ?? step.run!);
    if (step.id) {
      outcomes[step.id] = failure === undefined ? 'success' : 'failure';
      outputs[step.id] = Object.fromEntries(
        (await readFile(outputFile, 'utf8'))
          .split('\n')
          .filter(Boolean)
          .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
      );
    }
    if (failure !== undefined && !step['continue-on-error']) return { ran, outputs, outcomes, failedAt: step.name, failure };
  }
  return { ran, outputs, outcomes, failedAt: undefined, failure: undefined };
}

describe('init --ci github: the scheduled update workflow', () => {
  it('parses, runs daily and on demand with contents/pull-requests write only, and holds no secret', async () => {
    const dir = await workspace();
    await writeFile(join(dir, 'package.json'), '{ "name": "app", "version": "1.0.0" }\n');
    await mkdir(join(dir, '.git'));
    const lines = initConsumer({ directory: dir, endpoint: 'https://auth.example.com', header: ['Authorization: Bearer ${LOGTO_SPEC_TOKEN}', 'X-Proxy: ${PROXY_KEY}'], ci: 'github' });
    expect(lines.join('\n')).toContain('add the repository secrets LOGTO_SPEC_TOKEN, PROXY_KEY');
    const text = await readFile(join(dir, '.github', 'workflows', 'logto-mgmt-update.yml'), 'utf8');
    const workflow = YAML.parse(text);
    expect(workflow.on.schedule).toEqual([{ cron: expect.stringMatching(/^\d+ \d+ \* \* \*$/) }]);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    expect(workflow.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(Object.keys(workflow.jobs)).toEqual(['update']);
    expect(workflow.jobs.update.permissions).toBeUndefined();
    expect(workflow.jobs.update.env).toEqual({ CLIENT_DIR: 'src/logto', BRANCH: 'logto-mgmt/update-spec' });
    const generateStep = workflow.jobs.update.steps.find((step: Step) => step.id === 'generate');
    expect(generateStep.env).toEqual({ LOGTO_SPEC_TOKEN: '${{ secrets.LOGTO_SPEC_TOKEN }}', PROXY_KEY: '${{ secrets.PROXY_KEY }}' });
    expect(generateStep.run).toBe('npm run generate -- --bump --strict');
    // No secret value, and secrets only where the generate step needs them.
    expect([...text.matchAll(/secrets\.(\w+)/g)].map((match) => match[1])).toEqual(['LOGTO_SPEC_TOKEN', 'PROXY_KEY']);
    expect(text).not.toMatch(/Bearer|auth\.example\.com/);

    // Existing workflow kept unless --force; a CI it does not know, or a secret GitHub refuses, stops init before it writes.
    await writeFile(join(dir, '.github', 'workflows', 'logto-mgmt-update.yml'), '# mine\n');
    expect(initConsumer({ directory: dir, ci: 'github' }).join('\n')).toContain('kept the existing workflow');
    expect(await readFile(join(dir, '.github', 'workflows', 'logto-mgmt-update.yml'), 'utf8')).toBe('# mine\n');
    const config = await readFile(join(dir, 'logto-mgmt.config.json'), 'utf8');
    expect(() => initConsumer({ directory: dir, ci: 'gitlab', force: true, tenant: 'x' })).toThrow('--ci "gitlab": the supported CI is "github"');
    expect(() => initConsumer({ directory: dir, ci: 'github', force: true, spec: 'https://x.test/s.json', header: ['A: ${GITHUB_TOKEN}'] })).toThrow('cannot be a repository secret');
    expect(await readFile(join(dir, 'logto-mgmt.config.json'), 'utf8')).toBe(config);

    // A package inside a monorepo: the workflow goes to the repository root and runs in the package.
    const monorepo = await workspace();
    await mkdir(join(monorepo, '.git'));
    await mkdir(join(monorepo, 'packages', 'logto'), { recursive: true });
    await writeFile(join(monorepo, 'packages', 'logto', 'package.json'), '{ "name": "@acme/logto", "version": "1.0.0" }\n');
    initConsumer({ directory: join(monorepo, 'packages', 'logto'), tenant: 'abc123', output: 'src', ci: 'github' });
    const nested = YAML.parse(await readFile(join(monorepo, '.github', 'workflows', 'logto-mgmt-update.yml'), 'utf8'));
    expect(nested.jobs.update.defaults).toEqual({ run: { 'working-directory': 'packages/logto' } });
    expect(nested.jobs.update.env.CLIENT_DIR).toBe('src');
    expect(nested.jobs.update.steps.find((step: Step) => step.id === 'generate').env).toBeUndefined();
  });

  it('runs step by step: a changed spec opens one pull request, a later change updates it, no change does nothing', async () => {
    const server = await specServer();
    const root = await workspace();
    const repo = join(root, 'app');
    const origin = join(root, 'origin.git');
    const record = join(root, 'gh-record');
    const bin = join(root, 'bin');
    await Promise.all([mkdir(repo), mkdir(record), mkdir(bin)]);
    await git(root, 'init', '--quiet', '--bare', '--initial-branch=main', origin);
    await git(repo, 'init', '--quiet', '--initial-branch=main');
    await git(repo, 'remote', 'add', 'origin', origin);
    await writeFile(join(bin, 'gh'), fakeGh);
    await chmod(join(bin, 'gh'), 0o755);

    // The consumer repo: a package with a type-check and a test, node_modules linked to this repo.
    const runLog = join(root, 'run.log');
    const note = (what: string) => `node -e "require('fs').appendFileSync(process.env.RUN_LOG, '${what}\\\\n')"`;
    await writeFile(
      join(repo, 'package.json'),
      `${JSON.stringify({ name: '@acme/app', version: '0.4.0', private: true, type: 'module', scripts: { typecheck: `tsc -p tsconfig.json && ${note('typecheck')}`, test: note('test') } }, null, 2)}\n`,
    );
    await writeFile(join(repo, '.gitignore'), 'node_modules/\n');
    // The consumer's code calls DeleteUser, which the first change removes.
    await mkdir(join(repo, 'src'));
    await writeFile(
      join(repo, 'src', 'app.ts'),
      "import { createLogtoManagementClient } from './logto/index.js';\n\n" +
        "const logto = createLogtoManagementClient({ endpoint: 'https://auth.example.com', clientId: 'id', clientSecret: 'secret' });\n" +
        "export const removeUser = (userId: string) => logto.users.delete({ path: { userId } });\n",
    );
    await writeFile(
      join(repo, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2022', 'DOM'],
          types: ['node'], typeRoots: [join(REPO_ROOT, 'node_modules', '@types')],
          paths: { 'logto-mgmt/runtime': [join(REPO_ROOT, 'runtime', 'index.ts')] },
        },
        include: ['src'],
      }),
    );
    await mkdir(join(repo, 'node_modules', '.bin'), { recursive: true });
    await symlink(REPO_ROOT, join(repo, 'node_modules', 'logto-mgmt'));
    await writeFile(join(repo, 'node_modules', '.bin', 'logto-mgmt'), `#!/bin/sh\nexec "${join(REPO_ROOT, 'node_modules', '.bin', 'tsx')}" "${join(REPO_ROOT, 'generator', 'cli', 'cli.ts')}" "$@"\n`);
    await chmod(join(repo, 'node_modules', '.bin', 'logto-mgmt'), 0o755);
    await symlink(join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), join(repo, 'node_modules', '.bin', 'tsc'));

    initConsumer({ directory: repo, spec: server.url, header: ['Authorization: Bearer ${LOGTO_SPEC_TOKEN}'], ci: 'github' });
    const workflowText = await readFile(join(repo, '.github', 'workflows', 'logto-mgmt-update.yml'), 'utf8');
    expect(workflowText).not.toContain(SECRET);
    const workflow = YAML.parse(workflowText);
    const env = { PATH: `${bin}:${join(repo, 'node_modules', '.bin')}:${process.env.PATH}`, GH_RECORD: record, RUN_LOG: runLog };
    const secrets = { LOGTO_SPEC_TOKEN: SECRET };

    // The consumer's first generate, committed on main.
    await run('npm', ['run', 'generate'], { cwd: repo, env: { ...process.env, ...env, LOGTO_SPEC_TOKEN: SECRET } });
    await git(repo, 'add', '-A');
    await git(repo, '-c', 'user.name=dev', '-c', 'user.email=dev@example.com', 'commit', '--quiet', '-m', 'Logto client');
    await git(repo, 'push', '--quiet', 'origin', 'main');
    const main = await git(repo, 'rev-parse', 'HEAD');
    const backToMain = async () => {
      await git(repo, 'checkout', '--quiet', '-f', 'main');
      await git(repo, 'clean', '--quiet', '-fd');
    };

    // 1. Logto removed an operation and added one: a breaking change, 0.x → minor.
    const changed = structuredClone(miniSpec);
    delete changed.paths['/api/users/{userId}'].delete;
    changed.paths['/api/users/{userId}/roles'] = {
      get: {
        operationId: 'ListUserRoles', tags: ['Users'], summary: 'Get roles for user',
        parameters: [{ name: 'userId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'OK', content: { 'application/json': { schema: { type: 'array', items: { type: 'string' } } } } } },
      },
    };
    server.state.spec = changed;
    server.state.requests.length = 0;
    const first = await runJob(workflow, repo, env, secrets);
    expect(first.outputs.generate).toEqual({ release: 'minor', breaking: 'true', version: '0.5.0' });
    // The type-check fails (app.ts calls the removed operation): the pull request is still
    // opened, says so, and the run fails at its end.
    expect(first.ran).toEqual(['Pull the spec and regenerate', 'Type-check', 'Test', 'Open or update the pull request', 'Fail when the type-check or the tests failed']);
    expect(first.outcomes).toMatchObject({ generate: 'success', typecheck: 'failure', test: 'success' });
    expect(first.failedAt).toBe('Fail when the type-check or the tests failed');
    expect(await readFile(runLog, 'utf8')).toBe('test\n');
    expect(server.state.requests).toEqual([{ authorization: `Bearer ${SECRET}` }]);

    const branch = 'logto-mgmt/update-spec';
    const pushed = await git(origin, 'rev-parse', branch);
    expect(await git(origin, 'rev-parse', `${branch}^`)).toBe(main);
    expect(await git(origin, 'log', '-1', '--format=%s%n%an <%ae>', branch)).toBe(
      'Logto API update: minor release (0.5.0)\ngithub-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
    );
    const files = (await git(origin, 'diff', '--name-only', main, branch)).split('\n');
    expect(files).toEqual(expect.arrayContaining(['CHANGELOG.md', 'package.json', 'src/logto/CHANGES.md', 'src/logto/API-CHANGELOG.md', 'src/logto/spec.json', 'src/logto/operations/users.ts']));
    expect(files.some((file) => file.startsWith('node_modules'))).toBe(false);
    expect(JSON.parse(await git(origin, 'show', `${branch}:package.json`)).version).toBe('0.5.0');
    const changes = await committed(origin, branch, 'src/logto/CHANGES.md');
    expect(changes).toContain('## Breaking changes (1)');

    const calls = async () => (await readFile(join(record, 'calls.jsonl'), 'utf8')).trim().split('\n').map((line) => JSON.parse(line));
    const firstCalls = await calls();
    expect(firstCalls.map((call: any) => call.args.slice(0, 2).join(' '))).toEqual(['pr list', 'label create', 'pr create']);
    expect(firstCalls.every((call: any) => call.token === 'github-token-of-the-job')).toBe(true);
    const create = firstCalls[2];
    expect(create.args).toEqual(['pr', 'create', '--head', branch, '--title', 'Logto API update: minor release (0.5.0)', '--body-file', expect.any(String), '--label', 'breaking']);
    expect(create.body).toBe(
      `> [!WARNING]\n> With this client, the type-check failed: the code that uses it needs changes on this branch (https://github.com/acme/app/actions/runs/42).\n\n${changes}`,
    );

    // 2. Before the pull request is merged, Logto puts the operation back: the same branch and
    //    pull request are updated (no longer breaking: the label goes).
    await backToMain();
    const added = structuredClone(changed);
    added.paths['/api/users/{userId}'].delete = miniSpec.paths['/api/users/{userId}'].delete;
    server.state.spec = added;
    const second = await runJob(workflow, repo, env, secrets);
    expect(second.outputs.generate).toEqual({ release: 'minor', breaking: 'false', version: '0.5.0' });
    expect([second.failedAt, second.outcomes.typecheck]).toEqual([undefined, 'success']);
    const updated = await git(origin, 'rev-parse', branch);
    expect(updated).not.toBe(pushed);
    expect(await git(origin, 'rev-parse', `${branch}^`)).toBe(main);
    const secondCalls = (await calls()).slice(firstCalls.length);
    expect(secondCalls.map((call: any) => call.args.join(' '))).toEqual([
      `pr list --head ${branch} --state open --json number --jq .[0].number // empty`,
      `pr edit 1 --title Logto API update: minor release (0.5.0) --body-file ${secondCalls[1].args[6]}`,
      'pr edit 1 --remove-label breaking',
    ]);
    const updatedChanges = await committed(origin, branch, 'src/logto/CHANGES.md');
    expect(updatedChanges).not.toContain('Breaking changes');
    expect(secondCalls[1].body).toBe(updatedChanges);

    // The same update again (a rerun before the merge): the branch is not pushed again.
    await backToMain();
    const rerun = await runJob(workflow, repo, env, secrets);
    expect(rerun.failedAt).toBeUndefined();
    expect(await git(origin, 'rev-parse', branch)).toBe(updated);
    const rerunCalls = (await calls()).slice(firstCalls.length + secondCalls.length);
    expect(rerunCalls.map((call: any) => call.args.slice(0, 3).join(' '))).toEqual(['pr list --head', 'pr edit 1', 'pr edit 1']);
    expect(rerunCalls[1].body).toBe(updatedChanges);

    // 3. Logto back to what main has pinned: nothing to release, nothing pushed, no gh call.
    await backToMain();
    server.state.spec = miniSpec;
    const third = await runJob(workflow, repo, env, secrets);
    expect(third.outputs.generate).toEqual({ release: 'none', breaking: 'false', version: '0.4.0' });
    expect(third.ran).toEqual(['Pull the spec and regenerate']);
    expect(await git(origin, 'rev-parse', branch)).toBe(updated);
    expect(await calls()).toHaveLength(firstCalls.length + secondCalls.length + rerunCalls.length);
    expect(await git(repo, 'status', '--porcelain')).toBe('');
    await rm(runLog, { force: true });
  }, 600_000); // slow only on a loaded machine: ~90 s alone, 3 min during the full suite
});
