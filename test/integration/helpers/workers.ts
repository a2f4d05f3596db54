import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../../helpers/hub-process';

/**
 * `hub worker` processes (bin/hub.cjs, as an operator starts them) for the integration tests: started, killed and
 * restarted by slot. Each process's log (pino JSON on stderr) is read to know which one is working a run.
 */

const BIN = path.join(ROOT, 'bin', 'hub.cjs');
const KEEP_LINES = 300;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LogLine {
  msg?: string;
  level?: number;
  runId?: string;
  [key: string]: unknown;
}

export class WorkerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<Exit>;
  /** Resolves once the worker printed "worker started". */
  readonly ready: Promise<void>;
  /** The last lines of its log (and of its stdout). */
  readonly lines: string[] = [];
  readonly logs: LogLine[] = [];
  exit: Exit | undefined;

  constructor(
    readonly slot: number,
    readonly generation: number,
    env: Record<string, string>,
  ) {
    const clean: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('HUB_') && v !== undefined) clean[k] = v;
    this.child = spawn(process.execPath, [BIN, 'worker', '--concurrency', '2', '--no-scheduler'], {
      cwd: ROOT,
      env: { ...clean, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let markReady!: () => void;
    let failReady!: (error: Error) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => undefined);
    this.exited = new Promise<Exit>((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exit = { code, signal };
        failReady(new Error(`worker ${this.name} exited before it started (${code ?? signal})\n${this.tail()}`));
        resolve(this.exit);
      });
    });
    this.readLines(this.child.stdout, (line) => {
      if (line.startsWith('worker started')) markReady();
    });
    this.readLines(this.child.stderr, (line) => {
      if (!line.startsWith('{')) return;
      try {
        this.logs.push(JSON.parse(line) as LogLine);
      } catch {
        // not a log line
      }
    });
  }

  get name(): string {
    return `#${this.slot}.${this.generation} (pid ${this.child.pid})`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  /** The lines this process logged with message `msg` (exactly, or matching), for the run when given. */
  logLines(msg: string | RegExp, runId?: string): LogLine[] {
    const matches = (m: unknown) => (typeof msg === 'string' ? m === msg : msg.test(String(m)));
    return this.logs.filter((l) => matches(l.msg) && (runId === undefined || l.runId === runId));
  }

  logged(msg: string | RegExp, runId?: string): boolean {
    return this.logLines(msg, runId).length > 0;
  }

  tail(n = 40): string {
    return this.lines.slice(-n).join('\n');
  }

  private readLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
    if (stream === null) return;
    let buffered = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        this.lines.push(line);
        if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES);
        onLine(line);
        nl = buffered.indexOf('\n');
      }
    });
  }
}

export class Workers {
  readonly slots: WorkerProcess[] = [];
  /** Every process started, in order (killed ones included). */
  readonly all: WorkerProcess[] = [];

  constructor(private readonly env: Record<string, string>) {}

  /** Starts (or restarts) the worker of `slot` and waits until it has started. */
  async start(slot: number): Promise<WorkerProcess> {
    const previous = this.slots[slot];
    if (previous?.alive) throw new Error(`worker ${previous.name} is still running`);
    const worker = new WorkerProcess(slot, (previous?.generation ?? 0) + 1, this.env);
    this.slots[slot] = worker;
    this.all.push(worker);
    await worker.ready;
    return worker;
  }

  async startAll(count: number): Promise<void> {
    await Promise.all(Array.from({ length: count }, (_, slot) => this.start(slot)));
  }

  /** Sends `signal` and waits for the process to exit. */
  async kill(slot: number, signal: NodeJS.Signals): Promise<Exit> {
    const worker = this.slots[slot];
    if (worker.alive) worker.child.kill(signal);
    return worker.exited;
  }

  /**
   * The live worker working the run: the one that logged "run started" for it most recently (a run is started
   * again by the worker that takes it over after a crash or a hand-back).
   */
  owner(runId: string): WorkerProcess | undefined {
    let best: { worker: WorkerProcess; at: number } | undefined;
    for (const worker of this.slots) {
      if (!worker?.alive) continue;
      const started = worker.logs.filter((l) => l.msg === 'run started' && l.runId === runId);
      const at = started.length === 0 ? undefined : Date.parse(String(started[started.length - 1].time));
      if (at !== undefined && (best === undefined || at > best.at)) best = { worker, at };
    }
    return best?.worker;
  }

  async waitForOwner(runId: string, timeoutMs = 60_000): Promise<WorkerProcess> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const owner = this.owner(runId);
      if (owner !== undefined) return owner;
      if (Date.now() > deadline) throw new Error(`no worker started run ${runId}\n${this.diagnostics()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** The last log lines of every process, for failure messages. */
  diagnostics(): string {
    return this.all
      .map((w) => `--- worker ${w.name} ${w.alive ? 'alive' : `exited ${JSON.stringify(w.exit)}`}\n${w.tail(15)}`)
      .join('\n');
  }

  /** Stops every live worker (SIGTERM, then SIGKILL after a grace period). */
  async stopAll(graceMs = 15_000): Promise<void> {
    await Promise.all(
      this.slots
        .filter((w) => w?.alive)
        .map(async (w) => {
          w.child.kill('SIGTERM');
          const timer = setTimeout(() => w.child.kill('SIGKILL'), graceMs);
          await w.exited;
          clearTimeout(timer);
        }),
    );
  }
}
