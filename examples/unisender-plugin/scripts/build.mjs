/* global console, process */
/**
 * Builds the plugin into dist/ (what `npm run build` and `prepack` run).
 *
 * A partner's checkout has `connector-hub` installed (devDependency), so this is plain `tsc -p tsconfig.json`.
 * Inside the hub's own repository it is not installed (the hub cannot depend on itself), so the SDK ids are
 * mapped to the hub's sources next door (`../../core/sdk`) for type checking, and only the plugin's own files are
 * written: the emitted code still says `require("connector-hub/sdk")`, which the hub answers with its own SDK when
 * it loads the plugin. Either way dist/ holds the same files.
 *
 * The tarball bundles its runtime dependencies ("bundleDependencies": TypeBox), so `HUB_PLUGINS=<tarball>` and
 * `hub plugins check <tarball>` need no npm install. In the hub's repository those packages are the hub's own:
 * they are linked into node_modules/ here so that `npm pack` finds them.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const ts = require('typescript');

function sdkInstalled() {
  try {
    require.resolve('connector-hub/sdk');
    return true;
  } catch {
    return false;
  }
}

const hubSources = path.resolve(root, '../../core/sdk');
const inHubRepo = !sdkInstalled() && fs.existsSync(path.join(hubSources, 'index.ts'));

const configFile = path.join(root, 'tsconfig.json');
const read = ts.readConfigFile(configFile, ts.sys.readFile);
if (read.error) fail([read.error]);
const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configFile);
if (parsed.errors.length > 0) fail(parsed.errors);

const options = { ...parsed.options };
const outDir = path.resolve(root, options.outDir ?? 'dist');
if (inHubRepo) {
  // the hub's sources join the program, so the common root is the repository; outputs are re-rooted below
  options.rootDir = path.resolve(root, '../..');
  options.paths = {
    'connector-hub/sdk': [path.join(hubSources, 'index.ts')],
    'connector-hub/sdk/testing': [path.join(hubSources, 'testing/index.ts')],
  };
  // maps would point at sources that are not in the package
  options.sourceMap = false;
  options.declarationMap = false;
}
if (inHubRepo) linkBundledFromHub();
const ownOut = inHubRepo ? path.join(outDir, path.relative(options.rootDir, root)) : outDir;

fs.rmSync(outDir, { recursive: true, force: true });
const program = ts.createProgram({ rootNames: parsed.fileNames, options });
const diagnostics = ts.getPreEmitDiagnostics(program);
if (diagnostics.length > 0) fail(diagnostics);

let written = 0;
const result = program.emit(undefined, (fileName, text) => {
  const rel = path.relative(ownOut, fileName);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return; // the hub's SDK: never part of the package
  const target = path.join(outDir, rel);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, text);
  written += 1;
});
if (result.diagnostics.length > 0) fail(result.diagnostics);
console.log(
  `built ${written} files into ${path.relative(root, outDir)}/${inHubRepo ? ' (SDK from the hub sources next door)' : ''}`,
);

function linkBundledFromHub() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const name of pkg.bundleDependencies ?? []) {
    const local = path.join(root, 'node_modules', name);
    if (fs.existsSync(path.join(local, 'package.json'))) continue;
    const hubCopy = path.resolve(root, '../../node_modules', name);
    if (!fs.existsSync(path.join(hubCopy, 'package.json'))) {
      console.error(`${name} (bundleDependencies) is not installed in the hub's node_modules either; run npm install`);
      process.exit(1);
    }
    fs.rmSync(local, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(local), { recursive: true });
    fs.symlinkSync(path.relative(path.dirname(local), hubCopy), local, 'junction');
  }
}

function fail(list) {
  const host = {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => root,
    getNewLine: () => '\n',
  };
  console.error(ts.formatDiagnosticsWithColorAndContext(list, host));
  process.exit(1);
}
