// Why a posture read failed, as a sync status: a missing licence (unlicensed) is an answer, not an
// error; a refused permission or credentials (forbidden), throttling (throttled) and anything else
// (error) keep the previous snapshot. Errors are values here: each dataset decides what it can do
// without a source.
import { GraphError } from "@microsoft/microsoft-graph-client";
import { HttpError, RetryLater, Unauthorized } from "../errors.ts";
import { redact } from "../log.ts";

export type SyncStatus = "ok" | "unlicensed" | "forbidden" | "throttled" | "error";

export interface Failure {
  status: Exclude<SyncStatus, "ok">;
  message: string;
  /** Seconds Graph (or the identity platform) asked us to wait. */
  retryAfterSeconds?: number;
  /** Microsoft refused the organization's app-only credentials: back off until they change. */
  credentials?: boolean;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

/** The tenant lacks the licence: Entra ID P1/P2 (reports, sign-ins, risk) or Intune. */
const UNLICENSED = [
  /Authentication_RequestFromNonPremiumTenantOrB2CTenant/i,
  /premium licen[cs]e/i,
  /not licensed for this feature/i,
  /not applicable to target tenant/i,
];

/** The sync status for an answer Graph gave (status, error code, message). */
export function failureOf(
  status: number,
  code: string | null | undefined,
  message: string,
  retryAfterSeconds?: number,
): Failure {
  const said = `Graph answered ${status}${code ? ` ${code}` : ""}: ${message}`.slice(0, 500);
  if (status === 429) return { status: "throttled", message: said, retryAfterSeconds };
  if ([400, 403].includes(status) && UNLICENSED.some((p) => p.test(`${code} ${message}`))) {
    return { status: "unlicensed", message: said };
  }
  if (status === 401 || status === 403) return { status: "forbidden", message: said };
  return { status: "error", message: said, retryAfterSeconds };
}

/** The sync status for anything thrown while reading Graph. */
export function classify(error: unknown): Failure {
  if (error instanceof GraphError) {
    const retryAfter = Number(error.headers?.get("retry-after"));
    return failureOf(
      error.statusCode,
      error.code,
      error.message,
      Number.isFinite(retryAfter) ? retryAfter : undefined,
    );
  }
  if (error instanceof Unauthorized) {
    return { status: "forbidden", message: error.message, credentials: true };
  }
  if (error instanceof RetryLater) {
    return { status: "error", message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  }
  if (error instanceof HttpError) return { status: "error", message: error.message };
  if (error instanceof SourceFailed) return error.failure;
  return {
    status: "error",
    message: redact(`reading Microsoft 365 failed: ${(error as Error)?.message ?? error}`),
  };
}

/** A source a dataset cannot do without failed; the refresh records why. */
export class SourceFailed extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
    this.name = "SourceFailed";
  }
}

/** The value, or the failure thrown (for sources a dataset needs). */
export function required<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new SourceFailed(outcome.failure);
  return outcome.value;
}

/** The value; null when the tenant lacks the licence; any other failure is thrown. */
export function licensed<T>(outcome: Outcome<T>): T | null {
  if (outcome.ok) return outcome.value;
  if (outcome.failure.status === "unlicensed") return null;
  throw new SourceFailed(outcome.failure);
}
