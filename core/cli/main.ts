import { Command, CommanderError } from 'commander';
import { describeFailure } from './errors';
import { stdio, type Output } from './output';
import { registerServe } from './commands/serve';
import { registerConnectors } from './commands/connectors';
import { registerConnections } from './commands/connections';
import { registerMappings } from './commands/mappings';
import { registerKeys } from './commands/keys';
import { registerFlows } from './commands/flows';
import { registerRuns } from './commands/runs';
import { registerReview } from './commands/review';
import { registerDlq } from './commands/dlq';
import { registerWorker } from './commands/worker';
import { registerTokens } from './commands/tokens';
import { registerDemo } from './commands/demo';
import { registerPlugins } from './commands/plugins';
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

/** Builds the `hub` command tree. Each group lives in its own file under commands/. */
export function buildProgram(output: Output = stdio): Command {
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
  registerServe(program, output);
  registerConnectors(program, output);
  registerConnections(program, output);
  registerMappings(program, output);
  registerKeys(program, output);
  registerFlows(program, output);
  registerRuns(program, output);
  registerReview(program, output);
  registerDlq(program, output);
  registerWorker(program, output);
  registerTokens(program, output);
  registerDemo(program, output);
  registerPlugins(program, output);
  return program;
}

/**
 * Runs the CLI; resolves to the exit code. Commands report a failure by setting process.exitCode; it is read and
 * put back as it was, so in-process calls (tests) do not leak it (bin/hub.cjs sets the returned code).
 */
export async function main(argv: string[], output: Output = stdio): Promise<number> {
  const program = buildProgram(output);
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
