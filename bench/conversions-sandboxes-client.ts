import path from 'node:path';
import type { GoogleSettings } from '../connectors/google/schemas/settings';
import type { MetaSettings } from '../connectors/meta/schemas/settings';
import { startSandboxProcess } from './sandbox-process';

/**
 * The parent's side of bench/conversions-sandboxes.ts (through bench/sandbox-process.ts): forks it and asks it for
 * each sandbox's figures over IPC, so exactly-once is still asserted from the sandboxes' own state.
 */

export interface SandboxFigures {
  /** Every request the sandbox answered, by kind. */
  requests: Record<string, number>;
  totalRequests: number;
  /** Records per accepted write request, in order (Google keeps them). */
  batchSizes?: number[];
  refused: number;
  /** Distinct conversions held, and events accepted in all (duplicates included). */
  distinct: number;
  received: number;
  /** CPU time of the sandboxes' process since it started. */
  cpuMs: number;
}

export type SandboxesQuestion = 'google' | 'meta';
export interface SandboxesReady {
  google: GoogleSettings;
  meta: MetaSettings;
}

export interface SandboxesProcess {
  google: GoogleSettings;
  meta: MetaSettings;
  pid: number;
  figures(side: SandboxesQuestion): Promise<SandboxFigures>;
  close(): Promise<void>;
}

// beside this file: the .ts under tsx, the .js in tsc's output (bench/built.ts)
const ENTRY = path.join(__dirname, `conversions-sandboxes${path.extname(__filename)}`);

export async function startSandboxesProcess(): Promise<SandboxesProcess> {
  const child = await startSandboxProcess<SandboxesReady, SandboxesQuestion, SandboxFigures>(
    ENTRY,
    path.join(__dirname, '..'),
  );
  return {
    google: child.ready.google,
    meta: child.ready.meta,
    pid: child.pid,
    figures: (side) => child.ask(side),
    close: () => child.close(),
  };
}
