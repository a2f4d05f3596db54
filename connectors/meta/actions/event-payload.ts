import {
  META_HASHED_FIELDS,
  countryOf,
  normalizeMetaIdentifier,
  sha256Hex,
  type MetaIdentifierField,
} from '../identifiers';
import type { EventInput } from '../schemas/records';
import { shapeEvent } from './event-shape';

/**
 * One event checked against Meta's documented rules before it is sent, because one invalid or stale event makes
 * Meta refuse the whole request ([doc] vendor-apis.md §5 "Batching events"):
 * - event_time in Unix seconds, at most 7 days in the past (and not in the future beyond clock skew);
 * - action_source required; website events also need client_user_agent and event_source_url;
 * - Purchase needs custom_data.value and currency (ISO 4217);
 * - user_data hashed by Meta's rules (identifiers.ts), with at least one customer-information parameter.
 * A problem names the field at fault: the record dead-letters with it.
 */

export const MAX_EVENT_AGE_S = 7 * 86_400;
/** Clocks differ: an event stamped this far in the future is still taken as now. */
const FUTURE_SKEW_S = 300;
const NEVER_HASHED = ['client_ip_address', 'client_user_agent', 'fbc', 'fbp', 'lead_id'] as const;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export interface EventProblem {
  field: string;
  reason: string;
}

export type Prepared = { ok: true; event: Record<string, unknown> } | { ok: false; problem: EventProblem };

const ZONELESS = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * Unix seconds of an event time: seconds (or milliseconds given by mistake) as a number or digits, or ISO 8601. A date
 * and time without a zone ("2026-12-01 10:00:00", as ERPs and CSV exports write them) is read as UTC, not as the
 * hub's local time, so the time sent does not depend on the time zone of the machine the hub runs on.
 */
function seconds(value: number | string): number | undefined {
  if (typeof value === 'number') return value > 1e11 ? Math.floor(value / 1000) : Math.floor(value); // ms by mistake
  const text = value.trim();
  if (/^\d+$/.test(text)) return seconds(Number(text));
  const ms = ZONELESS.test(text) ? Date.parse(`${text.replace(' ', 'T')}Z`) : Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

function hashedUserData(input: EventInput['user_data']): { data: Record<string, unknown> } | { problem: EventProblem } {
  const data: Record<string, unknown> = {};
  for (const field of META_HASHED_FIELDS) {
    const raw = input[field];
    if (raw === undefined) continue;
    const hashes: string[] = [];
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      const n = normalizeMetaIdentifier(field as MetaIdentifierField, value, countryOf(input.country));
      if (!n.ok) return { problem: { field: `user_data.${field}`, reason: n.problem } };
      hashes.push(n.alreadyHashed ? n.value : sha256Hex(n.value));
    }
    data[field] = hashes.length === 1 ? hashes : [...new Set(hashes)];
  }
  for (const field of NEVER_HASHED) if (input[field] !== undefined && input[field] !== '') data[field] = input[field];
  if (Object.keys(data).length === 0)
    return {
      problem: {
        field: 'user_data',
        reason: 'user_data carries no customer information (em, ph, external_id, fbc, client_ip_address…)',
      },
    };
  return { data };
}

/** The event as Meta takes it (hashed, event_time in seconds), or the first problem found. */
export function prepareEvent(input: EventInput, nowS = Math.floor(Date.now() / 1000)): Prepared {
  const problem = (field: string, reason: string): Prepared => ({ ok: false, problem: { field, reason } });
  const shaped = shapeEvent(input);
  if (!shaped.ok) return problem(shaped.field, shaped.reason);
  const record = shaped.record;
  const time = seconds(record.event_time);
  if (time === undefined) return problem('event_time', `event_time ${JSON.stringify(record.event_time)} is not a time`);
  if (time < nowS - MAX_EVENT_AGE_S)
    return problem(
      'event_time',
      `event_time ${new Date(time * 1000).toISOString()} is older than 7 days: Meta refuses it (and would refuse its whole batch)`,
    );
  if (time > nowS + FUTURE_SKEW_S)
    return problem(
      'event_time',
      `event_time ${new Date(time * 1000).toISOString()} is ${Math.ceil((time - nowS) / 60)} minutes in the future: Meta refuses events from the future (and would refuse their whole batch); check the time zone or the clock of the source`,
    );
  if (record.action_source === 'website') {
    if (!record.user_data.client_user_agent)
      return problem('user_data.client_user_agent', 'website events need user_data.client_user_agent');
    if (!record.event_source_url) return problem('event_source_url', 'website events need event_source_url');
  }
  const custom = record.custom_data;
  if (custom?.currency !== undefined && !CURRENCIES.has(custom.currency.trim().toUpperCase()))
    return problem('custom_data.currency', `currency ${JSON.stringify(custom.currency)} is not an ISO 4217 code`);
  if (record.event_name === 'Purchase' && (custom?.value === undefined || custom.currency === undefined))
    return problem('custom_data.value', 'Purchase events need custom_data.value and custom_data.currency');
  const user = hashedUserData(record.user_data);
  if ('problem' in user) return { ok: false, problem: user.problem };
  const event: Record<string, unknown> = {
    event_name: record.event_name,
    event_time: time,
    event_id: record.event_id,
    action_source: record.action_source,
    user_data: user.data,
  };
  if (record.event_source_url !== undefined) event.event_source_url = record.event_source_url;
  if (custom !== undefined)
    event.custom_data = {
      ...custom,
      ...(custom.currency === undefined ? {} : { currency: custom.currency.trim().toLowerCase() }),
    };
  if (record.opt_out !== undefined) event.opt_out = record.opt_out;
  return { ok: true, event };
}
