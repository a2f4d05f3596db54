import { Cron } from 'croner';
import type { FlowProblem } from './errors';
import type { Trigger } from './schema';

/** A schedule trigger: the cron expression and its IANA time zone (UTC when absent). */
export type ScheduleTrigger = Extract<Trigger, { type: 'schedule' }>;

export function isScheduleTrigger(trigger: Trigger | undefined): trigger is ScheduleTrigger {
  return trigger?.type === 'schedule';
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function cronOf(trigger: ScheduleTrigger): Cron {
  return new Cron(trigger.cron, { timezone: trigger.timezone ?? 'UTC', paused: true });
}

/** What is wrong with a schedule trigger (cron expression, time zone), naming the field and the fix. */
export function scheduleProblems(trigger: ScheduleTrigger): FlowProblem[] {
  if (trigger.timezone !== undefined && !validTimeZone(trigger.timezone)) {
    return [
      {
        field: 'trigger.timezone',
        message: `"${trigger.timezone}" is not an IANA time zone; use a name such as "UTC" or "Europe/Moscow"`,
      },
    ];
  }
  try {
    if (cronOf(trigger).nextRun() === null) {
      return [{ field: 'trigger.cron', message: `"${trigger.cron}" never fires; check the day and month fields` }];
    }
    return [];
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, '');
    return [
      {
        field: 'trigger.cron',
        message: `"${trigger.cron}" is not a valid cron expression (${reason}); e.g. "*/15 * * * *" runs every 15 minutes`,
      },
    ];
  }
}

/** The next fire time strictly after `from` (epoch ms), or undefined when there is none. */
export function nextFireAt(trigger: ScheduleTrigger, from: number): number | undefined {
  return cronOf(trigger).nextRun(new Date(from))?.getTime();
}

/** The latest fire time at or before `now` (epoch ms): the slot a scheduler tick at `now` is due for. */
export function latestSlot(trigger: ScheduleTrigger, now: number): number | undefined {
  return cronOf(trigger)
    .previousRuns(1, new Date(now + 1))[0]
    ?.getTime();
}
