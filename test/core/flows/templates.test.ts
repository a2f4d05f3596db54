import path from 'node:path';
import {
  FlowValidationError,
  instantiateTemplate,
  listTemplates,
  parseTemplate,
  type FlowTemplate,
} from '../../../core/flows';
import { findBuiltinModules } from '../../../core/registry';
import { FIXTURES, openTestBed, SHIPPED_MAPPINGS, SHIPPED_TEMPLATES, type FlowsTestBed } from './helpers';

const TEMPLATES = path.join(FIXTURES, 'templates');

describe('templates', () => {
  it('every shipped template is valid and names only installed connectors', () => {
    const shipped = listTemplates(SHIPPED_TEMPLATES);
    expect(shipped.map((t) => t.name)).toEqual(
      expect.arrayContaining(['clean-contact-list', 'hubspot-mailchimp-contacts', 'hubspot-sendgrid-contacts']),
    );
    const installed = new Set(findBuiltinModules().map((m) => m.folder));
    for (const template of shipped)
      for (const role of Object.values(template.roles)) expect(installed).toContain(role.connector);
  });

  it('lists the fixture templates by name', () => {
    expect(listTemplates(TEMPLATES).map((t) => t.name)).toEqual(['file-sync-pair', 'one-way']);
  });

  it('refuses placeholders for undeclared roles and a sync pair that is not a pair', () => {
    const [pair] = listTemplates(TEMPLATES);
    const broken: FlowTemplate = structuredClone(pair);
    broken.flows[1].source.connection = '{{middle}}';
    const error = (() => {
      try {
        parseTemplate(broken, 'broken.json');
      } catch (e) {
        return e as FlowValidationError;
      }
    })();
    expect(error).toBeInstanceOf(FlowValidationError);
    expect(error?.problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['flows.1.source.connection', 'syncPair']),
    );
  });

  it('fills placeholders, prefixes names and shares the link group of a sync pair', () => {
    const pair = listTemplates(TEMPLATES)[0];
    const flows = instantiateTemplate(pair, {
      connections: { left: 'crm-file', right: 'email-file' },
      namePrefix: 'eu',
    });
    expect(flows.map((f) => f.name)).toEqual(['eu-left-to-right', 'eu-right-to-left']);
    expect(flows[0].source.connection).toBe('crm-file');
    expect(flows[0].target.connection).toBe('email-file');
    expect(flows.map((f) => f.sync?.linkGroup)).toEqual(['eu-contacts', 'eu-contacts']);
    expect(flows[0].sync?.conflict).toEqual({ policy: 'field-ownership', owns: ['givenName', 'familyName'] });
    expect(flows[1].sync?.conflict).toEqual({ policy: 'last-writer-wins' });
  });
});

describe('enableTemplate', () => {
  let bed: FlowsTestBed;

  beforeEach(async () => {
    bed = await openTestBed();
    await bed.fileConnection('left');
    await bed.fileConnection('right');
    await bed.repos.connections.create({ name: 'crm', connectorId: 'test-crm', settings: {} });
  });
  afterEach(() => bed.close());

  it('a sync pair becomes two enabled flows sharing one link group, each with its conflict policy', async () => {
    const created = await bed.service.enableTemplate('file-sync-pair', {
      connections: { left: 'left', right: 'right' },
    });
    expect(created.map((f) => [f.name, f.enabled, f.linkGroup, f.template])).toEqual([
      ['left-to-right', true, 'contacts', 'file-sync-pair'],
      ['right-to-left', true, 'contacts', 'file-sync-pair'],
    ]);
    expect((await bed.repos.flows.list({ linkGroup: 'contacts' })).length).toBe(2);
    const [a, b] = created.map((f) => f.definition as { sync: { conflict: { policy: string } } });
    expect([a.sync.conflict.policy, b.sync.conflict.policy]).toEqual(['field-ownership', 'last-writer-wins']);
    const audit = await bed.repos.auditLog.list({ entity: 'flow' });
    expect(audit.map((e) => e.action)).toEqual(['flow.create', 'flow.create']);
  });

  it('enabling again needs a prefix, which also gives a new link group', async () => {
    const connections = { left: 'left', right: 'right' };
    await bed.service.enableTemplate('file-sync-pair', { connections });
    await expect(bed.service.enableTemplate('file-sync-pair', { connections })).rejects.toThrow(
      /a flow named "left-to-right" already exists; pass a name prefix/,
    );
    const again = await bed.service.enableTemplate('file-sync-pair', { connections, namePrefix: 'copy' });
    expect(again.map((f) => f.linkGroup)).toEqual(['copy-contacts', 'copy-contacts']);
  });

  it('names every missing role, unknown role, missing connection and connector mismatch', async () => {
    const error = (await bed.service
      .enableTemplate('file-sync-pair', { connections: { right: 'crm', middle: 'left' } })
      .catch((e: unknown) => e)) as FlowValidationError;
    expect(error).toBeInstanceOf(FlowValidationError);
    expect(error.problems.map((p) => p.field)).toEqual(['connections.middle', 'connections.left', 'connections.right']);
    expect(error.message).toContain('--connection left=<connection name>');
    expect(error.message).toContain(
      'connection "crm" is a test-crm connection, but role "right" needs a file connection',
    );
    const missing = (await bed.service
      .enableTemplate('one-way', { connections: { from: 'left', to: 'nowhere' } })
      .catch((e: unknown) => e)) as FlowValidationError;
    expect(missing.problems).toEqual([
      { field: 'connections.to', message: expect.stringContaining('no connection named "nowhere"') },
    ]);
    expect(await bed.repos.flows.list()).toEqual([]);
  });

  it('an unknown template lists the ones there are', async () => {
    await expect(bed.service.enableTemplate('nope', { connections: {} })).rejects.toThrow(
      'no template named "nope"; templates: file-sync-pair, one-way',
    );
  });

  it('the shipped clean-contact-list template enables with the shipped mapping', async () => {
    const shipped = await openTestBed({ mappingsDir: SHIPPED_MAPPINGS, flowsDir: SHIPPED_TEMPLATES });
    try {
      await shipped.fileConnection('exports');
      await shipped.fileConnection('clean');
      const [flow] = await shipped.service.enableTemplate('clean-contact-list', {
        connections: { contacts: 'exports', cleaned: 'clean' },
      });
      expect(flow).toMatchObject({ name: 'clean-contact-list', enabled: true, template: 'clean-contact-list' });
      expect(flow.definition).toMatchObject({ mapping: { id: 'file-contacts-to-canonical' } });
    } finally {
      await shipped.close();
    }
  });
});
