import { badInput } from '@wavegraph/kit';

/** A day: longer than any episode we host, short enough to catch garbage. */
export const MAX_POSITION_SECONDS = 86_400;

export function validPosition(positionSeconds: number): number {
  if (!Number.isInteger(positionSeconds) || positionSeconds < 0 || positionSeconds > MAX_POSITION_SECONDS) {
    throw badInput(`positionSeconds must be a whole number from 0 to ${MAX_POSITION_SECONDS}`, 'positionSeconds');
  }
  return positionSeconds;
}

/** What a player may call itself (analytics groups listening by it). */
export const MAX_CLIENT_APP_LENGTH = 64;

/** The player's name, trimmed; none when absent or blank. */
export function validClientApp(clientApp: string | null | undefined): string | undefined {
  const name = clientApp?.trim();
  if (!name) return undefined;
  if (name.length > MAX_CLIENT_APP_LENGTH || /[\u0000-\u001f]/.test(name)) {
    throw badInput(`clientApp must be at most ${MAX_CLIENT_APP_LENGTH} printable characters`, 'clientApp');
  }
  return name;
}
