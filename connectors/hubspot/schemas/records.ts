import { Type, type Static } from '@sinclair/typebox';

/**
 * Record shapes of the HubSpot streams and actions. Mappings are written against these field names, so they
 * change only with a major version of the connector.
 */

const Properties = Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), {
  description: 'HubSpot property values as HubSpot returns them (text; null when unset)',
});

const objectFields = {
  id: Type.String({ minLength: 1, description: 'HubSpot record id (hs_object_id)' }),
  properties: Properties,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time', description: 'Last modification time' }),
  archived: Type.Optional(Type.Boolean()),
};

/** A contact or a company as the streams yield it. */
export const CrmObjectRecord = Type.Object(objectFields, { additionalProperties: false });
export type CrmObjectRecord = Static<typeof CrmObjectRecord>;

export const LineItemRecord = Type.Object(
  { id: Type.String({ minLength: 1 }), properties: Properties },
  { additionalProperties: false },
);
export type LineItemRecord = Static<typeof LineItemRecord>;

/** A deal with its associated line items. */
export const DealRecord = Type.Object(
  { ...objectFields, lineItems: Type.Array(LineItemRecord, { description: 'Line items associated with the deal' }) },
  { additionalProperties: false },
);
export type DealRecord = Static<typeof DealRecord>;

/** Values an action accepts for a HubSpot property; sent to HubSpot as text (null clears the property). */
export const WritableProperties = Type.Record(
  Type.String({ minLength: 1 }),
  Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
);
export type WritableProperties = Static<typeof WritableProperties>;

export const UpsertContactInput = Type.Object(
  {
    email: Type.String({ minLength: 1, description: 'Contact e-mail: HubSpot matches contacts on it' }),
    properties: WritableProperties,
  },
  { additionalProperties: false },
);
export type UpsertContactInput = Static<typeof UpsertContactInput>;

export const UpsertDealInput = Type.Object(
  {
    externalId: Type.String({ minLength: 1, description: 'Value of the dealIdProperty the deal is matched on' }),
    properties: WritableProperties,
    lineItems: Type.Optional(
      Type.Array(Type.Object({ properties: WritableProperties }, { additionalProperties: false }), {
        description: "The deal's line items; when given they replace the deal's current line items",
      }),
    ),
  },
  { additionalProperties: false },
);
export type UpsertDealInput = Static<typeof UpsertDealInput>;

export const DeleteContactInput = Type.Object(
  { email: Type.String({ minLength: 1, description: 'E-mail of the contact to erase (GDPR delete)' }) },
  { additionalProperties: false },
);
export type DeleteContactInput = Static<typeof DeleteContactInput>;
