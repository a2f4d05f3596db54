import nock from 'nock';
import { OdooClient, clearOdooSessions } from '../../../connectors/odoo/client';
import { partners } from '../../../connectors/odoo/streams/partners';
import {
  AuthError,
  ConfigError,
  PermanentError,
  RateLimitedError,
  RetryableError,
  type HubError,
} from '../../../core/sdk';
import { KEY, ODOO, connection, failure, json2Error, readAll, rpcFault, settings, useNock, version } from './helpers';

useNock();
afterEach(() => clearOdooSessions());

describe('transport from /web/version', () => {
  it('Odoo 19+: JSON-2, bearer key, database header, named arguments, ids and context in the body', async () => {
    nock(ODOO).get('/web/version').reply(200, version(19));
    let seen: { headers: Headers; body: unknown } | undefined;
    nock(ODOO)
      .post('/json/2/res.partner/write')
      .reply(async (request: Request) => {
        seen = { headers: request.headers, body: await request.json() };
        return [200, 'true'];
      });
    const result = await new OdooClient(settings).call('res.partner', 'write', {
      ids: [7],
      args: { vals: { name: 'Ann' } },
      context: { lang: 'en_US' },
    });
    expect(result).toBe(true);
    expect(seen!.headers.get('authorization')).toBe(`bearer ${KEY}`);
    expect(seen!.headers.get('x-odoo-database')).toBe('acme');
    expect(seen!.headers.get('content-type')).toBe('application/json');
    expect(seen!.body).toEqual({ vals: { name: 'Ann' }, ids: [7], context: { lang: 'en_US' } });
  });

  it('Odoo 17: JSON-RPC, authenticate once, then execute_kw(db, uid, key, model, method, [ids], kwargs)', async () => {
    nock(ODOO).get('/web/version').reply(200, version(17));
    const bodies: unknown[] = [];
    nock(ODOO)
      .post('/jsonrpc')
      .times(3)
      .reply(async (request: Request) => {
        const body = (await request.json()) as unknown;
        bodies.push(body);
        const params = (body as { params: { method: string } }).params;
        return [200, { jsonrpc: '2.0', id: 1, result: params.method === 'authenticate' ? 9 : true }];
      });
    const client = new OdooClient(settings);
    await client.call('res.partner', 'write', { ids: [7], args: { vals: { name: 'Ann' } } });
    await client.call('res.partner', 'write', { ids: [8], args: { vals: { name: 'Bob' } } });
    expect(bodies).toHaveLength(3);
    expect(bodies[0]).toMatchObject({
      jsonrpc: '2.0',
      method: 'call',
      params: { service: 'common', method: 'authenticate', args: ['acme', 'api@acme.test', KEY, {}] },
    });
    expect(bodies[1]).toMatchObject({
      params: {
        service: 'object',
        method: 'execute_kw',
        args: ['acme', 9, KEY, 'res.partner', 'write', [[7]], { vals: { name: 'Ann' } }],
      },
    });
  });

  it('falls back to common.version when /web/version is not there', async () => {
    nock(ODOO).get('/web/version').reply(404, 'Not Found');
    nock(ODOO)
      .post('/jsonrpc', (b: { params?: { method?: string } }) => b.params?.method === 'version')
      .reply(200, { jsonrpc: '2.0', id: 1, result: version(16) });
    const session = await new OdooClient({ ...settings, transport: 'auto' }).detect();
    expect(session).toEqual({ transport: 'jsonrpc', version: '16.0' });
  });
});

