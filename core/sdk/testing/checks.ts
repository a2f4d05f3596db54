import type { ConnectorDefinition } from '../define';
import type { ConformanceOptions, ConformanceRule } from './options';
import { actionRules } from './rules-action';
import { checkRules, definitionRules } from './rules-definition';
import { streamRules } from './rules-stream';
import { webhookRules } from './rules-webhook';

/**
 * The run-time half of the conformance kit: every named rule for a (statically valid) definition, in the order
 * `hub plugins check` prints them. Each rule answers pass, fail (expected / seen) or skip (why it does not apply).
 */

/** A check as the kit's first version exposed it: a name and the problems it saw (empty: passed). */
export interface ConformanceCheck {
  name: string;
  run(): Promise<string[]>;
}

export function conformanceRules<S>(
  definition: ConnectorDefinition<S>,
  options: ConformanceOptions<S>,
): ConformanceRule[] {
  return [
    ...definitionRules(definition),
    ...checkRules(definition, options),
    ...streamRules(definition, options),
    ...actionRules(definition, options),
    ...webhookRules(definition, options),
  ];
}

export type { ConformanceOptions, ConformanceRule, RuleResult, RuleStatus } from './options';
