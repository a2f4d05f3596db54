import { CliBed } from './helpers';

const TOKEN = 'pat-na1-0123456789abcdef';

describe('hub connections show / update', () => {
  let bed: CliBed;
  beforeEach(async () => {
    bed = new CliBed();
    const settings = bed.write('crm.json', { accessToken: TOKEN, tier: 'starter' });
    expect((await bed.hub('connections', 'add', 'hubspot', '--name', 'crm', '--settings', settings)).code).toBe(0);
  });
  afterEach(() => bed.cleanup());

  it('shows the settings with secret fields only as set/unset', async () => {
    const shown = await bed.hub('connections', 'show', 'crm');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('connection crm (con_');
    expect(shown.stdout).toMatch(/secrets: .*accessToken set/);
    expect(shown.stdout).toMatch(/clientSecret unset/);
    expect(shown.stdout).toContain('"tier": "starter"');
    expect(shown.stdout).not.toContain(TOKEN);
    const json = JSON.parse((await bed.hub('connections', 'show', 'crm', '--json')).stdout);
    expect(json.secrets).toEqual({ accessToken: 'set', clientSecret: 'unset' });
    expect(json.settings.accessToken).toBe('(set)');
    expect(JSON.stringify(json)).not.toContain(TOKEN);
  });

  it('merges the given settings over the stored ones and keeps secrets not given', async () => {
    const change = bed.write('change.json', { tier: 'enterprise', contactProperties: ['city'] });
    const updated = await bed.hub('connections', 'update', 'crm', '--settings', change);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toContain('updated connection crm');
    expect(updated.stdout).toContain('tier, contactProperties changed');
    expect(updated.stdout).toContain('secrets kept: accessToken');
    expect(updated.stdout).not.toContain(TOKEN);
    await bed.withHub(async (hub) => {
      const stored = await hub.repos.connections.require('crm', { decrypt: true });
      expect(stored.settings).toEqual({ accessToken: TOKEN, tier: 'enterprise', contactProperties: ['city'] });
      const [entry] = await hub.repos.auditLog.list({ action: 'connection.update' });
      expect(JSON.stringify(entry)).not.toContain(TOKEN);
    });
    // a secret given anew replaces the stored one; null removes a setting
    const again = bed.write('again.json', { accessToken: 'pat-na1-new', tier: null });
    expect((await bed.hub('connections', 'update', 'crm', '--settings', again)).code).toBe(0);
    await bed.withHub(async (hub) => {
      const stored = await hub.repos.connections.require('crm', { decrypt: true });
      expect(stored.settings).toEqual({ accessToken: 'pat-na1-new', contactProperties: ['city'] });
    });
  });

  it('prints what the service says when an endpoint change clears the stored secrets', async () => {
    const moved = bed.write('moved.json', { baseUrl: 'https://hubspot.example.org' });
    const updated = await bed.hub('connections', 'update', 'crm', '--settings', moved);
    expect(updated.code).toBe(0);
    expect(updated.stdout).toMatch(/secrets cleared: .*accessToken/);
    expect(updated.stdout).not.toContain('secrets kept');
  });

  it('refuses an update with nothing to change', async () => {
    const result = await bed.hub('connections', 'update', 'crm');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nothing to change');
  });
});

describe('hub dlq show / discard', () => {
  let bed: CliBed;
  let ids: string[];
  beforeEach(async () => {
    bed = new CliBed();
    bed.setEnv({ HUB_FILES_ROOT: bed.dir });
    await bed.fileConnection('contacts', { path: 'contacts.csv' });
    await bed.fileConnection('cleaned', { output: 'out.ndjson' });
    await bed.enableCleanContactList();
    ids = await bed.withHub(async (hub) => {
      const flow = await hub.repos.flows.require('clean-contact-list');
      const letters = await hub.repos.deadLetters.addMany([
        {
          flowId: flow.id,
          recordKey: 'anna@example',
          reason: 'email: not an e-mail address',
          failureKind: 'permanent',
          field: 'email',
          source: { Email: 'anna@example' },
        },
        { flowId: flow.id, recordKey: 'bob@example', reason: 'no e-mail', failureKind: 'permanent' },
      ]);
      return letters.map((l) => l.id);
    });
  });
  afterEach(() => bed.cleanup());

  it('shows the full record, the reason and the attempts', async () => {
    const shown = await bed.hub('dlq', 'show', ids[0]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`dead letter ${ids[0]} of flow clean-contact-list: pending`);
    expect(shown.stdout).toContain('reason (permanent): email: not an e-mail address (field: email)');
    expect(shown.stdout).toMatch(/attempts: 1; first failed/);
    expect(shown.stdout).toContain('"Email": "anna@example"');
    const json = JSON.parse((await bed.hub('dlq', 'show', ids[0], '--json')).stdout);
    expect(json).toMatchObject({ id: ids[0], flowName: 'clean-contact-list', source: { Email: 'anna@example' } });
    const missing = await bed.hub('dlq', 'show', 'dlq_nothing');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no dead letter with id "dlq_nothing"');
  });

  it('discards with a note, audited; the note shows in `dlq show`', async () => {
    const noNote = await bed.hub('dlq', 'discard', ids[0]);
    expect(noNote.code).not.toBe(0);
    expect(noNote.stderr).toContain("required option '--note <text>'");

    const discarded = await bed.hub('dlq', 'discard', ids[0], '--note', 'test address, not a customer');
    expect(discarded.code).toBe(0);
    expect(discarded.stdout).toContain('discarded 1 dead letter(s) with the note "test address, not a customer"');
    const shown = await bed.hub('dlq', 'show', ids[0]);
    expect(shown.stdout).toContain(': discarded');
    expect(shown.stdout).toContain('deadLetter.discard by cli');
    expect(shown.stdout).toContain('"test address, not a customer"');
    await bed.withHub(async (hub) => {
      const [entry] = await hub.repos.auditLog.list({ action: 'deadLetter.discard' });
      expect(entry).toMatchObject({ actor: 'cli', entityId: ids[0], after: { note: 'test address, not a customer' } });
    });
    const twice = await bed.hub('dlq', 'discard', ids[0], '--note', 'again');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain('is already discarded');
  });

  it('discards every pending dead letter of a flow', async () => {
    const result = await bed.hub('dlq', 'discard', '--flow', 'clean-contact-list', '--note', 'old export', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ discarded: 2, note: 'old export' });
    const pending = JSON.parse((await bed.hub('dlq', 'list', '--json')).stdout);
    expect(pending).toEqual([]);
  });
});
