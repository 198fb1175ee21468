import { useEffect } from 'react';
import { dueSoon, POLL_EVERY_MS } from './schedule';

/**
 * While an episode is SCHEDULED and its time is near or past, asks for it again every few seconds,
 * so the page shows the worker's publish without a reload. Nothing is asked while the time is far.
 */
export function useScheduleWatch(status: string, scheduledAt: string | null, refresh: () => void): void {
  useEffect(() => {
    if (status !== 'SCHEDULED') return;
    const timer = setInterval(() => {
      if (dueSoon(scheduledAt)) refresh();
    }, POLL_EVERY_MS);
    return () => clearInterval(timer);
  }, [status, scheduledAt, refresh]);
}
