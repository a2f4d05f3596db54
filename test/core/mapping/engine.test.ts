import {
  clearMappingCache,
  compileMapping,
  mappingCacheStats,
  MappingCompileError,
  type MappingDefinition,
} from '../../../core/mapping';

const contactSchema = {
  type: 'object',
  properties: {
    email: { type: 'string', format: 'email' },
    address: {
      type: 'object',
      properties: { zip: { type: 'string', pattern: '^[0-9]{6}$' } },
      additionalProperties: false,
    },
  },
  required: ['email'],
  additionalProperties: false,
};

describe('compileMapping / evaluate', () => {
  beforeEach(() => clearMappingCache());

  it('evaluates a record to plain JSON (no sequences, no undefined members)', async () => {
    const mapping = compileMapping({
      id: 'engine-plain',
      expression: '{ "tags": tags.name, "missing": nope, "n": 1 }',
    });
    const result = await mapping.evaluate({ tags: [{ name: 'a' }, { name: 'b' }] });
    expect(result).toEqual({ ok: true, value: { tags: ['a', 'b'], n: 1 } });
    if (result.ok) {
      expect(Object.keys(result.value as object)).toEqual(['tags', 'n']);
      expect((result.value as { tags: unknown[] & { sequence?: boolean } }).tags.sequence).toBeUndefined();
    }
  });

  it('caches the compiled expression per id + version + content', () => {
    const definition: MappingDefinition = { id: 'engine-cache', version: '1', expression: '{ "a": a }' };
    compileMapping(definition);
    compileMapping(definition);
    expect(mappingCacheStats()).toMatchObject({ size: 1, hits: 1, misses: 1 });
    compileMapping({ ...definition, expression: '{ "a": a, "b": b }' });
    compileMapping({ ...definition, version: '2' });
    expect(mappingCacheStats()).toMatchObject({ size: 3, misses: 3 });
  });

  it('uses the expression hash as the version when none is declared', () => {
    const a = compileMapping({ id: 'engine-hash', expression: 'a' });
    const b = compileMapping({ id: 'engine-hash', expression: 'b' });
    expect(a.version).toMatch(/^[0-9a-f]{16}$/);
    expect(a.version).toBe(a.expressionHash);
    expect(a.version).not.toBe(b.version);
    expect(compileMapping({ id: 'engine-hash', version: '3.1.0', expression: 'a' }).version).toBe('3.1.0');
  });

  it('validates output against the target schema, naming the field', async () => {
    const mapping = compileMapping({
      id: 'engine-output',
      expression: '{ "email": Email, "address": { "zip": Zip } }',
      target: { schema: contactSchema },
    });
    await expect(mapping.evaluate({ Email: 'a@example.com', Zip: '190000' })).resolves.toEqual({
      ok: true,
      value: { email: 'a@example.com', address: { zip: '190000' } },
    });
    const bad = await mapping.evaluate({ Email: 'nope', Zip: '19' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'output.invalid', field: '/email' } });
    if (!bad.ok) {
      expect(bad.error.message).toContain('/email');
      expect(bad.error.details).toEqual([
        { field: '/email', message: 'must match format "email"' },
        { field: '/address/zip', message: 'must match pattern "^[0-9]{6}$"' },
      ]);
    }
    await expect(mapping.evaluate({ Zip: '190000' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'output.invalid', field: '/email', message: 'Output field /email is required' },
    });
  });

  it('names an unexpected output field', async () => {
    const mapping = compileMapping({
      id: 'engine-extra',
      expression: '{ "email": e, "mail": e }',
      target: { schema: contactSchema },
    });
    await expect(mapping.evaluate({ e: 'a@example.com' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'output.invalid', field: '/mail', message: 'Output field /mail is not allowed by the schema' },
    });
  });

  it('validates the source record when asked (mapping flag or engine option)', async () => {
    const definition: MappingDefinition = {
      id: 'engine-source',
      expression: '{ "email": email }',
      source: { schema: contactSchema, validate: true },
    };
    await expect(compileMapping(definition).evaluate({ email: 42 })).resolves.toMatchObject({
      ok: false,
      error: { code: 'input.invalid', field: '/email' },
    });
    await expect(compileMapping(definition, { validateSource: false }).evaluate({ email: 42 })).resolves.toEqual({
      ok: true,
      value: { email: 42 },
    });
  });

  it('fails a record whose expression produces nothing with output.empty', async () => {
    const mapping = compileMapping({ id: 'engine-empty', expression: 'missing' });
    await expect(mapping.evaluate({})).resolves.toMatchObject({ ok: false, error: { code: 'output.empty' } });
  });

  it('evaluates a page record by record; one failure stays one record’s outcome', async () => {
    const mapping = compileMapping({ id: 'engine-page', expression: '{ "double": n * 2 }' });
    const results = await mapping.evaluatePage([{ n: 1 }, { n: 'x' }, { n: 3 }]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[2]).toEqual({ ok: true, value: { double: 6 } });
  });

  it('throws MappingCompileError for an invalid target schema', () => {
    expect(() =>
      compileMapping({ id: 'engine-bad-schema', expression: 'a', target: { schema: { type: 'no-such-type' } } }),
    ).toThrow(MappingCompileError);
  });

  it('rejects an invalid default country at compile time', () => {
    expect(() => compileMapping({ id: 'engine-country', expression: 'a' }, { defaultCountry: 'XX' })).toThrow(
      /options\.invalid/,
    );
  });
});
