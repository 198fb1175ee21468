import { badInput } from '@wavegraph/kit';

/** A day: longer than any episode we host, short enough to catch garbage. */
export const MAX_POSITION_SECONDS = 86_400;

export function validPosition(positionSeconds: number): number {
  if (!Number.isInteger(positionSeconds) || positionSeconds < 0 || positionSeconds > MAX_POSITION_SECONDS) {
    throw badInput(`positionSeconds must be a whole number from 0 to ${MAX_POSITION_SECONDS}`, 'positionSeconds');
  }
  return positionSeconds;
}
