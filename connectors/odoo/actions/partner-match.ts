import type { OdooClient } from '../client';
import { ALL_RECORDS } from '../streams/incremental';
import { anyOf } from './external-ids';

/**
 * Finding existing res.partner records by e-mail or ref, as Odoo holds them.
 *
 * - Odoo's `email` is free text: the API stores what it is sent, untrimmed and in any case, and the form accepts
 *   "Name <address>". The mail module compares addresses the way `email_normalize` does (the address of a
 *   "Name <address>", trimmed, lowercased), and so does this module: it asks `ilike` (contains) and compares the
 *   normalised addresses itself.
 * - `like`/`ilike`/`=ilike` are SQL LIKE patterns in Odoo: `_` and `%` in the value are wildcards (an e-mail such as
 *   `kit_one@example.com` would also find `kitXone@example.com`), so they are escaped with a backslash, PostgreSQL's
 *   LIKE escape character.
 * - Archived partners are searched too (`active_test: false`): an upsert must not clone one.
 * - Two partners with one address (or one ref): the one written is the first of active before archived, a
 *   top-level contact before a child address (a delivery or invoice address of it), then the oldest (lowest id).
 *   The others are left as they are; `pickPartner` says which and why, and the caller logs it.
 */

export interface PartnerCandidate {
  id: number;
  email: string | false;
  ref: string | false;
  active: boolean;
  parent_id: unknown;
}

/** An e-mail as Odoo's email_normalize compares it: the address of "Name <address>", trimmed, lowercased. */
export function normalizedEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const bracketed = /<([^<>]+)>/.exec(value);
  const address = (bracketed?.[1] ?? value).trim().toLowerCase();
  return address === '' ? undefined : address;
}

/** A literal for a LIKE pattern: backslash, `%` and `_` escaped (PostgreSQL's default LIKE escape is `\`). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const FIELDS = ['email', 'ref', 'active', 'parent_id'];

/** Partners (archived ones too) whose e-mail normalises to one of `emails` or whose ref is one of `refs`. */
export async function findPartners(
  client: OdooClient,
  emails: string[],
  refs: string[] = [],
): Promise<{ byEmail: Map<string, PartnerCandidate[]>; byRef: Map<string, PartnerCandidate[]> }> {
  const byEmail = new Map<string, PartnerCandidate[]>();
  const byRef = new Map<string, PartnerCandidate[]>();
  const wanted = new Set(emails.map(normalizedEmail).filter((e): e is string => e !== undefined));
  const refSet = new Set(refs.filter((r) => r !== ''));
  const leaves = [
    ...[...wanted].map((e) => ['email', 'ilike', likeLiteral(e)]),
    ...(refSet.size > 0 ? [['ref', 'in', [...refSet]]] : []),
  ];
  if (leaves.length === 0) return { byEmail, byRef };
  const rows = await client.call<PartnerCandidate[]>('res.partner', 'search_read', {
    args: { domain: anyOf(leaves), fields: FIELDS, order: 'id asc' },
    context: ALL_RECORDS,
  });
  for (const row of rows) {
    const email = normalizedEmail(row.email);
    if (email !== undefined && wanted.has(email)) byEmail.set(email, [...(byEmail.get(email) ?? []), row]);
    if (typeof row.ref === 'string' && refSet.has(row.ref)) byRef.set(row.ref, [...(byRef.get(row.ref) ?? []), row]);
  }
  return { byEmail, byRef };
}

const rank = (p: PartnerCandidate): number[] => [p.active === false ? 1 : 0, p.parent_id ? 1 : 0, p.id];

/**
 * The partner to write among those sharing an address or ref: active before archived, top-level before a child
 * address, then the oldest. `note` says so when there was a choice (for the run log), naming the others.
 */
export function pickPartner(
  candidates: PartnerCandidate[] | undefined,
  what: string,
): { id: number; note?: string } | undefined {
  if (candidates === undefined || candidates.length === 0) return undefined;
  const sorted = [...candidates].sort((a, b) => {
    const [x, y] = [rank(a), rank(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return 0;
  });
  const chosen = sorted[0]!;
  if (sorted.length === 1) return { id: chosen.id };
  const others = sorted.slice(1).map((p) => p.id);
  return {
    id: chosen.id,
    note:
      `${sorted.length} Odoo partners have ${what} (ids ${[chosen.id, ...others].join(', ')}): wrote partner ` +
      `${chosen.id} (active before archived, a top-level contact before a child address, then the oldest) and ` +
      `left ${others.join(', ')} as they are. Merge the duplicates in Odoo (Contacts, select them, Action → Merge) ` +
      'or send an externalId to choose the partner',
  };
}
