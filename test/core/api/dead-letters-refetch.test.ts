import { openApiBed, type ApiBed } from './helpers';
import { Scenario } from './scenario';

/** POST /dead-letters/replay reads the records again from the source unless `fromStored` is set. */

describe('POST /dead-letters/replay: re-reads the source record', () => {
  let bed: ApiBed;
  let scenario: Scenario;
  beforeAll(async () => {
    bed = await openApiBed();
    scenario = new Scenario(bed);
  });
  afterAll(() => bed.close());

  it('fromStored maps the stored copy (still failing); without it the fixed file row is read and written', async () => {
    const flow = await scenario.flow('refetch');
    // the data is fixed in the file: line 3 now has a valid e-mail
    bed.file('refetch.csv', 'id,email,name\n1,a@x.io,Ann\n2,bob@x.io,Bob\n');
    const stored = await bed
      .as('marketer')
      .post('/dead-letters/replay', { flowId: 'refetch', fromStored: true })
      .expect(200);
    expect(stored.body).toMatchObject({ replayed: 0, stillFailing: [flow.deadLetterId] });
    const reread = await bed.as('marketer').post('/dead-letters/replay', { flowId: 'refetch' }).expect(200);
    expect(reread.body).toMatchObject({ replayed: 1, written: 1, stillFailing: [] });
    const letter = await bed.as('viewer').get(`/dead-letters/${flow.deadLetterId}`).expect(200);
    expect(letter.body.status).toBe('replayed');
  });
});
