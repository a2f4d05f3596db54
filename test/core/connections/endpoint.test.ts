import { Type } from '@sinclair/typebox';
import { endpointChange, endpointSettings } from '../../../core/connections/endpoint';
import { Endpoint, Secret } from '../../../core/sdk';
import { connector as hubspot } from '../../../connectors/hubspot';
import { connector as mailchimp } from '../../../connectors/mailchimp';
import { connector as sendgrid } from '../../../connectors/sendgrid';

describe('endpoint settings', () => {
  it('are the ones each built-in connector marks with Endpoint()', () => {
    expect(endpointSettings(hubspot.settingsSchema)).toEqual(['baseUrl']);
    expect(endpointSettings(mailchimp.settingsSchema)).toEqual(['baseUrl', 'server']);
    expect(endpointSettings(sendgrid.settingsSchema)).toEqual(['baseUrl', 'region']);
  });

  it('fall back to endpoint-like names for a schema that marks none (an older plugin)', () => {
    const unmarked = Type.Object({ apiKey: Secret(Type.String()), baseUrl: Type.String(), listId: Type.String() });
    expect(endpointSettings(unmarked)).toEqual(['baseUrl']);
    const marked = Type.Object({ apiKey: Secret(Type.String()), host: Endpoint(Type.String()), region: Type.String() });
    expect(endpointSettings(marked)).toEqual(['host']);
  });

  it('compare effective values: a default written out is no change; the kept secrets are the ones cleared', () => {
    const schema = hubspot.settingsSchema;
    expect(endpointChange(schema, {}, { baseUrl: 'https://api.hubapi.com' }, ['accessToken'])).toBeUndefined();
    expect(endpointChange(schema, {}, { baseUrl: 'https://evil.example' }, ['accessToken'])).toEqual({
      fields: ['baseUrl'],
      before: { baseUrl: 'https://api.hubapi.com' },
      after: { baseUrl: 'https://evil.example' },
      secretsCleared: ['accessToken'],
    });
    expect(endpointChange(sendgrid.settingsSchema, { region: 'global' }, { region: 'eu' }, [])).toMatchObject({
      fields: ['region'],
      secretsCleared: [],
    });
  });
});
