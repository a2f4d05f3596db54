import { formatDate, parseDateValue } from '../../../../core/mapping/stdlib/date';
import { run, runError } from './helpers';

describe('$formatDate', () => {
  const instant = Date.UTC(2024, 2, 1, 10, 5, 9, 42); // 2024-03-01T10:05:09.042Z

  it('formats with tokens in an IANA zone', () => {
    expect(formatDate(instant, 'yyyy-MM-dd HH:mm:ss.SSS XXX', 'Europe/Moscow', undefined)).toBe(
      '2024-03-01 13:05:09.042 +03:00',
    );
    expect(formatDate(instant, "yyyy-MM-dd'T'HH:mm:ssZ", 'America/New_York', undefined)).toBe(
      '2024-03-01T05:05:09-0500',
    );
    expect(formatDate(instant, 'dd.MM.yy H:m:s', 'UTC', undefined)).toBe('01.03.24 10:5:9');
    expect(formatDate(instant, 'HH:mmXXX', 'UTC', undefined)).toBe('10:05Z');
    expect(formatDate(instant, 'yyyyMMdd', 'Asia/Kolkata', undefined)).toBe('20240301');
    expect(formatDate(instant, "'at' HH'h'", 'Asia/Kolkata', undefined)).toBe('at 15h');
  });

  it('follows daylight saving time', () => {
    expect(formatDate('2024-07-01T12:00:00Z', 'HH:mm XXX', 'Europe/Berlin', undefined)).toBe('14:00 +02:00');
    expect(formatDate('2024-01-01T12:00:00Z', 'HH:mm XXX', 'Europe/Berlin', undefined)).toBe('13:00 +01:00');
  });

  it('has presets', () => {
    expect(formatDate(instant, 'iso', undefined, undefined)).toBe('2024-03-01T10:05:09.042Z');
    expect(formatDate(instant, undefined, 'Europe/Moscow', undefined)).toBe('2024-03-01T13:05:09.042+03:00');
    expect(formatDate(instant, 'date', 'Asia/Tokyo', undefined)).toBe('2024-03-01');
    expect(formatDate(instant, 'datetime', 'UTC', undefined)).toBe('2024-03-01 10:05:09');
    expect(formatDate('2024-03-01T10:05:09.042Z', 'epoch-ms', undefined, undefined)).toBe(instant);
    expect(formatDate(instant, 'epoch-s', undefined, undefined)).toBe(1709287509);
  });

  it('parses ISO strings, epoch milliseconds and dd.MM.yyyy; wall times use inputTz', () => {
    expect(parseDateValue('2024-03-01T13:05:09.042+03:00')).toBe(instant);
    expect(parseDateValue(String(instant))).toBe(instant);
    expect(parseDateValue('2024-03-01')).toBe(Date.UTC(2024, 2, 1));
    expect(parseDateValue('01.03.2024 13:05', 'Europe/Moscow')).toBe(Date.UTC(2024, 2, 1, 10, 5));
    expect(parseDateValue('2024-07-01 12:00', 'Europe/Berlin')).toBe(Date.UTC(2024, 6, 1, 10, 0));
    expect(parseDateValue('2024-02-30')).toBeUndefined();
    expect(parseDateValue('yesterday')).toBeUndefined();
  });

  it('is registered for JSONata: value, pattern, tz, inputTz', async () => {
    await expect(
      run('$formatDate(d, "yyyy-MM-dd HH:mm", "Europe/Moscow")', { d: '2024-03-01T10:05:00Z' }),
    ).resolves.toBe('2024-03-01 13:05');
    await expect(run('$formatDate(d, "iso", "UTC", "Europe/Moscow")', { d: '01.03.2024 13:05' })).resolves.toBe(
      '2024-03-01T10:05:00.000Z',
    );
    await expect(run('$formatDate(d, "epoch-s")', { d: 1700000000000 })).resolves.toBe(1700000000);
    await expect(run('{ "x": $formatDate(d, "iso") }', { d: 'not a date' })).resolves.toEqual({});
  });

  it('fails the evaluation for an unknown zone or pattern letter', async () => {
    await expect(runError('$formatDate("2024-03-01", "iso", "Mars/Olympus")')).resolves.toMatchObject({
      code: 'stdlib.formatDate',
      line: 1,
    });
    await expect(runError('$formatDate("2024-03-01", "yyyy-MM-ddTHH")')).resolves.toMatchObject({
      code: 'stdlib.formatDate',
    });
  });
});
