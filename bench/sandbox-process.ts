import { fork, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { registerSandboxOrigin } from '../core/security/outbound-policy';

/**
 * Vendor sandboxes in a process of their own, for the benches: the real vendors run elsewhere, so a bench measures
 * the hub and not the sandboxes' parsing and bookkeeping, and on two cores the hub gets one of its own. The child
 * (a TypeScript file run through tsx, as the benches run) sends one `{ type: 'ready', ready, origins }` message once
 * its sandboxes listen, answers `{ type: 'ask', id, question }` with `{ type: 'answer', id, answer }` from the
 * sandboxes' own state, and closes them and exits on `{ type: 'close' }` or when this process goes away
 * (`serveSandboxes`). The parent lets the child's exact origins through the hub's outbound door, as it does for a
 * sandbox it started itself, and withdraws them at close.
 */

export type ChildMessage<Q> = { type: 'ask'; id: number; question: Q } | { type: 'close' };
export type ChildReply<R, A> =
  { type: 'ready'; ready: R; origins: string[] } | { type: 'answer'; id: number; answer: A };

export interface SandboxProcess<R, Q, A> {
  /** What the child sent when it was ready (the connections' settings). */
  ready: R;
  pid: number;
  ask(question: Q): Promise<A>;
  close(): Promise<void>;
}

export function startSandboxProcess<R, Q, A>(
  entry: string,
  cwd: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SandboxProcess<R, Q, A>> {
  const child: ChildProcess = fork(entry, [], {
    cwd,
    env,
    execPath: process.execPath,
    // tsx's loader from this checkout (an absolute URL: the child's resolution does not depend on its cwd)
    execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting = new Map<number, { answer: (a: A) => void; fail: (error: Error) => void }>();
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
    child.on('message', (reply: ChildReply<R, A>) => {
      if (reply.type === 'answer') {
        waiting.get(reply.id)?.answer(reply.answer);
        waiting.delete(reply.id);
        return;
      }
      const withdraw = [...new Set(reply.origins.map((url) => new URL(url).origin))].map((origin) =>
        registerSandboxOrigin(origin),
      );
      resolve({
        ready: reply.ready,
        pid: child.pid ?? -1,
        ask: (question) =>
          new Promise<A>((answer, fail) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              fail(new Error(`the sandboxes' process exited (${child.exitCode ?? child.signalCode})`));
              return;
            }
            const id = ++next;
            waiting.set(id, { answer, fail });
            const message: ChildMessage<Q> = { type: 'ask', id, question };
            child.send(message, (error) => error && fail(error));
          }),
        close: async () => {
          if (child.exitCode === null && child.connected) child.send({ type: 'close' } satisfies ChildMessage<Q>);
          await exited;
          for (const w of withdraw) w();
        },
      });
    });
  });
}

/** The child's side: serve `answer` over IPC until told to close (or orphaned), then run `close` and exit. */
export function serveSandboxes<R, Q, A>(
  ready: R,
  origins: string[],
  answer: (question: Q) => A,
  close: () => Promise<unknown>,
): void {
  const send = (reply: ChildReply<R, A>) => process.send?.(reply);
  const stop = () => void close().finally(() => process.exit(0));
  process.on('message', (message: ChildMessage<Q>) => {
    if (message.type === 'ask') send({ type: 'answer', id: message.id, answer: answer(message.question) });
    else stop();
  });
  // the parent gone (killed, crashed): nothing to serve any more
  process.on('disconnect', stop);
  send({ type: 'ready', ready, origins });
}

/** CPU time of this process since it started, in ms. */
export function processCpuMs(): number {
  const used = process.cpuUsage();
  return Math.round((used.user + used.system) / 1000);
}
