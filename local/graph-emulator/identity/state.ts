// What the identity platform remembers between requests: codes, refresh and access tokens, and the
// knobs the control API turns. Cleared on reset.

export interface AuthCodeRecord {
  tenantId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  /** Raw requested scope string (OIDC + Graph). */
  scope: string;
  challenge: string | null;
  challengeMethod: "S256" | "plain" | null;
  nonce: string | null;
  issuedAt: number;
  redeemed: boolean;
}

export interface RefreshTokenRecord {
  tenantId: string;
  clientId: string;
  userId: string;
  scope: string;
  /** When the user signed in: revocation (TokensValidFrom) is compared with this. */
  grantIssuedAt: number;
  /** When this token was issued: the 90-day inactivity window runs from here. */
  issuedAt: number;
  /** Set once the token has been redeemed for a newer one. */
  rotated: boolean;
}

export interface AccessTokenRecord {
  tenantId: string;
  clientId: string;
  /** null for app-only tokens. */
  userId: string | null;
  scopes: string[];
  roles: string[];
  /** Lower-cased scopes (delegated) or roles (app-only), for permission checks. */
  grants: Set<string>;
  issuedAt: number;
  expiresAt: number;
}

export type AuthorizeOutcome =
  | "access_denied"
  | "consent_required"
  | "interaction_required"
  | "login_required";

/** A one-or-more-shot override of what /authorize or /token would do. */
export interface Knob<T> {
  value: T;
  /** Tenant id, verified domain or `common`; absent = any. */
  tenant?: string;
  clientId?: string;
  /** User id or UPN; absent = any. */
  user?: string;
  grantType?: string;
  /** How many more requests it applies to; absent = until removed. */
  times?: number;
}

/** An injected /token failure: an AADSTS code, and for outages (503) the Retry-After to send. */
export interface TokenFault {
  code: number;
  retryAfter: number | null;
}

export interface IdentitySettings {
  accessTokenLifetimeSeconds: number;
  codeLifetimeSeconds: number;
  refreshTokenInactivityDays: number;
  /** Off (Microsoft's behaviour): a rotated refresh token keeps working. */
  invalidateRotatedRefreshTokens: boolean;
}

export function defaultIdentitySettings(): IdentitySettings {
  return {
    accessTokenLifetimeSeconds: 3599,
    codeLifetimeSeconds: 600,
    refreshTokenInactivityDays: 90,
    invalidateRotatedRefreshTokens: false,
  };
}

export class IdentityState {
  codes = new Map<string, AuthCodeRecord>();
  refreshTokens = new Map<string, RefreshTokenRecord>();
  accessTokens = new Map<string, AccessTokenRecord>();
  settings = defaultIdentitySettings();
  authorizeOutcomes: Knob<AuthorizeOutcome>[] = [];
  tokenFaults: Knob<TokenFault>[] = [];
  /** Tenant id (or `common`) → user id signed in at /authorize when no login_hint is given. */
  signInUsers = new Map<string, string>();
}

/** The first knob matching the request, consuming one of its uses. */
export function takeKnob<T>(knobs: Knob<T>[], match: (k: Knob<T>) => boolean): T | undefined {
  const i = knobs.findIndex(match);
  if (i < 0) return undefined;
  const knob = knobs[i];
  if (knob.times !== undefined && --knob.times <= 0) knobs.splice(i, 1);
  return knob.value;
}