describe('transport from odd version answers', () => {
  // Odoo Online (SaaS) releases name their major in text: release.py version_info = ('saas~18', 3, 0, 'final', 0, '')
  it.each<[string, Record<string, unknown>, 'json2' | 'jsonrpc']>([
    [
      'Odoo Online 19.1',
      { server_version: 'saas~19.1+e', server_version_info: ['saas~19', 1, 0, 'final', 0, 'e'] },
      'json2',
    ],
    [
      'Odoo Online 18.3',
      { server_version: 'saas~18.3+e', server_version_info: ['saas~18', 3, 0, 'final', 0, 'e'] },
      'jsonrpc',
    ],
    ['an enterprise build', { server_version: '19.0+e', server_version_info: [19, 0, 0, 'final', 0, 'e'] }, 'json2'],
    ['a text major', { server_version: '20.0', server_version_info: ['20', 0, 0, 'alpha', 1, ''] }, 'json2'],
    ['server_version only', { server_version: '19.0-20261101' }, 'json2'],
    ['an unreadable version', { server_version: 'master', server_version_info: ['master'] }, 'jsonrpc'],
  ])('%s', async (_name, answer, transport) => {
    nock(ODOO).get('/web/version').reply(200, answer);
    const session = await new OdooClient(settings).detect();
    expect(session.transport).toBe(transport);
    expect(session.version).toBe(answer.server_version);
  });

  it('a version check refused by a proxy (503, then 429) fails retryable and is asked again, not taken for an old server', async () => {
    nock(ODOO).get('/web/version').reply(503, 'Service Unavailable');
    nock(ODOO).post('/jsonrpc').reply(429, 'Too Many Requests', { 'retry-after': '3' });
    const client = new OdooClient({ ...settings, login: undefined });
    const refused = (await failure(() => client.session())) as HubError;
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect(refused.message).toContain('common.version');
    // the next call detects again: an Odoo 19 speaking JSON-2, no login needed
    nock(ODOO).get('/web/version').reply(200, version(19));
    nock(ODOO).post('/json/2/res.partner/search_count').reply(200, '3');
    expect(await client.call('res.partner', 'search_count', { args: { domain: [] } })).toBe(3);
  });

  it('an address answering pages instead of Odoo (a website, a login page in front) is a ConfigError on url, on both transports', async () => {
    const page = '<html><head><title>Sign in - Acme SSO</title></head><body>…</body></html>';
    nock(ODOO).get('/web/version').reply(200, version(19));
    nock(ODOO).post('/json/2/res.partner/search_count').reply(200, page, { 'content-type': 'text/html' });
    const json2 = (await failure(() => new OdooClient(settings).call('res.partner', 'search_count'))) as HubError;
    clearOdooSessions();
    nock(ODOO).get('/web/version').reply(200, page, { 'content-type': 'text/html' });
    nock(ODOO).post('/jsonrpc').reply(200, page, { 'content-type': 'text/html' });
    const rpc = (await failure(() => new OdooClient(settings).call('res.partner', 'search_count'))) as HubError;
    for (const error of [json2, rpc]) {
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.field).toBe('url');
      expect(error.message).toContain('title "Sign in - Acme SSO"');
      expect(error.message).toMatch(/Check the url setting/);
    }
  });

  it('a /web/version that is not JSON (a proxy page) falls back to common.version', async () => {
    nock(ODOO).get('/web/version').reply(200, '<html>Maintenance</html>', { 'content-type': 'text/html' });
    nock(ODOO)
      .post('/jsonrpc', (b: { params?: { method?: string } }) => b.params?.method === 'version')
      .reply(200, {
        jsonrpc: '2.0',
        id: 1,
        result: { server_version: 'saas~19.2+e', server_version_info: ['saas~19', 2] },
      });
    expect(await new OdooClient(settings).detect()).toEqual({ transport: 'json2', version: 'saas~19.2+e' });
  });
});

describe('errors, by Odoo shape', () => {
  it('an expired (or revoked) key on JSON-2 is an AuthError that names the fix and never the key', async () => {
    nock(ODOO).get('/web/version').reply(200, version(19));
    nock(ODOO)
      .post('/json/2/res.partner/search_count')
      .reply(401, json2Error('werkzeug.exceptions.Unauthorized', 'Invalid apikey'));
    const error = (await failure(() => new OdooClient(settings).call('res.partner', 'search_count'))) as HubError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/expire after at most 3 months/);
    expect(error.message).toMatch(/New API Key/);
    expect(error.message).not.toContain(KEY);
  });

  it('an expired key on JSON-RPC (authenticate answers false) is the same AuthError', async () => {
    nock(ODOO).get('/web/version').reply(200, version(17));
    nock(ODOO).post('/jsonrpc').reply(200, { jsonrpc: '2.0', id: 1, result: false });
    const error = await failure(() => new OdooClient(settings).call('res.partner', 'search_count'));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/New API Key/);
    // Odoo answers false for a login that is not the key's user as well: the message names both fixes
    expect(error.message).toMatch(
      /failed for api@acme\.test\. The key must belong to that user: check the login setting/,
    );
  });

  it('an AccessDenied fault from execute_kw is an AuthError; a ValidationError fault is permanent', async () => {
    nock(ODOO).get('/web/version').reply(200, version(17));
    nock(ODOO).post('/jsonrpc').reply(200, { jsonrpc: '2.0', id: 1, result: 9 });
    nock(ODOO).post('/jsonrpc').reply(200, rpcFault('odoo.exceptions.ValidationError', 'Contacts require a name'));
    nock(ODOO).post('/jsonrpc').reply(200, rpcFault('odoo.exceptions.AccessDenied', 'Access Denied'));
    const client = new OdooClient(settings);
    const invalid = await failure(() => client.call('res.partner', 'create', { args: { vals_list: [{}] } }));
    expect(invalid).toBeInstanceOf(PermanentError);
    expect(invalid.message).toContain('ValidationError: Contacts require a name');
    expect(await failure(() => client.call('res.partner', 'search_count'))).toBeInstanceOf(AuthError);
  });

  it('JSON-2: 422 ValidationError permanent, 429 with Retry-After rate limited, 500 retryable; no traceback', async () => {
    nock(ODOO).get('/web/version').reply(200, version(19));
    nock(ODOO)
      .post('/json/2/res.partner/create')
      .reply(422, json2Error('odoo.exceptions.ValidationError', 'Contacts require a name'))
      .post('/json/2/res.partner/create')
      .reply(429, 'Too Many Requests', { 'retry-after': '7' })
      .post('/json/2/res.partner/create')
      .reply(500, json2Error('builtins.KeyError', 'boom'));
    const client = new OdooClient(settings);
    const create = () => client.call('res.partner', 'create', { args: { vals_list: [{}] } });
    const invalid = await failure(create);
    expect(invalid).toBeInstanceOf(PermanentError);
    expect(invalid.message).not.toContain('Traceback');
    const limited = (await failure(create)) as RateLimitedError;
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect(limited.retryAfterMs).toBe(7_000);
    expect(await failure(create)).toBeInstanceOf(RetryableError);
  });
});

