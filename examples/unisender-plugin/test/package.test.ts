import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// The plugin must work as a partner's package: it may import the hub only as `connector-hub/sdk` (tests also
// `connector-hub/sdk/testing`), never through relative paths into the hub's sources.
const root = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('hub-connector-unisender package', () => {
  it('imports the hub only through connector-hub/sdk', () => {
    const offenders: string[] = [];
    for (const file of sources(root)) {
      const text = readFileSync(file, 'utf8');
      for (const [, spec] of text.matchAll(/from '([^']+)'/g)) {
        const escapes = spec!.startsWith('.') && relative(root, join(file, '..', spec!)).startsWith('..');
        const hubInternal = spec!.startsWith('connector-hub') && !/^connector-hub\/sdk(\/testing)?$/.test(spec!);
        // runtime code may only take types from the testing kit (erased at build), as conformance.ts does
        const typeOnly = text
          .split('\n')
          .some((line) => line.startsWith('import type ') && line.endsWith(`'${spec}';`));
        const testingInRuntime =
          spec === 'connector-hub/sdk/testing' && !relative(root, file).startsWith('test') && !typeOnly;
        if (escapes || hubInternal || testingInRuntime) offenders.push(`${relative(root, file)}: ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('declares the manifest and the SDK as a peer dependency', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    expect(pkg.name).toBe('hub-connector-unisender');
    expect(pkg.connectorHub).toEqual({ export: 'connector', sdk: '^1.0.0' });
    expect(pkg.peerDependencies?.['connector-hub']).toBeDefined();
  });
});
