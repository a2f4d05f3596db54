import { nfc } from '../../../../core/mapping/stdlib/nfc';

describe('nfc (the identifier helpers’ NFC)', () => {
  it('composes non-ASCII text as String.prototype.normalize("NFC") does', () => {
    for (const text of ['Vale\u0301ry', 'Ivan\u0308 ', 'stra\u00dfe', '\u1100\u1161', 'caf\u00e9 e\u0301'])
      expect(nfc(text)).toBe(text.normalize('NFC'));
    expect(nfc('Vale\u0301ry')).toBe('Val\u00e9ry');
  });

  it('gives ASCII text back as it is', () => {
    const ascii = ' Buyer.1@Example.COM ~\u007f\u0000';
    expect(nfc(ascii)).toBe(ascii);
    expect(ascii.normalize('NFC')).toBe(ascii);
  });
});
