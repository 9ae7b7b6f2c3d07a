/**
 * The generator as a library (`logto-mgmt-generator`): what `logto-mgmt generate` and
 * `logto-mgmt diff` do, callable from a build script.
 */
export { generate, type GenerateOptions, type GenerateResult } from './pipeline/generate.js';
export { GeneratorError } from './pipeline/generator-error.js';
export { diffSpecs, type ApiChange, type ChangeKind, type ChangeReport, type ChangedOperation, type OperationRef } from './changes/diff-specs.js';
export { renderChangelogEntry, renderMarkdown, renderSummary, summaryLine, type ReportSides } from './changes/change-report.js';
export { BreakingChangesError, CHANGELOG_FILE, CHANGES_FILE } from './changes/track-changes.js';
export { ConfigError, findConsumerConfig, resolveConsumerConfig, type ConsumerConfig, type ConsumerSettings, type SpecSource } from './cli/consumer-config.js';
export { initConsumer, type InitOptions } from './cli/init.js';
export { diffDocumentation, type DocumentationChange } from './changes/diff-docs.js';
export { decideRelease, type ReleaseDecision, type ReleaseLevel, type ReleaseResult } from './changes/version-bump.js';
export { renderWorkflow, type WorkflowOptions } from './cli/github-workflow.js';
