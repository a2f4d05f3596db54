import builtinSynonyms from './city-synonyms.json';

/**
 * `$normalizeCity(s)`: canonical city name from a synonym table (shipped as data in city-synonyms.json, extended by
 * the engine option `citySynonyms`). Matching ignores case, whitespace, punctuation, "ё"/"е" and a leading
 * "г."/"город". Unknown cities come back trimmed with whitespace collapsed; empty → undefined.
 */

export type CitySynonyms = Record<string, readonly string[]>;

const CITY_PREFIX = /^(?:г\.|гор\.|город\s)\s*|^г\s+/iu;

/** The comparison key: lowercase letters and digits only. */
export function cityKey(name: string): string {
  return name
    .normalize('NFKC')
    .trim()
    .replace(CITY_PREFIX, '')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

export function collapseWhitespace(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/gu, ' ');
}

/** Builds the lookup index; later tables win over earlier ones for the same key. */
export function buildCityIndex(...tables: (CitySynonyms | undefined)[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const table of tables) {
    if (!table) continue;
    for (const [canonical, synonyms] of Object.entries(table)) {
      const name = collapseWhitespace(canonical);
      for (const synonym of [canonical, ...synonyms]) {
        const key = cityKey(synonym);
        if (key.length > 0) index.set(key, name);
      }
    }
  }
  return index;
}

export const BUILTIN_CITY_SYNONYMS: CitySynonyms = builtinSynonyms;

export function createNormalizeCity(extra?: CitySynonyms): (value: unknown) => string | undefined {
  const index = buildCityIndex(BUILTIN_CITY_SYNONYMS, extra);
  return (value: unknown): string | undefined => {
    if (typeof value !== 'string') return undefined;
    const trimmed = collapseWhitespace(value);
    if (trimmed.length === 0) return undefined;
    return index.get(cityKey(trimmed)) ?? trimmed;
  };
}
