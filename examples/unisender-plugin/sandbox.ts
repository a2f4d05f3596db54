import { startHttp, type Arg, type Args, type HttpReply, type SandboxHttpServer } from './sandbox/http';
import { seedRows } from './sandbox/seed';
import { ApiFailure, UnisenderStore, type SandboxContact } from './sandbox/store';

/**
 * A local stand-in for Unisender's API (for the demo, end-to-end tests and `hub plugins check`): the methods this
 * connector uses (getLists, exportContacts, importContacts, unsubscribe, exclude) with the documented limits and
 * error shapes — HTTP 200 with `{ error, code }` for every failure, invalid_api_key for a wrong key,
 * api_call_limit_exceeded_for_api_key beyond 1200 calls a minute, invalid_arg beyond 500 import rows or 1000
 * export rows, per-row problems in importContacts' `log`.
 */

export const SANDBOX_API_KEY = 'sandbox-unisender-key';
export const SANDBOX_LIST_ID = 1;
export const SANDBOX_FIELDS = ['Name', 'City', 'Company'];

export interface UnisenderSandboxOptions {
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Seeded messy contacts in the list at start (0: empty). */
  seedContacts?: number;
  seed?: number;
  /** Enforce the call limit (default true); false for engine benchmarks. */
  enforceLimits?: boolean;
  /** The call limit; Unisender's is 1200 calls a minute per key. */
  rateLimit?: { requests: number; intervalMs: number };
  /** The key the sandbox accepts (default SANDBOX_API_KEY). */
  apiKey?: string;
}

export interface UnisenderSandbox {
  connector: 'unisender';
  url: string;
  /** Settings of a connection that talks to this sandbox. */
  settings: {
    apiKey: string;
    lang: 'en';
    listId: number;
    fields: string[];
    baseUrl: string;
  };
  server: SandboxHttpServer;
  store: UnisenderStore;
  /** Contacts of the account by lower-cased e-mail. */
  contacts: Map<string, SandboxContact>;
  /** E-mails in the sandbox list, in export order. */
  listEmails(listId?: number): string[];
  /** Changes a contact the way a user would in Unisender's UI (fields, tags, status); creates it if missing. */
  editContact(email: string, change: { fields?: Record<string, string>; tags?: string[]; email_status?: string }): void;
  /** The next call of `apiMethod` fails with this code (e.g. retry_later), once. */
  failNext(apiMethod: string, code: string, message?: string): void;
  close(): Promise<void>;
}

class Window {
  private readonly stamps: number[] = [];
  constructor(
    readonly limit: number,
    readonly intervalMs: number,
  ) {}
  take(now = Date.now()): boolean {
    while (this.stamps.length > 0 && this.stamps[0]! <= now - this.intervalMs) this.stamps.shift();
    if (this.stamps.length >= this.limit) return false;
    this.stamps.push(now);
    return true;
  }
}

const str = (value: Arg | undefined): string => (typeof value === 'string' ? value : '');
const list = (value: Arg | undefined): string[] =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : '')) : [];

function ok(result: unknown): HttpReply {
  return { status: 200, body: { result } };
}

function fail(code: string, error: string): HttpReply {
  return { status: 200, body: { error, code } };
}

function route(store: UnisenderStore, apiMethod: string, args: Args): HttpReply {
  switch (apiMethod) {
    case 'getLists':
      return ok([...store.lists.values()]);
    case 'exportContacts':
      return ok(
        store.exportContacts(
          str(args.list_id),
          list(args.field_names),
          str(args.offset) === '' ? 0 : Number(str(args.offset)),
          str(args.limit) === '' ? 1000 : Number(str(args.limit)),
        ),
      );
    case 'importContacts': {
      const rows = Array.isArray(args.data) ? args.data : [];
      return ok(
        store.importContacts(
          list(args.field_names),
          rows,
          str(args.overwrite_tags) === '1',
          str(args.overwrite_lists) === '1',
        ),
      );
    }
    case 'unsubscribe':
      store.unsubscribe(args);
      return ok({});
    case 'exclude':
      store.exclude(args);
      return ok({});
    default:
      return fail('unknown_method', `Unknown method "${apiMethod}"`);
  }
}

export async function startSandbox(options: UnisenderSandboxOptions = {}): Promise<UnisenderSandbox> {
  const apiKey = options.apiKey ?? SANDBOX_API_KEY;
  const store = new UnisenderStore();
  store.createList(SANDBOX_LIST_ID, 'Newsletter (sandbox)');
  for (const name of SANDBOX_FIELDS) store.fieldNames.add(name);
  const limit = options.rateLimit ?? { requests: 1200, intervalMs: 60_000 };
  const window = new Window(limit.requests, limit.intervalMs);
  const failures = new Map<string, { code: string; message: string }[]>();

  const seeded = seedRows(options.seedContacts ?? 0, options.seed ?? 1);
  for (let i = 0; i < seeded.length; i += 500) {
    const rows = seeded
      .slice(i, i + 500)
      .map((r) => [r.email, String(SANDBOX_LIST_ID), r.phone ?? '', r.Name, r.City ?? '', r.Company ?? '']);
    store.importContacts(['email', 'email_list_ids', 'phone', ...SANDBOX_FIELDS], rows, false, false);
  }

  const server = await startHttp(options.port ?? 0, (apiMethod, args) => {
    if (str(args.api_key) !== apiKey) return fail('invalid_api_key', 'Invalid API key');
    if (options.enforceLimits !== false && !window.take())
      return fail(
        'api_call_limit_exceeded_for_api_key',
        `API call limit exceeded: no more than ${limit.requests} calls per ${limit.intervalMs / 1000} s`,
      );
    const injected = failures.get(apiMethod)?.shift();
    if (injected !== undefined) return fail(injected.code, injected.message);
    try {
      return route(store, apiMethod, args);
    } catch (error) {
      if (error instanceof ApiFailure) return fail(error.code, error.message);
      throw error;
    }
  });

  return {
    connector: 'unisender',
    url: server.url,
    settings: { apiKey, lang: 'en', listId: SANDBOX_LIST_ID, fields: [...SANDBOX_FIELDS], baseUrl: server.url },
    server,
    store,
    contacts: store.contacts,
    listEmails: (listId = SANDBOX_LIST_ID) => store.listEmails(listId),
    editContact(email, change) {
      const key = email.trim().toLowerCase();
      if (!store.contacts.has(key))
        store.importContacts(['email', 'email_list_ids'], [[key, String(SANDBOX_LIST_ID)]], false, false);
      const contact = store.contacts.get(key)!;
      for (const [name, value] of Object.entries(change.fields ?? {})) {
        store.fieldNames.add(name);
        contact.fields.set(name, value);
      }
      if (change.tags !== undefined) contact.tags = new Set(change.tags);
      if (change.email_status !== undefined) contact.email_status = change.email_status;
    },
    failNext(apiMethod, code, message = `Injected ${code}`) {
      const queue = failures.get(apiMethod) ?? [];
      queue.push({ code, message });
      failures.set(apiMethod, queue);
    },
    close: () => server.close(),
  };
}
