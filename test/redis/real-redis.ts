/**
 * One real redis-server per test file, with an admin connection and ioredis clients that are
 * all disconnected at the end: `const redis = useRedisServer()` inside a `describe`.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startRedisServer, type RedisServer } from './redis-server.js';

export interface RealRedis {
  readonly server: RedisServer;
  readonly admin: Redis;
  /** A new ioredis client (disconnected after the file). */
  connect(): Redis;
  /** Called after each test (close stores, timers, …). */
  cleanup(fn: () => void): void;
}

export function useRedisServer(): RealRedis {
  const clients: Redis[] = [];
  const cleanups: (() => void)[] = [];
  let server: RedisServer;
  let admin: Redis;
  const connect = () => {
    const client = new Redis(server.port, '127.0.0.1', { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
    client.on('error', () => {});
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    server = await startRedisServer();
    admin = connect();
  });
  afterEach(async () => {
    for (const fn of cleanups.splice(0)) fn();
    await admin.flushall();
  });
  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await server?.stop();
  });
  return {
    get server() {
      return server;
    },
    get admin() {
      return admin;
    },
    connect,
    cleanup: (fn) => cleanups.push(fn),
  };
}
