/**
 * What a person calls a record: its e-mail address or name as read, else undefined (callers fall back to the
 * vendor's key). The connectors' records put these in a few places (HubSpot `properties.email`, Mailchimp
 * `email_address` and `merge_fields`, files `email`), so the common ones are looked up here. Pure (no imports):
 * the runner labels the records of a run with it, and the web console (web/src/record-name.ts) names dead letters.
 */
const EMAIL_FIELDS = ['email', 'email_address', 'emailAddress', 'Email', 'e-mail'];
const NAME_FIELDS = ['name', 'full_name', 'fullName', 'company', 'dealname'];

function pick(record: Record<string, unknown>, fields: string[]): string | undefined {
  for (const field of fields) {
    const value = record[field];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

export function recordLabel(source: unknown): string | undefined {
  if (typeof source !== 'object' || source === null) return undefined;
  const record = source as Record<string, unknown>;
  const nested = [record, record.properties, record.merge_fields, record.fields].filter(
    (r): r is Record<string, unknown> => typeof r === 'object' && r !== null,
  );
  for (const fields of [EMAIL_FIELDS, NAME_FIELDS]) {
    for (const r of nested) {
      const found = pick(r, fields);
      if (found !== undefined) return found;
    }
  }
  const first = nested.map((r) => pick(r, ['firstname', 'first_name', 'FNAME'])).find(Boolean);
  const last = nested.map((r) => pick(r, ['lastname', 'last_name', 'LNAME'])).find(Boolean);
  return first || last ? [first, last].filter(Boolean).join(' ') : undefined;
}
