/**
 * One measured client process of the request-overhead benchmark:
 *   tsx scripts/bench/request-client.ts <fetch|openapi-fetch|logto-api|ours> <port> <calls> <warm-up calls>
 * Sets the client up (token fetched during warm-up where the client does M2M auth), makes the
 * warm-up calls, then `calls` sequential GETs of one user, and prints one JSON line:
 * `{ label, calls, wallMs, cpuMicros }` — CPU from process.cpuUsage() of this process only
 * (the server runs in another process).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import createClient from 'openapi-fetch';
import { createManagementApi } from '@logto/api/management';
import { repoRoot } from './measure.js';

export type ClientKind = 'fetch' | 'openapi-fetch' | 'logto-api' | 'ours';

interface MeasuredClient {
  label: string;
  getUser: () => Promise<unknown>;
}

/** The one operation raw openapi-fetch calls, typed as openapi-typescript would emit it. */
interface GetUserPath {
  '/api/users/{userId}': {
    get: {
      parameters: { path: { userId: string } };
      responses: { 200: { content: { 'application/json': Record<string, unknown> } } };
    };
  };
}

const credentials = { clientId: 'bench-client', clientSecret: 'bench-secret' };
const staticToken = 'bench-access-token';

/**
 * Options that switch our client's limiter off (the point is per-call overhead, not pacing).
 * Spelled the way runtime/ accepts them.
 */
const ourLimiterOff = { rateLimit: false };

async function importIfPresent<Module>(repoRelativeTs: string): Promise<Module | undefined> {
  const file = join(repoRoot, repoRelativeTs);
  return existsSync(file) ? ((await import(pathToFileURL(file).href)) as Module) : undefined;
}

interface GeneratedClientModule {
  createLogtoManagementClient: (options: Record<string, unknown>) => {
    users: { get: (params: { path: { userId: string } }) => Promise<unknown> };
  };
}

interface RuntimeModule {
  createLogtoClient: (options: Record<string, unknown>) => unknown;
  defineOperation: (descriptor: Record<string, unknown>) => (client: unknown, params: unknown) => Promise<unknown>;
}

async function ourClient(endpoint: string): Promise<MeasuredClient> {
  const generated = await importIfPresent<GeneratedClientModule>('generated/client.ts');
  if (generated) {
    const client = generated.createLogtoManagementClient({ endpoint, ...credentials, ...ourLimiterOff });
    return { label: 'ours: createLogtoManagementClient', getUser: () => client.users.get({ path: { userId: 'u1' } }) };
  }
  // Before the generator lands: the runtime client with the descriptor a wrapper would carry.
  const runtime = await importIfPresent<RuntimeModule>('runtime/index.ts');
  if (!runtime) throw new Error('neither generated/client.ts nor runtime/index.ts exists');
  const client = runtime.createLogtoClient({ endpoint, ...credentials, ...ourLimiterOff });
  const getUser = runtime.defineOperation({
    id: 'GetUser',
    method: 'GET',
    path: '/api/users/{userId}',
    security: 'm2m',
    paginated: false,
    body: 'none',
  });
  return { label: 'ours: runtime client + GetUser descriptor (generator not landed)', getUser: () => getUser(client, { path: { userId: 'u1' } }) };
}

async function createMeasuredClient(kind: ClientKind, endpoint: string): Promise<MeasuredClient> {
  switch (kind) {
    case 'fetch':
      return {
        label: 'plain fetch',
        getUser: async () => {
          const response = await fetch(`${endpoint}/api/users/u1`, { headers: { authorization: `Bearer ${staticToken}` } });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          return response.json();
        },
      };
    case 'openapi-fetch': {
      const client = createClient<GetUserPath>({ baseUrl: endpoint, headers: { authorization: `Bearer ${staticToken}` } });
      return {
        label: 'raw openapi-fetch',
        getUser: async () => {
          const { data, error } = await client.GET('/api/users/{userId}', { params: { path: { userId: 'u1' } } });
          if (error !== undefined) throw new Error('request failed');
          return data;
        },
      };
    }
    case 'logto-api': {
      const { apiClient } = createManagementApi('default', { ...credentials, baseUrl: endpoint, apiIndicator: 'https://default.logto.app/api' });
      return {
        label: '@logto/api createManagementApi',
        getUser: async () => {
          const { data, error } = await apiClient.GET('/api/users/{userId}', { params: { path: { userId: 'u1' } } });
          if (error !== undefined) throw new Error('request failed');
          return data;
        },
      };
    }
    case 'ours':
      return ourClient(endpoint);
  }
}

async function main() {
  const [kind, port, calls, warmUp] = process.argv.slice(2);
  const client = await createMeasuredClient(kind as ClientKind, `http://127.0.0.1:${port}`);
  for (let i = 0; i < Number(warmUp); i++) await client.getUser();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < Number(calls); i++) await client.getUser();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(JSON.stringify({ label: client.label, calls: Number(calls), wallMs, cpuMicros: cpu.user + cpu.system }));
}

await main();
