/**
 * JavaScript's own RegExp for the patterns where it is provably as safe as RE2 and gives the same matches: mappings'
 * regexes are mostly shapes such as `/^[0-9]+$/` (an SKU that is a product id), which re2js matches ~10× slower
 * than V8's engine (a CPU profile of hubspot-deal-to-odoo-order: 11 % of the compiled mapping's time in re2js for
 * one `$contains` per order line). RE2 stays the engine for everything else (re2-regexp.ts); this only picks,
 * per pattern, the engine that answers — never a different answer.
 *
 * The subset, checked on the pattern's text (anything else has no native twin):
 * - flags: none, or `g` (no `i`: V8's case folding without `u` differs from RE2's, e.g. `ſ`/`s`, `K`/`K`; no `m`);
 * - atoms: printable ASCII literals, escaped punctuation, `\d` and `\w` (ASCII in both engines — not `\s`, whose
 *   JavaScript meaning includes Unicode spaces, not `.`, which differs on `\r` and U+2028/2029), and positive
 *   character classes of printable ASCII literals and ranges (no negation: a negated class would match half of a
 *   surrogate pair in V8 and a whole code point in RE2);
 * - no groups, no alternation, no backreferences or lookaround; `^` only first, `$` only last;
 * - at most one quantifier other than an exact `{n}`, and if it is unbounded (`*`, `+`, `{n,}`) the pattern starts
 *   with `^`.
 *
 * Why that is linear-time in a backtracking engine: without groups or alternation, the only backtracking is the
 * one quantifier trying its counts; with at most one of them, an attempt at one start position is O(n) (each count
 * followed by a fixed-length remainder). With an unbounded quantifier the `^` makes every start position but the
 * first fail at once; with only a bounded one, an attempt is bounded by the pattern's own length. Every match then
 * consists of ASCII characters, at the same UTF-16 index in both engines (re2-regexp.ts reports UTF-16 indices).
 * test/core/mapping/linear-regex.test.ts compares both engines on generated patterns and strings.
 */

const META = new Set([...'.^$*+?()[]{}|\\/']);
/** escaped characters that mean themselves in both engines */
const ESCAPABLE = new Set([...'.^$*+?()[]{}|\\/-']);

const printable = (code: number) => code >= 32 && code <= 126;

/** The length of the character class starting at `i` (`[`), or -1 when it is outside the subset. */
function classLength(source: string, i: number): number {
  let j = i + 1;
  if (source[j] === '^' || source[j] === ']') return -1;
  const start = j;
  while (j < source.length && source[j] !== ']') {
    const code = source.charCodeAt(j);
    if (!printable(code) || source[j] === '\\' || source[j] === '[') return -1;
    j++;
  }
  if (j >= source.length || j === start) return -1;
  return j - i + 1;
}

/** The length of the quantifier at `i` and whether it is unbounded; length 0: none; undefined: outside the subset. */
function quantifier(
  source: string,
  i: number,
): { length: number; kind: 'exact' | 'bounded' | 'unbounded' } | undefined {
  const c = source[i];
  let result: { length: number; kind: 'exact' | 'bounded' | 'unbounded' };
  if (c === '*' || c === '+') result = { length: 1, kind: 'unbounded' };
  else if (c === '?') result = { length: 1, kind: 'bounded' };
  else if (c === '{') {
    const match = /^\{(\d{1,4})(,(\d{0,4}))?\}/.exec(source.slice(i));
    if (!match) return undefined;
    const min = Number(match[1]);
    if (match[2] === undefined) result = { length: match[0].length, kind: 'exact' };
    else if (match[3] === '') result = { length: match[0].length, kind: 'unbounded' };
    else if (Number(match[3]) < min) return undefined;
    else result = { length: match[0].length, kind: 'bounded' };
  } else return { length: 0, kind: 'exact' };
  // lazy or possessive forms are left to RE2
  const next = source[i + result.length];
  if (next === '?' || next === '+' || next === '*' || next === '{') return undefined;
  return result;
}

/** The native twin of a pattern in the subset above (always global, for lastIndex), or undefined. */
export function linearNativeTwin(source: string, flags: string): RegExp | undefined {
  if (flags !== '' && flags !== 'g') return undefined;
  let i = 0;
  const anchored = source[0] === '^';
  if (anchored) i = 1;
  let atoms = 0;
  let quantified = 0;
  let unbounded = false;
  while (i < source.length) {
    const c = source[i];
    if (c === '$' && i === source.length - 1) break;
    if (c === '[') {
      const length = classLength(source, i);
      if (length < 0) return undefined;
      i += length;
    } else if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined || !(next === 'd' || next === 'w' || ESCAPABLE.has(next))) return undefined;
      i += 2;
    } else if (printable(source.charCodeAt(i)) && !META.has(c)) {
      i += 1;
    } else return undefined;
    atoms++;
    const q = quantifier(source, i);
    if (!q) return undefined;
    if (q.kind !== 'exact') {
      quantified++;
      if (q.kind === 'unbounded') unbounded = true;
    }
    i += q.length;
  }
  if (atoms === 0 || quantified > 1 || (unbounded && !anchored)) return undefined;
  return new RegExp(source, 'g');
}
