import { CliBed } from './helpers';

/**
 * What an action does to the target beyond its mode is part of the connector's description: a replace (every run
 * is the whole set: members the source no longer has leave the audience) and a write that is not idempotent (a
 * crash mid-write goes to manual review). Both were declared by the connectors but missing from `hub connectors
 * show` and GET /connectors/:id (which shows the same description), so a user choosing Meta's "Replace custom
 * audience" could not tell it from "Add".
 */
describe('hub connectors show: action traits', () => {
  let bed: CliBed;
  beforeEach(() => {
    bed = new CliBed();
  });
  afterEach(() => bed.cleanup());

  it('marks a replace action, and says whether a write is idempotent where the action declares it', async () => {
    const meta = await bed.hub('connectors', 'show', 'meta');
    expect(meta.code).toBe(0);
    expect(meta.stdout).toMatch(/^ {2}replaceAudience {2}mode=upsert replace maxBatch=10000/m);
    expect(meta.stdout).toMatch(/^ {2}addAudienceMembers {2}mode=upsert maxBatch=10000/m);

    const json = JSON.parse((await bed.hub('connectors', 'show', 'meta', '--json')).stdout);
    const byName = new Map<string, Record<string, unknown>>(
      json.actions.map((a: Record<string, unknown>) => [a.name as string, a]),
    );
    expect(byName.get('replaceAudience')).toMatchObject({ replace: true });
    expect(byName.get('addAudienceMembers')).not.toHaveProperty('replace');

    const odoo = JSON.parse((await bed.hub('connectors', 'show', 'odoo', '--json')).stdout);
    const createOrders = odoo.actions.find((a: { name: string }) => a.name === 'createOrders');
    // declared idempotent through Odoo's external id (connectors/odoo/actions/createOrders.ts)
    expect(createOrders).toMatchObject({ idempotent: true });
    const upsertPartners = odoo.actions.find((a: { name: string }) => a.name === 'upsertPartners');
    expect(upsertPartners).not.toHaveProperty('idempotent');
  });
});
