/**
 * Mapping engine throughput: `npm run bench [-- N]` (or BENCH_N=...; default 20000 records per mapping; BENCH_ONLY=id,id
 * for some mappings; BENCH_ROUNDS, BENCH_WARM_UP, BENCH_DEBUG below).
 *
 * Loads every mapping in mappings/, generates N realistic source records (bench/mapping-records.ts), compiles once
 * and evaluates them all (guardrails and schema validation on, as in production) on the interpreter (jsonata-js,
 * once) and on the compiled path (core/mapping/compiler), checking that both give identical results; the compiled
 * path and the hand-written TypeScript version where one exists (bench/mapping-handwritten.ts, same stdlib, same
 * validation) run in alternating rounds (BENCH_ROUNDS, default 5; the median counts) after an untimed warm-up of
 * BENCH_WARM_UP records (default 5,000) each, and the ratio compiled / hand-written is printed. Last, the same
 * mapping through the worker-thread pool (one message per record, as previews and fixtures on save use it) for the
 * cost of isolation per record.
 *
 * It measures the code as it ships: production runs tsc's output (`bin/hub.cjs` runs dist/), not tsx, whose
 * esbuild transform (keepNames) adds a call to every closure created at run time. So when started from the
 * TypeScript source (`npm run bench`, tsx), this file compiles itself, the hand-written versions and the engine with
 * tsc (bench/tsconfig.build.json, into node_modules/.cache/hub-bench) and runs that with the same node and
 * arguments: the engine and the hand-written code both run as tsc output. BENCH_FROM_SOURCE=1 measures under tsx.
 */
import { extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileMapping, loadMappings, type MappingDefinition, type MapResult } from '../core/mapping';
import { compiledMappingStats, compileExpression, useCompiledMappings } from '../core/mapping/compiler';
import { MappingWorkerPool } from '../core/mapping/worker-pool';
import { repoRoot, runBuilt } from './built';
import { handWritten } from './mapping-handwritten/index';
import { fileRow, generate, generatorFor } from './mapping-records';

const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 20000);

const ROOT = repoRoot(__dirname);
const MAPPINGS = join(ROOT, 'mappings');

/** CPU time of this thread in ms: unlike the wall clock, it does not grow when other processes load the machine. */
function cpuMs(): number {
  const usage = process.threadCpuUsage();
  return (usage.user + usage.system) / 1000;
}

function line(label: string, count: number, ms: number, failed: number, cpu?: number): string {
  const perSecond = Math.round((count / ms) * 1000);
  const micros = ((ms * 1000) / count).toFixed(1);
  const cpuMicros = cpu === undefined ? '' : ` ${((cpu * 1000) / count).toFixed(1).padStart(8)} CPU µs/rec`;
  return `${label.padEnd(44)} ${String(perSecond).padStart(9)} rec/s ${micros.padStart(8)} µs/rec${cpuMicros}  (${failed} failed records)`;
}

interface Timing {
  wall: number;
  cpu: number;
  results: MapResult[];
}

/** Rounds of the compiled and hand-written paths, alternated (the median counts): one busy moment skews neither. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

type Run = () => Promise<MapResult[]> | MapResult[];

/**
 * Records evaluated untimed before the rounds, on each path alike: the hot code is then optimised (V8 tiers a
 * function up after thousands of calls), so the figures are a long-running worker's, not the first page's.
 */
const WARM_UP = Math.min(N, Number(process.env.BENCH_WARM_UP ?? 5000));

/** The engine, compiled once and warmed up (WARM_UP records): one run evaluates all records as a page. */
async function engineRun(mapping: MappingDefinition, records: unknown[], compiled: boolean): Promise<Run> {
  useCompiledMappings(compiled);
  try {
    // a distinct version per path: the engine caches compiled mappings by id + version
    const engine = compileMapping(
      { ...mapping, version: `${mapping.version ?? '0'}+${compiled ? 'compiled' : 'interpreter'}` },
      { defaultCountry: 'RU' },
    );
    await engine.evaluatePage(records.slice(0, compiled ? WARM_UP : Math.min(1000, WARM_UP))); // the interpreter is slow
    return () => engine.evaluatePage(records);
  } finally {
    useCompiledMappings(true);
  }
}

function handRun(run: (record: unknown) => MapResult, records: unknown[]): Run {
  records.slice(0, WARM_UP).forEach(run); // as the compiled path's
  return () => records.map(run);
}

/**
 * A round repeats a path's run until it has lasted about this long: Linux accounts a thread's CPU time in scheduler
 * ticks (up to 4 ms at a time on the development machine), so a run of a few ms — 10,000 records of a trivial
 * mapping — would be measured to within its own length.
 */
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 250);

/**
 * Times runs of each path, alternating them round by round; the median wall and CPU time of each path, per run
 * (a round's time divided by the runs it repeated).
 */
async function timeAlternating(runs: Run[], rounds: number): Promise<Timing[]> {
  const walls: number[][] = runs.map(() => []);
  const cpus: number[][] = runs.map(() => []);
  const results: MapResult[][] = runs.map(() => []);
  // how many runs make a round of each path, from one run timed on the (fine-grained) wall clock
  const repeats: number[] = [];
  for (const run of runs) {
    const started = performance.now();
    await run();
    repeats.push(Math.max(1, Math.ceil(ROUND_MS / Math.max(performance.now() - started, 0.01))));
  }
  for (let round = 0; round < rounds; round++) {
    for (let path = 0; path < runs.length; path++) {
      const started = performance.now();
      const cpuStarted = cpuMs();
      for (let repeat = 0; repeat < repeats[path]; repeat++) results[path] = await runs[path]();
      cpus[path].push((cpuMs() - cpuStarted) / repeats[path]);
      walls[path].push((performance.now() - started) / repeats[path]);
    }
  }
  // BENCH_DEBUG=1: every round's CPU µs per record, path by path (how much the rounds of one run vary)
  if (process.env.BENCH_DEBUG) {
    console.log(cpus.map((c, path) => `${repeats[path]}×: ${c.map((ms) => ((ms * 1000) / N).toFixed(2)).join(' ')}`));
  }
  return runs.map((_, path) => ({ wall: median(walls[path]), cpu: median(cpus[path]), results: results[path] }));
}

