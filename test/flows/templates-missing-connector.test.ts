import fs from 'node:fs';
import path from 'node:path';
import { listTemplates } from '../../core/flows';
import { findBuiltinModules } from '../../core/registry';
import { FLOWS_DIR, MAPPINGS_DIR, template } from '../mappings/helpers';
import { CliBed } from '../core/cli/helpers';

/**
 * A template whose connector is not installed: the hub still starts and lists it, and enabling it says which
 * connection is missing and how to add one; nothing is created. (Listing only checks a template's own shape;
 * connectors, streams and actions are checked when a template is enabled, against the connections given.)
 */

const NEW_TEMPLATES = [
  'odoo-orders-to-hubspot-deals',
  'odoo-orders-to-google-ads-conversions',
  'odoo-orders-to-meta-purchases',
  'meta-lead-ads-to-hubspot-contacts',
  'google-ads-leads-to-hubspot-contacts',
  'hubspot-list-to-meta-audience',
  'hubspot-list-to-google-customer-match',
];

describe('the order, lead and audience templates', () => {
  it('are valid and name installed connectors and shipped mappings (streams and actions: ad-templates-sandbox.test.ts enables each)', () => {
    const shipped = new Map(listTemplates(FLOWS_DIR).map((t) => [t.name, t]));
    const modules = new Set(findBuiltinModules().map((m) => m.folder));
    for (const name of NEW_TEMPLATES) {
      const t = shipped.get(name);
      expect(t).toBeDefined();
      for (const role of Object.values(t!.roles)) expect(modules).toContain(role.connector);
      for (const flow of t!.flows)
        expect(fs.existsSync(path.join(MAPPINGS_DIR, flow.mapping.id, 'mapping.json'))).toBe(true);
    }
  });
});

describe('a template whose connector is not installed', () => {
  let bed: CliBed;
  let dir: string;

  beforeEach(() => {
    bed = new CliBed();
    dir = path.join(bed.dir, 'flows');
    fs.mkdirSync(dir);
    const ghost = template('odoo-orders-to-meta-purchases');
    ghost.roles.meta!.connector = 'meta-ghost';
    fs.writeFileSync(path.join(dir, 'odoo-orders-to-meta-purchases.json'), JSON.stringify(ghost));
    fs.copyFileSync(path.join(FLOWS_DIR, 'clean-contact-list.json'), path.join(dir, 'clean-contact-list.json'));
    bed.setEnv({ HUB_FLOWS_DIR: dir, HUB_MAPPINGS_DIR: MAPPINGS_DIR });
  });

  afterEach(() => bed.cleanup());

  it('is listed, and enabling it names the missing connection and how to add it; nothing is created', async () => {
    const listed = await bed.hub('flows', 'templates', '--json');
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((t) => t.name)).toEqual([
      'clean-contact-list',
      'odoo-orders-to-meta-purchases',
    ]);
    const enabled = await bed.hub(
      'flows',
      'enable',
      'odoo-orders-to-meta-purchases',
      '--connection',
      'odoo=erp',
      '--connection',
      'meta=ads',
    );
    expect(enabled.code).toBe(2);
    expect(enabled.stderr).toContain('add a meta-ghost connection with `hub connections add meta-ghost --name ads');
    const added = await bed.hub(
      'connections',
      'add',
      'meta-ghost',
      '--name',
      'ads',
      '--settings',
      bed.write('s.json', {}),
    );
    expect(added.code).not.toBe(0);
    expect((await bed.hub('flows', 'list', '--json')).stdout.trim()).toBe('[]');
    // the other templates still enable
    expect((await bed.hub('flows', 'templates')).code).toBe(0);
  });
});
