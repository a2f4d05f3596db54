import { RE2JS } from 're2js';

/**
 * A RegExp-compatible class backed by re2js (linear-time matching, no catastrophic backtracking), handed to JSONata as
 * its `RegexEngine`. JSONata only does `new RegexEngine(regexLiteral)`, sets `lastIndex`, calls `exec(str)` and reads
 * `lastIndex`, `match[0]`, `match.index` and the groups; that is what this class implements (plus `test`).
 *
 * RE2 syntax differs from JavaScript's in a few places: no backreferences (\1) and no lookaround; `\s`, `\w`, `\d`
 * are ASCII-only. Such patterns fail when the mapping is compiled (see assertRegexSupported).
 */

const compiled = new Map<string, RE2JS>();
const MAX_CACHED = 1000;

function re2Flags(flags: string): number {
  let result = 0;
  for (const flag of flags) {
    if (flag === 'i') result |= RE2JS.CASE_INSENSITIVE;
    else if (flag === 'm') result |= RE2JS.MULTILINE;
    else if (flag === 's') result |= RE2JS.DOTALL;
    else if (flag !== 'g' && flag !== 'y' && flag !== 'u') {
      throw regexError(`unsupported regular expression flag "${flag}"`);
    }
  }
  return result;
}

function regexError(message: string): { code: string; message: string } {
  return { code: 'regex.unsupported', message };
}

/** Compiles (and caches) a pattern with RE2; throws `{ code: 'regex.unsupported' }` for syntax RE2 does not accept. */
export function compileRe2(source: string, flags: string): RE2JS {
  const key = `${flags}/${source}`;
  const cached = compiled.get(key);
  if (cached) return cached;
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(source), re2Flags(flags));
  } catch (err) {
    if (typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'regex.unsupported') throw err;
    const detail = err instanceof Error ? err.message : String(err);
    throw regexError(`regular expression /${source}/ is not supported by the linear-time engine (RE2): ${detail}`);
  }
  if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, re);
  return re;
}

export class Re2RegExp {
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly global: boolean;
  private readonly re: RE2JS;

  constructor(pattern: string | RegExp | Re2RegExp, flags?: string) {
    this.source = typeof pattern === 'string' ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
    this.global = this.flags.includes('g') || this.flags.includes('y');
    // another instance's compiled program (same source and flags): no cache key built per evaluation of a regex literal
    this.re = pattern instanceof Re2RegExp && flags === undefined ? pattern.re : compileRe2(this.source, this.flags);
  }

  exec(input: string): RegExpExecArray | null {
    const text = String(input);
    const start = this.global ? this.lastIndex : 0;
    if (start > text.length) {
      this.lastIndex = 0;
      return null;
    }
    const matcher = this.re.matcher(text);
    if (!matcher.find(start)) {
      if (this.global) this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
    const result = Object.assign(groups, { index: matcher.start(), input: text, groups: undefined });
    if (this.global) this.lastIndex = matcher.end();
    return result as unknown as RegExpExecArray;
  }

  test(input: string): boolean {
    return this.exec(input) !== null;
  }

  toString(): string {
    return `/${this.source}/${this.flags}`;
  }
}
