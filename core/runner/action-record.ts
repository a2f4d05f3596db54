import { createRecordValidator, type JsonSchema, type RecordValidator } from '../mapping/validation';
import type { AnyAction } from './context';

/**
 * Holds each mapped record to the target action's `recordSchema` before it is batched, as the SDK's contract says
 * the action receives it. A mapping's own target schema is optional and may be looser than the action's: without
 * this check a record the action cannot take reached its `write` and, depending on the connector, threw inside it
 * (failing every other record of the batch with it — up to 1,000 Meta events or 10,000 audience members) or went to
 * the vendor, whose refusal of the whole request cost a bisection. A record that does not fit fails alone, before
 * sending, with the field and the rule it breaks (a permanent failure: the mapping or the source must change).
 * Only what the action needs is checked — fields present and of the right kind; a field it does not declare is
 * left to the action (a pass-through mapping of a file carries its `_line`).
 * Validators are compiled once per schema (core/mapping/validation.ts, ajv with formats).
 */
/** What core/mapping/validation.ts says of a field the schema does not allow (additionalProperties). */
const EXTRA_FIELD = 'is not allowed by the schema';

export type ActionRecordCheck = (record: unknown) => { field: string; reason: string } | undefined;

export function actionRecordCheck(connectorId: string, action: AnyAction): ActionRecordCheck | undefined {
  const schema = JSON.parse(JSON.stringify(action.recordSchema)) as JsonSchema;
  // an action that declares no properties and no rule takes any object: nothing to hold records to
  if (Object.keys(schema).every((key) => key === 'type' || key === 'description' || key === '$schema'))
    return undefined;
  let validate: RecordValidator;
  try {
    validate = createRecordValidator(schema, 'output.invalid');
  } catch {
    // a schema ajv cannot compile is the connector's defect, reported by its conformance rules: not a record's
    return undefined;
  }
  return (record) => {
    const error = validate(record);
    if (error === undefined) return undefined;
    // fields the action does not declare are the action's to ignore or refuse (a pass-through mapping carries the
    // file connector's _line, say): the check is about what the action needs, present and of the right kind
    const details = (error.details ?? []).filter((d) => d.message !== EXTRA_FIELD);
    const detail = details[0];
    if (detail === undefined) return undefined;
    const field = detail.field;
    const more = details.length > 1 ? ` (and ${details.length - 1} more)` : '';
    return {
      field,
      reason:
        `${connectorId} ${action.name} cannot take this record: field ${field} ${detail.message}${more}` +
        ' — change the mapping (or the source record) so its output fits the action',
    };
  };
}
