import type { MappingDefinition, MapResult } from '../../core/mapping';
import { isSkipMarker } from '../../core/mapping/stdlib';
import { createRecordValidator } from '../../core/mapping/validation';
import { AUDIENCES } from './audiences';
import { MappingFailure, type MakeBody, type Row } from './common';
import { CONTACTS } from './contacts';
import { LEADS } from './leads';
import { ORDERS } from './orders';

/**
 * Hand-written TypeScript versions of the shipped mappings, for the bench's ratio: the same stdlib functions, the
 * same source validation (when the mapping asks for it) and output validation as the engine, written the way a
 * developer would write the mapping by hand (plain objects and loops, skip checks before the work they make
 * unnecessary). The bench checks that their results equal the engine's on every record, errors included.
 */

const BODIES: Record<string, MakeBody> = { ...CONTACTS, ...AUDIENCES, ...LEADS, ...ORDERS };

/** The hand-written version of a mapping with the engine's validation around it, or undefined when there is none. */
export function handWritten(mapping: MappingDefinition): ((record: unknown) => MapResult) | undefined {
  const make = BODIES[mapping.id];
  if (!make) return undefined;
  const body = make(mapping.expression);
  const validateInput =
    mapping.source?.validate && mapping.source.schema
      ? createRecordValidator(mapping.source.schema, 'input.invalid')
      : undefined;
  const validateOutput = mapping.target?.schema
    ? createRecordValidator(mapping.target.schema, 'output.invalid')
    : undefined;
  return (record) => {
    const inputError = validateInput?.(record);
    if (inputError) return { ok: false, error: inputError };
    let value: unknown;
    try {
      value = body(record as Row);
    } catch (err) {
      if (err instanceof MappingFailure) return { ok: false, error: err.error };
      throw err;
    }
    if (value === undefined)
      return {
        ok: false,
        error: { code: 'output.empty', message: 'The expression produced no value for this record' },
      };
    if (isSkipMarker(value)) return { ok: true, value };
    const error = validateOutput?.(value);
    return error ? { ok: false, error } : { ok: true, value };
  };
}
