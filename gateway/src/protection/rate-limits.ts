import { isStaff, type Viewer } from '@wavegraph/auth';
import type { RateLimitSettings } from '../config';
import type { Limit, LimitStore } from './limiter';

/** Every limit the gateway applies, built once from the settings (a limit set to 0 is null: off). */
export interface RateLimits {
  store: LimitStore;
  operations: Record<keyof RateLimitSettings['perWindow'], Limit | null>;
  loginPerIp: Limit | null;
  /** Consecutive failures per account: counted here, never refused by this limit itself. */
  loginFailures: Limit;
  /** The growing wait an account is held in after too many failures. */
  loginLockout: Limit;
  loginFailuresPerIp: Limit | null;
  registerPerIp: Limit | null;
  registerPerAccount: Limit | null;
  refreshPerIp: Limit | null;
  wsConnections: Limit | null;
  wsSubscribes: Limit | null;
  settings: RateLimitSettings;
}

const HOUR = 3600;

export function buildRateLimits(store: LimitStore, settings: RateLimitSettings): RateLimits {
  const window = settings.windowSeconds;
  const perWindow = settings.perWindow;
  return {
    store,
    settings,
    operations: {
      anonymous: store.limit({ name: 'ops:anonymous', points: perWindow.anonymous, durationSeconds: window }),
      FREE: store.limit({ name: 'ops:free', points: perWindow.FREE, durationSeconds: window }),
      PREMIUM: store.limit({ name: 'ops:premium', points: perWindow.PREMIUM, durationSeconds: window }),
      staff: store.limit({ name: 'ops:staff', points: perWindow.staff, durationSeconds: window }),
    },
    loginPerIp: store.limit({ name: 'login:ip', points: settings.loginPerIpPerMinute, durationSeconds: 60 }),
    loginFailures: store.limit({ name: 'login:failures', points: Number.MAX_SAFE_INTEGER, durationSeconds: HOUR })!,
    loginLockout: store.limit({ name: 'login:lockout', points: 1, durationSeconds: 1 })!,
    loginFailuresPerIp: store.limit({ name: 'login:ip-failures', points: settings.loginFailuresPerIpPerHour, durationSeconds: HOUR }),
    registerPerIp: store.limit({ name: 'register:ip', points: settings.registerPerIpPerHour, durationSeconds: HOUR }),
    registerPerAccount: store.limit({ name: 'register:account', points: settings.registerPerEmailPerHour, durationSeconds: HOUR }),
    refreshPerIp: store.limit({ name: 'refresh:ip', points: settings.refreshPerIpPerMinute, durationSeconds: 60 }),
    wsConnections: store.limit({ name: 'ws:connections', points: settings.wsConnectionsPerMinute, durationSeconds: 60 }),
    wsSubscribes: store.limit({ name: 'ws:subscribes', points: settings.wsSubscribesPerMinute, durationSeconds: 60 }),
  };
}

/** The operations limit that applies to a caller, and the key it is counted under. */
export function operationsLimitOf(limits: RateLimits, viewer: Viewer | null, ip: string): { limit: Limit | null; key: string } {
  if (!viewer) return { limit: limits.operations.anonymous, key: `ip:${ip}` };
  return { limit: isStaff(viewer) ? limits.operations.staff : limits.operations[viewer.plan], key: `user:${viewer.id}` };
}

/** Who a WebSocket connection is counted as: the account when signed in, else the address. */
export const callerKey = (viewer: Viewer | null, ip: string): string => (viewer ? `user:${viewer.id}` : `ip:${ip}`);

/**
 * The wait after the `failures`-th consecutive failure: none for the first `free` ones, then
 * 1 s, 2 s, 4 s … doubling up to `max` (OWASP's guidance: slow guessing down without locking
 * the owner out for long).
 */
export function lockoutSeconds(failures: number, free: number, max: number): number {
  if (failures <= free) return 0;
  return Math.min(max, 2 ** Math.min(30, failures - free - 1));
}
