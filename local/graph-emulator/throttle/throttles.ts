// Applies throttle classes to a request: counts it in each class's window, takes a concurrency
// slot, or answers the class's 429 with a (fractional) Retry-After.
import type { Random } from "../core/random.ts";
import type { GraphError } from "../graph/errors.ts";
import type { ThrottleClass, ThrottleLimits, ThrottleScope } from "./classes.ts";
import { Limiter } from "./limiter.ts";

export type Admission =
  | { ok: true; release: () => void }
  | { ok: false; error: GraphError; throttleClass: string };

export class Throttles {
  readonly limiter = new Limiter();
  enabled = true;
  /** Class name → limits that replace the documented ones (control API). */
  readonly overrides = new Map<string, ThrottleLimits>();

  constructor(private readonly random: Random) {}

  limits(c: ThrottleClass): ThrottleLimits {
    return { ...c.limits, ...this.overrides.get(c.name) };
  }

  admit(classes: readonly ThrottleClass[], scope: ThrottleScope, now: number): Admission {
    const releases: (() => void)[] = [];
    const release = () => releases.forEach((r) => r());
    if (!this.enabled) return { ok: true, release };
    for (const c of classes) {
      const key = c.key(scope);
      if (key === null) continue;
      const { limit, windowMs, concurrency } = this.limits(c);
      const id = `${c.name}|${key}`;
      const waitMs = limit !== undefined && windowMs !== undefined
        ? this.limiter.hit(id, now, limit, windowMs)
        : null;
      if (waitMs !== null) return this.#reject(c, waitMs / 1000, release);
      if (concurrency !== undefined) {
        const r = this.limiter.acquire(id, concurrency);
        // Nothing tells a client when a slot frees up: Graph answers with a short, fractional delay.
        if (!r) return this.#reject(c, 0.2 + this.random.next(), release);
        releases.push(r);
      }
    }
    return { ok: true, release };
  }

  #reject(c: ThrottleClass, seconds: number, release: () => void): Admission {
    release();
    const error = c.error();
    if (c.retryAfter) {
      error.options.headers = { ...error.options.headers, "Retry-After": retryAfterValue(seconds) };
    }
    return { ok: false, error, throttleClass: c.name };
  }

  clear(): void {
    this.limiter.clear();
    this.overrides.clear();
    this.enabled = true;
  }
}

/** Seconds with up to three decimals (`2.128`), never below a millisecond. */
export function retryAfterValue(seconds: number): string {
  return String(Math.max(0.001, Math.round(seconds * 1000) / 1000));
}