describe('partners stream: incremental on (write_date, id) with ties', () => {
  const S = '2026-03-01 10:00:00';
  const row = (id: number, write_date: string) => ({
    id,
    write_date,
    name: `P${id}`,
    email: `p${id}@example.com`,
    phone: false,
    ref: false,
    is_company: false,
    parent_id: false,
    country_code: false,
    active: id !== 4,
  });

  it('reads five records sharing one second with page size 3: each once, in order, archived included', async () => {
    nock(ODOO).get('/web/version').reply(200, version(19));
    const domains: unknown[] = [];
    const answers = [
      [row(1, S), row(2, S), row(3, S)], // from the start, by write_date: all in second S
      [row(1, S), row(2, S), row(3, S)], // second S by id
      [row(4, S), row(5, S)], // second S after id 3: done with S
      [row(6, '2026-03-01 10:00:01')], // from the next second
    ];
    nock(ODOO)
      .post('/json/2/res.partner/search_read')
      .times(4)
      .reply(async (request: Request) => {
        const b = (await request.json()) as { domain: unknown; order: string; limit: number; context: unknown };
        domains.push([b.domain, b.order, b.limit, b.context]);
        return [200, answers.shift()];
      });
    const { records, checkpoint } = await readAll(partners, connection({ ...settings, pageSize: 3 }));
    expect(records.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(records[3]).toMatchObject({ active: false, write_date: '2026-03-01T10:00:00Z' });
    expect(checkpoint).toEqual({ write_date: '2026-03-01T10:00:01Z', id: 6 }); // stored with its zone
    const all = { active_test: false };
    expect(domains).toEqual([
      [[], 'write_date asc, id asc', 3, all],
      [
        [
          ['write_date', '>=', S],
          ['write_date', '<', '2026-03-01 10:00:01'],
          ['id', '>', 0],
        ],
        'id asc',
        3,
        all,
      ],
      [
        [
          ['write_date', '>=', S],
          ['write_date', '<', '2026-03-01 10:00:01'],
          ['id', '>', 3],
        ],
        'id asc',
        3,
        all,
      ],
      [[['write_date', '>=', '2026-03-01 10:00:01']], 'write_date asc, id asc', 3, all],
    ]);
  });

  it('resumes from a checkpoint the look-back window earlier, and keeps the checkpoint when nothing is new', async () => {
    // a checkpoint stored before checkpoints carried their zone (Odoo's format) is read, and kept with its zone
    nock(ODOO).get('/web/version').reply(200, version(19));
    const domains: unknown[] = [];
    nock(ODOO)
      .post('/json/2/res.partner/search_read')
      .times(2)
      .reply(async (request: Request) => {
        domains.push(((await request.json()) as { domain: unknown }).domain);
        return [200, []];
      });
    const stored = { write_date: '2026-03-01 10:05:00', id: 42 };
    const { records, checkpoint } = await readAll(partners, connection(settings), stored);
    expect(records).toEqual([]);
    expect(checkpoint).toEqual({ write_date: '2026-03-01T10:05:00Z', id: 42 });
    expect(domains[0]).toEqual([
      ['write_date', '>=', '2026-03-01 10:04:00'],
      ['write_date', '<', '2026-03-01 10:04:01'],
      ['id', '>', 0],
    ]);
  });
});
