import { cityKey, createNormalizeCity } from '../../../../core/mapping/stdlib/city';
import { run } from './helpers';

describe('$normalizeCity', () => {
  const normalizeCity = createNormalizeCity();

  it.each([
    'СПб',
    'спб',
    'Питер',
    'С.-Петербург',
    'Санкт Петербург',
    'санкт-петербург',
    '  САНКТ-ПЕТЕРБУРГ ',
    'St. Petersburg',
    'Saint Petersburg',
    'г. Санкт-Петербург',
  ])('%j → Санкт-Петербург', (input) => {
    expect(normalizeCity(input)).toBe('Санкт-Петербург');
  });

  it.each([
    ['Мск', 'Москва'],
    ['Moscow', 'Москва'],
    ['москва', 'Москва'],
    ['г Москва', 'Москва'],
    ['Екб', 'Екатеринбург'],
    ['Нижний  Новгород', 'Нижний Новгород'],
    ['Ростов на Дону', 'Ростов-на-Дону'],
    ['Алма-Ата', 'Алматы'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeCity(input)).toBe(expected);
  });

  it('returns an unknown city trimmed with whitespace collapsed, and undefined for empty', () => {
    expect(normalizeCity('  New   York ')).toBe('New York');
    expect(normalizeCity('Тверь')).toBe('Тверь');
    expect(normalizeCity('   ')).toBeUndefined();
    expect(normalizeCity(undefined)).toBeUndefined();
  });

  it('ignores case, punctuation, whitespace and ё/е in the key', () => {
    expect(cityKey('С.-Петербург')).toBe(cityKey('с петербург'));
    expect(cityKey('Орёл')).toBe(cityKey('орел'));
  });

  it('merges synonyms from engine configuration', async () => {
    const options = { citySynonyms: { Тверь: ['Tver', 'Калинин'], Москва: ['Первопрестольная'] } };
    await expect(
      run('[$normalizeCity("tver"), $normalizeCity("Первопрестольная"), $normalizeCity("Питер")]', {}, options),
    ).resolves.toEqual(['Тверь', 'Москва', 'Санкт-Петербург']);
    await expect(run('$normalizeCity("tver")')).resolves.toBe('tver');
  });
});
