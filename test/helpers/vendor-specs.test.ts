import { assertValidRequestBody } from './vendor-specs';
test('x', () => {
  assertValidRequestBody('hubspot/crm-contacts-v3.json', 'post', '/crm/v3/objects/contacts/batch/upsert', {
    inputs: [{ id: 'a@b.c', idProperty: 'email', properties: { firstname: 'A' } }],
  });
  expect(() =>
    assertValidRequestBody('hubspot/crm-contacts-v3.json', 'post', '/crm/v3/objects/contacts/batch/upsert', {
      inputs: [{ properties: {} }],
    }),
  ).toThrow(/id/);
  assertValidRequestBody('sendgrid/tsg_mc_contacts_v3.json', 'put', '/v3/marketing/contacts', {
    contacts: [{ email: 'a@b.c', first_name: 'A' }],
  });
  expect(() =>
    assertValidRequestBody('sendgrid/tsg_mc_contacts_v3.json', 'put', '/v3/marketing/contacts', {
      contacts: [{ email: 'a@b.c', first_name: 'A'.repeat(60) }],
    }),
  ).toThrow();
  assertValidRequestBody('mailchimp/list-id-api.yml', 'post', '/lists/{list_id}', {
    members: [{ email_address: 'a@b.c', status: 'subscribed' }],
    update_existing: true,
  });
  expect(() =>
    assertValidRequestBody('mailchimp/list-id-api.yml', 'post', '/lists/{list_id}', { members: [{ status: 'bogus' }] }),
  ).toThrow();
});
