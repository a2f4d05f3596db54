import type { Code } from './compile';
import { append, createSequence, flatten, isFunction, recurseDescendants } from './runtime';

/** The wildcard (`*`) and descendant (`**`) steps, as the interpreter evaluates them. */

export function compileWildcard(): Code {
  return (input, _f, s) => {
    let results: unknown = createSequence();
    let item = input;
    if (Array.isArray(item) && (item as { outerWrapper?: boolean }).outerWrapper && item.length > 0) item = item[0];
    if (item !== null && typeof item === 'object' && !isFunction(item)) {
      for (const key of Object.keys(item)) {
        const value = (item as Record<string, unknown>)[key];
        if (Array.isArray(value)) results = append(results, flatten(value), s);
        else (results as unknown[]).push(value);
      }
    }
    return results;
  };
}

export function compileDescendants(): Code {
  return (input) => {
    if (input === undefined) return undefined;
    const results = createSequence();
    recurseDescendants(input, results);
    return results.length === 1 ? results[0] : results;
  };
}
