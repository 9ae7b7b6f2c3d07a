/** scripts/generator-build.mjs */
export const generatorSources: string;
export const compiledGeneratorCli: string;
/** `directory`: the generator package (default: this repository's generator/). */
export function compiledGeneratorIsCurrent(directory?: string): boolean;
