import { scrubSecrets } from '../logging/logger';

/**
 * Small printing helpers shared by the commands: aligned tables for people, JSON for machines.
 * Everything printed is scrubbed of the secret values the process has seen (decrypted connection settings),
 * so a connector that quotes its credentials in an error cannot leak them to the terminal.
 */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const stdio: Output = {
  out: (text) => process.stdout.write(scrubSecrets(text.endsWith('\n') ? text : `${text}\n`)),
  err: (text) => process.stderr.write(scrubSecrets(text.endsWith('\n') ? text : `${text}\n`)),
};

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cell = (v: unknown) =>
    v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))].join(
    '\n',
  );
}
