import { API_ROUTES, PUBLIC, roleCan } from '../../../core/api';
import type { TokenRole } from '../../../core/store/repos';
import { concretePath, openApiBed, ROLES, type ApiBed } from './helpers';

/**
 * Table-driven: every route of the table, called with every role and without a token. No token → 401 (unless the
 * route is public); a role without the route's permission → 403; a role with it → neither 401 nor 403 (the call
 * itself may fail validation or find nothing: params are placeholders and bodies empty, so nothing changes).
 */
describe('permissions: every route × every role', () => {
  let bed: ApiBed;
  beforeAll(async () => {
    bed = await openApiBed();
  });
  afterAll(() => bed.close());

  const cases = API_ROUTES.flatMap((route) =>
    (['none', ...ROLES] as const).map((role) => ({ route, role, name: `${route.method.toUpperCase()} ${route.path}` })),
  );

  it.each(cases)('$name as $role', async ({ route, role }) => {
    const client = bed.as(role);
    const url = concretePath(route.path);
    const res = ['get', 'delete'].includes(route.method)
      ? await client[route.method as 'get' | 'delete'](url)
      : await client[route.method as 'post' | 'put' | 'patch'](url, {});
    if (route.permission === PUBLIC) {
      expect(res.status).not.toBe(401);
      expect(res.status).not.toBe(403);
      expect(res.status).toBeLessThan(500);
    } else if (role === 'none') {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.headers['content-type']).toContain('application/problem+json');
    } else if (roleCan(role as TokenRole, route.permission)) {
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    } else {
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ status: 403, title: 'Forbidden' });
      expect(res.body.detail).toContain(route.permission);
    }
  });

  it('answers 401 to an unknown or revoked token', async () => {
    const unknown = await bed.as('none').get('/connectors').set('authorization', 'Bearer hub_not-a-real-token');
    expect(unknown.status).toBe(401);
    const { token, record } = await bed.hub.repos.apiTokens.create({ name: 'short-lived', role: 'admin' });
    const ok = await bed.as('none').get('/connectors').set('authorization', `Bearer ${token}`);
    expect(ok.status).toBe(200);
    await bed.hub.repos.apiTokens.revoke(record.id);
    const revoked = await bed.as('none').get('/connectors').set('authorization', `Bearer ${token}`);
    expect(revoked.status).toBe(401);
    const malformed = await bed.as('none').get('/connectors').set('authorization', `Basic ${token}`);
    expect(malformed.status).toBe(401);
  });

  it('declares one known permission and a unique operation per route', () => {
    const ids = API_ROUTES.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const keys = API_ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of API_ROUTES) expect(typeof route.permission).toBe('string');
  });

  it('gives the roles what the issue says', () => {
    const can = (role: TokenRole) =>
      API_ROUTES.filter((r) => r.permission !== PUBLIC && roleCan(role, r.permission)).map((r) => r.operationId);
    expect(can('admin')).toHaveLength(API_ROUTES.filter((r) => r.permission !== PUBLIC).length);
    expect(can('engineer')).not.toContain('createToken');
    expect(can('engineer')).toEqual(
      expect.arrayContaining(['createConnection', 'createMapping', 'createFlow', 'replayDeadLetters']),
    );
    expect(can('marketer')).toEqual(
      expect.arrayContaining([
        'enableTemplate',
        'enableFlow',
        'disableFlow',
        'runFlow',
        'listRuns',
        'listDeadLetters',
        'replayDeadLetters',
      ]),
    );
    expect(can('marketer')).not.toEqual(expect.arrayContaining(['createConnection']));
    expect(can('marketer')).not.toContain('createFlow');
    expect(can('marketer')).not.toContain('createMapping');
    const viewer = API_ROUTES.filter((r) => r.permission !== PUBLIC && roleCan('viewer', r.permission));
    expect(viewer.every((r) => r.method === 'get')).toBe(true);
  });
});
