import { Type, type Static } from '@sinclair/typebox';

/** A member's subscription status as Mailchimp reports it (the members list includes every status). */
export const MemberStatus = Type.Union([
  Type.Literal('subscribed'),
  Type.Literal('unsubscribed'),
  Type.Literal('cleaned'),
  Type.Literal('pending'),
  Type.Literal('transactional'),
  Type.Literal('archived'),
]);
export type MemberStatus = Static<typeof MemberStatus>;

/** Merge field values: text and most types are strings, number fields numbers, ADDRESS an object. */
export const MergeFieldValue = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Object({}, { additionalProperties: true }),
]);

/** One record of the `members` stream. */
export const MemberRecord = Type.Object(
  {
    id: Type.String({ minLength: 1, description: 'subscriber_hash: md5 of the lowercased, trimmed e-mail address' }),
    email_address: Type.String({ minLength: 1 }),
    status: MemberStatus,
    merge_fields: Type.Record(Type.String(), MergeFieldValue, { description: 'Values by merge tag (FNAME, CITY…)' }),
    tags: Type.Array(Type.Object({ id: Type.Number(), name: Type.String() }, { additionalProperties: false })),
    language: Type.Optional(Type.String()),
    last_changed: Type.String({ format: 'date-time', description: 'ISO time of the last change (UTC)' }),
    timestamp_opt: Type.Optional(Type.String({ format: 'date-time' })),
    unsubscribe_reason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type MemberRecord = Static<typeof MemberRecord>;
