import nock from 'nock';
import { OdooClient, clearOdooSessions } from '../../../connectors/odoo/client';
import { NotAppliedError } from '../../../connectors/odoo/errors';
import { AuthError, PermanentError, type HubError } from '../../../core/sdk';
import { KEY, ODOO, failure, json2Error, rpcFault, settings, useNock, version } from './helpers';

useNock();
afterEach(() => clearOdooSessions());

describe('Odoo faults by name, the same kind on both transports', () => {
  // JSON-2 status as Odoo 19 sends each exception; a JSON-RPC fault is HTTP 200 and carries the name alone
  it.each<[string, number, string, string, new (...a: never[]) => HubError, RegExp]>([
    ['odoo.exceptions.AccessDenied', 401, 'Access Denied', 'auth', AuthError, /New API Key/],
    ['odoo.http.SessionExpiredException', 401, 'Session expired', 'auth', AuthError, /New API Key/],
    [
      'odoo.exceptions.AccessError',
      403,
      'You are not allowed to modify Contact',
      'permanent',
      PermanentError,
      /lacks the access right/,
    ],
    [
      'odoo.exceptions.ValidationError',
      422,
      'Contacts require a name',
      'permanent',
      PermanentError,
      /: Contacts require a name$/,
    ],
    [
      'odoo.exceptions.UserError',
      422,
      'You cannot delete a confirmed order',
      'permanent',
      PermanentError,
      /UserError: You cannot delete a confirmed order$/,
    ],
    [
      'odoo.exceptions.RedirectWarning',
      422,
      'Configure a journal first',
      'permanent',
      PermanentError,
      /Configure a journal first$/,
    ],
    [
      'odoo.exceptions.MissingError',
      404,
      'Record does not exist or has been deleted.',
      'permanent',
      PermanentError,
      /MissingError: Record does not exist or has been deleted\.$/,
    ],
    ['werkzeug.exceptions.NotFound', 404, 'Not Found', 'permanent', PermanentError, /is the app installed/],
    [
      'psycopg2.errors.SerializationFailure',
      500,
      'could not serialize access',
      'retryable',
      NotAppliedError,
      /SerializationFailure/,
    ],
    [
      'psycopg2.errors.LockNotAvailable',
      500,
      'could not obtain lock on row',
      'retryable',
      NotAppliedError,
      /LockNotAvailable/,
    ],
    [
      'psycopg2.OperationalError',
      500,
      'server closed the connection unexpectedly',
      'retryable',
      NotAppliedError,
      /OperationalError/,
    ],
  ])('%s', async (name, status, message, kind, type, said) => {
    nock(ODOO).get('/web/version').reply(200, version(19));
    nock(ODOO).post('/json/2/res.partner/write').reply(status, json2Error(name, message));
    const json2 = (await failure(() =>
      new OdooClient(settings).call('res.partner', 'write', { ids: [1], args: { vals: {} } }),
    )) as HubError;
    clearOdooSessions();
    nock(ODOO).get('/web/version').reply(200, version(17));
    nock(ODOO).post('/jsonrpc').reply(200, { jsonrpc: '2.0', id: 1, result: 9 });
    nock(ODOO).post('/jsonrpc').reply(200, rpcFault(name, message));
    const rpc = (await failure(() =>
      new OdooClient(settings).call('res.partner', 'write', { ids: [1], args: { vals: {} } }),
    )) as HubError;
    for (const error of [json2, rpc]) {
      expect(error).toBeInstanceOf(type);
      expect(error.kind).toBe(kind);
      expect(error.message).toMatch(said);
      expect(error.message).not.toContain('Traceback');
      expect(error.message).not.toContain(KEY);
    }
  });
});
