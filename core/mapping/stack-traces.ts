/**
 * Runs synchronous `fn` with no stack trace captured for the errors constructed meanwhile, the limit restored after.
 * For code whose errors are caught and read for their code and message only (JSONata's, libphonenumber-js's own
 * ParseError): constructing an Error's stack is most of what such a failure costs. Synchronous only: an await inside
 * would let unrelated work run without stack traces.
 */
export function withoutStackTraces<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
