/** scripts/generator-build.mjs */
export const generatorSourceCli: string;
export const compiledGeneratorCli: string;
/** `directory`: the generator package (default: this repository's generator/). */
export function compiledGeneratorIsCurrent(directory?: string): boolean;
