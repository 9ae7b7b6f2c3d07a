/**
 * Step (beside loading the spec): is the runtime the generated code will import installed, and
 * in the range this generator writes for? Generated wrappers call `defineOperation`, `paginate`
 * and the client of `logto-mgmt/runtime`; a runtime from another minor (0.x) or major may lack
 * what they call. Only a warning: the output is still right for the spec, the fix is an install.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { RUNTIME_PACKAGE } from './package-names.js';

/** One line describing what is wrong with the installed runtime, or undefined when it fits. */
export async function checkInstalledRuntime(outDir: string, runtimeImport: string, range: string): Promise<string | undefined> {
  // A relative import is the client package's own source tree (this repository): nothing to check.
  if (!runtimeImport.startsWith(`${RUNTIME_PACKAGE}/`) && runtimeImport !== RUNTIME_PACKAGE) return undefined;
  const install = `npm install ${RUNTIME_PACKAGE}@"${range}"`;
  let version: string;
  try {
    const manifest = createRequire(join(outDir, 'index.js')).resolve(`${RUNTIME_PACKAGE}/package.json`);
    version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  } catch {
    return `${RUNTIME_PACKAGE} is not installed here, and the generated code imports ${runtimeImport}: ${install}`;
  }
  const semver = (await import('semver')).default;
  if (semver.satisfies(version, range)) return undefined;
  return `${RUNTIME_PACKAGE}@${version} is installed, but this generator writes code for ${RUNTIME_PACKAGE}@${range}: ${install}`;
}
