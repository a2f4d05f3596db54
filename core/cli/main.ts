import { Command, CommanderError } from 'commander';
import { describeFailure } from './errors';
import { stdio, type Output } from './output';
import type { registerServe } from './commands/serve';
import type { registerConnectors } from './commands/connectors';
import type { registerConnections } from './commands/connections';
import type { registerMappings } from './commands/mappings';
import type { registerKeys } from './commands/keys';
import type { registerFlows } from './commands/flows';
import type { registerRuns } from './commands/runs';
import type { registerReview } from './commands/review';
import type { registerDlq } from './commands/dlq';
import type { registerWorker } from './commands/worker';
import type { registerTokens } from './commands/tokens';
import type { registerDemo } from './commands/demo';
import type { registerPlugins } from './commands/plugins';
import { HUB_VERSION } from '../version';
import { humanLogDestination, setDefaultLogDestination } from '../logging/logger';

/** Commands whose logs are the operator's record (JSON lines on stderr off a terminal). */
const SERVICE_COMMANDS = new Set(['serve', 'worker']);

/**
 * Where a command's logs go. People read one line per message (`warning: …`) on stderr, never JSON; `--verbose`
 * (or HUB_LOG_LEVEL=debug/trace) gives JSON lines on stderr at debug level; `hub serve` and `hub worker` write JSON
 * lines whenever stderr is not a terminal (containers, systemd, log collectors).
 */
function chooseLogDestination(command: string, verbose: boolean, output: Output): void {
  const json = verbose || (SERVICE_COMMANDS.has(command) && !process.stderr.isTTY);
  setDefaultLogDestination(json ? undefined : () => humanLogDestination((line) => output.err(line)));
}

type Register = (program: Command, output: Output) => void;

/* eslint-disable @typescript-eslint/no-require-imports -- loaded on demand, see GROUPS */
/**
 * The command groups, each loaded only when it is used: `hub connectors list` loads the connectors group and
 * nothing of the server, the queue or the other groups, so a command starts in a fraction of the time it takes to
 * load them all (`hub --help` and unknown commands load every group). Order is the order of `hub --help`.
 */
const GROUPS: Record<string, (() => Register)[]> = {
  serve: [() => (require('./commands/serve') as { registerServe: typeof registerServe }).registerServe],
  connectors: [
    () => (require('./commands/connectors') as { registerConnectors: typeof registerConnectors }).registerConnectors,
  ],
  connections: [
    () =>
      (require('./commands/connections') as { registerConnections: typeof registerConnections }).registerConnections,
  ],
  mappings: [() => (require('./commands/mappings') as { registerMappings: typeof registerMappings }).registerMappings],
  keys: [() => (require('./commands/keys') as { registerKeys: typeof registerKeys }).registerKeys],
  flows: [() => (require('./commands/flows') as { registerFlows: typeof registerFlows }).registerFlows],
  runs: [
    () => (require('./commands/runs') as { registerRuns: typeof registerRuns }).registerRuns,
    () => (require('./commands/review') as { registerReview: typeof registerReview }).registerReview,
  ],
  dlq: [() => (require('./commands/dlq') as { registerDlq: typeof registerDlq }).registerDlq],
  worker: [() => (require('./commands/worker') as { registerWorker: typeof registerWorker }).registerWorker],
  tokens: [() => (require('./commands/tokens') as { registerTokens: typeof registerTokens }).registerTokens],
  demo: [() => (require('./commands/demo') as { registerDemo: typeof registerDemo }).registerDemo],
  plugins: [() => (require('./commands/plugins') as { registerPlugins: typeof registerPlugins }).registerPlugins],
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** The command group an argument list names (`hub --verbose flows run x` → flows), if any. */
export function groupOf(args: readonly string[]): string | undefined {
  return args.find((a) => !a.startsWith('-'));
}

/**
 * Builds the `hub` command tree. Each group lives in its own file under commands/; with `only`, just that group
 * is loaded (plus nothing else), otherwise all of them.
 */
export function buildProgram(output: Output = stdio, only?: string): Command {
  const program = new Command('hub')
    .description('Connector Hub: sync contacts, orders and conversions between marketing systems')
    .version(HUB_VERSION)
    .option('--verbose', 'log everything (debug level) as JSON lines on stderr')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => output.out(s), writeErr: (s) => output.err(s) })
    .addHelpText(
      'after',
      '\nExamples:\n  $ hub serve --port 3000\n  $ hub connectors list --json\n  $ hub mappings test\n  $ hub flows templates\n\nConfiguration comes from HUB_* environment variables; see README.md.',
    );
  const wanted = only !== undefined && Object.hasOwn(GROUPS, only) ? [only] : Object.keys(GROUPS);
  for (const name of wanted) for (const load of GROUPS[name]) load()(program, output);
  return program;
}

/**
 * Runs the CLI; resolves to the exit code. Commands report a failure by setting process.exitCode; it is read and
 * put back as it was, so in-process calls (tests) do not leak it (bin/hub.cjs sets the returned code).
 */
export async function main(argv: string[], output: Output = stdio): Promise<number> {
  const program = buildProgram(output, groupOf(argv.slice(2)));
  const previous = process.exitCode;
  const previousLevel = process.env.HUB_LOG_LEVEL;
  process.exitCode = undefined;
  program.hook('preAction', (_program, action) => {
    let top = action;
    while (top.parent && top.parent !== program) top = top.parent;
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
    if (verbose && (previousLevel === undefined || previousLevel === '')) process.env.HUB_LOG_LEVEL = 'debug';
    chooseLogDestination(top.name(), verbose, output);
  });
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    const failure = describeFailure(error);
    output.err(failure.message);
    return failure.exitCode;
  } finally {
    process.exitCode = previous;
    setDefaultLogDestination(undefined);
    if (previousLevel === undefined) delete process.env.HUB_LOG_LEVEL;
    else process.env.HUB_LOG_LEVEL = previousLevel;
  }
}
