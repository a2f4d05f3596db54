import { isHubError } from '../errors';
import { actionBatchSize, type ConnectorDefinition } from '../define';
import {
  clip,
  compile,
  connectionFor,
  fail,
  noHook,
  pass,
  text,
  type ConformanceOptions,
  type ConformanceRule,
  type Verdict,
} from './options';

/** Rules on the definition itself and on `check()`. */

type SchemaObject = { type?: unknown; properties?: Record<string, Record<string, unknown>> };

/** Property names that hold credentials by every vendor's naming; a public key is not a secret. */
const SECRET_NAME = /(api.?key|token|secret|password|private.?key)$/i;
/** Statuses that can never succeed on retry: retrying them only burns the budget. */
const NEVER_RETRY = [400, 401, 403, 404, 422];

function properties(schema: unknown): Record<string, Record<string, unknown>> {
  const props = (schema as SchemaObject | null)?.properties;
  return typeof props === 'object' && props !== null ? props : {};
}

function settingsSchemaRule<S>(definition: ConnectorDefinition<S>): ConformanceRule {
  return {
    id: 'definition.settings-schema',
    title: 'the settings schema compiles and describes an object',
    run: async () => {
      try {
        compile(definition.settingsSchema);
      } catch (error) {
        return fail('a settings schema that compiles', text(error));
      }
      const type = (definition.settingsSchema as SchemaObject).type;
      return type === 'object' ? pass : fail('settings schema of type "object"', `type ${JSON.stringify(type)}`);
    },
  };
}

function secretsRule<S>(definition: ConnectorDefinition<S>): ConformanceRule {
  return {
    id: 'definition.secrets-marked',
    title: 'credential fields of the settings are marked Secret()',
    run: async () => {
      const unmarked = Object.entries(properties(definition.settingsSchema))
        .filter(([name, prop]) => SECRET_NAME.test(name) && !/public/i.test(name) && prop['x-secret'] !== true)
        .map(([name]) => name);
      return unmarked.length === 0
        ? pass
        : fail('every key/token/secret/password field marked Secret()', `unmarked: ${unmarked.join(', ')}`);
    },
  };
}

function policyRule<S>(definition: ConnectorDefinition<S>): ConformanceRule {
  return {
    id: 'definition.api-policy',
    title: 'the API policy has a budget, a max batch per action and sane retryable statuses',
    run: async () => {
      const { policy } = definition;
      const problems: string[] = [];
      if (!(policy.rateBudget?.requests >= 1 && policy.rateBudget.intervalMs >= 1)) problems.push('no rate budget');
      const actions = new Set(definition.actions.map((a) => a.name));
      for (const name of actions)
        if (!((actionBatchSize(definition, name) ?? 0) >= 1)) problems.push(`no maxBatchSize on action ${name}`);
      for (const name of Object.keys(policy.maxBatchSize ?? {}))
        if (!actions.has(name)) problems.push(`maxBatchSize.${name} names no action`);
      const wrong = (policy.retryStatuses ?? []).filter((s) => NEVER_RETRY.includes(s));
      if (wrong.length > 0) problems.push(`retryStatuses retries ${wrong.join(', ')}, which never succeed on retry`);
      return problems.length === 0 ? pass : fail('a complete API policy', problems.join('; '));
    },
  };
}

function recordSchemasRule<S>(definition: ConnectorDefinition<S>): ConformanceRule {
  return {
    id: 'definition.record-schemas',
    title: 'every stream and action has an object record schema that compiles',
    run: async () => {
      const problems: string[] = [];
      for (const [kind, item] of [
        ...definition.streams.map((s) => ['stream', s] as const),
        ...definition.actions.map((a) => ['action', a] as const),
      ]) {
        try {
          compile(item.recordSchema);
          if (Object.keys(properties(item.recordSchema)).length === 0 && !('allOf' in item.recordSchema))
            problems.push(`${kind} ${item.name}: record schema lists no properties`);
        } catch (error) {
          problems.push(`${kind} ${item.name}: ${text(error)}`);
        }
      }
      return problems.length === 0 ? pass : fail('record schemas with properties', problems.join('; '));
    },
  };
}

function goodCheckRule<S>(definition: ConnectorDefinition<S>, options: ConformanceOptions<S>): ConformanceRule {
  return {
    id: 'check.accepts-good-credentials',
    title: 'check() answers { ok: true, message } for the sandbox settings',
    run: async () => {
      try {
        const result: unknown = await definition.check(await connectionFor(options.settings));
        const r = result as { ok?: unknown; message?: unknown } | null;
        if (typeof r !== 'object' || r === null || typeof r.ok !== 'boolean' || typeof r.message !== 'string')
          return fail('{ ok: boolean, message: string }', clip(JSON.stringify(result) ?? 'undefined'));
        return r.ok ? pass : fail('ok: true', `ok: false, "${r.message}"`);
      } catch (error) {
        return fail('ok: true', `threw ${text(error)}`);
      }
    },
  };
}

interface BadCheck {
  verdict: Verdict;
  message: string;
}

async function checkWithBadSettings<S>(definition: ConnectorDefinition<S>, bad: S): Promise<BadCheck> {
  const expected = 'ok: false or an AuthError';
  try {
    const result = await definition.check(await connectionFor(undefined, bad));
    const message = String(result?.message);
    return { verdict: result?.ok === false ? pass : fail(expected, `ok: ${String(result?.ok)}`), message };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const auth = isHubError(error) && error.kind === 'auth';
    return { verdict: auth ? pass : fail(expected, `threw ${text(error)}`), message };
  }
}

