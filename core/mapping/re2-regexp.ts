import { RE2JS } from 're2js';
import { linearNativeTwin } from './linear-regex';

/**
 * A RegExp-compatible class backed by re2js (linear-time matching, no catastrophic backtracking), handed to JSONata as
 * its `RegexEngine`. JSONata only does `new RegexEngine(regexLiteral)`, sets `lastIndex`, calls `exec(str)` and reads
 * `lastIndex`, `match[0]`, `match.index` and the groups; that is what this class implements (plus `test`).
 *
 * RE2 syntax differs from JavaScript's in a few places: no backreferences (\1) and no lookaround; `\s`, `\w`, `\d`
 * are ASCII-only. Such patterns fail when the mapping is compiled (see assertRegexSupported).
 */

/** A pattern's RE2 program, and its native twin where JavaScript's engine is as safe and agrees (linear-regex.ts). */
interface Compiled {
  re: RE2JS;
  native: RegExp | undefined;
}

const compiled = new Map<string, Compiled>();
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
  return compilePattern(source, flags).re;
}

function compilePattern(source: string, flags: string): Compiled {
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
  const entry = { re, native: linearNativeTwin(source, flags) };
  if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, entry);
  return entry;
}

export class Re2RegExp {
  lastIndex = 0;
  readonly source: string;
  readonly flags: string;
  readonly global: boolean;
  private readonly pattern: Compiled;

  constructor(pattern: string | RegExp | Re2RegExp, flags?: string) {
    this.source = typeof pattern === 'string' ? pattern : pattern.source;
    this.flags = flags ?? (typeof pattern === 'string' ? '' : pattern.flags);
    this.global = this.flags.includes('g') || this.flags.includes('y');
    // another instance's compiled program (same source and flags): no cache key built per evaluation of a regex literal
    this.pattern =
      pattern instanceof Re2RegExp && flags === undefined ? pattern.pattern : compilePattern(this.source, this.flags);
  }

  exec(input: string): RegExpExecArray | null {
    const text = String(input);
    const start = this.global ? this.lastIndex : 0;
    if (start > text.length) {
      this.lastIndex = 0;
      return null;
    }
    const native = this.pattern.native;
    if (native) {
      // one shared global RegExp per pattern: its lastIndex is set here and read back before anything else runs
      native.lastIndex = start;
      const match = native.exec(text);
      if (match === null) {
        if (this.global) this.lastIndex = 0;
        return null;
      }
      if (this.global) this.lastIndex = native.lastIndex;
      return match;
    }
    const matcher = this.pattern.re.matcher(text);
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
