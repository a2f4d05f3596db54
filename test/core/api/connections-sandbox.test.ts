import { startSandboxWorkspace, type SandboxWorkspace } from '../../../core/sandbox/workspace';
import { openApiBed, type ApiBed } from './helpers';

/** Connections to the sandbox workspace's stand-ins are marked `sandbox: true`; real ones are not. */
describe('sandbox connections in the API', () => {
  let bed: ApiBed;
  let workspace: SandboxWorkspace | undefined;
  beforeAll(async () => {
    bed = await openApiBed();
    workspace = await startSandboxWorkspace(bed.hub, { seedContacts: 5 });
    await bed.fileConnection('real-files');
  });
  afterAll(async () => {
    await workspace?.close();
    await bed.close();
  });

  it('marks them in the list and in the detail', async () => {
    const list = await bed.as('viewer').get('/connections').expect(200);
    const byName = new Map(list.body.items.map((c: { name: string; sandbox?: boolean }) => [c.name, c.sandbox]));
    expect(byName.get('sandbox-hubspot')).toBe(true);
    expect(byName.get('sandbox-mailchimp')).toBe(true);
    expect(byName.get('sandbox-sendgrid')).toBe(true);
    expect(byName.has('real-files')).toBe(true);
    expect(byName.get('real-files')).toBeUndefined();
    const detail = await bed.as('viewer').get('/connections/sandbox-hubspot').expect(200);
    expect(detail.body.sandbox).toBe(true);
    const real = await bed.as('viewer').get('/connections/real-files').expect(200);
    expect(real.body).not.toHaveProperty('sandbox');
  });
});