function differing(a: MapResult[], b: MapResult[]): number {
  return a.filter((r, i) => JSON.stringify(r) !== JSON.stringify(b[i])).length;
}

const failedCount = (t: Timing) => t.results.filter((r) => !r.ok).length;
const perRecord = (ms: number) => (ms * 1000) / N;

async function main(): Promise<void> {
  const only = process.env.BENCH_ONLY?.split(',').filter((id) => id !== '');
  const mappings = loadMappings(MAPPINGS).filter((m) => !only || only.includes(m.id));
  const form = extname(__filename) === '.ts' ? 'TypeScript source under tsx' : 'tsc output, as production runs';
  console.log(
    `mapping bench: ${N} records per mapping, node ${process.version}, ${form}; ` +
      `compiled and hand-written: median of ${ROUNDS} alternating rounds\n`,
  );
  const rows: string[][] = [];
  let mismatches = 0;
  for (const mapping of mappings) {
    const records = generate(N, generatorFor(mapping));
    const outcome = compileExpression(mapping.expression, 200);
    const before = compiledMappingStats();
    // the interpreter in one round (it is the slow reference); the compiled and hand-written paths in alternating rounds
    const [interpreter] = await timeAlternating([await engineRun(mapping, records, false)], 1);
    const manual = handWritten(mapping);
    const runs = [await engineRun(mapping, records, true), ...(manual ? [handRun(manual, records)] : [])];
    const [compiled, hand] = await timeAlternating(runs, ROUNDS);
    const after = compiledMappingStats();
    console.log(line(`${mapping.id} (interpreter)`, N, interpreter.wall, failedCount(interpreter), interpreter.cpu));
    console.log(line(`${mapping.id} (compiled)`, N, compiled.wall, failedCount(compiled), compiled.cpu));
    if (hand) console.log(line(`${mapping.id} (hand-written)`, N, hand.wall, failedCount(hand), hand.cpu));
    const engineDiff = differing(compiled.results, interpreter.results);
    const handDiff = hand ? differing(hand.results, interpreter.results) : 0;
    mismatches += engineDiff + handDiff;
    const handed = after.handedToInterpreter - before.handedToInterpreter;
    console.log(
      `  compiled: ${outcome.ok ? 'yes' : `no (${(outcome as { reason: string }).reason})`}; records handed to the interpreter (all runs): ${handed}; ` +
        `compiled = interpreter: ${engineDiff === 0 ? 'yes' : `NO, ${engineDiff} differ`}` +
        (hand ? `; hand-written = interpreter: ${handDiff === 0 ? 'yes' : `NO, ${handDiff} differ`}` : ''),
    );
    rows.push([
      mapping.id,
      perRecord(interpreter.cpu).toFixed(1),
      perRecord(compiled.cpu).toFixed(1),
      hand ? perRecord(hand.cpu).toFixed(1) : '—',
      (interpreter.cpu / compiled.cpu).toFixed(1),
      hand ? (compiled.cpu / hand.cpu).toFixed(1) : '—',
    ]);
  }
  console.log('\nCPU µs/record (this thread):\n');
  console.log('| mapping | interpreter | compiled | hand-written | interpreter / compiled | compiled / hand-written |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  if (mismatches > 0) {
    console.error(`\n${mismatches} results differ between paths`);
    process.exitCode = 1;
  }
}

/** The same mapping through a one-thread worker pool: what isolating each record costs. */
async function poolBench(mappings: MappingDefinition[]): Promise<void> {
  const mapping = mappings.find((m) => m.id === 'file-contacts-to-canonical');
  if (!mapping) return;
  const count = Math.min(N, 5000);
  const records = generate(count, fileRow);
  const pool = new MappingWorkerPool({ size: 1 });
  try {
    const options = { options: { defaultCountry: 'RU' } };
    await pool.evaluateBatch(mapping, records.slice(0, Math.min(500, count)), options); // start + warm-up
    const started = performance.now();
    const results = await pool.evaluateBatch(mapping, records, options);
    const ms = performance.now() - started;
    console.log(line('worker pool: file-contacts-to-canonical', count, ms, results.filter((r) => !r.ok).length));
    // the in-thread path on the same records right after, so both see the same machine load
    const compiled = compileMapping(mapping, { defaultCountry: 'RU' });
    const threadStarted = performance.now();
    await compiled.evaluatePage(records);
    const inThread = ((performance.now() - threadStarted) * 1000) / count;
    console.log(
      line(
        'in-thread: file-contacts-to-canonical',
        count,
        (inThread * count) / 1000,
        results.filter((r) => !r.ok).length,
      ),
    );
    console.log(`worker pool cost per record: ${((ms * 1000) / count - inThread).toFixed(1)} µs over in-thread`);
  } finally {
    await pool.close();
  }
}

const builtExit = runBuilt(__filename, process.argv.slice(2));
if (builtExit !== undefined) process.exitCode = builtExit;
else {
  main()
    .then(async () => {
      if (process.exitCode) return;
      await poolBench(loadMappings(MAPPINGS));
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    });
}
