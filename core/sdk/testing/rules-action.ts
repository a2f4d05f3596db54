import { formatAjvErrors, createSchemaAjv, toJsonSchema } from '../../registry/validate';
import { WriteOutcome } from '../contracts';
import { isHubError } from '../errors';
import { actionBatchSize, type ActionDefinition, type ConnectorDefinition } from '../define';
import {
  clip,
  compile,
  connectionFor,
  fail,
  noHook,
  pass,
  skip,
  text,
  type ConformanceOptions,
  type ConformanceRule,
  type Verdict,
} from './options';
import { replaceSessionRule } from './rules-replace';

/** Rules on each action: batches, outcomes, documented rejections, idempotency, rate limits. */

const outcomeValidator = createSchemaAjv({}).compile(toJsonSchema(WriteOutcome));
type Action<S> = ActionDefinition<S, object>;

function describeOutcome(outcome: WriteOutcome | undefined): string {
  return outcome === undefined ? 'no outcome' : clip(JSON.stringify(outcome), 200);
}

/** `n` distinct valid records: the batchRecord hook, or the first sample record when one is enough. */
function goodRecords<S>(action: Action<S>, options: ConformanceOptions<S>, n: number): object[] | undefined {
  const make = options.batchRecord?.[action.name];
  if (make) return Array.from({ length: n }, (_, i) => make(i));
  const sample = options.sampleRecords?.[action.name]?.[0];
  return n === 1 && sample !== undefined ? [sample] : undefined;
}

function maxBatchRule<S>(definition: ConnectorDefinition<S>, action: Action<S>, options: ConformanceOptions<S>) {
  const max = actionBatchSize(definition, action.name) ?? 1;
  const records = goodRecords(action, options, max);
  return {
    id: 'action.max-batch-accepted',
    subject: action.name,
    title: `a batch of the declared maximum (${max}) is accepted`,
    skip: records === undefined ? noHook(`batchRecord.${action.name}`) : undefined,
    run: async (): Promise<Verdict> => {
      const expected = `${max} records written without a failed outcome`;
      try {
        const outcomes = await action.write({ connection: await connectionFor(options.settings), records: records! });
        // an unconfirmed write (SDK 1.2) is not an accepted one either
        const failed = outcomes.findIndex((o) => o.status === 'failed' || o.status === 'unconfirmed');
        return failed < 0 ? pass : fail(expected, `outcome ${failed}: ${describeOutcome(outcomes[failed])}`);
      } catch (error) {
        return fail(expected, `threw ${text(error)}`);
      }
    },
  } satisfies ConformanceRule;
}

function oneOutcomeRule<S>(definition: ConnectorDefinition<S>, action: Action<S>, options: ConformanceOptions<S>) {
  const records = options.sampleRecords?.[action.name] ?? [];
  return {
    id: 'action.one-outcome-per-record',
    subject: action.name,
    title: 'write returns exactly one valid WriteOutcome per input record',
    run: async (): Promise<Verdict> => {
      if (records.length === 0) return fail(`sampleRecords.${action.name}`, 'no sample records');
      const limit = actionBatchSize(definition, action.name);
      if (limit !== undefined && records.length > limit)
        return fail(`at most ${limit} sample records`, `${records.length}`);
      const validate = compile(action.recordSchema);
      for (const [i, record] of records.entries())
        if (!validate(record))
          return fail('sample records that match the record schema', `${i}: ${formatAjvErrors(validate.errors)}`);
      let outcomes: unknown;
      try {
        outcomes = await action.write({ connection: await connectionFor(options.settings), records });
      } catch (error) {
        return fail(`${records.length} outcomes`, `threw ${text(error)}`);
      }
      if (!Array.isArray(outcomes)) return fail(`${records.length} outcomes`, 'not an array');
      if (outcomes.length !== records.length) return fail(`${records.length} outcomes`, `${outcomes.length}`);
      const bad = outcomes.findIndex((o: unknown) => !outcomeValidator(o));
      return bad < 0 ? pass : fail('valid WriteOutcomes', `outcome ${bad}: ${clip(JSON.stringify(outcomes[bad]))}`);
    },
  } satisfies ConformanceRule;
}

