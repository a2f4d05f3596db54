#!/usr/bin/env node
'use strict';
// Entry point of the `hub` command. It runs the compiled JavaScript in dist/ (built by `npm install` through the
// `prepare` script, or shipped in the image). It runs the TypeScript sources through tsx only when there is no
// dist/, when a source file is newer than the build (a developer editing the hub), or when HUB_FROM_SOURCE=1.
const path = require('node:path');
const fs = require('node:fs');

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `Connector Hub needs Node.js 22 or newer; this is ${process.version}.\n` +
      'Run it through npm (`npm start`, `npx hub …`): the project installs Node 24 as a dev dependency.\n',
  );
  process.exit(1);
}

const root = path.join(__dirname, '..');

// `hub --version` answers from package.json without loading the command tree.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version}\n`);
  process.exit(0);
}

const source = path.join(root, 'core', 'cli', 'main.ts');
const compiled = path.join(root, 'dist', 'core', 'cli', 'main.js');

/** Newest modification time of the .ts files under the given folders (a few hundred stat calls: milliseconds). */
function newestSource(dirs) {
  let newest = 0;
  const stack = [...dirs];
  while (stack.length > 0) {
    const dir = stack.pop();
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') stack.push(full);
      } else if (entry.name.endsWith('.ts')) {
        const { mtimeMs } = fs.statSync(full);
        if (mtimeMs > newest) newest = mtimeMs;
      }
    }
  }
  return newest;
}

function useSources() {
  if (!fs.existsSync(source)) return false; // an image or a package: dist/ only
  if (process.env.HUB_FROM_SOURCE === '1') return true;
  let built;
  try {
    built = fs.statSync(compiled).mtimeMs;
  } catch {
    return true; // not built (yet): `npm run build` makes every command start faster
  }
  return newestSource([path.join(root, 'core'), path.join(root, 'connectors')]) > built;
}

let entry = compiled;
if (useSources()) {
  require('tsx/cjs');
  entry = source;
}
require(entry)
  .main(process.argv)
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  });
