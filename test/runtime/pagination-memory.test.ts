/**
 * Iterating a huge list keeps memory flat: only the pages in flight and the one being
 * consumed are held. Heap is measured after a forced full GC (`gc` is exposed at run time
 * through V8's flag API, so this needs no special vitest or node flags).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { LogtoClient } from '../../runtime/client/client.js';
import { definePaginatedOperation } from '../../runtime/client/operation.js';
import { paginate } from '../../runtime/pagination/pagination.js';
import { startFakeLogto, type FakeLogto, type User } from '../../testing/src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const listUsers = definePaginatedOperation<{ query?: { page?: number; page_size?: number } }, User>({
  id: 'ListUsers',
  method: 'GET',
  path: '/api/users',
  security: 'm2m',
  paginated: true,
  body: 'none',
});

let fake: FakeLogto;
beforeAll(async () => {
  fake = await startFakeLogto({ logBodies: false });
  fake.data.seedUsers(200_000); // generated page by page as requested, never all at once
});
afterAll(() => fake.close());

it('iterates 200 000 lazily generated users with flat heap (growth under 16 MB)', { timeout: 120_000 }, async () => {
  const token = fake.issueToken();
  // The default 200 requests / 10 s window would make 2000 pages take 100 s: not what is measured here.
  const client = new LogtoClient({ endpoint: fake.url, getAccessToken: () => token, rateLimit: false });
  const oneItemBytes = JSON.stringify(fake.data.users.at(123_456)).length;
  // Retaining every item would cost at least 200 000 × its JSON size (~40 MB; measured 58 MB
  // of heap when the loop keeps them); we allow 16 MB.
  expect(200_000 * oneItemBytes).toBeGreaterThan(2 * 16 * 1024 * 1024);

  let count = 0;
  let expectedIndex = 0;
  let baseline = 0;
  let peakGrowth = 0;
  for await (const user of paginate(client, listUsers, undefined, { concurrency: 4 })) {
    if (user.id !== `u${String(expectedIndex++).padStart(11, '0')}`) throw new Error(`out of order at ${count}: ${user.id}`);
    count++;
    // Baseline once sockets, JIT and buffers are warm; then sample along the way. The fake's
    // request log is cleared first: it is the server's memory, not the client's.
    if (count % 10_000 === 0) fake.clearRequests();
    if (count === 10_000) baseline = heapAfterGc();
    else if (count > 10_000 && count % 20_000 === 0) peakGrowth = Math.max(peakGrowth, heapAfterGc() - baseline);
  }
  expect(count).toBe(200_000);
  expect(fake.counters.apiRequests).toBe(2000); // the last page carries no rel="next": no extra request
  console.log(`heap growth over 200 000 items: ${(peakGrowth / 1024 / 1024).toFixed(1)} MB`);
  expect(peakGrowth).toBeLessThan(16 * 1024 * 1024);
});
