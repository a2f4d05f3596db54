import { startHubServer, type HubServer } from '../../helpers/hub-process';
import { CliBed } from './helpers';

/**
 * The path users take: `hub serve` running as its own process, and `hub flows run` in another on the same store.
 * The run is worked by the server, so the server's /metrics count it; a graceful stop of the server withdraws it.
 */
describe('hub flows run with `hub serve` running', () => {
  let bed: CliBed;
  let server: HubServer | undefined;
  beforeEach(async () => {
    bed = new CliBed();
    bed.setEnv({ HUB_FILES_ROOT: bed.dir, HUB_SANDBOX: 'off' });
    await bed.fileConnection('contacts', { path: 'contacts.csv' });
    await bed.fileConnection('cleaned', { output: 'clean.ndjson' });
    bed.write('files/contacts.csv', 'Email,Full name\nann@example.com,Ann Lee\nbob@example.com,Bob Stone\n');
    await bed.enableCleanContactList();
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    bed.cleanup();
  });

  it("is queued for the server's worker; the server's /metrics see it", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('HUB_')));
    server = await startHubServer({ ...env, HUB_LOG_LEVEL: 'warn' });
    const result = await bed.hub('flows', 'run', 'clean-contact-list');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/queued run run_\S+ for the hub server \(pid \d+ on .+\)/);
    expect(result.stdout).toMatch(/succeeded in [\d.]+s: read 2, unchanged 0, created 2/);
    const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/hub_records_read_total\{[^}]*flow="clean-contact-list"[^}]*\} 2/);

    await server.stop();
    server = undefined;
    // stopped gracefully: its heartbeat is gone, so the next run works in this process at once
    const local = await bed.hub('flows', 'run', 'clean-contact-list');
    expect(local.code).toBe(0);
    expect(local.stdout).not.toContain('queued run');
  });
});
