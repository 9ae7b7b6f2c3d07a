// Bundle budget, checked by `npm run size` in `npm test` (so in CI): esbuild, minified, ESM for
// the browser, gzip, as scripts/bench/bundle-size.ts measures it. The budget is today's size
// plus a little, so the runtime cannot creep; the goal of issue #16 is ≤ 2× @logto/api's
// (printed beside it), which `npm run bench` reports as a MISS until the runtime shrinks.
// 12.2 → 11.1 kB: calls are sent by runtime/transport/http-request.ts (on openapi-fetch's
// serializers), and openapi-fetch's client moved with the escape hatch to `logto-mgmt/fetch-client`.
const esbuild = (config) => ({ ...config, format: 'esm', platform: 'browser', target: 'es2022', external: ['node:*'] });

export default [
  {
    name: 'logto-mgmt: 1 call (runtime client + users.get)',
    path: 'scripts/size/one-call.ts',
    limit: '11.1 kB',
    gzip: true,
    modifyEsbuildConfig: esbuild,
  },
  {
    name: '@logto/api: the same call (for comparison, no budget)',
    path: 'scripts/size/logto-api-one-call.ts',
    gzip: true,
    modifyEsbuildConfig: esbuild,
  },
];
