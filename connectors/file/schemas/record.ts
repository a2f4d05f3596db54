import { Type, type Static } from '@sinclair/typebox';

/**
 * One record of a CSV or NDJSON file. The columns are the file's own, so the schema is open; `id` is the default
 * identity field (the `idField` setting names another one). CSV values are read as text.
 */
export const FileRecord = Type.Object(
  {
    id: Type.Optional(
      Type.Union([Type.String(), Type.Number()], { description: 'Default identity field (see idField)' }),
    ),
  },
  { additionalProperties: true },
);
export type FileRecord = Static<typeof FileRecord>;
