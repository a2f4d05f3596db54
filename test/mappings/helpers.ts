import fs from 'node:fs';
import path from 'node:path';
import { compileMapping, loadMapping, type MapResult } from '../../core/mapping';

/** The shipped mappings and templates, as `hub` reads them. */
export const MAPPINGS_DIR = path.resolve(__dirname, '../../mappings');
export const FLOWS_DIR = path.resolve(__dirname, '../../flows');

export interface TemplateFile {
  name: string;
  description: string;
  roles: Record<string, { connector: string }>;
  linkGroup?: string;
  flows: {
    name: string;
    source: { stream: string };
    mapping: { id: string };
    target: { action: string };
    trigger: { type: string; cron?: string };
    options?: { onlyWritten?: boolean; concurrency?: number };
  }[];
}

export function template(name: string): TemplateFile {
  return JSON.parse(fs.readFileSync(path.join(FLOWS_DIR, `${name}.json`), 'utf8')) as TemplateFile;
}

/** A template's description, one sentence per entry (as the promise tests check them). */
export function sentences(name: string): string[] {
  return template(name).description.split(/(?<=\.) /);
}

/** Maps records with a shipped mapping, exactly as the runner does (source validation included). */
export function mapper(id: string): (input: unknown) => Promise<MapResult> {
  const compiled = compileMapping(loadMapping(path.join(MAPPINGS_DIR, id)));
  return (input) => compiled.evaluate(input);
}

/** The mapped value; fails the test with the mapping error when there is none. */
export async function mapped(map: (input: unknown) => Promise<MapResult>, input: unknown): Promise<unknown> {
  const result = await map(input);
  if (!result.ok) throw new Error(`mapping failed: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The skip reason, or undefined when the record was not skipped. */
export async function skipReason(
  map: (input: unknown) => Promise<MapResult>,
  input: unknown,
): Promise<string | undefined> {
  const value = await mapped(map, input);
  return typeof value === 'object' && value !== null && '$skip' in value
    ? String((value as { $skip: unknown }).$skip)
    : undefined;
}
