import { latestTimeIn } from '../../../core/runner/read-start';

/**
 * A checkpoint time written without a zone is UTC whatever the hub machine's zone: read as local time it moved
 * with the zone, and on a hub west of UTC a fresh checkpoint looked hours ahead of the clock (runs read nothing).
 */
describe('checkpoint times without a zone', () => {
  const zone = process.env.TZ;
  afterEach(() => {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  });

  it.each(['America/New_York', 'Asia/Tokyo', 'UTC'])('are read as UTC on a hub in %s', (tz) => {
    process.env.TZ = tz;
    const utc = Date.UTC(2026, 11, 1, 10, 0, 0);
    expect(latestTimeIn('2026-12-01 10:00:00')).toBe(utc);
    expect(latestTimeIn('2026-12-01T10:00:00')).toBe(utc);
    expect(latestTimeIn({ cursor: { write_date: '2026-12-01 10:00:00.250' } })).toBe(utc + 250);
    // stated zones are kept
    expect(latestTimeIn('2026-12-01T10:00:00Z')).toBe(utc);
    expect(latestTimeIn('2026-12-01T12:00:00+02:00')).toBe(utc);
    expect(latestTimeIn('2026-12-01T05:00:00-0500')).toBe(utc);
  });
});
