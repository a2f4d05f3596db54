/**
 * Conversions figures: `npx tsx bench/conversions.ts` (measures tsc's output, as the hub ships: bench/built.ts;
 * BENCH_FROM_SOURCE=1 under tsx) (BENCH_CONVERSIONS_N orders,
 * default 100,000; BENCH_CONVERSIONS_CONCURRENCY sets the flows' `options.concurrency`; unset, the flows run as the
 * templates do, with the runner's default (the target connection's policy concurrency, 4 for both); BENCH_CONVERSIONS_PAGE the file connector's page size, default 500).
 *
 * N synthetic orders (an NDJSON file through the file connector) → Google sandbox (Data Manager `events:ingest`,
 * 2,000 per request, 300 requests per minute enforced) and → Meta sandbox (Conversions API, 1,000 per request)
 * through the shipped mappings odoo-order-to-google-conversion and odoo-order-to-meta-purchase, one flow after the
 * other. The sandboxes answer from a child process (bench/conversions-sandboxes.ts), as the vendors would from
 * elsewhere, so the hub's CPU figure is the hub's alone. Prints each side's duration, the requests its sandbox answered, the theoretical minimum the limits allow
 * (see conversions-bench.ts for how it is counted) and the ratio, and checks exactly-once in its own output: each
 * sandbox must hold N distinct conversions and have accepted N events in all. Exits 1 when it does not.
 */
import { runBuilt } from './built';
import { runConversionsBench, type SideFigures } from './conversions-bench';

const N = Number(process.env.BENCH_CONVERSIONS_N ?? 100_000);
const CONCURRENCY =
  process.env.BENCH_CONVERSIONS_CONCURRENCY === undefined
    ? undefined
    : Number(process.env.BENCH_CONVERSIONS_CONCURRENCY);
const PAGE = process.env.BENCH_CONVERSIONS_PAGE === undefined ? undefined : Number(process.env.BENCH_CONVERSIONS_PAGE);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function print(name: string, side: SideFigures, orders: number): void {
  const c = side.counts;
  const requests = Object.entries(side.requests)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  const ratio = side.durationMs / Math.max(1, side.minimum.sustainedMs);
  console.log(`  ${name} (${side.flow})`);
  console.log(
    `    run ${side.status}: read ${c.read}, created ${c.created}, updated ${c.updated}, failed ${c.failed}, dead-lettered ${c.deadLettered}`,
  );
  console.log(
    `    duration               ${seconds(side.durationMs)} (${Math.round((orders / side.durationMs) * 1000)} orders/s)`,
  );
  console.log(
    `    CPU of the process     ${seconds(side.cpuMs)} (${Math.round((side.cpuMs * 1000) / orders)} µs/order; ${((100 * side.cpuMs) / side.durationMs).toFixed(0)} % of the duration)`,
  );
  console.log(`    CPU of the sandboxes   ${seconds(side.sandboxCpuMs)} (their own process, not counted above)`);
  console.log(`    requests               ${side.totalRequests} (${requests}; refused ${side.refused})`);
  if (side.batchSizes !== undefined) {
    const sizes = new Map<number, number>();
    for (const size of side.batchSizes) sizes.set(size, (sizes.get(size) ?? 0) + 1);
    const list = [...sizes].sort((a, b) => b[0] - a[0]).map(([size, count]) => `${count} × ${size}`);
    console.log(`    records per request    ${list.join(', ')}`);
  }
  console.log(
    `    theoretical minimum    ${seconds(side.minimum.sustainedMs)}: ${side.minimum.requests} requests at ${side.minimum.limit} (from cold, one rolling window: ${seconds(side.minimum.burstMs)})`,
  );
  // the hub's CPU time over the minimum: the ratio a run would have on a core of its own (the runner works in one
  // thread, so at best its duration is about its CPU time), whatever the machine's load
  const cpuRatio = side.cpuMs / Math.max(1, side.minimum.sustainedMs);
  console.log(
    `    ratio to the minimum   ${ratio.toFixed(2)}× (the hub's CPU time alone: ${cpuRatio.toFixed(2)}×, its floor on a free core)`,
  );
  console.log(
    `    exactly once           ${side.exactlyOnce ? 'yes' : 'NO'}: ${side.distinct} distinct conversions, ${side.received} events accepted, ${orders} orders`,
  );
}

async function main(): Promise<void> {
  console.log(
    `bench/conversions: ${N.toLocaleString('en')} orders, file → Google sandbox and → Meta sandbox (limits on, concurrency ${CONCURRENCY ?? 'the runner default'})`,
  );
  const result = await runConversionsBench({
    orders: N,
    ...(CONCURRENCY === undefined ? {} : { concurrency: CONCURRENCY }),
    ...(PAGE === undefined ? {} : { pageSize: PAGE }),
    say: (line) => console.log(line),
  });
  console.log(`  orders file written in  ${seconds(result.writeFileMs)}`);
  print('Google', result.google, N);
  print('Meta', result.meta, N);
  console.log(`  both, one after the other ${seconds(result.google.durationMs + result.meta.durationMs)}`);
  console.log(`  peak RSS               ${result.peakRssMb} MB`);
  if (!result.google.exactlyOnce || !result.meta.exactlyOnce) {
    console.error('bench/conversions: exactly-once does NOT hold (see above)');
    process.exitCode = 1;
  }
}

const builtExit = runBuilt(__filename, process.argv.slice(2));
if (builtExit !== undefined) process.exitCode = builtExit;
else
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
