import { replaceAudience } from '../../../connectors/meta/actions/replaceAudience';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { SANDBOX_AUDIENCE, startSandbox, type MetaSandbox } from '../../../connectors/meta/sandbox';
import type { WriteSession } from '../../../core/sdk';
import { connection, failure } from './helpers';

/**
 * The sandbox's usersreplace sessions, as Meta applies them: a session's members replace the audience only when its
 * last batch arrives; an incomplete session changes nothing; batch_seq starts at 1 and is consecutive (the same
 * number again is a resend); a completed session refuses further batches.
 */

let sandbox: MetaSandbox;
beforeEach(async () => {
  sandbox = await startSandbox({ insightDays: 0 });
  sandbox.state.audience(SANDBOX_AUDIENCE).members.set('EMAIL:old', ['old']);
});
afterEach(async () => {
  await sandbox.close();
  clearMetaBackoff();
});

const people = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ email: `p${from + i}@example.com` }));
const write = (session: WriteSession, records = people(2, session.seq * 10)) =>
  replaceAudience.write({ connection: connection(sandbox.settings), records, session });

describe('usersreplace sessions in the Meta sandbox', () => {
  it('changes nothing until the last batch, then holds exactly the members of all its batches', async () => {
    await write({ id: 's', seq: 1, last: false });
    await write({ id: 's', seq: 2, last: false });
    expect(sandbox.members()).toBe(1);
    const outcomes = await write({ id: 's', seq: 3, last: true, total: 6 });
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
    expect(sandbox.members()).toBe(6);
    expect(sandbox.state.audience(SANDBOX_AUDIENCE).members.has('EMAIL:old')).toBe(false);
  });

  it('refuses a session that does not start at 1 or skips a number; a resend of the same number is accepted', async () => {
    const skipped = await failure(() => write({ id: 's', seq: 2, last: true }));
    expect(skipped.message).toMatch(/must start with batch_seq 1, not 2/);
    await write({ id: 's', seq: 1, last: false });
    await write({ id: 's', seq: 1, last: false });
    const gap = await failure(() => write({ id: 's', seq: 3, last: true }));
    expect(gap.message).toMatch(/expected batch_seq 2, not 3/);
    expect(sandbox.members()).toBe(1);
    await write({ id: 's', seq: 2, last: true });
    expect(sandbox.members()).toBe(4);
  });

  it('a completed session refuses more batches; a resend of its last batch changes nothing', async () => {
    await write({ id: 's', seq: 1, last: true });
    expect(sandbox.members()).toBe(2);
    const more = await failure(() => write({ id: 's', seq: 2, last: true }, people(5, 50)));
    expect(more.message).toMatch(/Session Already Completed/);
    await write({ id: 's', seq: 1, last: true });
    expect(sandbox.members()).toBe(2);
  });
});
