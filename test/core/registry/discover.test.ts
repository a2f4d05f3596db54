import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRegistry, defaultConnectorsDir, findBuiltinModules } from '../../../core/registry';

const repo = path.resolve(__dirname, '../../..');

function definitionSource(id: string): string {
  return `{
    id: '${id}', displayName: '${id}', version: '1.0.0', category: 'crm',
    settingsSchema: { type: 'object' },
    policy: { rateBudget: { requests: 1, intervalMs: 1000 }, concurrency: 1, maxBatchSize: {}, retryStatuses: [], retryAfter: [] },
    check: async () => ({ ok: true, message: 'ok' }),
    streams: [], actions: [],
  }`;
}

describe('built-in discovery', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-connectors-'));
    const write = (folder: string, file: string, body: string) => {
      fs.mkdirSync(path.join(dir, folder), { recursive: true });
      fs.writeFileSync(path.join(dir, folder, file), body);
    };
    write('alpha', 'index.js', `exports.default = ${definitionSource('alpha')};`);
    write('beta', 'index.js', `exports.connector = ${definitionSource('beta')};`);
    write('gamma', 'index.js', `exports.default = ${definitionSource('not-gamma')};`);
    write('delta', 'index.js', `throw new Error('delta is broken');`);
    write('epsilon', 'index.js', `exports.somethingElse = 1;`);
    write('_shared', 'index.js', `throw new Error('helpers are not connectors');`);
    write('notes', 'README.md', '# not a connector');
    fs.writeFileSync(path.join(dir, 'README.md'), '# connectors');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds every connectors/<folder>/index module, skipping helper folders and folders without one', () => {
    expect(findBuiltinModules(dir).map((m) => m.folder)).toEqual(['alpha', 'beta', 'delta', 'epsilon', 'gamma']);
  });

  it('resolves the real connectors folder from its own location', () => {
    expect(defaultConnectorsDir()).toBe(path.join(repo, 'connectors'));
    expect(findBuiltinModules()).toContainEqual({ folder: 'file', file: path.join(repo, 'connectors/file/index.ts') });
  });

  it('loads default and `connector` exports; refuses a wrong id, a module that throws and one without a definition', async () => {
    const registry = await createRegistry({ plugins: [], connectorsDir: dir });
    expect(registry.list().map((c) => c.id)).toEqual(['alpha', 'beta']);
    expect(registry.describe('alpha').source).toBe('builtin');
    expect(registry.problems).toEqual([
      {
        source: path.join('connectors', 'delta'),
        message: 'built-in connector connectors/delta refused: loading failed: delta is broken',
      },
      {
        source: path.join('connectors', 'epsilon'),
        message:
          'built-in connector connectors/epsilon refused: index.js has no default export nor an export named "connector"',
      },
      {
        source: path.join('connectors', 'gamma'),
        message:
          'built-in connector connectors/gamma refused: it defines id "not-gamma"; a built-in connector\'s folder must be named after its id',
      },
    ]);
  });

  it('a missing connectors folder means no built-ins, not a crash', async () => {
    const registry = await createRegistry({ plugins: [], connectorsDir: path.join(dir, 'nope') });
    expect(registry.list()).toEqual([]);
    expect(() => registry.get('file')).toThrow('unknown connector file; installed: none');
  });
});
