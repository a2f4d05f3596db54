import { Type, type Static } from '@sinclair/typebox';

/**
 * Record shapes of the SendGrid connector. Field limits are SendGrid's own (ContactRequest in
 * tsg_mc_contacts_v3.json); the connector checks them before sending, so one over-long value fails alone.
 */

/** Maximum lengths of ContactRequest fields, from the spec. */
export const CONTACT_FIELD_LIMITS = {
  email: 254,
  first_name: 50,
  last_name: 50,
  city: 60,
  country: 50,
  external_id: 254,
} as const;

const CustomFieldValues = Type.Record(Type.String({ minLength: 1 }), Type.Union([Type.String(), Type.Number()]), {
  description: 'Custom field values keyed by the field NAME (the connector resolves names to SendGrid field ids)',
});

/** Input of upsertContacts. */
export const ContactInput = Type.Object(
  {
    email: Type.String({ minLength: 1, description: 'Identity: SendGrid lowercases it' }),
    first_name: Type.Optional(Type.String({ maxLength: CONTACT_FIELD_LIMITS.first_name })),
    last_name: Type.Optional(Type.String({ maxLength: CONTACT_FIELD_LIMITS.last_name })),
    phone_number: Type.Optional(Type.String()),
    city: Type.Optional(Type.String({ maxLength: CONTACT_FIELD_LIMITS.city })),
    country: Type.Optional(Type.String({ maxLength: CONTACT_FIELD_LIMITS.country })),
    postal_code: Type.Optional(Type.String()),
    external_id: Type.Optional(Type.String({ maxLength: CONTACT_FIELD_LIMITS.external_id })),
    custom_fields: Type.Optional(CustomFieldValues),
  },
  { additionalProperties: false },
);
export type ContactInput = Static<typeof ContactInput>;

/** Input of deleteContacts and eraseRecipients. */
export const EmailInput = Type.Object(
  { email: Type.String({ minLength: 1, description: 'Identity: the address to delete or erase' }) },
  { additionalProperties: false },
);
export type EmailInput = Static<typeof EmailInput>;

/** One record of the contacts stream (read from a contacts export). */
export const Contact = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'SendGrid contact id' }),
    email: Type.String(),
    first_name: Type.Optional(Type.String()),
    last_name: Type.Optional(Type.String()),
    phone_number: Type.Optional(Type.String()),
    city: Type.Optional(Type.String()),
    country: Type.Optional(Type.String()),
    custom_fields: Type.Record(Type.String(), Type.Unknown(), { description: 'Custom field values keyed by NAME' }),
    created_at: Type.String({ description: 'ISO time' }),
    updated_at: Type.String({ description: 'ISO time' }),
  },
  { additionalProperties: false },
);
export type Contact = Static<typeof Contact>;

export const SuppressionType = Type.Union([
  Type.Literal('unsubscribe'),
  Type.Literal('bounce'),
  Type.Literal('spamreport'),
]);
export type SuppressionType = Static<typeof SuppressionType>;

/** One record of the suppressions stream, and of the Event Webhook's suppression events. */
export const Suppression = Type.Object(
  {
    id: Type.String({ minLength: 1, description: '`${type}:${email}`' }),
    email: Type.String(),
    type: SuppressionType,
    reason: Type.Optional(Type.String()),
    created_at: Type.String({ description: 'ISO time' }),
  },
  { additionalProperties: false },
);
export type Suppression = Static<typeof Suppression>;