function rejectionRule<S>(definition: ConnectorDefinition<S>, action: Action<S>, options: ConformanceOptions<S>) {
  const rejected = options.rejectedRecord?.[action.name];
  const max = actionBatchSize(definition, action.name) ?? 1;
  const others = options.batchRecord?.[action.name] ? Math.min(2, max - 1) : Math.min(1, max - 1);
  const good = goodRecords(action, options, others) ?? [];
  return {
    id: 'action.documented-rejection',
    subject: action.name,
    title: 'a documented per-record rejection is failed/permanent with its reason, the rest succeed',
    skip: rejected === undefined ? noHook(`rejectedRecord.${action.name}`) : undefined,
    run: async (): Promise<Verdict> => {
      const at = Math.min(1, good.length);
      const records = [...good.slice(0, at), rejected!.record, ...good.slice(at)];
      let outcomes: WriteOutcome[];
      try {
        outcomes = await action.write({ connection: await connectionFor(options.settings), records });
      } catch (error) {
        return fail('per-record outcomes', `threw ${text(error)}`);
      }
      const outcome = outcomes[at];
      const expected = `outcome ${at}: failed/permanent with a reason containing "${rejected!.reason}"`;
      if (
        outcome?.status !== 'failed' ||
        outcome.failure !== 'permanent' ||
        !outcome.reason.toLowerCase().includes(rejected!.reason.toLowerCase())
      )
        return fail(expected, describeOutcome(outcome));
      const wrong = records.findIndex(
        (_, i) => i !== at && outcomes[i]?.status !== 'ok' && outcomes[i]?.status !== 'skipped',
      );
      return wrong < 0
        ? pass
        : fail(`the other records succeed`, `outcome ${wrong}: ${describeOutcome(outcomes[wrong])}`);
    },
  } satisfies ConformanceRule;
}

function idempotentRule<S>(definition: ConnectorDefinition<S>, action: Action<S>, options: ConformanceOptions<S>) {
  const max = actionBatchSize(definition, action.name) ?? 1;
  const records = goodRecords(action, options, options.batchRecord?.[action.name] ? Math.min(3, max) : 1);
  const { countAtTarget } = options;
  const reason =
    action.mode === 'delete' || action.mode === 'erase'
      ? `not applicable (${action.mode} action)`
      : countAtTarget === undefined
        ? noHook('countAtTarget')
        : records === undefined
          ? noHook(`batchRecord.${action.name} or sampleRecords.${action.name}`)
          : undefined;
  return {
    id: 'action.idempotent',
    subject: action.name,
    title: 'the same batch sent twice leaves one copy of each record at the sandbox',
    skip: reason,
    run: async (): Promise<Verdict> => {
      const connection = await connectionFor(options.settings);
      try {
        await action.write({ connection, records: records! });
        await action.write({ connection, records: records! });
      } catch (error) {
        return fail('both writes succeed', `threw ${text(error)}`);
      }
      const counts = await Promise.all(records!.map((r) => countAtTarget!(action.name, r)));
      const wrong = counts.findIndex((c) => c !== 1);
      return wrong < 0 ? pass : fail('1 copy of each record', `record ${wrong}: ${counts[wrong]} copies`);
    },
  } satisfies ConformanceRule;
}

function rateLimitRule<S>(action: Action<S>, options: ConformanceOptions<S>) {
  const records = goodRecords(action, options, 1);
  const { rateLimit } = options;
  return {
    id: 'action.rate-limited',
    subject: action.name,
    title: 'a 429 with a wait becomes RateLimitedError with that wait',
    skip:
      rateLimit === undefined
        ? noHook('rateLimit')
        : records === undefined
          ? noHook(`sampleRecords.${action.name}`)
          : undefined,
    run: async (): Promise<Verdict> => {
      try {
        const limited = await rateLimit!(action.name);
        if (limited === undefined) return skip(`not applicable (the sandbox cannot rate-limit ${action.name})`);
        // the vendor's wait often comes in whole seconds (Retry-After, a reset epoch) and time passes between the
        // 429 and the check: allow 1.5 s or 5 % either way
        const tolerance = Math.max(1_500, limited.waitMs * 0.05);
        const near = (ms: number | undefined) => ms !== undefined && Math.abs(ms - limited.waitMs) <= tolerance;
        const expected = `RateLimitedError with retryAfterMs ≈ ${limited.waitMs}`;
        const connection = await connectionFor(options.settings, limited.settings);
        try {
          const outcomes = await action.write({ connection, records: records! });
          // a batch action may report the 429 per record: failed/retryable with the wait is equivalent
          const ok =
            outcomes.length > 0 &&
            outcomes.every((o) => o.status === 'failed' && o.failure === 'retryable' && near(o.retryAfterMs));
          return ok ? pass : fail(expected, `outcomes ${clip(JSON.stringify(outcomes), 200)}`);
        } catch (error) {
          const info = isHubError(error) ? error.toInfo() : undefined;
          if (info?.kind === 'rate_limited' && near(info.retryAfterMs)) return pass;
          return fail(
            expected,
            `threw ${text(error)}${info?.retryAfterMs === undefined ? '' : ` (retryAfterMs ${info.retryAfterMs})`}`,
          );
        }
      } finally {
        await options.restore?.();
      }
    },
  } satisfies ConformanceRule;
}

export function actionRules<S>(definition: ConnectorDefinition<S>, options: ConformanceOptions<S>): ConformanceRule[] {
  return definition.actions.flatMap((action) => [
    maxBatchRule(definition, action, options),
    oneOutcomeRule(definition, action, options),
    rejectionRule(definition, action, options),
    idempotentRule(definition, action, options),
    rateLimitRule(action, options),
    // only for actions declared `replace`: a skip row on every other action would say nothing
    ...(action.replace === true ? [replaceSessionRule(definition, action, options)] : []),
  ]);
}
