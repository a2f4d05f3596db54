import { Type, type Static } from '@sinclair/typebox';
import { Secret } from 'connector-hub/sdk';

export const DEFAULT_BASE_URL = 'https://api.unisender.com';

/** Connection settings of the Unisender connector; the settings type is derived from this schema. */
export const UnisenderSettings = Type.Object(
  {
    apiKey: Secret(
      Type.String({ minLength: 1, description: 'API key (Unisender → Account settings → Integrations and API)' }),
    ),
    lang: Type.Optional(
      Type.Union([Type.Literal('ru'), Type.Literal('en'), Type.Literal('ua'), Type.Literal('it')], {
        default: 'en',
        description: 'Language of the API messages: the first path segment of https://api.unisender.com/<lang>/api/',
      }),
    ),
    listId: Type.Integer({
      minimum: 1,
      description: 'Contact list (getLists id) the contacts stream exports and the actions import into / remove from',
    }),
    fields: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        maxItems: 50,
        default: [],
        description: 'Custom (user) fields the contacts stream exports, by their substitution names, e.g. ["Name"]',
      }),
    ),
    overwriteTags: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'importContacts overwrite_tags: true replaces a contact’s tags with the imported ones, false (default) adds them',
      }),
    ),
    overwriteLists: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'importContacts overwrite_lists: true removes the contact from every other list, false (default) only adds it to listId',
      }),
    ),
    baseUrl: Type.Optional(
      Type.String({
        minLength: 1,
        default: DEFAULT_BASE_URL,
        description: 'API base URL; set to the sandbox URL for sandbox connections',
      }),
    ),
  },
  { additionalProperties: false },
);
export type UnisenderSettings = Static<typeof UnisenderSettings>;
