// Graph's service-specific throttling limits (notes §2.4) as reusable classes: an endpoint lists the
// classes that apply to it; each class says what it counts per (app, tenant, mailbox) and how its
// 429 looks. Limits can be changed at run time through the control API (throttling settings).
import { GraphError } from "../graph/errors.ts";

export interface ThrottleScope {
  appId: string;
  tenantId: string;
  /** The mailbox owner's user id, for mailbox-scoped endpoints. */
  mailboxId: string | null;
}

export interface ThrottleLimits {
  /** Requests allowed per window. */
  limit?: number;
  windowMs?: number;
  /** Requests allowed in flight at once. */
  concurrency?: number;
}

export interface ThrottleClass {
  name: string;
  /** What the limits are counted per; null = the class does not apply to this request. */
  key(scope: ThrottleScope): string | null;
  limits: ThrottleLimits;
  /** false: the 429 carries no Retry-After (CA, some Intune), so clients must back off themselves. */
  retryAfter: boolean;
  error(): GraphError;
}

/** Graph's generic 429 body (the throttling guidance sample). */
export function tooManyRequests(): GraphError {
  return new GraphError(429, "TooManyRequests", "Please retry again later.", {
    inner: { code: "429", message: "Please retry after", status: "429" },
  });
}

const mailboxConcurrency = () =>
  new GraphError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.", {
    innerError: false,
  });

const perAppTenant = (s: ThrottleScope) => `${s.appId}|${s.tenantId}`;
const perTenant = (s: ThrottleScope) => s.tenantId;
const MIN = 60_000;

/** Outlook: per app and mailbox, 10,000 requests per 10 minutes and 4 concurrent. */
export const OUTLOOK: ThrottleClass = {
  name: "outlook",
  key: (s) => s.mailboxId === null ? null : `${s.appId}|${s.mailboxId}`,
  limits: { limit: 10_000, windowMs: 10 * MIN, concurrency: 4 },
  retryAfter: true,
  error: mailboxConcurrency,
};

/** Identity protection and conditional access: 1 request per second per tenant, no Retry-After. */
export const CONDITIONAL_ACCESS: ThrottleClass = {
  name: "conditionalAccess",
  key: perTenant,
  limits: { limit: 1, windowMs: 1000 },
  retryAfter: false,
  error: tooManyRequests,
};

/** Identity and access reports (/reports/authenticationMethods, sign-ins, audit): 5 per 10 s per app and tenant. */
export const IDENTITY_REPORTS: ThrottleClass = {
  name: "identityReports",
  key: perAppTenant,
  limits: { limit: 5, windowMs: 10_000 },
  retryAfter: true,
  error: tooManyRequests,
};

/** Microsoft 365 usage reports (CSV): 14 per 10 minutes per app and tenant… */
export const USAGE_REPORTS: ThrottleClass = {
  name: "usageReports",
  key: perAppTenant,
  limits: { limit: 14, windowMs: 10 * MIN },
  retryAfter: true,
  error: tooManyRequests,
};

/** …and 40 per 10 minutes per tenant across apps. */
export const USAGE_REPORTS_TENANT: ThrottleClass = {
  name: "usageReportsTenant",
  key: perTenant,
  limits: { limit: 40, windowMs: 10 * MIN },
  retryAfter: true,
  error: tooManyRequests,
};

/** Secure Score: 150 requests per minute per app and tenant. */
export const SECURE_SCORE: ThrottleClass = {
  name: "secureScore",
  key: perAppTenant,
  limits: { limit: 150, windowMs: MIN },
  retryAfter: true,
  error: tooManyRequests,
};

/** Intune devices: 2,000 per 20 s per app and tenant (4,000 per tenant); 429s often lack Retry-After. */
export const INTUNE_DEVICES: ThrottleClass = {
  name: "intuneDevices",
  key: perAppTenant,
  limits: { limit: 2000, windowMs: 20_000 },
  retryAfter: false,
  error: tooManyRequests,
};

/** Intune device configuration: 1,000 per 20 s per app and tenant. */
export const INTUNE_CONFIGURATION: ThrottleClass = {
  name: "intuneConfiguration",
  key: perAppTenant,
  limits: { limit: 1000, windowMs: 20_000 },
  retryAfter: false,
  error: tooManyRequests,
};

export const THROTTLE_CLASSES: readonly ThrottleClass[] = [
  OUTLOOK,
  CONDITIONAL_ACCESS,
  IDENTITY_REPORTS,
  USAGE_REPORTS,
  USAGE_REPORTS_TENANT,
  SECURE_SCORE,
  INTUNE_DEVICES,
  INTUNE_CONFIGURATION,
];
