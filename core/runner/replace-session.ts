import { randomUUID } from 'node:crypto';
import type { WriteSession } from '../sdk/define';
import type { AnyAction, FlowContext } from './context';
import type { RunnerCore, TxRepos } from './core';
import { RunStopError } from './errors';
import type { SourceRecord } from './hashing';
import { writeBatch, type PageOptions, type WritePlan } from './page-processor';
import { fencedWrite } from './review';
import { MAY_HAVE_APPLIED, writeRecords, type ItemResult } from './writer';

/**
 * One run of a flow whose target action replaces the whole set (`ActionDefinition.replace`: Meta's `usersreplace`
 * of an audience) is ONE replace session. The run reads its source from the beginning (read-start.ts) and every
 * record mapped for sending goes into the session; consent skips, mapping failures and erased identifiers stay out
 * (held or dead-lettered alone, as in any flow).
 *
 * Batches go one at a time with consecutive numbers. The session always holds back the records read last: a full
 * batch is sent only once a record after it is known, so the batch sent with `last` (the records held when the read
 * is complete) is the run's final one, and it goes only after every earlier batch of the session was accepted. A run
 * that cannot complete the session (a batch refused as a whole after its retries, an auth stop, a failed read, a
 * crash, a hand-back) never sends it: the vendor keeps the set it had, and the run says so. A new attempt of the
 * run gets a new session (its id is drawn per attempt) and starts from batch 1.
 *
 * A batch counts as accepted once the vendor answered one of its requests (the action's `write` returned); the
 * records the vendor refused inside an accepted batch (Meta's invalid rows) are dead-lettered alone, as in any flow,
 * and the session goes on. A run with nothing to send sends nothing: a replace with nothing would empty the set, and
 * an empty read is far more often a misconfiguration; the run lists a warning saying so. A run that read records but
 * may send none of them (all held back or failed) fails instead: the set still holds people the source no longer
 * lists for it, so it cannot report success.
 */

/** What every message of a run that did not complete its session says. */
export const LEFT_AS_IT_WAS = 'so the target kept the set it had before this run (the audience was left as it was)';
const NOT_COMPLETED = `${LEFT_AS_IT_WAS}: nothing this run sent took effect`;

/** The key of the run's warning when nothing was sent. */
export const NOTHING_TO_REPLACE_KEY = '(replace)';

export class ReplaceSession {
  /** Drawn per attempt of the run: a restarted attempt never continues an abandoned session. */
  readonly id = randomUUID();
  private held: WritePlan[] = [];
  private seq = 0;
  private sent = 0;
  private completed = false;
  /** Created and updated records of the batches accepted so far: counted in the run only once the session completed. */
  private readonly written = { created: 0, updated: 0 };
  /** Keys of the records of the batches accepted so far, when the flow has open dead letters: closed once completed. */
  private readonly delivered: string[] = [];
  private openLetters: boolean | Promise<boolean> | undefined;
  /** The stops this session already said it was abandoned in (a batch's stop reaches the run's read too). */
  private readonly stops = new WeakSet<RunStopError>();

  constructor(
    private readonly core: RunnerCore,
    private readonly ctx: FlowContext,
    private readonly options: PageOptions,
  ) {}

  /** Adds a unit's records to send; sends every full batch that is sure not to be the last (a record follows it). */
  async add(writes: readonly WritePlan[]): Promise<void> {
    for (const w of writes) this.held.push(w);
    const size = this.ctx.target.batchSize;
    while (this.held.length > size) {
      const batch = this.held.splice(0, size);
      await this.write(batch, false);
    }
  }

  /**
   * After a complete read: sends the records held as the session's last batch ('completed'), or, when the run read
   * nothing, sends nothing and records a warning in the run ('empty'); when it read records but none may be sent
   * (all held back or failed), sends nothing and fails the run.
   */
  async finish(): Promise<'completed' | 'empty'> {
    if (this.held.length === 0 && this.seq === 0) {
      // records were read, none may go (held back: no consent; failed): the set still holds people the source no
      // longer lets it hold, so the run cannot say it succeeded
      const read = (await this.core.repos.runs.get(this.options.runId))?.counts.read ?? 0;
      if (read > 0)
        throw new RunStopError({
          kind: 'permanent',
          message: `none of the ${read} source records read may be sent (each was held back, e.g. without marketing consent, or failed: see the run's records), and a replace with no records would empty the set, so nothing was sent, ${LEFT_AS_IT_WAS}: it still holds the members of the last replace, whom the source no longer lists for it. Empty the audience in Ads Manager if that is what the source says, or fix the source or the mapping and run the flow again`,
        });
      const reason = `nothing to send: no source record was mapped for sending, so no replace was sent, ${LEFT_AS_IT_WAS}. A replace with no records would empty it; if the source should have records, check the flow's source (its file, list or filter) and its mapping`;
      this.core.logger.warn({ flow: this.ctx.flow.name, runId: this.options.runId }, reason);
      await this.core.repos.runs.recordFailures(
        this.options.runId,
        [{ recordKey: NOTHING_TO_REPLACE_KEY, failureKind: 'warning', reason }],
        this.core.now(),
      );
      return 'empty';
    }
    const batch = this.held.splice(0);
    await this.write(batch, true);
    if (!this.completed)
      // its records were all held back for manual review (core/runner/review.ts)
      throw new RunStopError({
        kind: 'retryable',
        message: `the replace session's last batch was not sent (its records wait for manual review: \`hub runs review\`), ${NOT_COMPLETED}. Resolve the review items, then run the flow again`,
      });
    this.core.logger.info(
      { flow: this.ctx.flow.name, runId: this.options.runId, batches: this.seq, records: this.sent },
      'replace session completed: the target now holds the set this run sent',
    );
    return 'completed';
  }

