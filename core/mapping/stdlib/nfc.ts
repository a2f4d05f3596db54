/**
 * Unicode NFC of a string, without asking ICU when the string is ASCII: ASCII text is its own NFC (no ASCII
 * character composes or decomposes), and most identifiers (e-mail addresses, phone numbers, ids, postal codes)
 * are ASCII. The identifier helpers normalise each value two or three times on its way to the hash; this check
 * costs a third of a `normalize` call on a 20-character string (bench/conversions).
 */
const NON_ASCII = /[\u0080-\uffff]/;

export function nfc(text: string): string {
  return NON_ASCII.test(text) ? text.normalize('NFC') : text;
}
