/**
 * Measuring in fresh child processes: wall time from spawn to exit (node start-up included,
 * as a user experiences it), and, on request, the child's own peak RSS and CPU time via a
 * `--import` preload (see rusage-preload.mjs).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const benchDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(benchDir, '../..');
/** Scratch space inside the repo (gitignored), so consumer projects resolve `node_modules`. */
export const scratchRoot = join(repoRoot, '.tmp', 'bench');

export const tsxCli = join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
export const tscCli = join(repoRoot, 'node_modules/typescript/lib/tsc.js');

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface ChildRun {
  wallMs: number;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The child's own resource usage (maxRSS in kB, CPU in µs) when `rusage` was asked for. */
  rusage?: NodeJS.ResourceUsage;
  /** User + system CPU of the child and every descendant it waited for, when `treeCpu` was asked for. */
  treeCpuMs?: number;
}

export interface ChildOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill the child (SIGKILL, by pid) after this long; the run then counts as failed. */
  timeoutMs?: number;
  /** Record the child's peak RSS and CPU time (the command must be `node`). */
  rusage?: boolean;
  /**
   * Record the CPU time of the whole process tree (tsx and some CLIs re-spawn node), via
   * `/usr/bin/time` when it is installed. CPU time is far less disturbed by a busy machine than
   * wall time, so it explains a wall-time row taken under load.
   */
  treeCpu?: boolean;
}

const gnuTime = '/usr/bin/time';

/** Runs `node <args>` in a fresh process and times it. */
export function runNode(args: string[], options: ChildOptions = {}): Promise<ChildRun> {
  const nodeArgs = options.rusage ? ['--import', pathToFileURL(join(benchDir, 'rusage-preload.mjs')).href, ...args] : args;
  return runChild(process.execPath, nodeArgs, options);
}

export async function runChild(command: string, args: string[], options: ChildOptions = {}): Promise<ChildRun> {
  let rusageDir: string | undefined;
  const env = { ...process.env, ...options.env };
  if (options.rusage || options.treeCpu) rusageDir = mkdtempSync(join(tmpdir(), 'bench-rusage-'));
  if (options.rusage) env.BENCH_RUSAGE_FILE = join(rusageDir!, 'rusage.json');
  const treeCpuFile = options.treeCpu && existsSync(gnuTime) ? join(rusageDir!, 'time.txt') : undefined;
  if (treeCpuFile) {
    args = ['-f', '%U %S', '-o', treeCpuFile, command, ...args];
    command = gnuTime;
  }
  try {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = options.timeoutMs
      ? setTimeout(() => {
          stderr += `\n[bench] killed after ${options.timeoutMs} ms`;
          if (child.pid) process.kill(child.pid, 'SIGKILL');
        }, options.timeoutMs)
      : undefined;
    const exitCode = await new Promise<number | null>((resolvePromise, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolvePromise(code));
    });
    const wallMs = performance.now() - started;
    clearTimeout(timer);
    const run: ChildRun = { wallMs, exitCode, stdout, stderr };
    if (env.BENCH_RUSAGE_FILE && existsSync(env.BENCH_RUSAGE_FILE)) {
      run.rusage = JSON.parse(readFileSync(env.BENCH_RUSAGE_FILE, 'utf8')) as NodeJS.ResourceUsage;
    }
    if (treeCpuFile && existsSync(treeCpuFile)) {
      // GNU time writes "Command exited with non-zero status N" first when the child failed.
      const [user, system] = readFileSync(treeCpuFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
      if (Number.isFinite(user) && Number.isFinite(system)) run.treeCpuMs = (user + system) * 1000;
    }
    return run;
  } finally {
    if (rusageDir) rmSync(rusageDir, { recursive: true, force: true });
  }
}

/** Throws with the child's output tail when it failed, so a broken piece is reported, not timed. */
export function assertSucceeded(run: ChildRun, what: string): ChildRun {
  if (run.exitCode !== 0) {
    const tail = `${run.stderr}\n${run.stdout}`.trim().split('\n').slice(-6).join(' / ');
    throw new Error(`${what} exited with ${run.exitCode}: ${tail.slice(0, 400)}`);
  }
  return run;
}

/** A fresh, empty scratch directory under `.tmp/bench/`. */
export function freshScratchDir(name: string): string {
  const dir = join(scratchRoot, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Runs every measurement `runs` times, interleaved (a, b, c, a, b, c, ...) so load spikes on a busy machine hit every side alike. */
export async function interleave<K extends string, T>(
  runs: number,
  measurements: Record<K, () => Promise<T>>,
): Promise<Record<K, T[]>> {
  const results = Object.fromEntries(Object.keys(measurements).map((key) => [key, [] as T[]])) as Record<K, T[]>;
  for (let i = 0; i < runs; i++) {
    for (const key of Object.keys(measurements) as K[]) results[key].push(await measurements[key]());
  }
  return results;
}

/** How many runs to take: `BENCH_RUNS` overrides every benchmark's default (e.g. 1 for a smoke run). */
export function runsFromEnv(defaultRuns: number): number {
  const fromEnv = Number(process.env.BENCH_RUNS);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : defaultRuns;
}

/** True when this module is the script node was started with (each benchmark also runs alone). */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === moduleUrl;
}

/** `2 min 05 s` / `12.3 s`, for progress lines. */
export function formatDuration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, '0')} s`;
}
