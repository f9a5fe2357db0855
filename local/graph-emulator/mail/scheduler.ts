// Work that happens "later" on the emulator's clock: Sent Items copies, deliveries, notification
// attempts and retries, lifecycle events. Jobs run when due: from a timer (never blocking a request)
// and, before any mail request or control call is handled, synchronously, so moving the clock
// forward makes due work visible at once.

interface Job {
  at: number;
  seq: number;
  run: () => void;
}

/** Longest sleep between checks while work is pending, so a clock moved forward is noticed. */
const POLL_MS = 100;

export class Scheduler {
  #jobs: Job[] = [];
  #seq = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #now: () => number = Date.now;
  #alive: () => boolean = () => true;
  #running = false;

  bind(now: () => number, alive: () => boolean): void {
    this.#now = now;
    this.#alive = alive;
  }

  now(): number {
    return this.#now();
  }

  at(time: number, run: () => void): void {
    const job = { at: time, seq: ++this.#seq, run };
    let i = this.#jobs.length;
    while (i > 0 && this.#jobs[i - 1].at > time) i--;
    this.#jobs.splice(i, 0, job);
    this.#arm();
  }

  after(ms: number, run: () => void): void {
    this.at(this.#now() + ms, run);
  }

  get pending(): number {
    return this.#jobs.length;
  }

  /** Runs every job that is due (jobs may schedule more). */
  runDue(): void {
    if (this.#running) return;
    this.#running = true;
    try {
      while (this.#jobs.length && this.#jobs[0].at <= this.#now()) {
        const job = this.#jobs.shift()!;
        try {
          job.run();
        } catch (e) {
          console.error("graph emulator: mail job failed", e);
        }
      }
    } finally {
      this.#running = false;
    }
    this.#arm();
  }

  stop(): void {
    this.#jobs = [];
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (!this.#jobs.length) return;
    const wait = Math.max(0, Math.min(POLL_MS, this.#jobs[0].at - this.#now()));
    const timer = setTimeout(() => {
      this.#timer = null;
      if (this.#alive()) this.runDue();
      else this.stop();
    }, wait);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }
}
