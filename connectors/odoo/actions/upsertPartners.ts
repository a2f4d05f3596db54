import { defineAction, type ConnectorLogger, type WriteOutcome } from '../../../core/sdk';
import { clientFor, type OdooClient } from '../client';
import { PartnerInput } from '../schemas/records';
import type { OdooSettings } from '../schemas/settings';
import { createdId, failedOutcome, findExternalIds, linkExternalId } from './external-ids';
import { findPartners, normalizedEmail, pickPartner, type PartnerCandidate } from './partner-match';

const MODEL = 'res.partner';
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

type Ids = { byKey: Map<string, number>; byEmail: Map<string, number>; byRef: Map<string, number> };

/**
 * Existing partners by normalised e-mail and by ref, archived ones too (an upsert must not clone them); where two
 * share one, the one pickPartner chooses, and the choice is logged (see partner-match.ts).
 */
async function existing(client: OdooClient, records: PartnerInput[], log: ConnectorLogger) {
  const found = await findPartners(
    client,
    records.map((r) => r.email ?? ''),
    records.map((r) => r.ref ?? ''),
  );
  const byEmail = new Map<string, number>();
  const byRef = new Map<string, number>();
  const pick = (candidates: PartnerCandidate[], what: string) => {
    const chosen = pickPartner(candidates, what)!;
    if (chosen.note !== undefined) log.warn({ partners: candidates.map((c) => c.id) }, chosen.note);
    return chosen.id;
  };
  for (const [email, candidates] of found.byEmail) byEmail.set(email, pick(candidates, `the e-mail ${email}`));
  for (const [ref, candidates] of found.byRef) byRef.set(ref, pick(candidates, `the ref ${JSON.stringify(ref)}`));
  return { byEmail, byRef };
}

function valuesOf(record: PartnerInput): Record<string, unknown> {
  const { externalId: _key, email, ...rest } = record;
  const vals: Record<string, unknown> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  if (email !== undefined) vals.email = email.trim();
  return vals;
}

async function writeOne(client: OdooClient, record: PartnerInput, ids: Ids): Promise<WriteOutcome> {
  if (record.externalId === undefined && !record.email && !record.ref)
    return {
      status: 'failed',
      failure: 'permanent',
      reason: 'a partner needs externalId, email or ref to be matched',
      field: 'email',
    };
  if (record.email !== undefined && !EMAIL.test(record.email.trim()))
    return {
      status: 'failed',
      failure: 'permanent',
      reason: `invalid email ${JSON.stringify(record.email)}`,
      field: 'email',
    };
  const email = normalizedEmail(record.email);
  const byKey = record.externalId === undefined ? undefined : ids.byKey.get(record.externalId);
  const match =
    byKey ?? (email ? ids.byEmail.get(email) : undefined) ?? (record.ref ? ids.byRef.get(record.ref) : undefined);
  const vals = valuesOf(record);
  try {
    if (match !== undefined) {
      if (Object.keys(vals).length > 0) await client.call(MODEL, 'write', { ids: [match], args: { vals } });
      // a later record of this batch with the e-mail or ref just written finds this partner
      if (email) ids.byEmail.set(email, match);
      if (record.ref) ids.byRef.set(record.ref, match);
      if (record.externalId !== undefined && byKey === undefined) {
        await linkExternalId(client, MODEL, record.externalId, match);
        ids.byKey.set(record.externalId, match);
      }
      return { status: 'ok', targetId: String(match), operation: 'updated' };
    }
    // one record per call: JSON-2 runs each call in its own transaction, so a ValidationError fails only this one
    const id = createdId(await client.call(MODEL, 'create', { args: { vals_list: [vals] } }));
    if (email) ids.byEmail.set(email, id);
    if (record.ref) ids.byRef.set(record.ref, id);
    if (record.externalId !== undefined) {
      await linkExternalId(client, MODEL, record.externalId, id);
      ids.byKey.set(record.externalId, id);
    }
    return { status: 'ok', targetId: String(id), operation: 'created' };
  } catch (error) {
    return failedOutcome(error);
  }
}

/**
 * Creates or updates partners matched by the hub's external id (ir.model.data), else e-mail (case-insensitive),
 * else ref. Idempotent: a record sent again finds the partner it created (by its external id, or by the e-mail /
 * ref written in the same call that created it).
 */
export const upsertPartners = defineAction<OdooSettings, PartnerInput>({
  name: 'upsertPartners',
  title: 'Upsert partners',
  description: 'Creates or updates res.partner records by external id, e-mail or ref',
  recordSchema: PartnerInput,
  mode: 'upsert',
  maxBatchSize: 50,
  identity: ['externalId', 'email', 'ref'],
  async write({ connection, records }) {
    const client = clientFor(connection);
    const keys = records.map((r) => r.externalId).filter((k): k is string => k !== undefined);
    const byKey = await findExternalIds(client, MODEL, keys);
    const { byEmail, byRef } = await existing(client, records, connection.log);
    const outcomes: WriteOutcome[] = [];
    // in order, one at a time: two records of one batch with the same e-mail update one partner
    for (const record of records) outcomes.push(await writeOne(client, record, { byKey, byEmail, byRef }));
    return outcomes;
  },
});
