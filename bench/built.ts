import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';

/**
 * Benchmarks measure the code as it ships. Production runs tsc's output (`bin/hub.cjs` runs dist/), not tsx, whose
 * esbuild transform (keepNames) adds a call to every closure created at run time — the compiled mapping engine and
 * the runner create closures per record, so under tsx they measure slower than they run. A bench started from its
 * TypeScript source compiles itself and what it imports with tsc (bench/tsconfig.build.json, into
 * node_modules/.cache/hub-bench) and runs that output with the same node, arguments and environment.
 * BENCH_FROM_SOURCE=1 measures under tsx instead.
 */

/** The checkout a file belongs to (the source, or the tsc output under node_modules/.cache). */
export function repoRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'mappings'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no checkout with mappings/ above ${from}`);
    dir = parent;
  }
  return dir;
}

/**
 * From the source (`file` ends in .ts): builds with tsc and runs the built `file` with `args` in a child process,
 * returning its exit code; undefined when `file` is the built one already (or BENCH_FROM_SOURCE=1): run here.
 */
export function runBuilt(file: string, args: string[]): number | undefined {
  if (extname(file) !== '.ts' || process.env.BENCH_FROM_SOURCE === '1') return undefined;
  const root = repoRoot(dirname(file));
  const config = join(root, 'bench', 'tsconfig.build.json');
  console.log(`${relative(root, file)}: compiling it and the hub with tsc (as production runs it)…`);
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', config], { stdio: 'inherit' });
  const built = join(root, 'node_modules', '.cache', 'hub-bench', relative(root, file).replace(/\.ts$/, '.js'));
  if (!existsSync(built)) return tsc.status ?? 1;
  // tsc writes its output even when another file in the checkout does not type-check yet
  if (tsc.status !== 0) console.log(`${relative(root, file)}: tsc reported type errors; measuring its output anyway`);
  const child = spawnSync(process.execPath, [built, ...args], { stdio: 'inherit', env: process.env });
  return child.status ?? 1;
}
