import { Type, type Static } from '@sinclair/typebox';

/** One contact of the list as the contacts stream yields it (exportContacts row, columns by name). */
export const ContactRecord = Type.Object(
  {
    email: Type.String({ minLength: 1, description: 'E-mail address, trimmed and lower-cased (the identity)' }),
    email_status: Type.String({ description: 'new, active, inactive, unsubscribed, blocked, invited…' }),
    phone: Type.Optional(Type.String()),
    tags: Type.Array(Type.String(), { description: 'Tags of the contact (Unisender exports them comma-separated)' }),
    fields: Type.Record(Type.String(), Type.String(), {
      description: 'Custom fields named in the connection settings, by substitution name; empty values left out',
    }),
  },
  { additionalProperties: false },
);
export type ContactRecord = Static<typeof ContactRecord>;

/** One contact to import (a row of importContacts `data`). */
export const ImportContactRecord = Type.Object(
  {
    email: Type.String({ minLength: 1, description: 'E-mail address (the identity); Unisender validates it per row' }),
    phone: Type.Optional(Type.String({ minLength: 1 })),
    email_status: Type.Optional(
      Type.Union(
        [Type.Literal('new'), Type.Literal('active'), Type.Literal('inactive'), Type.Literal('unsubscribed')],
        {
          description: 'Only applied to new addresses: Unisender keeps the status of existing ones',
        },
      ),
    ),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 10 })),
    fields: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1 }),
        Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
        {
          description: 'Custom fields by substitution name; null writes an empty value',
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ImportContactRecord = Static<typeof ImportContactRecord>;

/** A contact to unsubscribe from / exclude from the connection's list. */
export const ContactRef = Type.Object(
  { email: Type.String({ minLength: 1, description: 'E-mail address of the contact' }) },
  { additionalProperties: false },
);
export type ContactRef = Static<typeof ContactRef>;
