import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import * as sdk from '../../../core/sdk';

/**
 * One door: a built-in connector imports the hub only through the SDK (`core/sdk`, published as
 * `connector-hub/sdk` and `connector-hub/sdk/testing`), the same door a plugin has. This scans every source file
 * under connectors/ — imports, re-exports, `require` and dynamic `import()` — and fails on any specifier that
 * resolves into core/ outside core/sdk.
 */

const ROOT = resolve(__dirname, '../../..');
const CORE = join(ROOT, 'core');
const SDK = join(CORE, 'sdk');

function sourceFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourceFiles(path));
    else if (/\.(c|m)?(t|j)sx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(path);
  }
  return found;
}

/** Every module specifier the text names (static imports and exports, require, import()). */
function specifiers(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}

/** The specifiers in `text` (the source of `file`) that reach core/ other than core/sdk. */
function backDoors(file: string, text: string): string[] {
  return specifiers(text).filter((spec) => {
    let target: string | undefined;
    if (spec.startsWith('.')) target = resolve(dirname(file), spec);
    else if (spec === 'core' || spec.startsWith('core/')) target = join(ROOT, spec);
    else if (spec.startsWith('connector-hub/') || spec === 'connector-hub') {
      const sub = spec.slice('connector-hub'.length);
      return !['', '/sdk', '/sdk/testing', '/testing'].includes(sub);
    }
    return target !== undefined && inside(target, CORE) && !inside(target, SDK);
  });
}

describe('one door: connectors import the hub only through the SDK', () => {
  const files = sourceFiles(join(ROOT, 'connectors'));

  it('finds the built-in connectors to scan', () => {
    const connectors = new Set(files.map((f) => relative(join(ROOT, 'connectors'), f).split(sep)[0]));
    expect([...connectors]).toEqual(expect.arrayContaining(['hubspot', 'mailchimp', 'sendgrid', 'file']));
  });

  it('no file under connectors/ imports from core/ other than core/sdk', () => {
    const offenders = files.flatMap((file) =>
      backDoors(file, readFileSync(file, 'utf8')).map((spec) => `${relative(ROOT, file)} imports '${spec}'`),
    );
    expect(offenders).toEqual([]);
  });

  it('the scan catches every form of back door (it would fail on one)', () => {
    const probe = join(ROOT, 'connectors', 'probe', 'sandbox', 'index.ts');
    const cases: Record<string, boolean> = {
      "import { startSandboxServer } from '../../../core/sandbox';": true,
      "export { signHubspotV3 } from '../../../core/webhooks/signatures';": true,
      "const x = require('../../../core/security/ssrf');": true,
      "const y = await import('../../../core/store');": true,
      "import { x } from 'core/runner';": true,
      "import { x } from 'connector-hub/dist/core/queue';": true,
      "import { defineConnector } from '../../../core/sdk';": false,
      "import { startSandboxServer } from '../../../core/sdk/testing';": false,
      "import { defineConnector } from 'connector-hub/sdk';": false,
      "import { routes } from './routes';": false,
      "import { createServer } from 'node:http';": false,
    };
    for (const [line, offends] of Object.entries(cases)) {
      expect({ line, flagged: backDoors(probe, line).length > 0 }).toEqual({ line, flagged: offends });
    }
  });

  it('the SDK exports the signature primitives and the sandbox kit built-ins use', () => {
    const exported = sdk as Record<string, unknown>;
    for (const name of ['hmacSha256', 'constantTimeEqual', 'withinReplayWindow', 'verifyHubspotSignature'])
      expect(typeof exported[name]).toBe('function');
    // the sandbox kit is runtime code (hub demo, the first-start workspace): the main entry, not /testing
    for (const name of ['startSandboxServer', 'messyContacts', 'seededRandom', 'RollingWindow', 'ConcurrencyGauge'])
      expect(typeof exported[name]).toBe('function');
  });
});
