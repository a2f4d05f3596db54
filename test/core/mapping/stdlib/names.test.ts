import { splitFullName } from '../../../../core/mapping/stdlib/names';
import { run } from './helpers';

describe('$splitFullName', () => {
  it.each([
    ['Иванов Иван Иванович', { family: 'Иванов', given: 'Иван', middle: 'Иванович' }],
    ['Иван Иванович Иванов', { given: 'Иван', middle: 'Иванович', family: 'Иванов' }],
    ['Петрова Анна Сергеевна', { family: 'Петрова', given: 'Анна', middle: 'Сергеевна' }],
    ['Анна Сергеевна Петрова', { given: 'Анна', middle: 'Сергеевна', family: 'Петрова' }],
    ['Ульянов Владимир Ильич', { family: 'Ульянов', given: 'Владимир', middle: 'Ильич' }],
    ['Смирнова Ольга Ильинична', { family: 'Смирнова', given: 'Ольга', middle: 'Ильинична' }],
    ['Абрамович Роман Аркадьевич', { family: 'Абрамович', given: 'Роман', middle: 'Аркадьевич' }],
    ['Мамедов Рашид Али оглы', { family: 'Мамедов', given: 'Рашид', middle: 'Али оглы' }],
    ['ИВАНОВ ИВАН ИВАНОВИЧ', { family: 'Иванов', given: 'Иван', middle: 'Иванович' }],
    ['Ivanov Ivan Ivanovich', { family: 'Ivanov', given: 'Ivan', middle: 'Ivanovich' }],
  ])('Russian order: %j', (input, expected) => {
    expect(splitFullName(input)).toEqual(expected);
  });

  // a title is not the first name: Meta's fn and Google's given_name would otherwise hash "dr" ("Don't include
  // prefixes such as Mrs.", Data Manager formatting guide)
  it.each([
    ['Dr. John Smith', { given: 'John', family: 'Smith' }],
    ['MRS MARY ANN SMITH', { given: 'Mary', middle: 'Ann', family: 'Smith' }],
    ['Prof. Dr. Hans Müller', { given: 'Hans', family: 'Müller' }],
    ['Dr. Yes Person Jr.', { given: 'Yes', family: 'Person Jr.' }],
    ['Smith, Dr. John', { given: 'John', family: 'Smith' }],
    ['Mr Smith', { family: 'Smith' }],
    ['Dr', { given: 'Dr' }],
  ])('titles dropped: %j', (input, expected) => {
    expect(splitFullName(input)).toEqual(expected);
  });

  it.each([
    ['Петров Иван', { family: 'Петров', given: 'Иван' }],
    ['Иван Петров', { given: 'Иван', family: 'Петров' }],
    ['Петрова Ирина', { family: 'Петрова', given: 'Ирина' }],
    ['Ирина Петрова', { given: 'Ирина', family: 'Петрова' }],
    ['Анна Ивановна', { given: 'Анна', middle: 'Ивановна' }],
    ['Роман Абрамович', { given: 'Роман', family: 'Абрамович' }],
  ])('two Cyrillic words: %j', (input, expected) => {
    expect(splitFullName(input)).toEqual(expected);
  });

  it.each([
    ['John Smith', { given: 'John', family: 'Smith' }],
    ['John Ronald Smith', { given: 'John', middle: 'Ronald', family: 'Smith' }],
    ['John Ronald Reuel Tolkien', { given: 'John', middle: 'Ronald Reuel', family: 'Tolkien' }],
    ['Ludwig van Beethoven', { given: 'Ludwig', family: 'van Beethoven' }],
    ['Martin Luther King Jr.', { given: 'Martin', middle: 'Luther', family: 'King Jr.' }],
    ['Smith, John Ronald', { given: 'John', middle: 'Ronald', family: 'Smith' }],
    ['  mary   o’brien ', { given: 'Mary', family: 'O’Brien' }],
    ['Angus McDonald', { given: 'Angus', family: 'McDonald' }],
  ])('Western order: %j', (input, expected) => {
    expect(splitFullName(input)).toEqual(expected);
  });

  it('handles single names and empty input', () => {
    expect(splitFullName('Madonna')).toEqual({ given: 'Madonna' });
    expect(splitFullName('Иван')).toEqual({ given: 'Иван' });
    expect(splitFullName('   ')).toBeUndefined();
    expect(splitFullName(undefined)).toBeUndefined();
  });

  it('is registered for JSONata and its parts are addressable', async () => {
    await expect(run('$splitFullName(n).family', { n: 'Иванов Иван Иванович' })).resolves.toBe('Иванов');
    await expect(run('$splitFullName(n)', { n: 'John Smith' })).resolves.toEqual({ given: 'John', family: 'Smith' });
  });
});
