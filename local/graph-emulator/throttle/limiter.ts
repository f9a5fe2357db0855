// Sliding-window request counts and in-flight counts, keyed by whatever a throttle class scopes to.

/** Timestamps of requests in the window; throttled requests count too, as Graph's do. */
class SlidingWindow {
  #times: number[] = [];
  #head = 0;

  /** Records a request; returns ms until the window has room, or null when under the limit. */
  hit(now: number, limit: number, windowMs: number): number | null {
    while (this.#head < this.#times.length && this.#times[this.#head] <= now - windowMs) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
    const inWindow = this.#times.length - this.#head;
    this.#times.push(now);
    return inWindow >= limit ? this.#times[this.#head] + windowMs - now : null;
  }
}

export class Limiter {
  #windows = new Map<string, SlidingWindow>();
  #inFlight = new Map<string, number>();

  hit(key: string, now: number, limit: number, windowMs: number): number | null {
    let w = this.#windows.get(key);
    if (!w) this.#windows.set(key, w = new SlidingWindow());
    return w.hit(now, limit, windowMs);
  }

  /** Takes a concurrency slot; returns its release, or null when all slots are taken. */
  acquire(key: string, slots: number): (() => void) | null {
    const n = this.#inFlight.get(key) ?? 0;
    if (n >= slots) return null;
    this.#inFlight.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#inFlight.get(key) ?? 1) - 1;
      if (left <= 0) this.#inFlight.delete(key);
      else this.#inFlight.set(key, left);
    };
  }

  inFlight(key: string): number {
    return this.#inFlight.get(key) ?? 0;
  }

  clear(): void {
    this.#windows.clear();
    this.#inFlight.clear();
  }
}
