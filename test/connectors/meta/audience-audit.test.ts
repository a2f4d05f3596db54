import nock from 'nock';
import { addAudienceMembers } from '../../../connectors/meta/actions/addAudienceMembers';
import { removeAudienceMembers } from '../../../connectors/meta/actions/removeAudienceMembers';
import { clearMetaBackoff } from '../../../connectors/meta/client';
import { sha256Hex } from '../../../connectors/meta/identifiers';
import { GRAPH_VERSION } from '../../../connectors/meta/version';
import { GRAPH, connection, useNock } from './helpers';

/**
 * Issue #16: audience members as a mapping may write them (the runner does not hold records to the recordSchema):
 * a CRM id or a phone as a number, null for "not known", an object by mistake. One such record must never fail
 * its whole batch.
 */

useNock();
afterEach(() => clearMetaBackoff());

const USERS = `/${GRAPH_VERSION}/2380000000001/users`;
type Payload = { payload: { schema: string[]; data: string[][] } };

const records = [
  { email: 'ann@example.com', externalId: 40017 },
  { email: null, phone: 16505551212, externalId: 40018 },
  { email: { address: 'bob@example.com' } },
  { email: 'cy@example.com', firstName: '', country: null },
];

describe('Meta audience members a mapping got wrong', () => {
  it.each([
    ['addAudienceMembers', addAudienceMembers, 'post'],
    ['removeAudienceMembers', removeAudienceMembers, 'delete'],
  ] as const)(
    '%s: numbers are taken as text, null as unknown; an object fails alone naming its field',
    async (_, action, verb) => {
      let body: Payload | undefined;
      nock(GRAPH)
        .intercept(USERS, verb.toUpperCase(), (b: Payload) => {
          body = b;
          return true;
        })
        .reply(200, {
          audience_id: '2380000000001',
          num_received: 3,
          num_invalid_entries: 0,
          invalid_entry_samples: {},
        });
      const outcomes = await action.write({ connection: connection(), records: records as never });
      expect(outcomes.map((o) => o.status)).toEqual(['ok', 'ok', 'failed', 'ok']);
      expect(outcomes[2]).toEqual({
        status: 'failed',
        failure: 'permanent',
        field: 'email',
        reason: 'email must be text, not object',
      });
      expect(body!.payload).toEqual({
        schema: ['EMAIL', 'PHONE', 'EXTERN_ID'],
        data: [
          [sha256Hex('ann@example.com'), '', '40017'],
          ['', sha256Hex('16505551212'), '40018'],
          [sha256Hex('cy@example.com'), '', ''],
        ],
      });
    },
  );
});