function badCheckRule<S>(definition: ConnectorDefinition<S>, options: ConformanceOptions<S>): ConformanceRule {
  const { badSettings } = options;
  return {
    id: 'check.rejects-bad-credentials',
    title: 'check() rejects wrong credentials (ok: false or AuthError)',
    skip: badSettings ? undefined : noHook('badSettings'),
    run: async () => (await checkWithBadSettings(definition, await badSettings!())).verdict,
  };
}

/** The secret values of a settings object: its x-secret fields plus the ones the author named. */
function secretValues<S>(definition: ConnectorDefinition<S>, settings: S, extra: string[]): Map<string, string> {
  const found = new Map<string, string>();
  const values = settings as Record<string, unknown>;
  for (const [name, prop] of Object.entries(properties(definition.settingsSchema))) {
    const value = values[name];
    if (prop['x-secret'] === true && typeof value === 'string' && value.length >= 4) found.set(value, name);
  }
  extra.forEach((value, i) => value.length >= 4 && found.set(value, `secrets[${i}]`));
  return found;
}

async function messagesUnderBadSettings<S>(
  definition: ConnectorDefinition<S>,
  options: ConformanceOptions<S>,
  bad: S,
): Promise<Array<[string, string]>> {
  const messages: Array<[string, string]> = [['check()', (await checkWithBadSettings(definition, bad)).message]];
  const errorMessage = (error: unknown) => (error instanceof Error ? error.message : String(error));
  for (const stream of definition.streams) {
    try {
      const connection = await connectionFor(undefined, bad);
      for await (const page of stream.read({ connection, checkpoint: null })) {
        void page;
        break;
      }
    } catch (error) {
      messages.push([`stream ${stream.name}`, errorMessage(error)]);
    }
  }
  for (const action of definition.actions) {
    const record = options.sampleRecords?.[action.name]?.[0];
    if (record === undefined) continue;
    try {
      const outcomes = await action.write({ connection: await connectionFor(undefined, bad), records: [record] });
      for (const o of outcomes) if ('reason' in o && o.reason) messages.push([`action ${action.name}`, o.reason]);
    } catch (error) {
      messages.push([`action ${action.name}`, errorMessage(error)]);
    }
  }
  return messages;
}

function secretRule<S>(definition: ConnectorDefinition<S>, options: ConformanceOptions<S>): ConformanceRule {
  const { badSettings } = options;
  return {
    id: 'check.secret-not-in-message',
    title: 'no message given under wrong credentials contains a secret',
    skip: badSettings ? undefined : noHook('badSettings'),
    run: async () => {
      const bad = await badSettings!();
      const secrets = secretValues(definition, bad, options.secrets ?? []);
      const leaks: string[] = [];
      for (const [where, message] of await messagesUnderBadSettings(definition, options, bad)) {
        for (const [value, name] of secrets) if (message.includes(value)) leaks.push(`${where} quotes ${name}`);
      }
      // never print the secret itself: name the field it came from
      return leaks.length === 0 ? pass : fail('no secret value in any message', leaks.join('; '));
    },
  };
}

/** Words that say an action is a permanent erasure (GDPR), not an ordinary delete. */
const ERASE_WORDS = /\b(gdpr|eras(e|es|ed|ing|ure)|purg(e|es|ed|ing)|permanent(ly)?|irreversibl[ey])\b/i;

/**
 * An action that erases (its name or description says GDPR, erase, purge or permanent) must be declared with mode
 * `erase`: mirror mode deletes with an action of mode `delete`, and a purge declared as `delete` would let a mirror
 * flow permanently erase people. An `erase` action, in turn, must say what it is.
 */
function eraseDeclaredRule<S>(definition: ConnectorDefinition<S>): ConformanceRule {
  return {
    id: 'definition.erase-declared',
    title: 'actions that permanently erase (GDPR) are declared mode "erase", never "delete"',
    run: async () => {
      const problems: string[] = [];
      for (const action of definition.actions) {
        const words = [action.name.replace(/([a-z])([A-Z])/g, '$1 $2'), action.title, action.description]
          .filter((w): w is string => typeof w === 'string')
          .join(' ');
        const saysErase = ERASE_WORDS.test(words);
        if (saysErase && action.mode === 'delete')
          problems.push(`${action.name} says it erases permanently but is declared mode "delete"`);
        if (action.mode === 'erase' && !saysErase)
          problems.push(`${action.name} is mode "erase" but neither its name nor its description says so`);
      }
      return problems.length === 0
        ? pass
        : fail('permanent erasures declared mode "erase" (mirror mode uses "delete" only)', problems.join('; '));
    },
  };
}

export function definitionRules<S>(definition: ConnectorDefinition<S>): ConformanceRule[] {
  return [
    settingsSchemaRule(definition),
    secretsRule(definition),
    policyRule(definition),
    recordSchemasRule(definition),
    eraseDeclaredRule(definition),
  ];
}

export function checkRules<S>(definition: ConnectorDefinition<S>, options: ConformanceOptions<S>): ConformanceRule[] {
  return [goodCheckRule(definition, options), badCheckRule(definition, options), secretRule(definition, options)];
}
