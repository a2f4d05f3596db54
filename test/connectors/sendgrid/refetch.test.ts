import nock from 'nock';
import { assertValidRequestBody } from '../../helpers/vendor-specs';
import connector from '../../../connectors/sendgrid';
import { API, FIELDS, connection } from './helpers';
import { useNock } from './use-nock';

useNock();

/** A replay reads SendGrid contacts again by id: `POST /v3/marketing/contacts/batch` `{ ids }`. */

function refetch(sources: Record<string, unknown>[]) {
  const fn = connector.streams.find((s) => s.name === 'contacts')?.refetch;
  if (fn === undefined) throw new Error('the contacts stream must offer refetch');
  return fn({ connection: connection(), records: sources.map((source) => ({ key: String(source.id), source })) });
}

describe('SendGrid contacts: refetch by id for replays', () => {
  it('reads the ids in one batch call; an id SendGrid no longer has is missing; no id is unsupported', async () => {
    const bodies: unknown[] = [];
    nock(API).get('/v3/marketing/field_definitions').reply(200, FIELDS);
    nock(API)
      .post('/v3/marketing/contacts/batch')
      .reply(async (request: Request) => {
        bodies.push(await request.json());
        return [
          200,
          {
            result: [
              {
                id: 'id-1',
                email: 'Fixed@Example.com',
                first_name: 'Ann',
                created_at: '2024-01-01T00:00:00Z',
                updated_at: '2026-03-01T00:00:00Z',
              },
            ],
          },
        ];
      });
    const result = await refetch([{ id: 'id-1' }, { id: 'id-2' }, { email: 'x@example.com' }]);
    expect(result).toEqual([
      {
        status: 'found',
        record: expect.objectContaining({ id: 'id-1', email: 'fixed@example.com', first_name: 'Ann' }),
      },
      { status: 'missing', reason: 'SendGrid has no contact id-2 any more' },
      { status: 'unsupported' },
    ]);
    expect(bodies).toEqual([{ ids: ['id-1', 'id-2'] }]);
    assertValidRequestBody('sendgrid/tsg_mc_contacts_v3.json', 'post', '/v3/marketing/contacts/batch', bodies[0]);
  });

  it('a 404 (none of the ids found) makes every one missing', async () => {
    nock(API).get('/v3/marketing/field_definitions').reply(200, FIELDS);
    nock(API)
      .post('/v3/marketing/contacts/batch')
      .reply(404, { errors: [{ message: 'not found' }] });
    expect(await refetch([{ id: 'gone' }])).toEqual([
      { status: 'missing', reason: 'SendGrid has no contact gone any more' },
    ]);
  });
});
