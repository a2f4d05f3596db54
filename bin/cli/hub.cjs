#!/usr/bin/env node
'use strict';
// `hub` inside a clone of the hub. npm links this file into node_modules/.bin/hub because the hub lists this folder
// as a dev dependency (`file:bin/cli`). Why not the root package's own `bin`: when the project in the current folder
// declares a bin named like the command, `npx` (npm 10/11, libnpmexec) loads the whole installed tree (~600
// packages, ≈0.5 s) before it runs anything; a command found in node_modules/.bin runs at once. Installed
// packages get the same entry point as `connector-hub` (the root `bin`).
require('../hub.cjs');
