import { defineConnector, type CheckResult, type ConnectionContext } from 'connector-hub/sdk';
import { exclude } from './actions/exclude';
import { importContacts } from './actions/importContacts';
import { unsubscribe } from './actions/unsubscribe';
import { createClient, UNISENDER_POLICY } from './client';
import { UnisenderSettings } from './schemas/settings';
import { contacts } from './streams/contacts';

/** Checks the key with getLists and that the configured list exists; a refused key throws AuthError. */
async function check({ settings, signal, http }: ConnectionContext<UnisenderSettings>): Promise<CheckResult> {
  const lists = await createClient(settings, { signal, http }).call<{ id: number | string; title?: string }[]>(
    'getLists',
  );
  const list = (Array.isArray(lists) ? lists : []).find((l) => Number(l.id) === settings.listId);
  if (list === undefined) {
    return { ok: false, message: `The API key works, but list ${settings.listId} does not exist in this account` };
  }
  return { ok: true, message: `Connected to Unisender; list ${settings.listId} "${list.title ?? ''}" found` };
}

/** The Unisender connector, published as the npm package `hub-connector-unisender`. See README.md. */
export const connector = defineConnector({
  id: 'unisender',
  displayName: 'Unisender',
  version: '1.0.0',
  category: 'email',
  description:
    'Exports the contacts of a Unisender list with custom fields; imports contacts 500 per call with per-row outcomes; unsubscribes and excludes contacts.',
  settingsSchema: UnisenderSettings,
  policy: UNISENDER_POLICY,
  check,
  streams: [contacts],
  actions: [importContacts, unsubscribe, exclude],
});

export default connector;
export { startSandbox } from './sandbox';
export { conformance } from './conformance';
export type { UnisenderSandbox, UnisenderSandboxOptions } from './sandbox';
