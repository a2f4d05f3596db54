import { execFileSync } from 'node:child_process';
import { API_BASE, API_ROUTES, PUBLIC } from '../../../core/api';
import { openApiPath } from '../../../core/api/openapi';
import { openApiBed, type ApiBed } from './helpers';

/**
 * The validator is an ES module, which this CommonJS test runner cannot load; it runs in a child Node process and
 * gets the document on standard input.
 */
function validateOpenApi(document: unknown): { valid: boolean; version: string; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(text));
    process.stdout.write(JSON.stringify({ ...result, version: validator.version }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    input: JSON.stringify(document),
    encoding: 'utf8',
    cwd: __dirname,
  });
  return JSON.parse(out);
}

describe('the OpenAPI document', () => {
  let bed: ApiBed;
  let document: Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>> };
  beforeAll(async () => {
    bed = await openApiBed();
    document = (await bed.as('none').get('/openapi.json').expect(200)).body;
  });
  afterAll(() => bed.close());

  it('is a valid OpenAPI 3.1 document', () => {
    const result = validateOpenApi(document);
    expect(result.errors).toBeUndefined();
    expect(result).toMatchObject({ valid: true, version: '3.1' });
  });

  it('lists every route of the table with its permission, and nothing else', () => {
    const listed = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(listed.sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${API_BASE}${openApiPath(r.path)}`).sort());
    for (const route of API_ROUTES) {
      const op = document.paths[`${API_BASE}${openApiPath(route.path)}`][route.method];
      expect(op).toMatchObject({ operationId: route.operationId, 'x-permission': route.permission });
      expect(Object.keys(op.responses as object)).toEqual(
        expect.arrayContaining([String(route.response.status), '400', '500']),
      );
      if (route.permission === PUBLIC) expect(op.security).toEqual([]);
      else expect(Object.keys(op.responses as object)).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('shares the hub’s own schemas as components (the flow definition is the one flows use)', () => {
    const components = (document.components as { schemas: Record<string, unknown> }).schemas;
    expect(Object.keys(components)).toEqual(expect.arrayContaining(['FlowDefinition', 'Connection', 'Problem', 'Run']));
    const createFlow = document.paths[`${API_BASE}/flows`].post as { requestBody: unknown };
    expect(createFlow.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/FlowDefinition' } } },
    });
    expect(document.components).toMatchObject({ securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } });
  });

  it('is rendered as a self-contained reference page listing every operation', async () => {
    const res = await bed.as('none').get('/reference').expect(200);
    expect(res.headers['content-type']).toContain('text/html');
    for (const route of API_ROUTES) expect(res.text).toContain(`id="op-${route.operationId}"`);
    expect(res.text).not.toMatch(/<script/i);
    expect(res.text).not.toMatch(/(src|href)="https?:/i);
  });
});
