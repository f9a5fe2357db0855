// Switchable fault injection: error statuses (429/5xx, with or without Retry-After) and latency,
// by rate (seeded, so runs repeat) or for the next N requests, per endpoint pattern.
import type { Random } from "../core/random.ts";
import { GraphError } from "../graph/errors.ts";
import type { Workload } from "../graph/workloads.ts";
import { tooManyRequests } from "./classes.ts";
import { retryAfterValue } from "./throttles.ts";

export interface FaultRule {
  id: string;
  /** Path under /v1.0 with `*` for one segment and `**` for any, or an endpoint pattern such as
   * `/users/{user}/mailboxSettings`; absent = every Graph request. Case-insensitive. */
  path?: string;
  method?: string;
  clientId?: string;
  tenantId?: string;
  /** Answer with this status (401, 429, 500, 502, 503, 504) instead of running the endpoint. */
  status?: number;
  code?: string;
  message?: string;
  /** Retry-After seconds (fractional allowed); null = send none. Default: seeded 0.5–3.5 s for 429/503. */
  retryAfter?: number | null;
  /** Delay the response (wall-clock ms) while holding the request's throttle slots. */
  latencyMs?: number;
  /** Park matching requests until POST /_emulator/faults/release. */
  hold?: boolean;
  /** Probability (0–1) that a matching request is hit. Default 1. */
  rate?: number;
  /** Hit only the next N matching requests, then drop the rule. */
  count?: number;
}

export interface FaultTarget {
  method: string;
  path: string;
  pattern: string | null;
  clientId: string | null;
  tenantId: string | null;
  workload: Workload | null;
}

export interface FaultPlan {
  error: GraphError | null;
  delayMs: number;
  hold: boolean;
}

export class Faults {
  rules: FaultRule[] = [];
  #held = new Set<() => void>();

  constructor(private readonly random: Random) {}

  add(rule: Omit<FaultRule, "id"> & { id?: string }): FaultRule {
    const full = { ...rule, id: rule.id ?? crypto.randomUUID() };
    this.rules.push(full);
    return full;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  plan(t: FaultTarget): FaultPlan {
    const plan: FaultPlan = { error: null, delayMs: 0, hold: false };
    if (this.rules.length === 0) return plan;
    for (const rule of [...this.rules]) {
      if (!matches(rule, t)) continue;
      if (rule.rate !== undefined && this.random.next() >= rule.rate) continue;
      if (rule.count !== undefined && --rule.count <= 0) this.remove(rule.id);
      plan.delayMs += rule.latencyMs ?? 0;
      plan.hold ||= rule.hold === true;
      if (rule.status !== undefined && !plan.error) plan.error = this.#error(rule, t.workload);
    }
    return plan;
  }

  /** Resolves when the held requests are released. */
  hold(): Promise<void> {
    return new Promise((resolve) => this.#held.add(resolve));
  }

  get heldCount(): number {
    return this.#held.size;
  }

  release(): number {
    const n = this.#held.size;
    for (const r of this.#held) r();
    this.#held.clear();
    return n;
  }

  clear(): void {
    this.rules = [];
    this.release();
  }

  #error(rule: FaultRule, workload: Workload | null): GraphError {
    const status = rule.status!;
    const base = defaultError(status, workload?.name === "exchange");
    const error = new GraphError(status, rule.code ?? base.code, rule.message ?? base.message, base.options);
    const retryAfter = rule.retryAfter === undefined
      ? (status === 429 || status === 503 ? 0.5 + 3 * this.random.next() : null)
      : rule.retryAfter;
    if (retryAfter !== null) error.options.headers = { "Retry-After": retryAfterValue(retryAfter) };
    return error;
  }
}

function defaultError(status: number, exchange: boolean): GraphError {
  switch (status) {
    case 429:
      return exchange
        ? new GraphError(429, "ApplicationThrottled", "Application is over its MailboxConcurrency limit.", {
          innerError: false,
        })
        : tooManyRequests();
    case 503:
      return exchange
        ? new GraphError(
          503,
          "ErrorServerBusy",
          "The server cannot service this request right now. Try again later.",
        )
        : new GraphError(
          503,
          "serviceNotAvailable",
          "The service is temporarily unavailable. Please retry after a delay.",
        );
    case 504:
      return new GraphError(504, "UnknownError", "The operation has timed out.");
    case 401:
      // A token rejected before its expiry (revoked session, clock skew at the resource).
      return new GraphError(
        401,
        "InvalidAuthenticationToken",
        "Access token has expired or is not yet valid.",
        {
          headers: { "WWW-Authenticate": 'Bearer realm="", error="invalid_token"' },
        },
      );
    case 502:
      return new GraphError(502, "UnknownError", "Bad gateway.");
    default:
      return new GraphError(status, "generalException", "General exception while processing.");
  }
}

function matches(rule: FaultRule, t: FaultTarget): boolean {
  if (rule.method && rule.method.toUpperCase() !== t.method) return false;
  if (rule.clientId && rule.clientId.toLowerCase() !== t.clientId?.toLowerCase()) return false;
  if (rule.tenantId && rule.tenantId.toLowerCase() !== t.tenantId?.toLowerCase()) return false;
  if (!rule.path) return true;
  const wanted = rule.path.toLowerCase();
  return wanted === t.pattern?.toLowerCase() || globToRegExp(wanted).test(t.path.toLowerCase());
}

function globToRegExp(glob: string): RegExp {
  const escape = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  const parts = glob.split("/").filter(Boolean).map((seg) =>
    seg === "**" ? "(?:/[^/]+)*" : `/${seg.split("*").map(escape).join("[^/]*")}`
  );
  return new RegExp(`^${parts.join("")}/?$`);
}
