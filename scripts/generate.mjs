#!/usr/bin/env node
/**
 * `npm run generate` in this repository: the generator's CLI, compiled or from its sources.
 *
 * The compiled CLI (generator/dist, built by `npm ci` through the `prepare` script, or by
 * `npm run build`) starts in about a third of the time: tsx compiles the sources on every start,
 * which is most of a no-change run or a `--check`. It runs only while it is current
 * (scripts/generator-build.mjs); otherwise — not built, a source edited since, a build cut off
 * halfway — the sources run through tsx, so a change to the generator is never hidden behind
 * an older build.
 */
import { pathToFileURL } from 'node:url';
import { compiledGeneratorCli, compiledGeneratorIsCurrent, generatorSourceCli } from './generator-build.mjs';

async function loadMain() {
  if (compiledGeneratorIsCurrent()) {
    try {
      return (await import(pathToFileURL(compiledGeneratorCli).href)).main;
    } catch (error) {
      // A build that lost a module (cut off, or being rewritten): the sources still work.
      if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import(pathToFileURL(generatorSourceCli).href)).main;
}

const main = await loadMain();
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`error: ${error?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
