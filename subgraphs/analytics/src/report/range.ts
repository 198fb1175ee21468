import { badInput } from '@wavegraph/kit';
import type { Interval } from '../store/analytics.store';

const DAY_MS = 86_400_000;
/** The longest range asked at once: a year by day, five years by week or month. */
export const MAX_DAYS: Record<Interval, number> = { DAY: 366, WEEK: 5 * 366, MONTH: 5 * 366 };

export interface DayRange {
  fromDay: string;
  toDay: string;
}

const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The UTC days a range covers: the day of `from` through the day of `to`, except that a `to` at
 * midnight ends the range before that day (so [Mon 00:00, Tue 00:00) is Monday alone).
 */
export function daysOf(from: Date, to: Date, interval: Interval): DayRange {
  if (!(from instanceof Date) || Number.isNaN(from.getTime()) || !(to instanceof Date) || Number.isNaN(to.getTime())) {
    throw badInput('range.from and range.to must be date-times', 'range');
  }
  if (to.getTime() <= from.getTime()) throw badInput('range.to must be after range.from', 'range');
  const endMs = to.getTime() % DAY_MS === 0 ? to.getTime() - 1 : to.getTime();
  const days = Math.floor(endMs / DAY_MS) - Math.floor(from.getTime() / DAY_MS) + 1;
  if (days > MAX_DAYS[interval]) throw badInput(`a range by ${interval} covers at most ${MAX_DAYS[interval]} days`, 'range');
  return { fromDay: dayOf(from.getTime()), toDay: dayOf(endMs) };
}

/** Where the bucket holding `day` starts: the day, its week's Monday, or the 1st of its month. */
export function bucketStart(day: string, interval: Interval): string {
  const at = new Date(`${day}T00:00:00Z`);
  if (interval === 'WEEK') at.setUTCDate(at.getUTCDate() - ((at.getUTCDay() + 6) % 7));
  if (interval === 'MONTH') at.setUTCDate(1);
  return at.toISOString().slice(0, 10);
}

/** Every bucket start of the range, in order (a series shows empty buckets as zeros). */
export function bucketStarts({ fromDay, toDay }: DayRange, interval: Interval): string[] {
  const starts: string[] = [];
  const at = new Date(`${bucketStart(fromDay, interval)}T00:00:00Z`);
  const end = new Date(`${toDay}T00:00:00Z`);
  while (at <= end) {
    starts.push(at.toISOString().slice(0, 10));
    if (interval === 'DAY') at.setUTCDate(at.getUTCDate() + 1);
    else if (interval === 'WEEK') at.setUTCDate(at.getUTCDate() + 7);
    else at.setUTCMonth(at.getUTCMonth() + 1);
  }
  return starts;
}
