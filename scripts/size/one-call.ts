// The bundle a consumer ships for one call (size-limit, `.size-limit.mjs`): the runtime client
// with M2M auth, retries, the rate limiter and typed errors, and one tree-shaken operation.
// Same source as the "1 call" row of `npm run bench` (scripts/bench/bundle-size.ts).
import { createLogtoClient } from '../../runtime/index.js';
import * as users from '../../generated/operations/users.js';

const client = createLogtoClient({ endpoint: 'https://tenant.logto.app', clientId: 'id', clientSecret: 'secret' });
export const user = await users.get(client, { path: { userId: 'u1' } });
