import { API_ROUTES, PUBLIC, rolesWith, type ApiRoute } from '../../../core/api';
import type { TokenRole } from '../../../core/store/repos';
import { adMetricsCases } from './cases/ad-metrics';
import { catalogCases } from './cases/catalog';
import { flowCases } from './cases/flows';
import { mappingCases } from './cases/mappings';
import { runCases } from './cases/runs';
import { reviewCases } from './cases/review';
import { streamSampleCases } from './cases/stream-samples';
import { concretePath, openApiBed, type ApiBed } from './helpers';
import { problem, Scenario, type RouteCase } from './scenario';

/**
 * Every route of the table: its happy path (cases/*.ts, with the route's own named errors) and a request the
 * route's schemas refuse, answered 400 with a problem naming the field. Responses are checked against the route's
 * response schema by the router itself (validateResponses), so a happy path also proves the documented shape.
 */
const HAPPY: Record<string, RouteCase> = {
  ...catalogCases,
  ...mappingCases,
  ...flowCases,
  ...runCases,
  ...reviewCases,
  ...streamSampleCases,
  ...adMetricsCases,
};

/** A role that may call the route (the least powerful one, to show the permission is enough). */
function caller(route: ApiRoute): TokenRole | 'none' {
  if (route.permission === PUBLIC) return 'none';
  const roles = rolesWith(route.permission);
  return roles[roles.length - 1];
}

describe('every route of /api/v1', () => {
  let bed: ApiBed;
  let scenario: Scenario;
  beforeAll(async () => {
    bed = await openApiBed();
    scenario = new Scenario(bed);
  });
  afterAll(() => bed.close());

  it('has a happy-path case for each route, and no case for a route that does not exist', () => {
    expect(Object.keys(HAPPY).sort()).toEqual(API_ROUTES.map((r) => r.operationId).sort());
  });

  describe.each(API_ROUTES.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route] as const))(
    '%s',
    (_name, route) => {
      it('happy path', async () => {
        const run = HAPPY[route.operationId];
        expect(run).toBeDefined();
        await run(bed, scenario);
      });

      it('refuses an invalid request with a problem naming the field', async () => {
        const client = bed.as(caller(route));
        const url = concretePath(route.path, {}, 'x');
        let res;
        if (route.body !== undefined) {
          res = await client[route.method as 'post' | 'put' | 'patch'](url, { unknownField: true });
        } else {
          const bad = `${url}?unknownParameter=1`;
          res =
            route.method === 'get' || route.method === 'delete'
              ? await client[route.method](bad)
              : await client.post(bad);
        }
        const body = problem(res, 400);
        expect(body.title).toBe('Invalid request');
        expect(body.errors?.length).toBeGreaterThan(0);
        const where = route.body !== undefined ? '/body' : '/query/unknownParameter';
        for (const error of body.errors ?? []) expect(error.field.startsWith(where)).toBe(true);
      });
    },
  );

  it('names the field of a bad query value, a bad body value and a missing body', async () => {
    const limit = problem(await bed.as('viewer').get('/runs?limit=0'), 400);
    expect(limit.errors).toEqual([expect.objectContaining({ field: '/query/limit' })]);
    const status = problem(await bed.as('viewer').get('/runs?status=sleeping'), 400);
    expect(status.errors?.[0].field).toBe('/query/status');
    const cursor = problem(await bed.as('viewer').get('/runs?cursor=not-ours'), 400);
    expect(cursor.errors?.[0].field).toBe('/query/cursor');
    const role = problem(await bed.as('admin').post('/tokens', { name: 'x', role: 'owner' }), 400);
    expect(role.errors?.[0].field).toBe('/body/role');
    const name = problem(await bed.as('engineer').post('/connections', { connectorId: 'file', settings: {} }), 400);
    expect(name.errors).toEqual([{ field: '/body/name', message: 'is required' }]);
    const trigger = problem(
      await bed.as('engineer').post('/flows', {
        name: 'bad-trigger',
        source: { connection: 'a', stream: 'b' },
        mapping: { id: 'passthrough' },
        target: { connection: 'a', action: 'b' },
        trigger: { type: 'schedule' },
        mode: 'upsert',
      }),
      400,
    );
    expect(trigger.errors?.map((e) => e.field)).toContain('/body/trigger/cron');
    const noBody = problem(await bed.as('engineer').post('/connections'), 400);
    expect(noBody.errors?.[0].field).toBe('/body');
  });

  it('answers 405 for a known path with another method and 404 for an unknown path', async () => {
    const res = await bed.as('viewer').patch('/runs', {});
    problem(res, 405);
    expect(res.headers.allow).toBe('GET');
    problem(await bed.as('viewer').get('/nothing-here'), 404);
  });
});