  /** A run stop (a failed read) while the session is open, saying that the set was left as it was. */
  abandoned(error: RunStopError): RunStopError {
    if (this.stops.has(error)) return error;
    const stop = new RunStopError(
      { ...error.info, message: `${error.info.message}. The replace session was not completed, ${NOT_COMPLETED}` },
      error.connectionId,
    );
    this.stops.add(stop);
    return stop;
  }

  /**
   * Writes and records one batch, fenced by the run's lease like every batch of a run (core/runner/review.ts). Its
   * created and updated records count in the run, and their open dead letters close, only when the session completes
   * (an incomplete session changed nothing): the last batch does it for the earlier batches in its own transaction,
   * which is recorded only once the vendor accepted it.
   */
  private write(batch: WritePlan[], last: boolean): Promise<void> {
    const { core, ctx, options } = this;
    return fencedWrite(core, ctx, batch, async (todo) => {
      if (last) {
        const earlier = { ...this.written };
        const delivered = this.delivered;
        const tail = async (tx: TxRepos) => {
          await tx.runs.addCounts(options.runId, earlier);
          if (delivered.length > 0) await tx.deadLetters.closeDelivered(ctx.flow.id, delivered, core.now());
          // a tail returns the counts it added: writeBatch reports them to the metrics once committed
          return earlier;
        };
        await writeBatch(core, ctx, todo, options, tail, this.sender(last));
        return;
      }
      const send = this.sender(last);
      let results: ItemResult[] = [];
      const deferred = { ...options, deferWritten: true };
      const counts = await writeBatch(core, ctx, todo, deferred, undefined, async (records) => {
        results = await send(records);
        return results;
      });
      this.written.created += counts.created ?? 0;
      this.written.updated += counts.updated ?? 0;
      // the records' open dead letters close with the session (kept only when the flow has any open)
      this.openLetters ??=
        options.ledger.countsDeadLettered &&
        core.repos.deadLetters.count({ flowId: ctx.flow.id, status: 'pending' }).then((n) => n > 0);
      if (await this.openLetters)
        todo.forEach((p, i) => {
          if (results[i]?.status === 'ok' || results[i]?.status === 'skipped') this.delivered.push(p.item.key);
        });
    });
  }

  /** Sends one batch of the session (batch `seq + 1`), with the connection's retries; throws when it was refused. */
  private sender(last: boolean): (records: SourceRecord[]) => Promise<ItemResult[]> {
    return async (records) => {
      const seq = this.seq + 1;
      const session: WriteSession = {
        id: this.id,
        seq,
        last,
        ...(last ? { total: this.sent + records.length } : {}),
      };
      const action = this.ctx.target.action;
      let answered = false;
      // every request of the batch (retries included) carries the same session and number
      const inSession: AnyAction = {
        ...action,
        write: async (args) => {
          const outcomes = await action.write({ ...args, session });
          answered = true;
          return outcomes;
        },
      };
      let results: ItemResult[];
      try {
        results = await writeRecords(this.core, this.ctx.target, inSession, records, {
          maxAttempts: this.ctx.maxAttempts,
          ...(this.options.signal ? { signal: this.options.signal } : {}),
        });
      } catch (error) {
        if (error instanceof RunStopError) throw this.abandoned(error);
        throw error;
      }
      if (!answered) throw this.refused(seq, last, results);
      this.seq = seq;
      this.sent += records.length;
      if (last) this.completed = true;
      return results;
    };
  }

  private refused(seq: number, last: boolean, results: readonly ItemResult[]): RunStopError {
    const failed = results.find((r) => r.status === 'failed');
    const reason = failed?.reason ?? 'no answer';
    const kind = failed?.status === 'failed' && failed.failure === 'permanent' ? 'permanent' : 'retryable';
    const message =
      last && reason.startsWith(MAY_HAVE_APPLIED)
        ? `the last batch (${seq}) of the replace session got no answer (${reason}): the target may or may not have applied the replace. Run the flow again: it sends the whole set in a new session`
        : `batch ${seq} of the replace session was refused as a whole (${reason}); ${last ? 'it was the last batch' : 'its last batch was never sent'}, ${NOT_COMPLETED}. Fix the cause, then run the flow again: it sends the whole set in a new session`;
    const stop = new RunStopError({ kind, message });
    this.stops.add(stop);
    return stop;
  }
}
