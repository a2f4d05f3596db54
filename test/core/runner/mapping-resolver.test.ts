import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMappingResolver } from '../../../core/runner';
import { ConfigError } from '../../../core/sdk';
import { createRepos, openStore, type Store } from '../../../core/store';
import { Vault, generateVaultKey } from '../../../core/security/vault';

describe('createMappingResolver', () => {
  const fixtures = path.resolve(__dirname, '../../fixtures/mappings');
  let store: Store;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-resolver-'));
    store = await openStore({ dataDir });
  });
  afterAll(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('finds stored versions first (the newest is current), then the mappings folder', async () => {
    const repos = createRepos(store.db, new Vault([generateVaultKey()]));
    const resolver = createMappingResolver({ mappingsDir: fixtures, repo: repos.mappings });
    await repos.mappings.save({ name: 'contact', version: '1', expression: '{ "v": 1 }' }, 1000);
    await repos.mappings.save({ name: 'contact', version: '2', expression: '{ "v": 2 }' }, 2000);
    expect(await resolver.resolve('contact')).toMatchObject({ id: 'contact', version: '2', expression: '{ "v": 2 }' });
    expect(await resolver.resolve('contact', '1')).toMatchObject({ version: '1' });

    const fromDisk = await resolver.resolve('broken-output');
    expect(fromDisk.origin?.dir).toBe(path.join(fixtures, 'broken-output'));

    await expect(resolver.resolve('nope')).rejects.toThrow(ConfigError);
    await expect(resolver.resolve('contact', '9')).rejects.toThrow(/version 9 was not found/);
    // a folder mapping that loads but does not compile is the runner's business (a config error of the run)
    await expect(resolver.resolve('broken-syntax')).resolves.toMatchObject({ id: 'broken-syntax' });
  });
});
