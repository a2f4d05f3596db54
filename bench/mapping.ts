/**
 * Mapping engine throughput: `npx tsx bench/mapping.ts [N]` (or BENCH_N=...; default 20000 records per mapping).
 *
 * Loads every mapping in mappings/, generates N realistic source records (bench/mapping-records.ts), compiles once
 * and evaluates them all (guardrails and schema validation on, as in production) twice: on the interpreter
 * (jsonata-js) and on the compiled path (core/mapping/compiler), checking that both give identical results; then
 * the hand-written TypeScript version where one exists (bench/mapping-handwritten.ts, same stdlib, same
 * validation), and the ratio compiled / hand-written. Last, the same mapping through the worker-thread pool (one
 * message per record, as previews and fixtures on save use it) for the cost of isolation per record.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileMapping, loadMappings, type MappingDefinition, type MapResult } from '../core/mapping';
import { compiledMappingStats, compileExpression, useCompiledMappings } from '../core/mapping/compiler';
import { MappingWorkerPool } from '../core/mapping/worker-pool';
import { handWritten } from './mapping-handwritten';
import { fileRow, generate, generatorFor } from './mapping-records';

const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 20000);

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

async function timeEngine(mapping: MappingDefinition, records: unknown[], compiled: boolean): Promise<Timing> {
  useCompiledMappings(compiled);
  try {
    // a distinct version per path: the engine caches compiled mappings by id + version
    const engine = compileMapping(
      { ...mapping, version: `${mapping.version ?? '0'}+${compiled ? 'compiled' : 'interpreter'}` },
      { defaultCountry: 'RU' },
    );
    await engine.evaluatePage(records.slice(0, Math.min(1000, records.length))); // warm-up
    const started = performance.now();
    const cpuStarted = cpuMs();
    const results = await engine.evaluatePage(records);
    return { cpu: cpuMs() - cpuStarted, wall: performance.now() - started, results };
  } finally {
    useCompiledMappings(true);
  }
}

function timeHandWritten(run: (record: unknown) => MapResult, records: unknown[]): Timing {
  records.slice(0, Math.min(1000, records.length)).forEach(run);
  const started = performance.now();
  const cpuStarted = cpuMs();
  const results = records.map(run);
  return { cpu: cpuMs() - cpuStarted, wall: performance.now() - started, results };
}

function differing(a: MapResult[], b: MapResult[]): number {
  return a.filter((r, i) => JSON.stringify(r) !== JSON.stringify(b[i])).length;
}

const failedCount = (t: Timing) => t.results.filter((r) => !r.ok).length;
const perRecord = (ms: number) => (ms * 1000) / N;

async function main(): Promise<void> {
  const mappings = loadMappings(resolve(__dirname, '../mappings'));
  console.log(`mapping bench: ${N} records per mapping, node ${process.version}\n`);
  const rows: string[][] = [];
  let mismatches = 0;
  for (const mapping of mappings) {
    const records = generate(N, generatorFor(mapping));
    const outcome = compileExpression(mapping.expression, 200);
    const before = compiledMappingStats();
    const interpreter = await timeEngine(mapping, records, false);
    const compiled = await timeEngine(mapping, records, true);
    const after = compiledMappingStats();
    const manual = handWritten(mapping);
    const hand = manual ? timeHandWritten(manual, records) : undefined;
    console.log(line(`${mapping.id} (interpreter)`, N, interpreter.wall, failedCount(interpreter), interpreter.cpu));
    console.log(line(`${mapping.id} (compiled)`, N, compiled.wall, failedCount(compiled), compiled.cpu));
    if (hand) console.log(line(`${mapping.id} (hand-written)`, N, hand.wall, failedCount(hand), hand.cpu));
    const engineDiff = differing(compiled.results, interpreter.results);
    const handDiff = hand ? differing(hand.results, interpreter.results) : 0;
    mismatches += engineDiff + handDiff;
    const handed = after.handedToInterpreter - before.handedToInterpreter;
    console.log(
      `  compiled: ${outcome.ok ? 'yes' : `no (${(outcome as { reason: string }).reason})`}; records handed to the interpreter: ${handed}; ` +
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

main()
  .then(async () => {
    if (process.exitCode) return;
    await poolBench(loadMappings(resolve(__dirname, '../mappings')));
  })
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
