import { problem, STRICT_EMAIL, type RouteCase } from '../scenario';

const upper = {
  expression: '{ "name": $uppercase(name) }',
  fixtures: [{ name: 'ann', input: { name: 'Ann' }, expected: { name: 'ANN' } }],
};

/** Happy paths (and their named errors) of the mapping routes. */
export const mappingCases: Record<string, RouteCase> = {
  async listMappings(bed, scenario) {
    await scenario.people();
    const all = await bed.as('viewer').get('/mappings').expect(200);
    const byId = new Map(all.body.items.map((m: { id: string }) => [m.id, m]));
    expect(byId.get('passthrough')).toMatchObject({ origin: 'folder', version: '1.0.0' });
    expect(byId.get('people-email')).toMatchObject({ origin: 'store', version: '1' });
    const folder = await bed.as('viewer').get('/mappings?origin=folder').expect(200);
    expect(folder.body.items.every((m: { origin: string }) => m.origin === 'folder')).toBe(true);
  },

  async getMapping(bed, scenario) {
    await scenario.people();
    const folder = await bed.as('viewer').get('/mappings/passthrough').expect(200);
    expect(folder.body).toMatchObject({ id: 'passthrough', origin: 'folder', versions: [] });
    expect(folder.body.expression.length).toBeGreaterThan(0);
    const stored = await bed.as('viewer').get('/mappings/people-email?version=1').expect(200);
    expect(stored.body).toMatchObject({
      id: 'people-email',
      version: '1',
      origin: 'store',
      fixtures: STRICT_EMAIL.fixtures,
    });
    problem(await bed.as('viewer').get('/mappings/people-email?version=9'), 404);
    problem(await bed.as('viewer').get('/mappings/nothing'), 404);
  },

  async createMapping(bed) {
    const created = await bed
      .as('engineer')
      .post('/mappings', { name: 'upper', version: '1', ...upper })
      .expect(201);
    expect(created.body).toMatchObject({ id: 'upper', version: '1', origin: 'store', versions: [{ version: '1' }] });
    expect(created.body.versionId).toMatch(/^map_/);

    const again = problem(await bed.as('engineer').post('/mappings', { name: 'upper', version: '2', ...upper }), 409);
    expect(again.errors?.[0].field).toBe('/body/name');

    const wrong = problem(
      await bed.as('engineer').post('/mappings', {
        name: 'lower',
        version: '1',
        ...upper,
        fixtures: [...upper.fixtures, { name: 'bob', input: { name: 'Bob' }, expected: { name: 'bob' } }],
      }),
      422,
    );
    expect(wrong.errors).toEqual([
      expect.objectContaining({ field: '/body/fixtures/1', diffs: [expect.objectContaining({ path: '/name' })] }),
    ]);
    const syntax = problem(
      await bed.as('engineer').post('/mappings', { name: 'broken', version: '1', ...upper, expression: '{ "a": (' }),
      422,
    );
    expect(syntax.errors?.[0]).toMatchObject({ field: '/body/expression', line: 1 });
    expect((await bed.as('viewer').get('/mappings/lower')).status).toBe(404); // nothing saved
  },

  async saveMappingVersion(bed) {
    await bed
      .as('engineer')
      .post('/mappings', { name: 'versioned', version: '1', ...upper })
      .expect(201);
    const v2 = await bed
      .as('engineer')
      .put('/mappings/versioned', { version: '2', ...upper, expression: '{ "name": $uppercase(name) & "" }' })
      .expect(200);
    expect(v2.body).toMatchObject({ version: '2', versions: [{ version: '2' }, { version: '1' }] });
    const conflict = problem(
      await bed.as('engineer').put('/mappings/versioned', { version: '1', ...upper, description: 'changed' }),
      409,
    );
    expect(conflict.errors?.[0].field).toBe('/body/version');
    problem(await bed.as('engineer').put('/mappings/unknown', { version: '1', ...upper }), 404);
    // a folder mapping gets a stored version, which overrides it
    const override = await bed
      .as('engineer')
      .put('/mappings/passthrough', {
        version: '2.0.0',
        expression: '$',
        fixtures: [{ input: { a: 1 }, expected: { a: 1 } }],
      })
      .expect(200);
    expect(override.body).toMatchObject({ origin: 'store', version: '2.0.0' });
  },

  async previewMapping(bed, scenario) {
    await scenario.people();
    const res = await bed
      .as('engineer')
      .post('/mappings/people-email/preview', {
        records: [
          { id: '1', email: 'a@x.io' },
          { id: '2', email: 'nope' },
        ],
      })
      .expect(200);
    expect(res.body.results[0]).toEqual({ ok: true, value: { id: '1', email: 'a@x.io' } });
    expect(res.body.results[1]).toMatchObject({ ok: false, error: { code: 'output.invalid', field: '/email' } });
    problem(await bed.as('engineer').post('/mappings/unknown/preview', { records: [{}] }), 404);
    // a draft (the workbench): an unsaved expression, checked against the stored target schema and fixtures
    const draft = await bed
      .as('engineer')
      .post('/mappings/people-email/preview', {
        records: [{ id: '2', email: 'nope' }],
        draft: {
          expression: '{ "id": id, "email": $contains(email, "@") ? email : email & "@fixed.example", "name": name }',
        },
        fixtures: STRICT_EMAIL.fixtures,
      })
      .expect(200);
    expect(draft.body.results).toEqual([{ ok: true, value: { id: '2', email: 'nope@fixed.example' } }]);
    expect(draft.body.fixtures).toEqual([
      expect.objectContaining({ name: 'ok', pass: true, diffs: [] }),
      expect.objectContaining({ name: 'no-email', pass: false, diffs: [expect.objectContaining({ path: '/error' })] }),
    ]);
    const broken = await bed
      .as('engineer')
      .post('/mappings/people-email/preview', { records: [{}], draft: { expression: '{ "email": \n  email &' } })
      .expect(200);
    expect(broken.body.results[0]).toMatchObject({ ok: false, error: { line: expect.any(Number) } });
    // the stored version is unchanged by a draft
    const stored = await bed.as('viewer').get('/mappings/people-email').expect(200);
    expect(stored.body.version).toBe('1');
  },
};
