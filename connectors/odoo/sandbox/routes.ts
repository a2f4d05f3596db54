import type { SandboxReply, SandboxRequest, SandboxRoute } from '../../../core/sdk';
import type { Row } from './domain';
import { OdooFault, missing, type OdooStore } from './store';

/**
 * The two wire protocols over one store:
 * - JSON-2 (19+): `POST /json/2/<model>/<method>`, `Authorization: bearer <key>`, `X-Odoo-Database`, named
 *   arguments plus `ids` and `context`; errors 4xx/5xx `{ name, message, arguments, context, debug }`.
 * - JSON-RPC: `POST /jsonrpc` `{ service: common|object, method, args }`; faults are HTTP 200 with
 *   `{ error: { code: 200, message: "Odoo Server Error", data: { name, message, arguments, context, debug } } }`.
 * - `GET /web/version`: `{ server_version, server_version_info, server_serie, protocol_version }`.
 */

export interface AuthState {
  database: string;
  login: string;
  uid: number;
  /** API key → expiry (epoch ms). */
  keys: Map<string, number>;
  version: number;
}

const unauthorized = () => new OdooFault('werkzeug.exceptions.Unauthorized', 'Invalid apikey', 401);
const accessDenied = () => new OdooFault('odoo.exceptions.AccessDenied', 'Access Denied', 403);
/** What Odoo's registry raises for a database name the server does not have (psycopg2 connecting to it). */
const noDatabase = (db: unknown) =>
  new OdooFault('psycopg2.OperationalError', `FATAL:  database ${JSON.stringify(String(db))} does not exist`, 500);

export function keyValid(auth: AuthState, key: unknown): boolean {
  if (typeof key !== 'string') return false;
  const expires = auth.keys.get(key);
  return expires !== undefined && expires > Date.now();
}

/** One model method, the named arguments (kwargs) and positional ones merged the way Odoo binds them. */
export function dispatch(
  store: OdooStore,
  model: string,
  method: string,
  ids: unknown,
  kw: Row,
  pos: unknown[],
): unknown {
  const context = (kw.context ?? undefined) as Row | undefined;
  const domain = kw.domain ?? pos[0] ?? [];
  store.table(model); // MissingError-like for an unknown model
  if (method === 'search_read' || method === 'read') store.checkFields(model, kw.fields as string[] | undefined);
  switch (method) {
    case 'fields_get':
      return store.fieldsOf(model);
    case 'search_read':
      return store
        .search(
          model,
          domain,
          context,
          kw.order as string | undefined,
          kw.limit as number | undefined,
          (kw.offset as number) ?? 0,
        )
        .map((row) => store.present(model, row, kw.fields as string[] | undefined));
    case 'search_count':
      return store.search(model, domain, context).length;
    case 'read': {
      const table = store.table(model);
      return ((ids ?? pos[0]) as number[]).flatMap((id) => {
        const row = table.get(id);
        return row === undefined ? [] : [store.present(model, row, kw.fields as string[] | undefined)];
      });
    }
    case 'create':
      return store.create(model, kw.vals_list ?? pos[0]);
    case 'write':
      return store.write(model, ids ?? pos[0], kw.vals ?? pos[1]);
    case 'unlink':
      return store.unlink(model, ids ?? pos[0]);
    default:
      throw new OdooFault(
        'werkzeug.exceptions.NotFound',
        `The method '${method}' does not exist on the model '${model}'`,
        404,
      );
  }
}

function faultBody(error: unknown): { status: number; body: Row } {
  const fault = error instanceof OdooFault ? error : new OdooFault('builtins.Exception', String(error), 500);
  return {
    status: fault.status,
    body: {
      name: fault.name,
      message: fault.message,
      arguments: [fault.message],
      context: {},
      debug: `Traceback (most recent call last):\n  (sandbox)\n${fault.name}: ${fault.message}`,
    },
  };
}

export function routes(store: OdooStore, auth: AuthState): SandboxRoute[] {
  const version = (): SandboxReply => ({
    status: 200,
    body: {
      server_version: `${auth.version}.0`,
      server_version_info: [auth.version, 0, 0, 'final', 0, ''],
      server_serie: `${auth.version}.0`,
      protocol_version: 1,
    },
  });
  const json2 = (req: SandboxRequest): SandboxReply => {
    if (auth.version < 19) return { status: 404, body: faultBody(missing('Not Found')).body };
    try {
      const header = req.headers.authorization ?? '';
      const key = /^bearer\s+(.+)$/i.exec(header)?.[1];
      if (!keyValid(auth, key)) throw unauthorized();
      const db = req.headers['x-odoo-database'];
      if (db !== undefined && db !== auth.database)
        throw new OdooFault('werkzeug.exceptions.NotFound', `database ${JSON.stringify(db)} not found`, 404);
      const body = (req.body ?? {}) as Row;
      if (typeof body !== 'object' || Array.isArray(body))
        throw new OdooFault('werkzeug.exceptions.BadRequest', 'body must be a JSON object', 400);
      const { ids, ...kw } = body;
      return { status: 200, body: dispatch(store, req.params.model!, req.params.method!, ids, kw, []) ?? null };
    } catch (error) {
      return faultBody(error);
    }
  };
  const jsonrpc = (req: SandboxRequest): SandboxReply => {
    const envelope = (req.body ?? {}) as {
      id?: unknown;
      params?: { service?: string; method?: string; args?: unknown[] };
    };
    const id = envelope.id ?? null;
    const args = envelope.params?.args ?? [];
    try {
      const { service, method } = envelope.params ?? {};
      let result: unknown;
      if (service === 'common' && method === 'version') result = version().body;
      else if (service === 'common' && method === 'authenticate') {
        const [db, login, key] = args;
        if (db !== auth.database) throw noDatabase(db);
        result = login === auth.login && keyValid(auth, key) ? auth.uid : false;
      } else if (service === 'object' && method === 'execute_kw') {
        const [db, uid, key, model, modelMethod, positional, kwargs] = args as [
          string,
          number,
          string,
          string,
          string,
          unknown[] | undefined,
          Row | undefined,
        ];
        if (db !== auth.database) throw noDatabase(db);
        if (uid !== auth.uid || !keyValid(auth, key)) throw accessDenied();
        result = dispatch(store, model, modelMethod, undefined, kwargs ?? {}, positional ?? []);
      } else throw new OdooFault('werkzeug.exceptions.NotFound', `no ${String(service)}.${String(method)}`, 404);
      return { status: 200, body: { jsonrpc: '2.0', id, result } };
    } catch (error) {
      const { body } = faultBody(error);
      return {
        status: 200,
        body: { jsonrpc: '2.0', id, error: { code: 200, message: 'Odoo Server Error', data: body } },
      };
    }
  };
  return [
    { method: 'GET', path: '/web/version', handler: version },
    { method: 'POST', path: '/json/2/:model/:method', handler: json2 },
    { method: 'POST', path: '/jsonrpc', handler: jsonrpc },
  ];
}
