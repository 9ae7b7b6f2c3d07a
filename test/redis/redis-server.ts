/**
 * A real `redis-server` for the Redis store's tests: started on 127.0.0.1 on a free port, no
 * persistence, killed by `stop()`. `.ci/run` installs the Debian package when it is missing;
 * `redisServerPath` is undefined (and the suites skip, saying why) only where it cannot be —
 * and never in CI: with `CI=true` a missing redis-server fails the run at import instead of
 * letting the suites go green by skipping.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';

export const redisServerPath: string | undefined = (() => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
})();

export const skipReason = 'redis-server is not installed (apt-get install redis-server; .ci/run does it)';

if (!redisServerPath && process.env.CI === 'true') {
  throw new Error(`CI=true and ${skipReason}: the Redis suites must run in CI, not skip`);
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGKILL: like a crash, nothing is saved) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
  /** Freezes the server (SIGSTOP: connections stay open, nothing is answered) for `ms`, then lets it go on (SIGCONT). */
  freeze(ms: number): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  if (!redisServerPath) throw new Error(skipReason);
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    const started = spawn(redisServerPath!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    child = started;
    await waitUntilReady(port, started);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGKILL');
      await exited;
    },
    restart: launch,
    async freeze(ms) {
      const running = child;
      if (!running) throw new Error('redis-server is not running');
      running.kill('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, ms));
      running.kill('SIGCONT');
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers PING with PONG (up to 10 s). */
async function waitUntilReady(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode} (port ${port} taken?)`);
    if (await ping(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`redis-server on port ${port} did not become ready within 10 s`);
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk;
      if (reply.includes('\r\n')) socket.end();
    });
    socket.on('close', () => resolve(reply.startsWith('+PONG')));
    socket.on('error', () => {});
  });
}
