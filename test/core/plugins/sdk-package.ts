import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');

/**
 * A stand-in for the published hub package, in `dir`: the hub's package.json (name, version, exports) and the SDK
 * compiled to dist/ from the current sources. The hub's own dist/ is never built (other work shares the checkout);
 * the SDK's dependencies are reached through one symlink per package of the hub's node_modules, and none are
 * declared, so `npm install` in a scaffold links this folder and has nothing to install into it.
 */
export function buildSdkPackage(dir: string): string {
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  const hub = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const pkg = { name: hub.name, version: hub.version, type: 'commonjs', exports: hub.exports };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  fs.writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: path.join(ROOT, 'tsconfig.json'),
      compilerOptions: {
        types: ['node'],
        typeRoots: [path.join(ROOT, 'node_modules', '@types')],
        sourceMap: false,
        rootDir: ROOT,
        outDir: path.join(dir, 'dist'),
      },
      include: [],
      files: [path.join(ROOT, 'core/sdk/index.ts'), path.join(ROOT, 'core/sdk/testing/index.ts')],
    }),
  );
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { stdio: 'pipe' });
  } catch {
    // type errors elsewhere in the checkout still emit JavaScript and declarations; the files are checked below
  }
  for (const entry of ['dist/core/sdk/index.js', 'dist/core/sdk/index.d.ts', 'dist/core/sdk/testing/index.js']) {
    if (!fs.existsSync(path.join(dir, entry))) throw new Error(`building the SDK did not produce ${entry}`);
  }
  for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (!name.startsWith('.'))
      fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
  }
  return dir;
}
