import { badInput, requireLength } from '@wavegraph/kit';

/** Input rules for accounts; every failure is BAD_USER_INPUT naming the field. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const HANDLE = /^[a-z0-9_]{3,30}$/;

export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw badInput('email is not a valid email address', 'email');
  return email;
}

export function normalizeHandle(raw: string): string {
  const handle = raw.trim().toLowerCase();
  if (!HANDLE.test(handle)) {
    throw badInput('handle must be 3 to 30 characters of letters, digits and underscores', 'handle');
  }
  return handle;
}

export const normalizeDisplayName = (raw: string): string => requireLength('displayName', raw, 1, 80);

/** Length bounds plus a small policy: a password must not just repeat the account's email or handle. */
export function checkPassword(password: string, email: string, handle: string): void {
  if (password.length < PASSWORD_MIN) throw badInput(`password must be at least ${PASSWORD_MIN} characters`, 'password');
  if (password.length > PASSWORD_MAX) throw badInput(`password must be at most ${PASSWORD_MAX} characters`, 'password');
  const lowered = password.trim().toLowerCase();
  if (lowered === email || lowered === handle) {
    throw badInput('password must not be the same as your email or handle', 'password');
  }
}
