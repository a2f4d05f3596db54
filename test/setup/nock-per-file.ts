import os from 'node:os';

// Tests keep their files in fresh temp folders: let the file connector use them (connectors/file/roots.ts).
process.env.HUB_FILES_ROOT ??= os.tmpdir();

/**
 * nock patches Node's shared http module and the test file's fetch when it is imported. Jest runs many test files
 * in one worker, so a file that imported nock (even only through a helper) must take its interceptors down after
 * its tests, or they stack up under the next file's and answer its requests (stray 501s). Files that never loaded
 * nock pay nothing: it is only required here when the module registry already holds it.
 */
afterAll(() => {
  const cache = (require as NodeJS.Require).cache as Record<string, unknown> | undefined;
  const loaded = cache !== undefined && Object.keys(cache).some((k) => k.includes('/node_modules/nock/'));
  if (!loaded) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- already loaded by this file's tests
  const loadedModule = require('nock') as { default?: typeof import('nock') } & typeof import('nock');
  const nock = loadedModule.default ?? loadedModule;
  nock.cleanAll();
  nock.enableNetConnect();
  nock.restore();
});
