import { randomUUID } from 'node:crypto';
import type { SandboxReply } from '../../../core/sdk';
import { Searcher } from './search';
import { ObjectStore, normalizeEmail } from './store';

/** The sandbox's data: one store per CRM object type, their searchers, and deal → line item and contact associations. */

export type ObjectName = 'contacts' | 'companies' | 'deals' | 'line_items';

/** Path names and objectTypeIds HubSpot accepts for each object. */
export const OBJECT_ALIASES: Record<string, ObjectName> = {
  contacts: 'contacts',
  '0-1': 'contacts',
  companies: 'companies',
  '0-2': 'companies',
  deals: 'deals',
  '0-3': 'deals',
  line_items: 'line_items',
  '0-8': 'line_items',
};

export interface SandboxState {
  stores: Record<ObjectName, ObjectStore>;
  searchers: Record<ObjectName, Searcher>;
  /** Deal id → ids of its line items. */
  associations: Map<string, Set<string>>;
  /** Deal id → ids of its contacts, in association order; `primary` holds the contact labelled Primary, if any. */
  dealContacts: Map<string, { ids: string[]; primary?: string }>;
  dealIdProperty: string;
  /** E-mails erased with gdpr-delete (HubSpot blocklists them). */
  blocklist: Set<string>;
}

export function createState(dealIdProperty: string): SandboxState {
  const stores: Record<ObjectName, ObjectStore> = {
    contacts: new ObjectStore('contacts', {
      modifiedProperty: 'lastmodifieddate',
      unique: { property: 'email', normalize: normalizeEmail },
      firstId: 1001,
    }),
    companies: new ObjectStore('companies', { modifiedProperty: 'hs_lastmodifieddate', firstId: 2001 }),
    deals: new ObjectStore('deals', {
      modifiedProperty: 'hs_lastmodifieddate',
      unique: { property: dealIdProperty, normalize: (v) => v },
      firstId: 3001,
    }),
    line_items: new ObjectStore('line_items', { modifiedProperty: 'hs_lastmodifieddate', firstId: 4001 }),
  };
  const searchers = {
    contacts: new Searcher(stores.contacts),
    companies: new Searcher(stores.companies),
    deals: new Searcher(stores.deals),
    line_items: new Searcher(stores.line_items),
  };
  return { stores, searchers, associations: new Map(), dealContacts: new Map(), dealIdProperty, blocklist: new Set() };
}

/** An error body the way HubSpot writes them. */
export function errorBody(message: string, category: string, extra: Record<string, unknown> = {}) {
  return { status: 'error', message, correlationId: randomUUID(), category, ...extra };
}

export function errorReply(status: number, message: string, category: string, extra: Record<string, unknown> = {}) {
  return { status, body: errorBody(message, category, extra) } satisfies SandboxReply;
}

/** Enumerated properties of the portal the hub's templates rely on, with their allowed values. */
export const ENUMERATIONS: Record<string, Record<string, string[]>> = {
  contacts: {
    lifecyclestage: [
      'subscriber',
      'lead',
      'marketingqualifiedlead',
      'salesqualifiedlead',
      'opportunity',
      'customer',
      'evangelist',
      'other',
    ],
    marketing_consent: ['true', 'false'],
    email_subscription_status: ['subscribed', 'unsubscribed', 'cleaned'],
  },
  deals: {},
  companies: {},
  line_items: {},
};

export const NUMERIC: Record<string, string[]> = {
  contacts: [],
  deals: ['amount'],
  companies: [],
  line_items: ['quantity', 'price', 'amount'],
};

/** Problems with the property values of one input, worded like HubSpot's validation errors. */
export function propertyProblems(object: ObjectName, properties: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(properties)) {
    if (typeof value !== 'string') {
      problems.push(`${name} must be a string`);
      continue;
    }
    if (value === '') continue;
    const allowed = ENUMERATIONS[object]![name];
    if (allowed !== undefined && !allowed.includes(value))
      problems.push(`${value} was not one of the allowed options for ${name}: [${allowed.join(', ')}]`);
    if (NUMERIC[object]!.includes(name) && !Number.isFinite(Number(value)))
      problems.push(`${value} is not a valid number for ${name}`);
  }
  return problems;
}

export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** HubSpot-defined association type ids the sandbox knows (deal → contact 3, line item → deal 20). */
export const DEAL_TO_CONTACT = 3;

/** Associates a contact with a deal (once), optionally as its primary contact. */
export function associateContact(state: SandboxState, dealId: string, contactId: string, primary = false): void {
  const entry = state.dealContacts.get(dealId) ?? { ids: [] };
  if (!entry.ids.includes(contactId)) entry.ids.push(contactId);
  if (primary) entry.primary = contactId;
  state.dealContacts.set(dealId, entry);
}
