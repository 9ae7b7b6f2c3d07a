/**
 * Where the behaviour suite runs: a real Logto when `LOGTO_ENDPOINT`, `LOGTO_CLIENT_ID` and
 * `LOGTO_CLIENT_SECRET` (and optionally `LOGTO_RESOURCE`) are set, the fake otherwise. The
 * suite only uses what both offer: HTTP and the M2M credentials.
 */
import { startFakeLogto, type FakeLogto } from '../../testing/src/index.js';

export interface LogtoTarget {
  kind: 'real' | 'fake';
  endpoint: string;
  clientId: string;
  clientSecret: string;
  resource: string;
  /** The fake, when the target is the fake. */
  fake?: FakeLogto;
  close(): Promise<void>;
}

export async function startLogtoTarget(): Promise<LogtoTarget> {
  const { LOGTO_ENDPOINT, LOGTO_CLIENT_ID, LOGTO_CLIENT_SECRET, LOGTO_RESOURCE } = process.env;
  if (LOGTO_ENDPOINT && LOGTO_CLIENT_ID && LOGTO_CLIENT_SECRET) {
    return {
      kind: 'real',
      endpoint: LOGTO_ENDPOINT.replace(/\/+$/, ''),
      clientId: LOGTO_CLIENT_ID,
      clientSecret: LOGTO_CLIENT_SECRET,
      resource: LOGTO_RESOURCE ?? 'https://default.logto.app/api',
      close: async () => {},
    };
  }
  const fake = await startFakeLogto();
  return { kind: 'fake', ...fake.credentials, fake, close: () => fake.close() };
}

/** A suffix that keeps names unique on a real Logto that already has data. */
export const uniqueSuffix = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
