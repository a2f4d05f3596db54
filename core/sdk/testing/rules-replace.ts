import type { ActionDefinition, ConnectorDefinition, WriteSession } from '../define';
import {
  connectionFor,
  fail,
  noHook,
  pass,
  text,
  type ConformanceOptions,
  type ConformanceRule,
  type Verdict,
} from './options';

/**
 * The rule on actions declared `replace` (SDK 1.3): the runner spreads one replace of the target's whole set over
 * the batches of a run (`WriteArgs.session`), and the vendor must apply it only when the session's last batch
 * arrives — a session that never completes (a crash, a refused batch) leaves the set as it was. Without this rule
 * the kit only called a replace action without a session (one write = one whole set) and never the way a run calls it.
 */

type Action<S> = ActionDefinition<S, object>;

/** Indices of the rule's own records, far from the ones the other rules make with `batchRecord`. */
const BASE = 970_000;

export function replaceSessionRule<S>(
  definition: ConnectorDefinition<S>,
  action: Action<S>,
  options: ConformanceOptions<S>,
): ConformanceRule {
  const make = options.batchRecord?.[action.name];
  const { countAtTarget } = options;
  return {
    id: 'action.replace-session',
    subject: action.name,
    title: "a run's replace session is applied only by its last batch, and replaces the whole set",
    skip:
      action.replace !== true
        ? 'not applicable (not a replace action)'
        : make === undefined
          ? noHook(`batchRecord.${action.name}`)
          : countAtTarget === undefined
            ? noHook('countAtTarget')
            : undefined,
    run: async (): Promise<Verdict> => {
      const [r0, r1, r2, r3] = [0, 1, 2, 3].map((i) => make!(BASE + i)) as [object, object, object, object];
      const connection = await connectionFor(options.settings);
      const send = async (session: WriteSession, records: object[]) => {
        const outcomes = await action.write({ connection, records, session });
        const bad = outcomes.findIndex((o) => o.status !== 'ok' && o.status !== 'skipped');
        if (bad >= 0) throw new Error(`batch ${session.seq} record ${bad}: ${JSON.stringify(outcomes[bad])}`);
      };
      const counts = async (records: object[]) =>
        Promise.all(records.map((r) => countAtTarget!(action.name, r))).then((c) => c.join(','));
      const first = `conformance-${definition.id}-1`;
      const second = `conformance-${definition.id}-2`;
      try {
        await send({ id: first, seq: 1, last: false }, [r0, r1]);
        await send({ id: first, seq: 2, last: true, total: 3 }, [r2]);
        const afterFirst = await counts([r0, r1, r2]);
        if (afterFirst !== '1,1,1')
          return fail('after a complete session of 2 batches: each of its 3 records once (1,1,1)', afterFirst);
        await send({ id: second, seq: 1, last: false }, [r3]);
        const midway = await counts([r0, r1, r2, r3]);
        if (midway !== '1,1,1,0')
          return fail('while a second session is incomplete: the set unchanged (1,1,1,0)', midway);
        await send({ id: second, seq: 2, last: true, total: 2 }, [r2]);
        const afterSecond = await counts([r0, r1, r2, r3]);
        if (afterSecond !== '0,0,1,1')
          return fail("after the second session: only its records (0,0,1,1), the first's others gone", afterSecond);
        return pass;
      } catch (error) {
        return fail('every batch of both sessions accepted', text(error));
      }
    },
  };
}
