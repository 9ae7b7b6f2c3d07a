/**
 * Logto's audit log (`GET /api/logs`) for what the fake implements: every client-credentials
 * token request is logged as `ExchangeTokenBy.ClientCredentials`, successful or not, with the
 * application, IP and user agent, as Logto's oidc-provider listener records it.
 */
import type { TokenExchangeOutcome } from '../auth/token-endpoint.js';
import { headerValue, type FakeRequest } from '../http/exchange.js';
import { newId, type LogEntry, type ManagementData } from './management-data.js';

export const CLIENT_CREDENTIALS_LOG_KEY = 'ExchangeTokenBy.ClientCredentials';

export function recordTokenExchange(data: ManagementData, outcome: TokenExchangeOutcome, request: FakeRequest): LogEntry | undefined {
  // Logto's grant listener names the log after the request's grant_type, success or error.
  const grantType = new URLSearchParams(request.text).get('grant_type');
  if (grantType !== 'client_credentials') return undefined;
  const payload: LogEntry['payload'] = { key: CLIENT_CREDENTIALS_LOG_KEY, result: outcome.result };
  if (outcome.clientId) payload.applicationId = outcome.clientId;
  payload.ip = '127.0.0.1';
  const userAgent = headerValue(request.headers, 'user-agent');
  if (userAgent) payload.userAgent = userAgent;
  payload.params = { grant_type: grantType, ...(outcome.scope ? { scope: outcome.scope } : {}) };
  if (outcome.result === 'Error') payload.error = { error: outcome.error ?? 'server_error', error_description: outcome.errorDescription ?? '' };
  return data.logs.insert({ tenantId: 'default', id: newId(), key: CLIENT_CREDENTIALS_LOG_KEY, payload, createdAt: Date.now() });
}
