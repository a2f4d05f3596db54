import { ConfigError } from '../sdk/errors';

/** One thing wrong with a flow definition or a template: the field (dot path) and what to do about it. */
export interface FlowProblem {
  field: string;
  message: string;
}

/**
 * A flow definition (or a template's use) that cannot be saved. The message lists every problem as
 * "field: what is wrong and the fix"; `field` is the first problem's field.
 */
export class FlowValidationError extends ConfigError {
  readonly problems: FlowProblem[];

  constructor(subject: string, problems: FlowProblem[]) {
    const list = problems.map((p) => `${p.field}: ${p.message}`).join('; ');
    super(`${subject} is not valid: ${list}`, { field: problems[0]?.field });
    this.problems = problems;
  }
}

/** Throws FlowValidationError when there are problems. */
export function assertNoProblems(subject: string, problems: FlowProblem[]): void {
  if (problems.length > 0) throw new FlowValidationError(subject, problems);
}
