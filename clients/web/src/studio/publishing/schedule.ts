import type { CombinedError } from '@urql/core';
import { errorMessage } from '../../errors';

/** How long before its time a scheduled episode is watched for the worker publishing it. */
export const WATCH_BEFORE_MS = 30_000;
/** How often a scheduled episode that is due (or nearly) is asked for again. */
export const POLL_EVERY_MS = 3_000;

const pad = (n: number): string => String(n).padStart(2, '0');

/** A moment as a datetime-local input's value (local time, to the second). */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A datetime-local input's value (local time, no zone) as an ISO instant; null when it is empty or not a time. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return null;
  const date = new Date(value); // a date-time form without an offset is local time
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** A moment as the person's own clock shows it. */
export function localTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** Whether a SCHEDULED episode is due soon enough (or overdue) to be asked for again now. */
export function dueSoon(scheduledAt: string | null, now: number = Date.now()): boolean {
  if (!scheduledAt) return false;
  return new Date(scheduledAt).getTime() - now <= WATCH_BEFORE_MS;
}

/** Why a schedule was refused, in words: the API's own reason, with its field named as a person would. */
export function scheduleRefusal(error: CombinedError | undefined): string | null {
  const first = error?.graphQLErrors[0];
  if (first?.extensions?.code === 'BAD_USER_INPUT' && first.extensions.field === 'publishAt') {
    return `Not scheduled: ${first.message.replace(/^publishAt\b/, 'the publish time')}.`;
  }
  return errorMessage(error);
}
