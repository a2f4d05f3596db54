import connector from '../../../connectors/sendgrid';
import { startSandbox, type SendGridSandbox } from '../../../connectors/sendgrid/sandbox';
import { checkConnectorConformance, describeConnectorConformance } from '../../../core/sdk/testing';

// The same kit a partner runs against a plugin, run against the SendGrid connector pointed at its sandbox.
let sandbox: SendGridSandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ seedContacts: 40, seed: 7 });
  await sandbox.suppress('gone@example.com', 'bounce');
  await sandbox.suppress('bye@example.com', 'unsubscribe');
});
afterAll(() => sandbox.close());

describeConnectorConformance(connector, {
  settings: () => sandbox.settings,
  sampleRecords: {
    upsertContacts: [
      { email: 'ann@example.com', first_name: 'Ann', custom_fields: { company: 'Acme' } },
      { email: 'bob@example.com', last_name: 'B', custom_fields: { no_such_field: 'x' } },
    ],
    deleteContacts: [{ email: 'ann@example.com' }, { email: 'nobody@example.com' }],
    eraseRecipients: [{ email: 'gone@example.com' }],
  },
});

describe('sendgrid connector definition', () => {
  it('passes the static conformance checks', () => {
    expect(checkConnectorConformance(connector)).toEqual({ ok: true, problems: [] });
  });
});
