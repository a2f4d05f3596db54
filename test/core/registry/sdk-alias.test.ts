import { spawnSync } from 'node:child_process';
import Module from 'node:module';
import path from 'node:path';
import { sdkAliasFor, shareSdkWith } from '../../../core/registry/sdk-alias';
import { SDK_VERSION } from '../../../core/sdk/version';
import { findBuiltinModules } from '../../../core/registry/discover';

/** The built-in connectors, as the registry finds them (every folder of connectors/), in id order. */
const BUILTINS = findBuiltinModules()
  .map((m) => m.folder)
  .sort();

const repo = path.resolve(__dirname, '../../..');
const pluginRoot = path.join(repo, 'test/fixtures/plugins/good');

describe('sdk alias', () => {
  it('redirects the SDK ids to the hub modules for files inside a registered plugin only', () => {
    shareSdkWith(pluginRoot);
    const inside = path.join(pluginRoot, 'lib/index.js');
    const sdk = require.resolve('../../../core/sdk');
    expect(sdkAliasFor('connector-hub/sdk', inside)).toBe(sdk);
    expect(sdkAliasFor('connector-hub', inside)).toBe(sdk);
    expect(sdkAliasFor('connector-hub/sdk/testing', inside)).toBe(require.resolve('../../../core/sdk/testing'));
    expect(sdkAliasFor('semver', inside)).toBeUndefined();
    expect(
      sdkAliasFor('connector-hub/sdk', path.join(repo, 'test/fixtures/plugins/good-but-other/index.js')),
    ).toBeUndefined();
    expect(sdkAliasFor('connector-hub/sdk', undefined)).toBeUndefined();
  });

  it('is installed on Module._resolveFilename', () => {
    shareSdkWith(pluginRoot);
    const internals = Module as unknown as {
      _resolveFilename(request: string, parent: { filename: string }, isMain: boolean): string;
    };
    const resolved = internals._resolveFilename(
      'connector-hub/sdk',
      { filename: path.join(pluginRoot, 'lib/index.js') },
      false,
    );
    expect(resolved).toBe(require.resolve('../../../core/sdk'));
  });

  it('in a real Node process, a plugin requiring connector-hub/sdk gets the hub SDK instance', () => {
    // jest has its own module system; this runs the registry the way the hub does (tsx over Node's loader)
    const script = path.join(repo, 'test/fixtures/plugins/print-registry.ts');
    const plugins = [
      './test/fixtures/plugins/good',
      './test/fixtures/plugins/bad-sdk',
      './test/fixtures/plugins/duplicate-file',
    ];
    const child = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs'), script, repo, ...plugins], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(child.stderr).toBe('');
    const report = JSON.parse(child.stdout) as Record<string, unknown>;
    expect(report).toMatchObject({
      ids: [...BUILTINS, 'echo'],
      sameErrorClass: true,
      pluginSdkVersion: SDK_VERSION,
      definitionSdkVersion: SDK_VERSION,
      thrown: 'hub RetryableError',
    });
    expect(report.problems).toEqual([
      {
        source: plugins[1],
        message: `plugin hub-plugin-future (${plugins[1]}) needs SDK ^2.0.0, this hub provides ${SDK_VERSION}`,
      },
      { source: plugins[2], message: expect.stringContaining('connector id "file" is already provided by builtin') },
    ]);
  });
});
