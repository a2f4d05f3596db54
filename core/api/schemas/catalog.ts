import { Type } from '@sinclair/typebox';
import { MappingError, MappingIdPattern } from '../../mapping/types';
import { ConnectorInfo } from '../../sdk/contracts';
import { Id, Timestamp } from './common';
import { Name, Reference } from './strings';

/** Connectors, connections and mappings as the API shows and accepts them. */

// ---- connectors -----------------------------------------------------------------------------------------------

export const ConnectorSummary = Type.Object(
  {
    id: Type.String(),
    displayName: Type.String(),
    version: Type.String(),
    category: Type.String(),
    description: Type.Optional(Type.String()),
    source: Type.String({ description: '"builtin" or the plugin package name' }),
    streams: Type.Array(Type.String(), { description: 'Names of the readable entities' }),
    actions: Type.Array(Type.String(), { description: 'Names of the write operations' }),
  },
  { title: 'ConnectorSummary' },
);

export const Connector = Type.Object(
  { ...ConnectorInfo.properties, source: Type.String(), sdkVersion: Type.Optional(Type.String()) },
  { title: 'Connector' },
);

// ---- connections ----------------------------------------------------------------------------------------------

export const ConnectionStatus = Type.Union([Type.Literal('untested'), Type.Literal('ok'), Type.Literal('error')]);

export const Connection = Type.Object(
  {
    id: Id('con', 'Connection'),
    name: Type.String(),
    connectorId: Type.String(),
    settings: Type.Record(Type.String(), Type.Unknown(), {
      description: 'The settings; secret fields are shown as "[secret]", never in clear',
    }),
    status: ConnectionStatus,
    lastCheckedAt: Type.Optional(Timestamp('Last check')),
    lastCheckError: Type.Optional(Type.String()),
    createdAt: Timestamp('Created'),
    updatedAt: Timestamp('Last changed'),
    secretsCleared: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'After an update: secret fields whose stored value was cleared because an endpoint setting (base URL, region, data centre) changed',
      }),
    ),
    notice: Type.Optional(Type.String({ description: 'After an update: what happened to the secrets, in words' })),
    sandbox: Type.Optional(
      Type.Boolean({
        description: 'True for a connection to a local sandbox of the sandbox workspace (not the vendor)',
      }),
    ),
  },
  { title: 'Connection' },
);

const ConnectionName = Name({ description: 'A name people recognise the connection by (unique)' });
const SettingsBody = Type.Record(Type.String(), Type.Unknown(), {
  description: "Settings as the connector's settings schema describes them; secret fields are encrypted at rest",
});

export const NewConnection = Type.Object(
  { name: ConnectionName, connectorId: Reference({ maxLength: 100 }), settings: SettingsBody },
  { additionalProperties: false, title: 'NewConnection' },
);

export const ConnectionPatch = Type.Object(
  {
    name: Type.Optional(ConnectionName),
    settings: Type.Optional(
      Type.Record(Type.String(), Type.Unknown(), {
        description: 'Replaces the settings; a secret sent back as "[secret]" keeps its stored value',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1, title: 'ConnectionPatch' },
);

export const ConnectionCheck = Type.Object(
  { ok: Type.Boolean(), message: Type.String(), connection: Connection },
  { title: 'ConnectionCheck' },
);

export const WebhookRejection = Type.Object(
  {
    id: Id('whr', 'Rejected delivery'),
    connectionId: Id('con', 'Connection'),
    webhook: Type.String({ description: "Name of the connector's webhook definition" }),
    reason: Type.String({ description: 'Why the signed delivery was refused (answered 400 to the vendor)' }),
    contentType: Type.Optional(Type.String()),
    bodyBytes: Type.Integer({ minimum: 0, description: 'Size of the body (the body itself is not kept)' }),
    bodySha256: Type.String({ description: "SHA-256 of the body, hex: find the delivery in the vendor's log" }),
    receivedAt: Timestamp('Received'),
  },
  { title: 'WebhookRejection' },
);

// ---- mappings -------------------------------------------------------------------------------------------------

const JsonSchemaDocument = Type.Record(Type.String(), Type.Unknown(), { description: 'A JSON Schema document' });

export const MappingFixture = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1 })),
    input: Type.Unknown({ description: 'A source record' }),
    expected: Type.Unknown({
      description: 'The exact output, or { "error": { "code"?, "field"?, "message"? } } for a record that must fail',
    }),
  },
  { additionalProperties: false, title: 'MappingFixture' },
);

export const MappingVersionInput = Type.Object(
  {
    version: Type.String({ minLength: 1, maxLength: 50 }),
    description: Type.Optional(Type.String()),
    expression: Type.String({ minLength: 1, maxLength: 200_000, description: 'JSONata expression' }),
    sourceSchema: Type.Optional(JsonSchemaDocument),
    targetSchema: Type.Optional(JsonSchemaDocument),
    fixtures: Type.Array(MappingFixture, {
      minItems: 1,
      maxItems: 200,
      description: 'Checked against the expression before the version is saved',
    }),
  },
  { additionalProperties: false, title: 'MappingVersionInput' },
);

export const NewMapping = Type.Object(
  { name: Type.String({ pattern: MappingIdPattern, maxLength: 100 }), ...MappingVersionInput.properties },
  { additionalProperties: false, title: 'NewMapping' },
);

export const MappingSummary = Type.Object(
  {
    id: Type.String({ description: 'The mapping id flows refer to (mapping.id)' }),
    version: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    origin: Type.Union([Type.Literal('store'), Type.Literal('folder')]),
    versionId: Type.Optional(Id('map', 'Stored version')),
    createdAt: Type.Optional(Timestamp('Version saved')),
  },
  { title: 'MappingSummary' },
);

export const Mapping = Type.Object(
  {
    ...MappingSummary.properties,
    expression: Type.String(),
    sourceSchema: Type.Optional(JsonSchemaDocument),
    targetSchema: Type.Optional(JsonSchemaDocument),
    fixtures: Type.Optional(Type.Array(MappingFixture)),
    versions: Type.Array(
      Type.Object({ version: Type.String(), versionId: Type.String(), createdAt: Timestamp('Saved') }),
      { description: 'Stored versions, newest first' },
    ),
  },
  { title: 'Mapping' },
);

export const MapResult = Type.Union(
  [
    Type.Object({ ok: Type.Literal(true), value: Type.Unknown() }),
    Type.Object({ ok: Type.Literal(false), error: MappingError }),
  ],
  { title: 'MapResult' },
);
