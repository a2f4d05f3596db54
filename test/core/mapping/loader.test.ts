import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findMappingDirs, loadMapping, loadMappings, MappingLoadError } from '../../../core/mapping';

const MAPPINGS = resolve(__dirname, '../../../mappings');

function loadFailure(fn: () => unknown): MappingLoadError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MappingLoadError) return err;
    throw err;
  }
  throw new Error('expected a MappingLoadError');
}

describe('mapping loader', () => {
  let tmp: string;

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'hub-mappings-'));
    mkdirSync(join(tmp, 'schemas'));
    writeFileSync(
      join(tmp, 'schemas', 'obj.json'),
      JSON.stringify({ type: 'object', $defs: { item: { type: 'string' } } }),
    );
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  function writeMapping(name: string, manifest: Record<string, unknown>, expression = '{ "a": a }'): string {
    const dir = join(tmp, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'mapping.json'), JSON.stringify(manifest));
    writeFileSync(join(dir, 'expression.jsonata'), expression);
    return dir;
  }

  const manifest = (id: string): Record<string, unknown> => ({
    id,
    description: 'test',
    source: { schema: '../schemas/obj.json' },
    target: { schema: { $ref: '../schemas/obj.json' } },
    expression: 'expression.jsonata',
  });

  it('loads every shipped mapping with its expression and resolved schemas', () => {
    const mappings = loadMappings(MAPPINGS);
    expect(mappings.map((m) => m.id)).toEqual([
      'canonical-contact-to-hubspot',
      'canonical-contact-to-meta-audience',
      'file-contacts-to-canonical',
      'google-lead-to-hubspot-contact',
      'hubspot-contact-to-google-audience-member',
      'hubspot-contact-to-google-audience-removal',
      'hubspot-contact-to-mailchimp-member',
      'hubspot-contact-to-meta-audience-member',
      'hubspot-contact-to-meta-audience-removal',
      'hubspot-contact-to-sendgrid-contact',
      'hubspot-deal-to-odoo-order',
      'mailchimp-member-to-hubspot-contact',
      'meta-lead-to-hubspot-contact',
      'odoo-order-to-google-conversion',
      'odoo-order-to-hubspot-deal',
      'odoo-order-to-meta-purchase',
      'sendgrid-suppression-to-hubspot-contact',
    ]);
    for (const mapping of mappings) {
      expect(mapping.expression.length).toBeGreaterThan(10);
      expect(mapping.target?.schema).toHaveProperty('type', 'object');
      expect(mapping.source?.schema).toHaveProperty('type', 'object');
      expect(mapping.origin?.expressionFile).toMatch(/expression\.jsonata$/);
    }
  });

  it('skips folders without mapping.json (like schemas/)', () => {
    expect(findMappingDirs(MAPPINGS).some((dir) => dir.endsWith('schemas'))).toBe(false);
    expect(findMappingDirs(join(MAPPINGS, 'canonical-contact-to-hubspot'))).toHaveLength(1);
  });

  it('resolves a #/pointer inside a schema file', () => {
    const dir = writeMapping('pointer', {
      ...manifest('pointer'),
      target: { schema: '../schemas/obj.json#/$defs/item' },
    });
    expect(loadMapping(dir).target?.schema).toEqual({ type: 'string' });
  });

  it('names the manifest field that is wrong', () => {
    const dir = writeMapping('bad-id', { ...manifest('Bad Id!') });
    const error = loadFailure(() => loadMapping(dir));
    expect(error.mappingError).toMatchObject({ code: 'mapping.invalid', field: '/id' });
    expect(error.message).toContain('mapping.json');
  });

  it('reports a missing expression file and a missing schema file', () => {
    const noExpression = writeMapping('no-expr', { ...manifest('no-expr'), expression: 'nope.jsonata' });
    expect(loadFailure(() => loadMapping(noExpression)).mappingError).toMatchObject({ field: '/expression' });
    const noSchema = writeMapping('no-schema', {
      ...manifest('no-schema'),
      source: { schema: '../schemas/missing.json' },
    });
    expect(loadFailure(() => loadMapping(noSchema)).mappingError).toMatchObject({ field: '/source/schema' });
  });

  it('reports invalid JSON with the file name', () => {
    const dir = writeMapping('bad-json', manifest('bad-json'));
    writeFileSync(join(dir, 'mapping.json'), '{ "id": ');
    expect(loadFailure(() => loadMapping(dir)).message).toMatch(/mapping\.json is not valid JSON/);
  });

  it('refuses duplicate ids', () => {
    writeMapping('one', manifest('same'));
    writeMapping('two', manifest('same'));
    expect(loadFailure(() => loadMappings(tmp)).mappingError.message).toMatch(/duplicate mapping id "same"/);
  });
});
