/**
 * Runs the test fake Logto in its own process, so a benchmark measures only the client's CPU.
 * Prints one JSON line `{ url, clientId, clientSecret, resource }`; exits when stdin closes.
 */
import { startFakeLogto } from '../../testing/src/index.js';

const fake = await startFakeLogto({ logBodies: false, validateRequests: false });
fake.data.seedUsers(Number(process.env.SEED_USERS ?? 20));
// Benchmarks send many requests: keep the log from growing without bound.
setInterval(() => fake.clearRequests(), 1000).unref();
process.stdout.write(`${JSON.stringify({ url: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, resource: fake.resource })}\n`);
process.stdin.resume();
process.stdin.on('end', () => fake.close().then(() => process.exit(0)));
