import { Type, type Static } from '@sinclair/typebox';

const newStatus = (description: string) =>
  Type.Union(
    [
      Type.Literal('subscribed'),
      Type.Literal('unsubscribed'),
      Type.Literal('cleaned'),
      Type.Literal('pending'),
      Type.Literal('transactional'),
    ],
    { description },
  );

const Email = Type.String({ minLength: 3, description: 'E-mail address (trimmed; case does not matter)' });

/** Input of `upsertMembers`. */
export const UpsertMemberInput = Type.Object(
  {
    email_address: Email,
    status_if_new: Type.Optional(newStatus('Status given to a new member; existing members keep theirs')),
    status: Type.Optional(newStatus('Status set on new AND existing members (e.g. to unsubscribe)')),
    merge_fields: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Values by merge tag; every tag must exist in the audience',
      }),
    ),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        description: 'Tag names added to the member (never removed; use tagMembers to remove)',
      }),
    ),
    language: Type.Optional(Type.String({ minLength: 2, maxLength: 10 })),
  },
  { additionalProperties: false },
);
export type UpsertMemberInput = Static<typeof UpsertMemberInput>;

/** Input of `tagMembers`. */
export const TagMemberInput = Type.Object(
  {
    email_address: Email,
    tags: Type.Array(
      Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 100 }),
          status: Type.Union([Type.Literal('active'), Type.Literal('inactive')]),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);
export type TagMemberInput = Static<typeof TagMemberInput>;

/** Input of `archiveMember` and `deleteMemberPermanently`. */
export const MemberEmailInput = Type.Object({ email_address: Email }, { additionalProperties: false });
export type MemberEmailInput = Static<typeof MemberEmailInput>;
