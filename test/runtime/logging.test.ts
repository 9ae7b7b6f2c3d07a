/**
 * The logging module on its own: the env switch as documented, the stderr and console writers,
 * the logger decided by the `debug` option, debug-line quoting, and the redacting logger that
 * wraps the user's (secrets of four characters or more, in messages and details).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDebugLog, debugFromEnv, formatDebugLine, withDebug } from '../../runtime/logging/debug-log.js';
import { consoleLogger, redactingLogger, redactSecrets } from '../../runtime/logging/log.js';

let previous: string | undefined;
beforeEach(() => {
  previous = process.env.LOGTO_MGMT_DEBUG;
});
afterEach(() => {
  if (previous === undefined) delete process.env.LOGTO_MGMT_DEBUG;
  else process.env.LOGTO_MGMT_DEBUG = previous;
  vi.restoreAllMocks();
});

describe('LOGTO_MGMT_DEBUG', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['0', false],
    ['false', false],
    ['FALSE', false],
    ['False', false],
    ['1', true],
    ['true', true],
    ['yes', true],
  ])('%j → %s', (value, on) => {
    if (value === undefined) delete process.env.LOGTO_MGMT_DEBUG;
    else process.env.LOGTO_MGMT_DEBUG = value;
    expect(debugFromEnv()).toBe(on);
  });

  it('is off where there is no process, or a process without env (browsers, workers)', () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'process')!;
    const read = (process: unknown) => {
      Object.defineProperty(globalThis, 'process', { value: process, configurable: true, writable: true });
      try {
        return debugFromEnv();
      } finally {
        Object.defineProperty(globalThis, 'process', saved);
      }
    };
    expect([read(undefined), read({})]).toEqual([false, false]);
  });
});

describe('withDebug', () => {
  it('writes debug lines to stderr with the prefix when switched on, and keeps warn', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warned: unknown[][] = [];
    const logger = withDebug({ warn: (...args: unknown[]) => void warned.push(args) }, true);
    logger.debug!('token refreshed');
    expect(errors).toHaveBeenCalledWith('[logto-mgmt] token refreshed');
    logger.warn('w1');
    logger.warn('w2', { a: 1 });
    expect(warned).toEqual([['w1'], ['w2', { a: 1 }]]);
  });

  it('keeps a logger’s own debug unless the option is false, and then keeps its warn', () => {
    const seen: unknown[][] = [];
    const own = { warn: (...args: unknown[]) => void seen.push(['warn', ...args]), debug: (...args: unknown[]) => void seen.push(['debug', ...args]) };
    expect(withDebug(own, undefined)).toBe(own);
    expect(withDebug(own, true)).toBe(own);
    const off = withDebug(own, false);
    expect(off.debug).toBeUndefined();
    off.warn('only warn', { x: 1 });
    off.warn('bare');
    expect(seen).toEqual([['warn', 'only warn', { x: 1 }], ['warn', 'bare']]);
  });
});

describe('formatDebugLine and createDebugLog', () => {
  it('quotes values with spaces, quotes or = and empty ones; leaves the rest bare', () => {
    expect(formatDebugLine('e', { a: 'two words', b: 'x"y', c: 'k=v', d: '', e: 'plain', f: 3, g: false })).toBe('e a="two words" b="x\\"y" c="k=v" d="" e=plain f=3 g=false');
  });

  it('hands the logger the line and the fields without the undefined ones', () => {
    const seen: unknown[][] = [];
    createDebugLog({ warn() {}, debug: (...args: unknown[]) => void seen.push(args) })!('retry', { method: 'GET', status: undefined, attempt: 2 });
    expect(seen).toStrictEqual([['retry method=GET attempt=2', { method: 'GET', attempt: 2 }]]);
    expect(createDebugLog({ warn() {} })).toBeUndefined();
  });
});

describe('redaction', () => {
  it('redacts every occurrence of secrets of four characters or more', () => {
    expect(redactSecrets('abcd abcd abc', ['abcd'])).toBe('[redacted] [redacted] abc');
    expect(redactSecrets('abc abcde', ['abc', '', undefined])).toBe('abc abcde');
    expect(redactSecrets('s3cret and t0ken', ['s3cret', 't0ken'])).toBe('[redacted] and [redacted]');
    expect(redactSecrets('nothing here', ['s3cret'])).toBe('nothing here');
  });

  it('wraps a logger: messages and details are redacted with the secrets known at each call', () => {
    const seen: unknown[][] = [];
    let secrets = ['s3cret'];
    const logger = redactingLogger({ warn: (...args) => void seen.push(['warn', ...args]), debug: (...args) => void seen.push(['debug', ...args]) }, () => secrets);
    logger.warn('bad s3cret', { body: { error: 'client s3cret wrong' } });
    logger.warn('no details');
    secrets = ['t0ken123'];
    logger.debug!('got t0ken123 and s3cret', { token: 't0ken123' });
    logger.debug!('bare');
    expect(seen).toEqual([
      ['warn', 'bad [redacted]', { body: { error: 'client [redacted] wrong' } }],
      ['warn', 'no details'],
      ['debug', 'got [redacted] and s3cret', { token: '[redacted]' }],
      ['debug', 'bare'],
    ]);
    expect(redactingLogger({ warn() {} }, () => []).debug).toBeUndefined();
  });

  it('the default logger writes warnings to the console with the prefix', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    consoleLogger.warn('check the scopes');
    expect(warn).toHaveBeenCalledWith('[logto-mgmt] check the scopes');
  });
});
