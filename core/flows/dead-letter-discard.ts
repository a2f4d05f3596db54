import { ConfigError } from '../sdk/errors';
import { StoreConflictError, StoreNotFoundError } from '../store/errors';
import type { AuditEntry, DeadLetter, Repos } from '../store/repos';

/**
 * Discarding dead letters (`hub dlq discard`, `POST /dead-letters/discard`): pending entries are marked discarded,
 * never deleted, and each gets an audit entry with the note saying why, so `dlq show` can tell who set it aside.
 */

export const MAX_NOTE_LENGTH = 500;

export interface DiscardSelector {
  ids?: string[];
  /** A flow id: every pending dead letter of it. */
  flowId?: string;
}

export interface DiscardReport {
  discarded: number;
  ids: string[];
  note: string;
}

export interface DiscardDeps {
  repos: Repos;
  transaction?: <T>(fn: (repos: Repos) => Promise<T>) => Promise<T>;
  now?: () => number;
}

const PAGE = 500;

async function pendingOfFlow(repos: Repos, flowId: string): Promise<DeadLetter[]> {
  const all: DeadLetter[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await repos.deadLetters.list({ flowId, status: 'pending', limit: PAGE, before });
    all.push(...page);
    if (page.length < PAGE) return all;
    before = page[page.length - 1].id;
  }
}

export async function discardDeadLetters(
  deps: DiscardDeps,
  selector: DiscardSelector,
  note: string,
  actor: string,
): Promise<DiscardReport> {
  const text = note.trim();
  if (text === '')
    throw new ConfigError('a note is required: say why these records are set aside (--note "…")', { field: 'note' });
  if (text.length > MAX_NOTE_LENGTH)
    throw new ConfigError(`the note is longer than ${MAX_NOTE_LENGTH} characters`, { field: 'note' });
  const { repos } = deps;
  let letters: DeadLetter[];
  if (selector.flowId !== undefined) letters = await pendingOfFlow(repos, selector.flowId);
  else {
    const ids = selector.ids ?? [];
    if (ids.length === 0) throw new ConfigError('give dead-letter ids or a flow', { field: 'ids' });
    letters = await repos.deadLetters.getMany(ids);
    const known = new Set(letters.map((l) => l.id));
    const missing = ids.find((id) => !known.has(id));
    if (missing !== undefined) throw new StoreNotFoundError('dead letter', missing);
    const resolved = letters.find((l) => l.status !== 'pending');
    if (resolved !== undefined)
      throw new StoreConflictError(`dead letter ${resolved.id} is already ${resolved.status}`, 'deadLetter');
  }
  const ids = letters.map((l) => l.id);
  const now = (deps.now ?? Date.now)();
  const apply = async (trx: Repos) => {
    const discarded = await trx.deadLetters.markDiscarded(ids, now);
    for (const letter of letters) {
      await trx.auditLog.record(
        {
          actor,
          action: 'deadLetter.discard',
          entity: 'deadLetter',
          entityId: letter.id,
          before: { status: letter.status, flowId: letter.flowId, recordKey: letter.recordKey, reason: letter.reason },
          after: { status: 'discarded', note: text },
        },
        now,
      );
    }
    return discarded;
  };
  const discarded = deps.transaction ? await deps.transaction(apply) : await apply(repos);
  return { discarded, ids, note: text };
}

/** The audit trail of one dead letter (discards with their notes, replays), newest first. */
export async function deadLetterHistory(repos: Repos, id: string): Promise<AuditEntry[]> {
  return repos.auditLog.list({ entity: 'deadLetter', entityId: id, limit: 20 });
}
