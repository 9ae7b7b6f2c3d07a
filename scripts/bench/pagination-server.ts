/**
 * Child process for scripts/bench/pagination.ts: runs the fake Logto in its own process (as a
 * real Logto would be), so serving pages does not compete with the client's event loop.
 * Protocol over IPC: argv `items latencyMs` → sends `{ url, token }`; on `'take-requests'`
 * sends the number of GET /api/users requests since the last one.
 */
import { startFakeLogto } from '../../testing/src/index.js';

const [items, latencyMs] = process.argv.slice(2).map(Number);
const fake = await startFakeLogto({ latency: latencyMs, logBodies: false, validateRequests: false });
fake.data.seedUsers(items);
process.on('message', (message) => {
  if (message === 'take-requests') {
    const count = fake.requestsTo('/api/users').length;
    fake.clearRequests();
    process.send!({ requests: count });
  }
});
process.on('disconnect', () => void fake.close().then(() => process.exit(0)));
process.send!({ url: fake.url, token: fake.issueToken() });
