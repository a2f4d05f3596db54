import { offsetToLineColumn, type MappingError } from '../../core/mapping';
import { createNormalizeCity } from '../../core/mapping/stdlib';

/**
 * What the hand-written mappings share: JSONata's value rules written out for the types the source schemas allow
 * (`$trim`, `$string`, `$number`, `$round`, truthiness), and the errors a mapping raises with the place in its
 * expression the engine reports (line, column, token), so a hand-written failure equals the engine's.
 */

export type Row = Record<string, unknown>;
/** One mapping by hand: the output, a skip marker, or undefined (the engine's output.empty); throws MappingFailure. */
export type Body = (record: Row) => unknown;
/** Builds a body for a mapping's expression text (the text only locates the errors it raises). */
export type MakeBody = (expression: string) => Body;

/** The engine's default country in the bench (compileMapping(..., { defaultCountry: 'RU' })). */
export const DEFAULT_COUNTRY = 'RU';
export const normalizeCity = createNormalizeCity();

/** Puts a value unless it is undefined (JSONata leaves undefined members out). */
export function put(target: Row, key: string, value: unknown): void {
  if (value !== undefined) target[key] = value;
}

export function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

export function objectOf(value: unknown): Row {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Row) : {};
}

/** JSONata's effective boolean value (`$v ? … : …`). */
export function truthy(value: unknown): boolean {
  if (typeof value === 'string') return value.length > 0;
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (Array.isArray(value)) return value.length === 1 ? truthy(value[0]) : value.some(truthy);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return false;
}

/** JSONata's `$string`: numbers to 15 significant digits, other values as JSON. */
export function jsonataString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(15)));
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(15)) : v,
  );
}

const RUNS = /[ \t\n\r]+/g;

/** JSONata's `$trim`: runs of space, tab, CR and LF become one space, then one leading and trailing space go. */
export function trim(value: string): string {
  let result = value;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 9 || c === 10 || c === 13 || (c === 32 && value.charCodeAt(i + 1) === 32)) {
      result = value.replace(RUNS, ' ');
      break;
    }
  }
  if (result.charCodeAt(0) === 32) result = result.slice(1);
  if (result.charCodeAt(result.length - 1) === 32) result = result.slice(0, -1);
  return result;
}

/** The mappings' `$text := function($v) { $v ? $trim($string($v)) : "" }`. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value === '' ? '' : trim(value);
  return truthy(value) ? trim(jsonataString(value)) : '';
}

/** The mappings' `$pick := function($a, $b) { $text($a) != "" ? $text($a) : ($text($b) != "" ? $text($b)) }`. */
export function pick(a: unknown, b: unknown): string | undefined {
  const first = text(a);
  if (first !== '') return first;
  const second = text(b);
  return second !== '' ? second : undefined;
}

/** JSONata's `$round(value, precision)`: half to even, shifted in decimal notation. */
export function round(value: number, precision = 0): number {
  let shifted = value;
  if (precision) {
    const [mantissa, exponent] = value.toString().split('e');
    shifted = +`${mantissa}e${exponent ? +exponent + precision : precision}`;
  }
  let result = Math.round(shifted);
  if (Math.abs(result - shifted) === 0.5 && Math.abs(result % 2) === 1) result -= 1;
  if (precision) {
    const [mantissa, exponent] = result.toString().split('e');
    result = +`${mantissa}e${exponent ? +exponent - precision : -precision}`;
  }
  return Object.is(result, -0) ? 0 : result;
}

/** A record's failure: the wrapper returns its error as the record's result. */
export class MappingFailure {
  constructor(readonly error: MappingError) {}
}

/**
 * Where the engine reports an error raised by the nth call of `$name(…)` in the expression: the line and column of
 * the `$` (errors.ts's jsonataPositionToOffset), and the function name as the token.
 */
export function callSite(expression: string, name: string, nth = 0): { line: number; column: number; token: string } {
  let offset = -1;
  for (let i = 0; i <= nth; i++) {
    offset = expression.indexOf(`$${name}(`, offset + 1);
    if (offset < 0) throw new Error(`no call ${nth + 1} of $${name} in the expression`);
  }
  return { ...offsetToLineColumn(expression, offset), token: name };
}

type Site = ReturnType<typeof callSite>;

/** `$error(message)` raised at a call site. */
export function raise(site: Site, message: string): never {
  throw new MappingFailure({ code: 'evaluate.error', message, jsonataCode: 'D3137', ...site });
}

const DECIMAL = /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/;
// JSONata's own pattern, unanchored alternatives and all ("10o7" → NaN)
const RADIX = /^(0[xX][0-9A-Fa-f]+)|(0[oO][0-7]+)|(0[bB][0-1]+)$/;

/** JSONata's `$number` of a string; what it cannot cast fails the record as the engine does (D3030, at `site`). */
export function numberAt(site: Site, value: string): number {
  if (DECIMAL.test(value)) {
    const parsed = parseFloat(value);
    if (Number.isFinite(parsed)) return parsed;
  } else if (RADIX.test(value)) return Number(value);
  throw new MappingFailure({
    code: 'evaluate.error',
    message: `Unable to cast value to a number: ${JSON.stringify(value)}`,
    jsonataCode: 'D3030',
    ...site,
  });
}

/** A standard library function's thrown `{ code, message }` at its call site, as the engine reports it. */
export function stdlibAt<T>(site: Site, call: () => T): T {
  try {
    return call();
  } catch (err) {
    const { code, message } = err as { code: string; message: string };
    throw new MappingFailure({ code, message, ...site });
  }
}
