import type { ConformanceOptions, ConformanceSetup } from 'connector-hub/sdk/testing';
import { RATE_LIMIT_WAIT_MS } from './client';
import { startSandbox, type UnisenderSandbox } from './sandbox';
import type { UnisenderSettings } from './schemas/settings';

/**
 * The conformance setup `hub plugins check` (and this package's own tests) run the rules with: the plugin's sandbox,
 * seeded, plus the hooks each rule needs (bad credentials, a documented rejection per action, a count at the
 * target for idempotency, a sandbox that answers "limit exceeded").
 */
const BAD_KEY = 'wrong-unisender-key-0123';
const unsubscribeEmail = (i: number) => `kit-u${i}@example.com`;
const excludeEmail = (i: number) => `kit-x${i}@example.com`;

/** Adds the contacts the unsubscribe/exclude rules address, so "one copy at the target" is checkable. */
export function seedConformanceContacts(sandbox: UnisenderSandbox): void {
  const rows = Array.from({ length: 50 }, (_, i) => [
    [unsubscribeEmail(i), String(sandbox.settings.listId)],
    [excludeEmail(i), String(sandbox.settings.listId)],
  ]).flat();
  for (let i = 0; i < rows.length; i += 500)
    sandbox.store.importContacts(['email', 'email_list_ids'], rows.slice(i, i + 500), false, false);
}

/** The rules' options over a sandbox (read lazily: the kit builds its tests before the sandbox starts). */
export function conformanceOptions(sandboxOf: () => UnisenderSandbox): {
  options: ConformanceOptions<UnisenderSettings>;
  closeLimited(): Promise<void>;
} {
  let limited: UnisenderSandbox | undefined;
  const closeLimited = async () => {
    await limited?.close();
    limited = undefined;
  };
  const options: ConformanceOptions<UnisenderSettings> = {
    settings: () => sandboxOf().settings,
    badSettings: () => ({ ...sandboxOf().settings, apiKey: BAD_KEY }),
    secrets: [BAD_KEY],
    // streams/contacts.ts: the export has no modified-since filter and rows carry no modification time
    fullReadStreams: { contacts: 'Unisender exportContacts has no modified-since filter' },
    sampleRecords: {
      importContacts: [
        { email: 'conformance@example.com', fields: { Name: 'Conformance' }, tags: ['kit'] },
        { email: 'not-an-email' },
      ],
      unsubscribe: [{ email: unsubscribeEmail(0) }],
      exclude: [{ email: excludeEmail(0) }],
    },
    batchRecord: {
      importContacts: (i) => ({ email: `kit-import-${i}@example.com`, fields: { Name: `Kit ${i}` } }),
      unsubscribe: (i) => ({ email: unsubscribeEmail(i) }),
      exclude: (i) => ({ email: excludeEmail(i) }),
    },
    rejectedRecord: {
      importContacts: { record: { email: 'not-an-email' }, reason: 'invalid e-mail' },
      unsubscribe: { record: { email: 'broken@' }, reason: 'invalid e-mail' },
      exclude: { record: { email: 'broken@' }, reason: 'invalid e-mail' },
    },
    countAtTarget: (_action, record) => {
      const email = (record as { email: string }).email.trim().toLowerCase();
      return sandboxOf()
        .listEmails()
        .filter((e) => e === email).length;
    },
    // Unisender's limit answer carries no wait; the connector waits the documented minute
    rateLimit: async () => {
      limited = await startSandbox({ rateLimit: { requests: 0, intervalMs: 60_000 } });
      return { waitMs: RATE_LIMIT_WAIT_MS, settings: limited.settings };
    },
    restore: closeLimited,
  };
  return { options, closeLimited };
}

export const conformance: ConformanceSetup<UnisenderSettings> = async () => {
  const sandbox = await startSandbox({ seedContacts: 2_500, seed: 5 });
  seedConformanceContacts(sandbox);
  const { options, closeLimited } = conformanceOptions(() => sandbox);
  return {
    options,
    close: async () => {
      await closeLimited();
      await sandbox.close();
    },
  };
};
