import { Type, type TSchema } from '@sinclair/typebox';
import { Reference } from './strings';

/** Building blocks of the API's schemas: timestamps, prefixed ids, list queries and pages. */

export const Timestamp = (description: string) =>
  Type.Integer({ minimum: 0, description: `${description} (epoch ms)` });
export const Id = (prefix: string, what: string) =>
  Type.String({ pattern: `^${prefix}_[0-9a-z]{26}$`, description: `${what} id (${prefix}_…)` });

// ---- lists ----------------------------------------------------------------------------------------------------

export const MAX_LIMIT = 200;
export const DEFAULT_LIMIT = 50;

/** `?limit=&cursor=` plus the list's filters; unknown query parameters are refused. */
export function ListQuery<P extends Record<string, TSchema>>(filters: P) {
  return Type.Object(
    {
      limit: Type.Optional(
        Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: 'Items per page' }),
      ),
      cursor: Type.Optional(Type.String({ minLength: 1, description: 'The nextCursor of the previous page (opaque)' })),
      ...filters,
    },
    { additionalProperties: false },
  );
}

/** A page of a list: its items and, when there are more, the cursor of the next page. */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Optional(
      Type.String({ description: 'Pass as ?cursor= to get the next page; absent on the last' }),
    ),
  });
}

export const Ref = (description: string) => Reference({ description });
