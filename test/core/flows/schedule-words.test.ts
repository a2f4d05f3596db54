import { describeTrigger, formatRunTime, scheduleSummary } from '../../../core/flows';

describe('schedules in words', () => {
  it.each([
    [{ type: 'manual' }, 'runs only when started (hub flows run)'],
    [{ type: 'webhook' }, "runs when the source's webhook reports changes"],
    [{ type: 'schedule', cron: '*/15 * * * *' }, 'runs every 15 minutes'],
    [{ type: 'schedule', cron: '* * * * *' }, 'runs every minute'],
    [{ type: 'schedule', cron: '5 * * * *' }, 'runs every hour at minute 5'],
    [{ type: 'schedule', cron: '0 */6 * * *' }, 'runs every 6 hours at minute 0'],
    [{ type: 'schedule', cron: '30 6 * * *', timezone: 'Europe/Moscow' }, 'runs daily at 06:30 (Europe/Moscow)'],
    [{ type: 'schedule', cron: '0 9 * * 1-5' }, 'runs on the schedule "0 9 * * 1-5" (UTC)'],
  ] as const)('%j → %s', (trigger, words) => {
    expect(describeTrigger(trigger)).toBe(words);
  });

  it("gives the first run time in the schedule's zone, with the date when it is not today", () => {
    const now = Date.parse('2026-12-07T03:07:00Z');
    const summary = scheduleSummary({ type: 'schedule', cron: '*/15 * * * *' }, now);
    expect(summary).toEqual({
      words: 'runs every 15 minutes',
      firstRunAt: Date.parse('2026-12-07T03:15:00Z'),
      timezone: 'UTC',
    });
    expect(formatRunTime(summary.firstRunAt!, 'UTC', now)).toBe('03:15 UTC');
    expect(formatRunTime(Date.parse('2026-12-08T03:00:00Z'), 'Europe/Moscow', now)).toBe(
      '2026-12-08 06:00 Europe/Moscow',
    );
    expect(scheduleSummary({ type: 'manual' }, now)).toEqual({ words: 'runs only when started (hub flows run)' });
  });
});
