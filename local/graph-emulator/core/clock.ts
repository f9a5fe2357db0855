// The emulator's notion of "now": wall time plus an offset that the control API can move forward
// (or set), so token expiry, throttle windows and token ages can be tested without waiting.
export class Clock {
  #offsetMs = 0;

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("the clock only moves forward");
    this.#offsetMs += ms;
  }

  /** Jumps to an absolute instant; refuses to go back, as issued tokens and windows assume. */
  set(epochMs: number): void {
    this.advance(epochMs - this.now());
  }

  reset(): void {
    this.#offsetMs = 0;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }
}
