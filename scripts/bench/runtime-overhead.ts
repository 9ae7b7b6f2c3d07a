/**
 * Client CPU per call: logto-mgmt's LogtoClient vs @logto/api (openapi-fetch + an auth
 * middleware), side by side in one run against the fake Logto in a separate process.
 * Usage: npx tsx scripts/bench/runtime-overhead.ts [callsPerRound=2000] [rounds=5]
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createManagementApi } from '@logto/api/management';
import { createLogtoClient, defineOperation } from '../../runtime/index.js';

const callsPerRound = Number(process.argv[2] ?? 2000);
const rounds = Number(process.argv[3] ?? 5);
const concurrency = 8;

const child = spawn(process.execPath, ['--import', 'tsx', new URL('./fake-logto-process.ts', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
const [line] = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next().then((r) => [r.value as string]);
const server = JSON.parse(line) as { url: string; clientId: string; clientSecret: string; resource: string };

const listUsers = defineOperation<{ query?: { page?: number; page_size?: number } }, unknown[]>({
  id: 'ListUsers', method: 'GET', path: '/api/users', security: 'm2m', paginated: true, body: 'none',
});
const ours = createLogtoClient({ endpoint: server.url, clientId: server.clientId, clientSecret: server.clientSecret, resource: server.resource });
const { apiClient: theirs } = createManagementApi('default', { clientId: server.clientId, clientSecret: server.clientSecret, baseUrl: server.url, apiIndicator: server.resource });

const contenders: Record<string, () => Promise<unknown>> = {
  'logto-mgmt': () => listUsers(ours, { query: { page: 1, page_size: 20 } }),
  '@logto/api': async () => {
    const { data, error } = await theirs.GET('/api/users', { params: { query: { page: 1, page_size: 20 } } });
    if (error) throw new Error('request failed');
    return data;
  },
};

async function round(call: () => Promise<unknown>): Promise<{ cpuUs: number; wallMs: number }> {
  let next = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next++ < callsPerRound) await call();
  }));
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / callsPerRound, wallMs: performance.now() - started };
}

for (const call of Object.values(contenders)) for (let i = 0; i < 300; i++) await call(); // warm up, tokens cached
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
for (let r = 0; r < rounds; r++) {
  // Alternate the order so neither side always runs on a warmer or busier machine.
  const names = r % 2 === 0 ? Object.keys(contenders) : Object.keys(contenders).reverse();
  for (const name of names) samples[name].push((await round(contenders[name])).cpuUs);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const baseline = median(samples['@logto/api']);
console.log(`client CPU per call, GET /api/users (20 users), ${callsPerRound} calls × ${rounds} rounds, concurrency ${concurrency}`);
console.log('| client | median CPU µs/call | ratio vs @logto/api |');
console.log('| --- | ---: | ---: |');
for (const name of Object.keys(contenders)) console.log(`| ${name} | ${median(samples[name]).toFixed(1)} | ${(median(samples[name]) / baseline).toFixed(2)} |`);
child.stdin!.end();
