import { isScheduleTrigger, nextFireAt } from './cron';
import type { Trigger } from './schema';

/**
 * A flow's trigger in plain words for people ("runs every 15 minutes", "runs daily at 06:00 (Europe/Moscow)").
 * Written here rather than with a cron-to-text library (none is a dependency): the templates and the usual
 * schedules use a handful of shapes, and anything else is shown as the cron expression itself, which is exact.
 */

const pad = (n: string) => n.padStart(2, '0');
const NUMBER = /^\d+$/;

function describeCron(cron: string): string {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return `runs on the schedule "${cron}"`;
  const [minute, hour, day, month, weekday] = fields;
  const everyDay = day === '*' && month === '*' && weekday === '*';
  if (everyDay && hour === '*') {
    if (minute === '*') return 'runs every minute';
    const step = /^\*\/(\d+)$/.exec(minute)?.[1];
    if (step !== undefined) return Number(step) === 1 ? 'runs every minute' : `runs every ${Number(step)} minutes`;
    if (NUMBER.test(minute)) return `runs every hour at minute ${Number(minute)}`;
  }
  if (everyDay && NUMBER.test(minute)) {
    const step = /^\*\/(\d+)$/.exec(hour)?.[1];
    if (step !== undefined) return `runs every ${Number(step)} hours at minute ${Number(minute)}`;
    if (NUMBER.test(hour)) return `runs daily at ${pad(hour)}:${pad(minute)}`;
  }
  return `runs on the schedule "${cron}"`;
}

/** The trigger in words: manual, on webhook events, or the schedule with its time zone. */
export function describeTrigger(trigger: Trigger | undefined): string {
  if (trigger === undefined || trigger.type === 'manual') return 'runs only when started (hub flows run)';
  if (trigger.type === 'webhook') return "runs when the source's webhook reports changes";
  const words = describeCron(trigger.cron);
  // "every 15 minutes" is the same in every zone; a time of day is not
  return /daily|schedule/.test(words) ? `${words} (${trigger.timezone ?? 'UTC'})` : words;
}

/** "03:15 UTC" style, in the schedule's own time zone, with the date when it is not today (in that zone). */
export function formatRunTime(at: number, timeZone = 'UTC', now: number = Date.now()): string {
  const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' }).format(ms);
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return `${day(at) === day(now) ? '' : `${day(at)} `}${time.format(at)} ${timeZone}`;
}

/** What `flows enable` says about a flow's trigger: the words and, for a schedule, the first run time. */
export function scheduleSummary(
  trigger: Trigger | undefined,
  now: number,
): { words: string; firstRunAt?: number; timezone?: string } {
  const words = describeTrigger(trigger);
  if (!isScheduleTrigger(trigger)) return { words };
  const timezone = trigger.timezone ?? 'UTC';
  const firstRunAt = nextFireAt(trigger, now);
  return firstRunAt === undefined ? { words, timezone } : { words, firstRunAt, timezone };
}
