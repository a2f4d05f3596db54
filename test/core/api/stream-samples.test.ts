import { startSandboxWorkspace, type SandboxWorkspace } from '../../../core/sandbox/workspace';
import { openApiBed, type ApiBed } from './helpers';
import { problem } from './scenario';

/**
 * The workbench's "pull from a connection" against the HubSpot sandbox: the first contacts of the stream, read
 * through the connector and the outbound door; a refused token is a 502 that says what to do and never quotes it.
 */
describe('GET /connections/{id}/streams/{stream}/sample against the HubSpot sandbox', () => {
  let bed: ApiBed;
  let workspace: SandboxWorkspace | undefined;
  beforeAll(async () => {
    bed = await openApiBed();
    workspace = await startSandboxWorkspace(bed.hub, { seedContacts: 8 });
  });
  afterAll(async () => {
    await workspace?.close();
    await bed.close();
  });

  it('answers the first contacts of the stream, and records nothing', async () => {
    const res = await bed
      .as('engineer')
      .get('/connections/sandbox-hubspot/streams/contacts/sample?limit=3')
      .expect(200);
    expect(res.body).toMatchObject({ connectionName: 'sandbox-hubspot', stream: 'contacts', more: true });
    expect(res.body.records).toHaveLength(3);
    for (const record of res.body.records) expect(record).toEqual(expect.objectContaining({ id: expect.any(String) }));
    expect(await bed.hub.repos.runs.list({})).toEqual([]);
  });

  it('says to check the credentials when HubSpot refuses the token, without quoting it', async () => {
    const hubspot = workspace?.sandboxes.get('hubspot');
    if (hubspot === undefined) throw new Error('no HubSpot sandbox');
    const wrong = 'pat-na1-wrong-token-0123456789abcdef';
    await bed
      .as('engineer')
      .post('/connections', {
        name: 'hubspot-wrong-token',
        connectorId: 'hubspot',
        settings: { ...hubspot.settings, accessToken: wrong },
      })
      .expect(201);
    const res = await bed.as('engineer').get('/connections/hubspot-wrong-token/streams/contacts/sample');
    const body = problem(res, 502);
    expect(body.detail).toMatch(
      /^reading contacts from hubspot-wrong-token failed: .*; check the connection's credentials/,
    );
    expect(res.text).not.toContain(wrong);
    expect(res.text).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });
});
