import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GoogleSettings } from '../connectors/google/schemas/settings';
import type { MetaSettings } from '../connectors/meta/schemas/settings';
import { registerSandboxOrigin } from '../core/security/outbound-policy';

/**
 * The parent's side of bench/conversions-sandboxes.ts: forks it (TypeScript through tsx, as the bench runs) and
 * asks it for each sandbox's figures over IPC, so exactly-once is still asserted from the sandboxes' own state.
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

export type SandboxesMessage = { type: 'figures'; id: number; side: 'google' | 'meta' } | { type: 'close' };
export type SandboxesReply =
  | { type: 'ready'; google: GoogleSettings; meta: MetaSettings }
  | { type: 'figures'; id: number; figures: SandboxFigures };

export interface SandboxesProcess {
  google: GoogleSettings;
  meta: MetaSettings;
  pid: number;
  figures(side: 'google' | 'meta'): Promise<SandboxFigures>;
  close(): Promise<void>;
}

const ENTRY = path.join(__dirname, 'conversions-sandboxes.ts');

export function startSandboxesProcess(): Promise<SandboxesProcess> {
  const child: ChildProcess = fork(ENTRY, [], {
    cwd: path.join(__dirname, '..'),
    execPath: process.execPath,
    // tsx's loader from this checkout (an absolute URL: the child's resolution does not depend on its cwd)
    execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { answer: (figures: SandboxFigures) => void; fail: (error: Error) => void }>();
  let next = 0;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      // a question still unanswered will not be: fail it rather than leave the bench waiting for ever
      for (const w of waiting.values()) w.fail(new Error(`the sandboxes' process exited (${code ?? signal})`));
      waiting.clear();
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the sandboxes' process exited with ${code} before it was ready`)));
    child.on('message', (reply: SandboxesReply) => {
      if (reply.type === 'figures') {
        waiting.get(reply.id)?.answer(reply.figures);
        waiting.delete(reply.id);
        return;
      }
      // the hub's outbound door lets a process reach the sandboxes it started; these run next door, started by this
      // process, so their exact origins are allowed here the same way (withdrawn at close)
      const withdraw = [reply.google.tokenUrl, reply.google.dataManagerUrl, reply.google.adsApiUrl, reply.meta.baseUrl]
        .filter((url): url is string => url !== undefined)
        .map((url) => new URL(url).origin)
        .filter((origin, i, all) => all.indexOf(origin) === i)
        .map((origin) => registerSandboxOrigin(origin));
      resolve({
        google: reply.google,
        meta: reply.meta,
        pid: child.pid ?? -1,
        figures: (side) =>
          new Promise<SandboxFigures>((answer, fail) => {
            const id = ++next;
            if (child.exitCode !== null || child.signalCode !== null) {
              fail(new Error(`the sandboxes' process exited (${child.exitCode ?? child.signalCode})`));
              return;
            }
            waiting.set(id, { answer, fail });
            const message: SandboxesMessage = { type: 'figures', id, side };
            child.send(message, (error) => error && fail(error));
          }),
        close: async () => {
          if (child.exitCode === null && child.connected) child.send({ type: 'close' } satisfies SandboxesMessage);
          await exited;
          for (const w of withdraw) w();
        },
      });
    });
  });
}
