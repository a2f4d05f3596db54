/**
 * `$splitFullName(s)` → `{ given, family, middle }` (absent parts omitted; empty input → undefined).
 *
 * - A title before the name (Mr, Mrs, Ms, Miss, Mx, Dr, Prof, Rev, Sir, Dame, with or without the dot) is dropped:
 *   "Dr. John Smith" → John / Smith, "Mrs. Smith" → family Smith (the ad platforms hash the first name as it comes).
 *
 * - A patronymic (Иванович, Сергеевна, Ильич, Ильинична, Ivanovich, ... and Turkic "… оглы/кызы") marks Russian
 *   naming: "Иванов Иван Иванович" (family given patronymic) and "Иван Иванович Иванов" (given patronymic family).
 *   With only two words a male "-ович" is read as a surname ("Роман Абрамович"), a female one as a patronymic.
 * - Without a patronymic, Cyrillic names use surname endings (-ов, -ева, -ин, -ский, ...) to tell
 *   "Петров Иван" from "Иван Петров"; Latin names use Western order: given [middle ...] family.
 * - "Family, Given Middle" (comma) is honoured; particles (van, de, von, ...) and suffixes (Jr., III) stay with the
 *   family name. ALL-CAPS or all-lowercase words are title-cased; mixed case (McDonald) is kept.
 */

export interface SplitName {
  given?: string;
  family?: string;
  middle?: string;
}

const MALE_PATRONYMIC =
  /^(?:\p{L}{2,}(?:ович|евич|ovich|evich)|ильич|кузьмич|лукич|фомич|никитич|саввич|ilyich|ilich)$/iu;
const FEMALE_PATRONYMIC = /^\p{L}{2,}(?:овна|евна|ична|инична|ovna|evna|ichna|inichna)$/iu;
const TURKIC_PATRONYMIC = /^(?:оглы|оглу|улы|кызы|гызы|ogly|kyzy)$/iu;
const RUSSIAN_SURNAME =
  /^\p{L}{2,}(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|цкий|ская|цкая|ой|ых|их|ко|ук|юк|ян|дзе|швили)(?:-\p{L}+)?$/iu;
/** Common given names that end like surnames (Ирина, Константин, Демьян). */
const GIVEN_LIKE_SURNAME = new Set(
  (
    'ирина марина алина галина полина кристина екатерина валентина карина арина ангелина регина альбина зарина ' +
    'элина эвелина каролина валентин константин вениамин демьян лукьян емельян касьян'
  ).split(' '),
);
const PARTICLES = new Set([
  'van',
  'von',
  'der',
  'den',
  'de',
  'del',
  'della',
  'di',
  'da',
  'du',
  'la',
  'le',
  'bin',
  'al',
  'ter',
  'dos',
  'das',
]);
const SUFFIXES = /^(?:jr\.?|sr\.?|ii|iii|iv)$/i;
/** Titles before a name: not part of it (Google's given_name: "Don't include prefixes such as Mrs."). */
const TITLES = /^(?:mr|mrs|ms|miss|mx|dr|prof|rev|sir|dame)\.?$/i;
const CYRILLIC = /\p{Script=Cyrillic}/u;

function titleCaseWord(word: string): string {
  if (TURKIC_PATRONYMIC.test(word)) return word.toLowerCase();
  const isUniform = word === word.toUpperCase() || word === word.toLowerCase();
  if (!isUniform || PARTICLES.has(word.toLowerCase()) || SUFFIXES.test(word)) return word;
  return word
    .toLowerCase()
    .replace(/(^|[-'’])(\p{L})/gu, (_m, sep: string, letter: string) => sep + letter.toUpperCase());
}

function build(given: string[], middle: string[], family: string[]): SplitName {
  const result: SplitName = {};
  if (given.length > 0) result.given = given.join(' ');
  if (family.length > 0) result.family = family.join(' ');
  if (middle.length > 0) result.middle = middle.join(' ');
  return result;
}

/** Joins "Али оглы" into one token so it is treated as the patronymic. */
function mergeTurkicPatronymic(words: string[]): string[] {
  const merged: string[] = [];
  for (const word of words) {
    if (TURKIC_PATRONYMIC.test(word) && merged.length > 0) merged[merged.length - 1] += ` ${word}`;
    else merged.push(word);
  }
  return merged;
}

/** With two words a male "-ович" is more often a surname (Роман Абрамович); female patronymics are unambiguous. */
function isPatronymic(word: string, wordCount: number): boolean {
  if (FEMALE_PATRONYMIC.test(word) || / (?:оглы|оглу|улы|кызы|гызы|ogly|kyzy)$/iu.test(word)) return true;
  return wordCount > 2 && MALE_PATRONYMIC.test(word);
}

function splitWithPatronymic(words: string[], p: number): SplitName {
  // given patronymic [family...]  or  [family...] given patronymic
  const given = words[p - 1];
  const family = [...words.slice(0, p - 1), ...words.slice(p + 1)];
  return build([given], [words[p]], family);
}

function looksLikeSurname(word: string): boolean {
  return RUSSIAN_SURNAME.test(word) && !GIVEN_LIKE_SURNAME.has(word.toLowerCase());
}

function splitCyrillic(words: string[]): SplitName {
  const firstIsSurname = looksLikeSurname(words[0]);
  const lastIsSurname = looksLikeSurname(words[words.length - 1]);
  if (firstIsSurname && !lastIsSurname) return build([words[1]], words.slice(2), [words[0]]);
  if (words.length === 3 && !lastIsSurname) return build([words[1]], [words[2]], [words[0]]); // official order
  return splitWestern(words);
}

function splitWestern(words: string[]): SplitName {
  let familyStart = words.length - 1;
  while (familyStart > 1 && SUFFIXES.test(words[familyStart])) familyStart--;
  while (familyStart > 1 && PARTICLES.has(words[familyStart - 1].toLowerCase())) familyStart--;
  return build([words[0]], words.slice(1, familyStart), words.slice(familyStart));
}

export function splitFullName(value: unknown): SplitName | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (text.length === 0) return undefined;

  const comma = text.indexOf(',');
  if (comma > 0) {
    const family = text.slice(0, comma).trim().split(' ').filter(Boolean).map(titleCaseWord);
    const rest = mergeTurkicPatronymic(
      text
        .slice(comma + 1)
        .trim()
        .split(' ')
        .filter(Boolean)
        .map(titleCaseWord),
    );
    while (rest.length > 1 && TITLES.test(rest[0]!)) rest.shift();
    if (rest.length > 0) return build([rest[0]], rest.slice(1), family);
  }

  let words = mergeTurkicPatronymic(text.replace(/,/g, ' ').split(' ').filter(Boolean).map(titleCaseWord));
  if (words.length > 1 && TITLES.test(words[0]!)) {
    let start = 1;
    while (start < words.length - 1 && TITLES.test(words[start]!)) start++;
    // "Mr Smith": a title and one word is a family name
    if (words.length - start === 1) return { family: words[start]! };
    words = words.slice(start);
  }
  if (words.length === 1) return { given: words[0] };
  const p = words.findIndex((word, i) => i > 0 && isPatronymic(word, words.length));
  if (p > 0) return splitWithPatronymic(words, p);
  if (CYRILLIC.test(text)) return splitCyrillic(words);
  return splitWestern(words);
}
