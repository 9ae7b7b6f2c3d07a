/**
 * A real 3-master Redis Cluster for the store's tests, as managed Redis offerings run it:
 * three `redis-server --cluster-enabled yes` on free loopback ports, each with its own temp
 * directory (for `nodes.conf`), joined by `redis-cli --cluster create`, ready once every node
 * says `cluster_state:ok`. `kill(port)` / `restart(port)` take one master down and bring it
 * back with its slots (its `nodes.conf` survives); `stop()` kills all and removes the dirs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redisServerPath } from './redis-server.js';

export const redisCliPath: string | undefined = (() => {
  const found = spawnSync('sh', ['-c', 'command -v redis-cli'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
})();

export interface RedisCluster {
  readonly ports: number[];
  /** The port of the master serving `slot`. */
  masterFor(slot: number): number;
  /** `CLUSTER KEYSLOT key`. */
  keyslot(key: string): number;
  /** Every key on every master. */
  keys(): string[];
  /** FLUSHALL on every master. */
  flushAll(): void;
  /** SIGKILL one master and wait for it to exit. */
  kill(port: number): Promise<void>;
  /** Start a killed master again (same port, same nodes.conf) and wait for `cluster_state:ok`. */
  restart(port: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisCluster(): Promise<RedisCluster> {
  if (!redisServerPath || !redisCliPath) throw new Error('redis-server and redis-cli are needed for the Cluster tests');
  const ports = [await freePort(), await freePort(), await freePort()];
  const dirs = new Map(ports.map((port) => [port, mkdtempSync(join(tmpdir(), `logto-mgmt-cluster-${port}-`))]));
  const nodes = new Map<number, ChildProcess>();
  const launch = async (port: number) => {
    const node = spawn(
      redisServerPath!,
      ['--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf',
        '--cluster-node-timeout', '1000', '--save', '', '--appendonly', 'no', '--dir', dirs.get(port)!],
      { stdio: 'ignore' },
    );
    nodes.set(port, node);
    await waitFor(() => cli(port, 'PING') === 'PONG', `redis-server on ${port} to start`, node);
  };
  const cli = (port: number, ...args: string[]) =>
    spawnSync(redisCliPath!, ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' }).stdout.trim();
  const allOk = () => ports.every((port) => !nodes.has(port) || cli(port, 'CLUSTER', 'INFO').includes('cluster_state:ok'));
  const stopAll = async () => {
    await Promise.all(ports.map((port) => killNode(nodes, port)));
    for (const dir of dirs.values()) rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await launch(port);
    const created = spawnSync(redisCliPath, ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-yes'], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    await waitFor(allOk, 'cluster_state:ok on every node');
  } catch (error) {
    await stopAll();
    throw error;
  }
  return {
    ports,
    masterFor(slot) {
      const slots = JSON.parse(spawnSync(redisCliPath!, ['-h', '127.0.0.1', '-p', String(ports[0]), '--json', 'CLUSTER', 'SLOTS'], { encoding: 'utf8' }).stdout) as [number, number, [string, number]][];
      const range = slots.find(([from, to]) => slot >= from && slot <= to);
      if (!range) throw new Error(`no master serves slot ${slot}`);
      return range[2][1];
    },
    keyslot: (key) => Number(cli(ports[0]!, 'CLUSTER', 'KEYSLOT', key)),
    keys: () => ports.filter((port) => nodes.has(port)).flatMap((port) => cli(port, '--scan').split('\n').filter(Boolean)),
    flushAll: () => ports.filter((port) => nodes.has(port)).forEach((port) => cli(port, 'FLUSHALL')),
    kill: (port) => killNode(nodes, port),
    async restart(port) {
      await launch(port);
      await waitFor(allOk, 'cluster_state:ok after the restart');
    },
    stop: stopAll,
  };
}

async function killNode(nodes: Map<number, ChildProcess>, port: number): Promise<void> {
  const node = nodes.get(port);
  nodes.delete(port);
  if (!node || node.exitCode !== null || node.signalCode !== null) return;
  const exited = new Promise((resolve) => node.once('exit', resolve));
  node.kill('SIGKILL');
  await exited;
}

async function waitFor(condition: () => boolean, what: string, node?: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (node && node.exitCode !== null) throw new Error(`waiting for ${what}: redis-server exited with ${node.exitCode}`);
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after 20 s waiting for ${what}`);
}

/** A free port whose cluster bus port (port + 10 000) is free too: below the ephemeral range. */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if ((await canListen(port)) && (await canListen(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
