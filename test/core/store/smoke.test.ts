import { engines, openTestStore, type TestStore } from '../../helpers/postgres';
import { Vault, generateVaultKey } from '../../../core/security/vault';
import { ConnectionsRepo } from '../../../core/store/repos/connections';

describe.each(engines)('smoke %s', (engine) => {
  let t: TestStore;
  beforeAll(async () => { t = await openTestStore(engine); });
  afterAll(async () => { await t.cleanup(); });
  it('works', async () => {
    await t.store.ping();
    const repo = new ConnectionsRepo(t.store.db, new Vault([generateVaultKey()]));
    const c = await repo.create({ name: 'a', connectorId: 'hubspot', settings: { token: 'x', region: 'eu' }, secretPaths: ['token'] });
    console.log(c, await repo.get('a', { decrypt: true }), await repo.list());
  });
});
