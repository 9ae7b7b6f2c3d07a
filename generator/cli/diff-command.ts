/**
 * `logto-mgmt diff <old> <new>`: the change report for two specs (files or URLs) without
 * generating anything — to preview an upgrade before pulling it, or to gate CI on it.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderMarkdown, renderSummary } from '../changes/change-report.js';
import { asGenerated } from '../changes/compare-as-generated.js';
import { diffSpecs } from '../changes/diff-specs.js';
import { isUrl, parseHeaders, parseSpecText, pullSpec, readSpecFile, sha256, SpecPullError } from '../pipeline/fetch-spec.js';
import { GeneratorError } from '../pipeline/generator-error.js';
import { LOGTO_PATCHES } from '../pipeline/patches.js';

export const DIFF_USAGE = `Usage: logto-mgmt diff <old spec> <new spec> [options]

Compares two Logto specs (files or URLs, JSON or YAML) and prints the change report.

Options:
  --markdown              Print the full Markdown report (default: the short summary)
  --json                  Print the report as JSON
  --fail-on-breaking      Exit 1 when there is a breaking change
  --header 'Name: value'  Extra header for spec URLs, repeatable
  -h, --help              Show this help`;

export async function diffCommand(argv: readonly string[], io: { stdout: (text: string) => void; cwd?: string }): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        markdown: { type: 'boolean' },
        json: { type: 'boolean' },
        'fail-on-breaking': { type: 'boolean' },
        header: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new GeneratorError(`${(error as Error).message}\n\n${DIFF_USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(`${DIFF_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 2) throw new GeneratorError(`diff takes two specs, got ${positionals.length}\n\n${DIFF_USAGE}`);
  const headers = parseHeaders(values.header ?? []);
  const [before, after] = await Promise.all(positionals.map((spec) => loadSpec(spec, headers, io.cwd ?? process.cwd())));
  let report;
  try {
    // As `generate` compares them: the same patches on both sides.
    report = diffSpecs(asGenerated(before!.document, LOGTO_PATCHES), asGenerated(after!.document, LOGTO_PATCHES));
  } catch (error) {
    // A broken document (not OpenAPI 3, a dangling $ref) is bad input: one clear line, exit 1.
    throw new GeneratorError(`${positionals[0]} → ${positionals[1]}: ${(error as Error).message}`);
  }
  if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else if (values.markdown) io.stdout(renderMarkdown(report, { fromSha256: before!.sha256, toSha256: after!.sha256, source: positionals[1] }));
  else io.stdout(`${renderSummary(report, { limit: Number.POSITIVE_INFINITY })}\n`);
  return values['fail-on-breaking'] && report.breaking.length > 0 ? 1 : 0;
}

async function loadSpec(spec: string, headers: Record<string, string>, cwd: string) {
  let text: string;
  if (isUrl(spec)) {
    try {
      const pulled = await pullSpec(spec, { headers });
      if (pulled.status !== 'ok') throw new GeneratorError(`${spec} answered 304 Not Modified to a request without an ETag`);
      text = pulled.text;
    } catch (error) {
      if (error instanceof SpecPullError) throw new GeneratorError(error.message);
      throw error;
    }
  } else {
    text = await readSpecFile(resolve(cwd, spec));
  }
  return { document: await parseSpecText(text, spec), sha256: sha256(text) };
}
