#!/usr/bin/env node
/**
 * `prepare` (after `npm install` / `npm ci` in this repository): builds the generator, so that
 * `npm run generate` runs the compiled CLI (scripts/generate.mjs) from the first run.
 *
 * npm also runs `prepare` for `npm pack` and `npm publish`, where the client package's own
 * `prepack` builds what is packed; the generator's build is not part of it, so it is skipped.
 */
import { spawnSync } from 'node:child_process';

const command = process.env.npm_command;
if (command === 'pack' || command === 'publish') process.exit(0);
// npm runs lifecycle scripts with npm_execpath set to its own CLI.
const result = spawnSync(process.execPath, [process.env.npm_execpath, 'run', 'build', '-w', 'logto-mgmt-generator'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
