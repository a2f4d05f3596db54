/**
 * E-mail addresses as SendGrid keys them: trimmed and lowercased (SendGrid lowercases on import, so the lowercased
 * form is how a contact is found again). The syntax check is deliberately loose (one @, a dotted domain, no spaces):
 * it only keeps obviously broken values from failing a whole request; SendGrid has the final word per record.
 */
export function normalizeEmail(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().toLowerCase();
  return email === '' ? undefined : email;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isPlausibleEmail(email: string): boolean {
  return email.length <= 254 && EMAIL.test(email);
}

/** Splits `items` into groups no longer than `count` whose `size(item)` sums stay within `bytes`. */
export function chunkBy<T>(items: T[], count: number, bytes: number, size: (item: T) => number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length > 0 && (current.length >= count || used + n > bytes)) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
