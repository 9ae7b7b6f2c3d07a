/**
 * The no-change fast path of `generate`: an unchanged spec with untouched output must be
 * answered from spec.lock.json alone — no parse, no emit, no prettier — which is what keeps
 * `npm run generate` in a consumer repo well under a second. A full regeneration that merely
 * produces the same bytes must not pass for it: the steps it ran are in the log and timings.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../generator/pipeline/generate.js';
import { FIXTURES, quiet, snapshot, workspace } from './workspace.js';

const MINI = join(FIXTURES, 'mini');
/** The step names a log line starts with: `[logto-mgmt] emit types   123 ms …` → `emit types`. */
const steps = (lines: string[]) => lines.map((line) => /^\[logto-mgmt\] (\S.*?)\s+\d+ ms/.exec(line)?.[1]).filter(Boolean);

describe('generate: the no-change fast path', () => {
  it('answers an unchanged spec from the lock, running only the load step', async () => {
    const dir = await workspace({ 'spec.json': join(MINI, 'spec.json') });
    const first = quiet(dir, { spec: 'spec.json' });
    expect((await generate(first)).status).toBe('written');
    expect(steps(first.lines)).toEqual(expect.arrayContaining(['parse', 'emit types', 'emit wrappers', 'format']));
    const before = await snapshot(join(dir, 'generated'));

    const again = quiet(dir, { spec: 'spec.json' });
    const result = await generate(again);
    expect(result.status).toBe('unchanged');
    expect(steps(again.lines)).toEqual(['load spec', 'up to date']);
    expect(Object.keys(result.timingsMs).sort()).toEqual(['load spec', 'total', 'up to date']);
    expect(again.lines.join('\n')).toMatch(/up to date .*nothing written/);
    expect(await snapshot(join(dir, 'generated'))).toEqual(before);
  }, 120_000); // the first generation loads openapi-typescript, ts-morph and prettier: slow on busy cores

  it('--force skips the fast path: every step runs, and the identical output is not rewritten', async () => {
    const dir = await workspace({ 'spec.json': join(MINI, 'spec.json') });
    await generate(quiet(dir, { spec: 'spec.json' }));
    const before = await snapshot(join(dir, 'generated'));
    const forced = quiet(dir, { spec: 'spec.json', force: true });
    const result = await generate(forced);
    expect(result.status).toBe('unchanged');
    expect(steps(forced.lines)).toEqual(expect.arrayContaining(['parse', 'emit types', 'format', 'write']));
    expect(steps(forced.lines)).not.toContain('up to date');
    expect(await snapshot(join(dir, 'generated'))).toEqual(before);
  }, 120_000);
});
