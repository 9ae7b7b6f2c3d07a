/**
 * Row 3 — per-call overhead. 2 000 sequential `GET /api/users/{userId}` calls to a loopback
 * node:http server (request-server.ts, its own process) through: our client (limiter off),
 * raw openapi-fetch, @logto/api's client and plain fetch. Each client runs in a fresh process
 * (request-client.ts) that warms up first (token fetched, JIT warm) and reports its own CPU
 * time (process.cpuUsage) and wall time for the measured calls; runs are interleaved.
 * Target: our CPU per call ≤ @logto/api's.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ClientKind } from './request-client.js';
import { assertSucceeded, benchDir, interleave, isMain, median, repoRoot, runNode, runsFromEnv, tsxCli } from './measure.js';
import {
  formatMicros,
  formatRatio,
  compareLowerIsBetter,
  judgeLowerIsBetter,
  percent,
  printResult,
  unavailableRow,
  type BenchResult,
  type BenchRow,
} from './table.js';

const GROUP = '3. Request overhead';
const CALLS = 2000;
const WARM_UP_CALLS = 200;
const TIMEOUT_MS = 120_000;

interface ClientSample {
  label: string;
  calls: number;
  wallMs: number;
  cpuMicros: number;
}

interface LoopbackServer {
  port: number;
  stop: () => Promise<void>;
}

/** Starts request-server.ts in its own process and waits for its `listening <port>` line. */
async function startServer(): Promise<LoopbackServer> {
  const child = spawn(process.execPath, [tsxCli, join(benchDir, 'request-server.ts')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('loopback server did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`loopback server exited with ${code}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
  return {
    port,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

async function measureClient(kind: ClientKind, port: number): Promise<ClientSample> {
  const run = assertSucceeded(
    await runNode([tsxCli, join(benchDir, 'request-client.ts'), kind, String(port), String(CALLS), String(WARM_UP_CALLS)], { timeoutMs: TIMEOUT_MS }),
    `request client "${kind}"`,
  );
  const lastLine = run.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(lastLine) as ClientSample;
}

export async function benchRequestOverhead(): Promise<BenchResult> {
  const runs = runsFromEnv(5);
  const server = await startServer();
  let samples: Record<ClientKind, ClientSample[]>;
  let oursError: string | undefined;
  try {
    const kinds: ClientKind[] = ['ours', 'logto-api', 'openapi-fetch', 'fetch'];
    try {
      await measureClient('ours', server.port);
    } catch (error) {
      oursError = (error as Error).message;
      kinds.shift();
    }
    const measurements = Object.fromEntries(kinds.map((kind) => [kind, () => measureClient(kind, server.port)])) as Record<
      ClientKind,
      () => Promise<ClientSample>
    >;
    samples = await interleave(runs, measurements);
  } finally {
    await server.stop();
  }

  const cpuPerCall = (kind: ClientKind) => median(samples[kind].map((s) => s.cpuMicros / s.calls));
  const requestsPerSecond = (kind: ClientKind) => median(samples[kind].map((s) => s.calls / (s.wallMs / 1000)));
  const runsLabel = `median of ${runs} runs, each a fresh process: ${CALLS} calls after ${WARM_UP_CALLS} warm-up`;
  const theirLabels: Record<Exclude<ClientKind, 'ours'>, string> = {
    'logto-api': '@logto/api',
    'openapi-fetch': 'raw openapi-fetch',
    fetch: 'plain fetch',
  };

  const rows: BenchRow[] = [];
  if (oursError) {
    rows.push(unavailableRow(GROUP, 'CPU per call vs @logto/api', 'ours ≤ @logto/api (≤ 1.00×)', oursError));
  } else {
    for (const theirs of ['logto-api', 'openapi-fetch', 'fetch'] as const) {
      const ours = cpuPerCall('ours');
      const reference = cpuPerCall(theirs);
      const gated = theirs === 'logto-api';
      rows.push({
        group: GROUP,
        name: `client CPU per call vs ${theirLabels[theirs]}`,
        ours: formatMicros(ours),
        theirs: `${formatMicros(reference)} (${theirLabels[theirs]})`,
        ratio: formatRatio(ours, reference),
        target: gated ? 'ours ≤ @logto/api (≤ 1.00×)' : 'informational',
        ...(gated
          ? judgeLowerIsBetter(ours, reference, 1, 'more CPU')
          : { verdict: 'INFO' as const, detail: compareLowerIsBetter(ours, reference, 'more CPU') }),
        runs: runsLabel,
      });
    }
    for (const theirs of ['logto-api', 'openapi-fetch', 'fetch'] as const) {
      const ours = requestsPerSecond('ours');
      const reference = requestsPerSecond(theirs);
      rows.push({
        group: GROUP,
        name: `requests per second (sequential) vs ${theirLabels[theirs]}`,
        ours: `${ours.toFixed(0)} req/s`,
        theirs: `${reference.toFixed(0)} req/s (${theirLabels[theirs]})`,
        ratio: formatRatio(ours, reference),
        target: 'informational (higher is better)',
        verdict: 'INFO',
        detail: ours >= reference ? `ours is ${percent(ours / reference - 1)} faster` : `ours is ${percent(1 - ours / reference)} slower`,
        runs: runsLabel,
      });
    }
  }

  const details = [
    '| Client | CPU per call | Requests per second |',
    '| --- | --- | --- |',
    ...(Object.keys(samples) as ClientKind[]).map(
      (kind) => `| ${samples[kind][0].label} | ${formatMicros(cpuPerCall(kind))} | ${requestsPerSecond(kind).toFixed(0)} |`,
    ),
  ].join('\n');
  return { rows, details: `Request overhead, every client (${runsLabel}):\n\n${details}` };
}

if (isMain(import.meta.url)) printResult(await benchRequestOverhead());
