import { relative } from 'node:path';
import type { DiffEntry } from './diff';
import { describeMappingError } from './errors';
import type { FixtureReport, FixtureResult, MappingFixtureReport } from './fixtures';

/** Human-readable text of a FixtureReport, for `hub mappings test`. Plain ASCII; no colours (the CLI may add them). */

const MAX_VALUE = 120;

export function formatValue(value: unknown): string {
  if (value === undefined) return '(absent)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 3)}...` : text;
}

function formatDiff(diff: DiffEntry): string {
  switch (diff.kind) {
    case 'missing':
      return `${diff.path}: expected ${formatValue(diff.expected)}, got nothing`;
    case 'unexpected':
      return `${diff.path}: not expected, got ${formatValue(diff.actual)}`;
    default:
      return `${diff.path}: expected ${formatValue(diff.expected)}, got ${formatValue(diff.actual)}`;
  }
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

function formatFixture(fixture: FixtureResult): string[] {
  const lines = [`      FAIL ${fixture.file}${fixture.name !== fixture.file ? ` (${fixture.name})` : ''}`];
  if (fixture.error) lines.push(`           ${describeMappingError(fixture.error)}`);
  for (const diff of fixture.diffs) lines.push(`           ${formatDiff(diff)}`);
  if (fixture.result && !fixture.result.ok) {
    lines.push(`           actual error: ${describeMappingError(fixture.result.error)}`);
    for (const detail of fixture.result.error.details?.slice(1) ?? []) {
      lines.push(`                         ${detail.field} ${detail.message}`);
    }
  }
  if (fixture.excerpt) lines.push(indent(fixture.excerpt, '           '));
  return lines;
}

function formatMapping(mapping: MappingFixtureReport, base: string): string[] {
  const name = mapping.mappingId ?? (relative(base, mapping.dir) || mapping.dir);
  const passed = mapping.fixtures.filter((f) => f.passed).length;
  const counts = mapping.fixtures.length > 0 ? `  ${passed}/${mapping.fixtures.length} fixtures` : '';
  const lines = [`${mapping.passed ? 'ok  ' : 'FAIL'}  ${name}${counts}`];
  if (mapping.error) lines.push(`      ${describeMappingError(mapping.error)}`);
  if (mapping.excerpt) lines.push(indent(mapping.excerpt, '      '));
  for (const fixture of mapping.fixtures) if (!fixture.passed) lines.push(...formatFixture(fixture));
  return lines;
}

export function formatReport(report: FixtureReport): string {
  const lines: string[] = [];
  if (report.error) lines.push(`FAIL  ${describeMappingError(report.error)}`);
  for (const mapping of report.mappings) lines.push(...formatMapping(mapping, report.path));
  const { mappings, fixtures, passed, failed } = report.totals;
  const failedMappings = report.mappings.filter((m) => !m.passed).length;
  lines.push('');
  lines.push(
    `${mappings} mapping${mappings === 1 ? '' : 's'} (${failedMappings} failed), ` +
      `${fixtures} fixture${fixtures === 1 ? '' : 's'}: ${passed} passed, ${failed} failed`,
  );
  return lines.join('\n');
}
