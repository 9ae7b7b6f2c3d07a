import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../../runtime/client/options.js';
import { createMemoryStore, LogtoError, MemoryRateLimitStore, type LogtoClientOptions } from '../../runtime/index.js';

describe('resolveOptions', () => {
  it.each<[string, LogtoClientOptions, { endpoint: string; resource?: string; tokenEndpoint?: string }]>([
    ['Logto Cloud', { tenantId: 'abc123', clientId: 'id', clientSecret: 's' }, { endpoint: 'https://abc123.logto.app', resource: 'https://abc123.logto.app/api', tokenEndpoint: 'https://abc123.logto.app/oidc/token' }],
    ['self-hosted default resource', { endpoint: 'https://auth.example.com', clientId: 'id', clientSecret: 's' }, { endpoint: 'https://auth.example.com', resource: 'https://default.logto.app/api', tokenEndpoint: 'https://auth.example.com/oidc/token' }],
    ['trailing slashes', { endpoint: 'https://auth.example.com///', clientId: 'id', clientSecret: 's', resource: 'https://api.example.com//' }, { endpoint: 'https://auth.example.com', resource: 'https://api.example.com' }],
    ['a base path behind a proxy', { endpoint: 'http://localhost:8080/logto/', clientId: 'id', clientSecret: 's' }, { endpoint: 'http://localhost:8080/logto', tokenEndpoint: 'http://localhost:8080/logto/oidc/token' }],
    ['bring your own token', { endpoint: 'http://localhost:3001', getAccessToken: () => 't' }, { endpoint: 'http://localhost:3001' }],
  ])('resolves %s', (_, options, want) => {
    const resolved = resolveOptions(options);
    expect(resolved.endpoint).toBe(want.endpoint);
    if (want.resource) expect(resolved.credentials?.resource).toBe(want.resource);
    if (want.tokenEndpoint) expect(resolved.credentials?.tokenEndpoint).toBe(want.tokenEndpoint);
  });

  it('applies the defaults: scope all, 30 s timeout, 10 s token timeout, 60 s leeway, Basic auth', () => {
    const resolved = resolveOptions({ tenantId: 't', clientId: 'id', clientSecret: 's' });
    expect(resolved.timeoutMs).toBe(30_000);
    expect(resolved.credentials).toMatchObject({ scope: 'all', tokenTimeoutMs: 10_000, leewaySeconds: 60, authMethod: 'basic' });
  });

  it('takes either token auth method', () => {
    for (const authMethod of ['basic', 'body'] as const) {
      expect(resolveOptions({ tenantId: 't', clientId: 'id', clientSecret: 's', tokenAuthMethod: authMethod }).credentials?.authMethod).toBe(authMethod);
    }
  });

  it('accepts a zero token leeway', () => {
    expect(resolveOptions({ tenantId: 't', clientId: 'id', clientSecret: 's', tokenLeewaySeconds: 0 }).credentials?.leewaySeconds).toBe(0);
  });

  it('keeps a LogtoStore whole and hands a bare RateLimitStore to the limiter only', () => {
    const logtoStore = createMemoryStore();
    const rateLimitStore = new MemoryRateLimitStore();
    expect(resolveOptions({ endpoint: 'https://x', store: logtoStore })).toMatchObject({ store: logtoStore, limits: { store: undefined } });
    expect(resolveOptions({ endpoint: 'https://x', store: rateLimitStore })).toMatchObject({ store: undefined, limits: { store: rateLimitStore } });
  });

  const self = { endpoint: 'https://x', clientId: 'i', clientSecret: 's' };
  const byo = { endpoint: 'https://x', getAccessToken: () => 't' };
  it.each<[string, unknown, RegExp]>([
    ['no options', null, /expected an object/],
    ['options that are not an object', 'https://x', /expected an object/],
    ['a missing endpoint', {}, /`endpoint` must be a URL such as/],
    ['an empty endpoint', { endpoint: '' }, /`endpoint` must be a URL such as/],
    ['an endpoint that is not a string', { endpoint: 42 }, /`endpoint` must be a URL such as/],
    ['an endpoint with a query', { endpoint: 'https://x/?a=1' }, /`endpoint` must not have a query or fragment/],
    ['an endpoint with a fragment', { endpoint: 'https://x/#top' }, /`endpoint` must not have a query or fragment/],
    ['getAccessToken with a client id', { ...byo, clientId: 'i' }, /either `getAccessToken`/],
    ['getAccessToken with a client secret', { ...byo, clientSecret: 's' }, /either `getAccessToken`/],
    ['a getAccessToken that is not a function', { endpoint: 'https://x', getAccessToken: 't' }, /`getAccessToken` must be a function/],
    ['a tenant id that is not a string', { tenantId: 123, clientId: 'i', clientSecret: 's' }, /`tenantId` must be/],
    ['a self-hosted secret without a client id', { endpoint: 'https://x', clientSecret: 's' }, /`clientId` is required/],
    ['an empty client id', { ...self, clientId: '' }, /`clientId` is required/],
    ['a client id that is not a string', { ...self, clientId: 7 }, /`clientId` is required/],
    ['an empty secret', { ...self, clientSecret: '' }, /`clientSecret` is required/],
    ['a secret that is not a string', { ...self, clientSecret: 7 }, /`clientSecret` is required/],
    ['a negative token leeway', { ...self, tokenLeewaySeconds: -1 }, /`tokenLeewaySeconds` must be ≥ 0/],
    ['an empty resource', { ...self, resource: '' }, /`resource` must be a URL/],
    ['a resource that is not a string', { ...self, resource: 1 }, /`resource` must be a URL/],
    ['an unknown token auth method', { ...self, tokenAuthMethod: 'post' }, /`tokenAuthMethod` must be 'basic' or 'body'/],
    ['a zero token timeout', { ...self, tokenTimeoutMs: 0 }, /tokenTimeoutMs must be a positive/],
    ['a NaN timeout', { endpoint: 'https://x', timeoutMs: Number.NaN }, /timeoutMs must be a positive number of ms \(or Infinity\), got NaN/],
    ['a timeout that is not a number', { endpoint: 'https://x', timeoutMs: '1000' }, /timeoutMs must be a positive number of ms \(or Infinity\), got 1000/],
    ['a store that is neither kind', { endpoint: 'https://x', store: {} }, /`store` must come from createRedisStore\(\)/],
    ['a null store', { endpoint: 'https://x', store: null }, /`store` must come from createRedisStore\(\)/],
    ['a fetch that is not a function', { endpoint: 'https://x', fetch: 'fetch' }, /no `fetch` available/],
    ['tenantId and endpoint', { tenantId: 't', endpoint: 'https://x', clientId: 'i', clientSecret: 's' }, /either `tenantId`/],
    ['a missing secret', { endpoint: 'https://x', clientId: 'i' }, /`clientSecret` is required/],
    ['a missing client id', { tenantId: 't', clientSecret: 's' }, /`clientId` is required/],
    ['getAccessToken with credentials', { endpoint: 'https://x', clientId: 'i', clientSecret: 's', getAccessToken: () => 't' }, /either `getAccessToken`/],
    ['a relative endpoint', { endpoint: '/api', clientId: 'i', clientSecret: 's' }, /not a valid URL/],
    ['a non-http endpoint', { endpoint: 'ftp://x', clientId: 'i', clientSecret: 's' }, /must be http\(s\)/],
    ['a tenant id with a dot', { tenantId: 'evil.com/x', clientId: 'i', clientSecret: 's' }, /tenantId/],
    ['a zero timeout', { endpoint: 'https://x', timeoutMs: 0 }, /timeoutMs must be a positive/],
  ])('rejects %s with a clear LogtoError', (_, options, message) => {
    expect(() => resolveOptions(options as LogtoClientOptions)).toThrow(LogtoError);
    expect(() => resolveOptions(options as LogtoClientOptions)).toThrow(message);
  });

  it('does not echo the secret when rejecting options', () => {
    // The assertion lives in the catch: without it having run, the test must fail.
    expect.assertions(2);
    try {
      resolveOptions({ endpoint: 'not a url', clientId: 'i', clientSecret: 'hunter2-secret' });
    } catch (error) {
      expect(error).toBeInstanceOf(LogtoError);
      expect(String((error as Error).message)).not.toContain('hunter2-secret');
    }
  });
});
