export const ROLES = ['ADMIN', 'EDITOR', 'USER'] as const;
export type Role = (typeof ROLES)[number];
export const PLANS = ['FREE', 'PREMIUM'] as const;
export type Plan = (typeof PLANS)[number];

/** The authenticated caller as the gateway vouches for it to every subgraph. */
export interface Viewer {
  id: string;
  role: Role;
  plan: Plan;
}

/** Claims Wavegraph puts in an access token besides the registered ones (sub, iss, aud, exp). */
export interface AccessTokenClaims {
  role: Role;
  plan: Plan;
  /** The session (refresh-token family) the token was issued for: logout voids it (see revocation.ts). */
  sid: string;
  /** `iat` in milliseconds: a role change voids the tokens issued before it, to the millisecond. */
  iat_ms: number;
}

export function isViewer(value: unknown): value is Viewer {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    v.id.length > 0 &&
    (ROLES as readonly unknown[]).includes(v.role) &&
    (PLANS as readonly unknown[]).includes(v.plan)
  );
}
