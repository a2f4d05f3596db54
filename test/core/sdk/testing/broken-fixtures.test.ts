import { runConnectorConformance, type RuleResult } from '../../../../core/sdk/testing';
import * as control from '../../../fixtures/connectors/broken-kit';
import * as checkpointSkips from '../../../fixtures/connectors/broken-checkpoint-skips';
import * as missingOutcomes from '../../../fixtures/connectors/broken-missing-outcomes';
import * as keyInMessage from '../../../fixtures/connectors/broken-key-in-message';
import * as permanent429 from '../../../fixtures/connectors/broken-429-permanent';
import * as nonResumable from '../../../fixtures/connectors/broken-non-resumable';
import * as checkpointStays from '../../../fixtures/connectors/broken-checkpoint-stays';
import * as replacePerBatch from '../../../fixtures/connectors/broken-replace-per-batch';

type Fixture = typeof control;

async function run(fixture: Fixture): Promise<RuleResult[]> {
  const setup = await fixture.conformance();
  try {
    return (await runConnectorConformance(fixture.connector, setup.options)).results;
  } finally {
    await setup.close?.();
  }
}

const key = (r: RuleResult) => `${r.id}${r.subject === undefined ? '' : ` [${r.subject}]`}`;

describe('the conformance rules on the fixture connectors', () => {
  it('the control fixture passes every rule, none skipped', async () => {
    const results = await run(control);
    expect(results.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(results.map(key)).toEqual([
      'definition.valid',
      'definition.settings-schema',
      'definition.secrets-marked',
      'definition.api-policy',
      'definition.record-schemas',
      'definition.erase-declared',
      'check.accepts-good-credentials',
      'check.rejects-bad-credentials',
      'check.secret-not-in-message',
      'stream.pages-end [contacts]',
      'stream.resumable [contacts]',
      'stream.rerun-reads-little [contacts]',
      'stream.records-valid [contacts]',
      'action.max-batch-accepted [upsertContacts]',
      'action.one-outcome-per-record [upsertContacts]',
      'action.documented-rejection [upsertContacts]',
      'action.idempotent [upsertContacts]',
      'action.rate-limited [upsertContacts]',
      'action.max-batch-accepted [replaceList]',
      'action.one-outcome-per-record [replaceList]',
      'action.documented-rejection [replaceList]',
      'action.idempotent [replaceList]',
      'action.rate-limited [replaceList]',
      'action.replace-session [replaceList]',
      'webhook.signed-accepted [contactChanged]',
      'webhook.altered-rejected [contactChanged]',
    ]);
  });

  it.each([
    ['checkpoint that skips records on resume', 'stream.resumable', checkpointSkips, /1 lost/],
    ['batch action returning fewer outcomes', 'action.one-outcome-per-record', missingOutcomes, /^2$/],
    ['error message containing the API key', 'check.secret-not-in-message', keyInMessage, /check\(\) quotes apiKey/],
    ['429 turned into a permanent failure', 'action.rate-limited', permanent429, /permanent/],
    ['non-resumable stream', 'stream.resumable', nonResumable, /repeated beyond the look-back/],
    [
      'checkpoint that goes back to the start',
      'stream.rerun-reads-little',
      checkpointStays,
      /read again from the final checkpoint/,
    ],
    ["replace that ignores the run's session", 'action.replace-session', replacePerBatch, /^0,0,1$/],
  ])('a %s fails exactly %s', async (_name, rule, fixture, seen) => {
    const results = await run(fixture);
    // a stream that starts over on every read also re-reads everything after a complete read
    const failed = results.filter(
      (r) => r.status !== 'pass' && !(fixture === nonResumable && r.id === 'stream.rerun-reads-little'),
    );
    expect(failed.map((r) => [r.id, r.status])).toEqual([[rule, 'fail']]);
    expect(failed[0]!.expected).toEqual(expect.any(String));
    expect(failed[0]!.seen).toMatch(seen);
  });

  it('never prints the leaked key itself, only the field it came from', async () => {
    const results = await run(keyInMessage);
    expect(JSON.stringify(results)).not.toContain('wrong-key-8d2e');
  });
});
