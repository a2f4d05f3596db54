#!/usr/bin/env node
'use strict';
// Entry point of the `hub` command. In a source checkout it runs the TypeScript directly (through tsx's
// CommonJS hook); in a built image (no .ts sources, only dist/) it runs the compiled JavaScript.
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
const source = path.join(root, 'core', 'cli', 'main.ts');
const compiled = path.join(root, 'dist', 'core', 'cli', 'main.js');
let entry;
if (fs.existsSync(source)) {
  require('tsx/cjs');
  entry = source;
} else {
  entry = compiled;
}
require(entry)
  .main(process.argv)
  .then((code) => {
    if (typeof code === 'number') process.exitCode = code;
  });
