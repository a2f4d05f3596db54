import { Type, type Static } from '@sinclair/typebox';

/** Connection settings of the file connector; the settings type is derived from this schema. */
export const FileSettings = Type.Object(
  {
    directory: Type.String({
      minLength: 1,
      description: 'Base folder (absolute, or relative to the hub working directory); every file is resolved inside it',
    }),
    path: Type.Optional(
      Type.String({ minLength: 1, description: 'File the records stream reads, relative to directory' }),
    ),
    output: Type.Optional(
      Type.String({ minLength: 1, description: 'File writeRecords appends to, relative to directory' }),
    ),
    format: Type.Optional(
      Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], {
        description: 'File format; inferred from the extension (.csv, .tsv, .ndjson, .jsonl) when absent',
      }),
    ),
    delimiter: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 1,
        description:
          'CSV field delimiter; when absent it is detected from the first line (comma, semicolon, tab or pipe; a new output file gets a comma, a .tsv a tab)',
      }),
    ),
    encoding: Type.Optional(
      Type.Union(
        [Type.Literal('utf-8'), Type.Literal('windows-1251'), Type.Literal('utf-16le'), Type.Literal('utf-16be')],
        {
          description:
            'Text encoding of the file read; when absent it is detected (byte-order mark, UTF-16, valid UTF-8, else Windows-1251). Files are written in UTF-8',
        },
      ),
    ),
    header: Type.Optional(
      Type.Boolean({ default: true, description: 'CSV files start with a header line naming the columns' }),
    ),
    columns: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'CSV column names: required when header is false; the column order of a new output file',
      }),
    ),
    pageSize: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 10000, default: 500, description: 'Records per page read' }),
    ),
    idField: Type.Optional(Type.String({ minLength: 1, default: 'id', description: 'Field that identifies a record' })),
    modifiedField: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Field with the modification time; enables reads with a look-back window (since)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type FileSettings = Static<typeof FileSettings>;
