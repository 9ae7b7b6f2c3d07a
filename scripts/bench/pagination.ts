/**
 * Benchmark (not a test): walking 10 000 users, 100 per page, from a loopback Logto-like
 * server that waits 5 ms before each page.
 *
 * The server is the shared fake Logto (testing/, logto-mgmt-testing: real bearer-token checks, Logto's
 * exact Link/Total-Number headers), in a child process (pagination-server.ts) so that serving
 * pages does not share the client's event loop.
 *
 * - "sequential loop": what users of the official client write today — openapi-fetch `GET`,
 *   find rel="next" in the Link header, take its page number (the URL itself lacks `/api`),
 *   request that page, repeat;
 * - `paginate()` over the generated `users.list` with concurrency 1 (next page prefetched while the caller consumes) and 4
 *   (pages fetched in parallel once Total-Number is known).
 *
 * Every variant touches each item the same way; runs are interleaved and the median is
 * reported, with peak heap and RSS growth over a GC'd baseline.
 *
 *   npx tsx scripts/bench/pagination.ts
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import createClient from 'openapi-fetch';
import { users } from '../../generated/index.js';
import type { paths } from '../../generated/schema.js';
import { createLogtoClient, paginate } from '../../runtime/index.js';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface PaginationBenchRow {
  variant: string;
  medianMs: number;
  /** Sequential loop's median divided by this one's: > 1 is faster. */
  speedup: number;
  peakHeapGrowthMb: number;
  peakRssGrowthMb: number;
  requests: number;
}

export interface PaginationBenchOptions {
  items?: number;
  pageSize?: number;
  latencyMs?: number;
  runs?: number;
}

type User = { id: string };

let gc: (() => void) | undefined;
const collectGarbage = () => {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
};

export async function benchPagination(options: PaginationBenchOptions = {}): Promise<{ table: string; rows: PaginationBenchRow[] }> {
  const { items = 10_000, pageSize = 100, latencyMs = 5, runs = 7 } = options;
  const server = await startServerProcess(items, latencyMs);
  const token = server.token;
  try {
    // Both sides send the same M2M token (issued by the fake), so no token request is timed.
    const fetchClient = createClient<paths>({ baseUrl: server.url });
    // The rate-limit window is off (the loop has none; its cost is measured in rate-limit.ts):
    // this compares pagination strategies. Retries and concurrency cap stay at their defaults.
    const client = createLogtoClient({ endpoint: server.url, getAccessToken: () => token, rateLimit: false });
    let checksum = 0;
    const consume = (user: User) => {
      checksum += Number(user.id.slice(1)); // lazily seeded ids are `u` + the index
    };

    const variants: { name: string; walk: (sample: () => void) => Promise<void> }[] = [
      {
        name: 'sequential loop (openapi-fetch + Link rel="next")',
        walk: async (sample) => {
          let page: number | undefined = 1;
          while (page !== undefined) {
            const { data, error, response } = await fetchClient.GET('/api/users', {
              params: { query: { page, page_size: pageSize } },
              headers: { authorization: `Bearer ${token}` },
            });
            if (!data) throw new Error(`page ${page} failed: ${response.status} ${JSON.stringify(error)}`);
            for (const user of data) consume(user);
            sample();
            const next = /<([^>]*)>\s*;\s*rel="?next"?/.exec(response.headers.get('link') ?? '');
            page = next ? Number(new URL(next[1]).searchParams.get('page')) : undefined;
          }
        },
      },
      ...[1, 4].map((concurrency) => ({
        name: `paginate() concurrency ${concurrency}`,
        walk: async (sample: () => void) => {
          let count = 0;
          for await (const user of paginate(client, users.list, undefined, { pageSize, concurrency })) {
            consume(user);
            if (++count % pageSize === 0) sample();
          }
        },
      })),
    ];

    const results = variants.map(() => ({ times: [] as number[], heap: 0, rss: 0, requests: 0 }));
    const expectedChecksum = (items * (items - 1)) / 2;
    for (let run = 0; run < runs + 1; run++) {
      for (const [index, variant] of variants.entries()) {
        collectGarbage();
        const before = process.memoryUsage();
        let peakHeap = before.heapUsed;
        let peakRss = before.rss;
        const sample = () => {
          const now = process.memoryUsage();
          peakHeap = Math.max(peakHeap, now.heapUsed);
          peakRss = Math.max(peakRss, now.rss);
        };
        await server.takeRequests();
        checksum = 0;
        const started = performance.now();
        await variant.walk(sample);
        const elapsed = performance.now() - started;
        if (checksum !== expectedChecksum) throw new Error(`${variant.name} saw the wrong items`);
        if (run === 0) continue; // warm-up: sockets, JIT
        const result = results[index];
        result.times.push(elapsed);
        result.heap = Math.max(result.heap, peakHeap - before.heapUsed);
        result.rss = Math.max(result.rss, peakRss - before.rss);
        result.requests = await server.takeRequests();
      }
    }

    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
    const baseline = median(results[0].times);
    const rows = variants.map((variant, index): PaginationBenchRow => {
      const medianMs = median(results[index].times);
      return {
        variant: variant.name,
        medianMs,
        speedup: baseline / medianMs,
        peakHeapGrowthMb: results[index].heap / 2 ** 20,
        peakRssGrowthMb: results[index].rss / 2 ** 20,
        requests: results[index].requests,
      };
    });
    const table = [
      `Pagination: ${items} items, page size ${pageSize}, ${latencyMs} ms server latency per page, median of ${runs} runs ` +
        '(fake Logto in a child process; our client with rateLimit: false)',
      '',
      '| variant | median ms | speed-up vs sequential | requests | peak heap growth MB | peak RSS growth MB |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows.map(
        (row) =>
          `| ${row.variant} | ${row.medianMs.toFixed(1)} | ${row.speedup.toFixed(2)}× | ${row.requests} | ` +
          `${row.peakHeapGrowthMb.toFixed(1)} | ${row.peakRssGrowthMb.toFixed(1)} |`,
      ),
    ].join('\n');
    return { table, rows };
  } finally {
    server.close();
  }
}

async function startServerProcess(items: number, latencyMs: number) {
  const child: ChildProcess = fork(fileURLToPath(new URL('./pagination-server.ts', import.meta.url)), [String(items), String(latencyMs)], {
    execArgv: ['--import', 'tsx'],
  });
  const next = async <T>() => ((await once(child, 'message')) as [T])[0];
  const { url, token } = await next<{ url: string; token: string }>();
  return {
    url,
    token,
    takeRequests: async () => {
      child.send('take-requests');
      return (await next<{ requests: number }>()).requests;
    },
    close: () => child.disconnect(),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { table } = await benchPagination();
  console.log(table);
}
