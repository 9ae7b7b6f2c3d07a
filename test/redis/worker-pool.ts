/**
 * Parent side of the multi-process tests and the benchmark: forks `worker.ts` processes
 * (through tsx), hands each its configuration, starts them together, and collects results.
 * Also the server-side measure every test asserts on: the most requests that arrived within
 * any rolling window.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { WorkerConfig, WorkerMessage, WorkerResult } from './worker.js';

const WORKER_PATH = fileURLToPath(new URL('./worker.ts', import.meta.url));

export interface WorkerPool {
  readonly workers: ChildProcess[];
  /**
   * Releases every worker at once; resolves with their results, in worker order. Cold-start
   * workers (`coldStart`) can run again; the others exit after one run.
   */
  run(): Promise<WorkerResult[]>;
  /** Kills any worker still running. */
  kill(): void;
}

export async function startWorkers(configs: Omit<WorkerConfig, 'worker'>[]): Promise<WorkerPool> {
  const workers = configs.map(() => fork(WORKER_PATH, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const nextResult = (child: ChildProcess, worker: number) =>
    new Promise<WorkerResult>((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type !== 'done' && message.type !== 'error') return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (message.type === 'done') resolve(message.result);
        else reject(new Error(`worker ${worker}: ${message.error}`));
      };
      const onExit = (code: number | null, signal: string | null) => reject(new Error(`worker ${worker} exited (${code ?? signal}) before finishing`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = workers.map(
    (child, worker) =>
      new Promise<void>((resolve, reject) => {
        child.on('message', (message: WorkerMessage) => message.type === 'ready' && resolve());
        child.once('exit', (code) => reject(new Error(`worker ${worker} exited (${code}) during setup`)));
      }),
  );
  workers.forEach((child, worker) => child.send({ type: 'config', config: { ...configs[worker]!, worker } }));
  try {
    await Promise.all(ready);
  } catch (error) {
    for (const child of workers) child.kill('SIGKILL');
    throw error;
  }
  return {
    workers,
    async run() {
      const results = workers.map(nextResult);
      for (const child of workers) child.send({ type: 'go' });
      return Promise.all(results);
    },
    kill() {
      for (const child of workers) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** The largest number of arrivals (monotonic ms, any order) within any window of `windowMs`. */
export function maxInRollingWindow(arrivals: number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let max = 0;
  for (let start = 0, end = 0; end < sorted.length; end++) {
    while (sorted[end]! - sorted[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
