import meta from '../../../connectors/meta';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { SANDBOX_AUDIENCE, startSandbox, type MetaSandbox } from '../../../connectors/meta/sandbox';
import { openApiBed, type ApiBed } from '../../core/api/helpers';

/**
 * Dead letters of a flow whose target replaces the whole audience (Meta `replaceAudience`) are not replayed one by
 * one: a replay would replace the audience with those records alone. The API (which the console calls, and which
 * goes through the same runner service as `hub dlq replay`) refuses, naming what to do instead.
 */

describe('a replace flow (Meta replaceAudience) in the API: no replay of its dead letters, no mirror mode', () => {
  let bed: ApiBed;
  let sandbox: MetaSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ insightDays: 0 });
    bed = await openApiBed({ env: { HUB_ALLOW_PRIVATE_HOSTS: '127.0.0.1' } });
  });
  afterAll(async () => {
    await bed.close();
    await sandbox.close();
    clearMetaBackoff();
  });

  it('is refused with "a replace sends the whole set: run the flow again"; the audience keeps the whole list', async () => {
    bed.file('list.csv', 'id,email\n1,a@example.com\n2,not an address\n3,c@example.com\n');
    const source = await bed.fileConnection('list', { path: 'list.csv' });
    const target = await bed.hub.repos.connections.create({
      name: 'meta-audience',
      connectorId: 'meta',
      settings: sandbox.settings as unknown as Record<string, unknown>,
      settingsSchema: meta.settingsSchema as unknown as Record<string, unknown>,
    });
    const engineer = bed.as('engineer');
    await bed.hub.repos.mappings.save({ name: 'to-member', version: '1', expression: '{ "email": email }' });
    const flowBody = {
      name: 'list-to-audience',
      source: { connection: source.name, stream: 'records' },
      mapping: { id: 'to-member' },
      target: { connection: target.name, action: 'replaceAudience' },
      trigger: { type: 'manual' },
      mode: 'upsert',
    };
    const flow = await engineer.post('/flows', flowBody).expect(201);
    await engineer.post(`/flows/${flow.body.id}/enable`).expect(200);
    const started = await engineer.post(`/flows/${flow.body.id}/run`).expect(202);
    expect((await bed.waitForRun(started.body.runId)).status).toBe('partial');
    const [letter] = await bed.hub.repos.deadLetters.list({ flowId: flow.body.id });
    expect(letter).toBeDefined();
    expect(sandbox.members(SANDBOX_AUDIENCE)).toBe(2);
    const requests = sandbox.server.log.length;

    // and a replace cannot be saved as a mirror flow: it already removes what the source no longer has
    const mirror = await engineer
      .post('/flows', { ...flowBody, name: 'list-to-audience-mirror', mode: 'mirror' })
      .expect(422);
    expect(mirror.body.errors).toEqual([
      expect.objectContaining({ field: '/body/mode', message: expect.stringContaining('replaces the whole set') }),
    ]);

    for (const body of [{ flowId: 'list-to-audience' }, { ids: [letter!.id] }]) {
      const refused = await bed.as('marketer').post('/dead-letters/replay', body).expect(422);
      expect(refused.body.detail).toContain('a replace sends the whole set: run the flow again');
    }
    // nothing was sent, no replay run was made, the letter waits as it was
    expect(sandbox.server.log.length).toBe(requests);
    expect(sandbox.members(SANDBOX_AUDIENCE)).toBe(2);
    expect(await bed.hub.repos.runs.list({ flowId: flow.body.id })).toHaveLength(1);
    expect((await bed.hub.repos.deadLetters.get(letter!.id))?.status).toBe('pending');
  });
});
