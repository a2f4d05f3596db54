import { META_HASHED_FIELDS } from '../identifiers';
import { ACTION_SOURCES, type EventInput } from '../schemas/records';

/**
 * The shape of one event as a mapping wrote it, checked before anything else. The runner does not hold records to
 * the action's recordSchema, so a mapping that leaves out `action_source` or `user_data`, or writes an order number as
 * a number, reaches the action as it is. Unchecked, such a record either threw inside the write (one malformed event
 * failing its whole batch of up to 1,000) or went to Meta and made it refuse the whole request (a bisection for one
 * event). Here it fails alone, naming the field, in words a marketer can act on. Harmless differences are taken:
 * numbers where Meta wants strings (an order id, a phone), null for "not known", a numeric string as the value.
 */

export type Shaped = { ok: true; record: EventInput } | { ok: false; field: string; reason: string };

const NEVER_HASHED = ['client_ip_address', 'client_user_agent', 'fbc', 'fbp', 'lead_id'] as const;
const SOURCES = ACTION_SOURCES.join(', ');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null || v === '';

/** A string, or a finite number as its decimal text; undefined for anything else. */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

type Result<T> = { value: T } | { field: string; reason: string };

function userData(input: unknown): Result<EventInput['user_data']> {
  if (!isObject(input))
    return {
      field: 'user_data',
      reason: 'user_data is missing: the mapping must give the customer information (em, ph, external_id, fbc…)',
    };
  const out: Record<string, unknown> = {};
  for (const field of META_HASHED_FIELDS) {
    const raw = input[field];
    if (absent(raw)) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v) => !absent(v)).map(text);
    if (values.some((v) => v === undefined))
      return { field: `user_data.${field}`, reason: `user_data.${field} must be text (or a list of texts)` };
    if (values.length > 0) out[field] = values.length === 1 ? values[0] : values;
  }
  for (const field of NEVER_HASHED) {
    const raw = input[field];
    if (absent(raw)) continue;
    const value = text(raw);
    if (value === undefined) return { field: `user_data.${field}`, reason: `user_data.${field} must be text` };
    out[field] = value;
  }
  return { value: out as EventInput['user_data'] };
}

function customData(input: unknown): Result<EventInput['custom_data']> {
  if (absent(input)) return { value: undefined };
  if (!isObject(input)) return { field: 'custom_data', reason: 'custom_data must be an object (value, currency…)' };
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(input)) if (v !== null && v !== undefined) out[key] = v;
  if (out.value !== undefined) {
    const value = typeof out.value === 'string' && out.value.trim() !== '' ? Number(out.value) : out.value;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
      return { field: 'custom_data.value', reason: `custom_data.value ${JSON.stringify(out.value)} is not an amount` };
    out.value = value;
  }
  if (out.currency !== undefined && typeof out.currency !== 'string')
    return { field: 'custom_data.currency', reason: 'custom_data.currency must be an ISO 4217 code such as EUR' };
  return { value: out as EventInput['custom_data'] };
}

/** The event with harmless differences taken, or the first field a mapping got wrong. */
export function shapeEvent(input: unknown): Shaped {
  const fail = (field: string, reason: string): Shaped => ({ ok: false, field, reason });
  if (!isObject(input)) return fail('event_name', 'the record is not an event object');
  const name = text(input.event_name)?.trim();
  if (name === undefined || name === '')
    return fail('event_name', 'event_name is missing: the mapping must set it (Purchase, Lead or a custom name)');
  const id = text(input.event_id)?.trim();
  if (id === undefined || id === '')
    return fail(
      'event_id',
      'event_id is missing: the mapping must set it to the order reference, or Meta counts the event twice',
    );
  const time = input.event_time;
  if (!(typeof time === 'string' && time.trim() !== '') && !(typeof time === 'number' && Number.isFinite(time)))
    return fail('event_time', 'event_time is missing: the mapping must give when the event happened');
  const source = input.action_source;
  if (absent(source))
    return fail('action_source', `action_source is missing: say where the conversion happened (${SOURCES})`);
  if (typeof source !== 'string' || !(ACTION_SOURCES as readonly string[]).includes(source))
    return fail('action_source', `action_source ${JSON.stringify(source)} is not one Meta knows (${SOURCES})`);
  const url = input.event_source_url;
  if (!absent(url) && typeof url !== 'string') return fail('event_source_url', 'event_source_url must be a URL');
  const user = userData(input.user_data);
  if ('reason' in user) return fail(user.field, user.reason);
  const custom = customData(input.custom_data);
  if ('reason' in custom) return fail(custom.field, custom.reason);
  const optOut = input.opt_out;
  if (!absent(optOut) && typeof optOut !== 'boolean') return fail('opt_out', 'opt_out must be true or false');
  const record: EventInput = {
    event_name: name,
    event_time: time,
    event_id: id,
    action_source: source as EventInput['action_source'],
    user_data: user.value,
    ...(absent(url) ? {} : { event_source_url: url as string }),
    ...(custom.value === undefined ? {} : { custom_data: custom.value }),
    ...(typeof optOut === 'boolean' ? { opt_out: optOut } : {}),
  };
  return { ok: true, record };
}
