// Waiting on progress, never on time: poll what the emulator (or a test server) reports until a
// condition holds. The short pause between polls only yields to the event loop.
import type { Harness } from "./harness.ts";

export const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

/** Polls `probe` until it returns something other than undefined, null or false, and returns that.
 * Gives up (throws) after `maxPolls`, so a behaviour that never happens fails instead of hanging. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | null | false>,
  maxPolls = 4000,
): Promise<T> {
  for (let i = 0; i < maxPolls; i++) {
    const v = await probe();
    if (v !== undefined && v !== null && v !== false) return v;
    await pause();
  }
  throw new Error(`gave up after ${maxPolls} polls: ${probe}`);
}

/** How many requests the `hold` fault has parked. */
export async function heldCount(h: Harness): Promise<number> {
  return (await h.control<{ held: number }>("faults")).held;
}

/** Waits until the hold fault has parked at least n requests. */
export async function heldAtLeast(h: Harness, n: number): Promise<void> {
  await waitFor(async () => (await heldCount(h)) >= n);
}

/** Releases held requests again and again until every one of `work` has settled. */
export async function releaseUntilSettled(h: Harness, ...work: Promise<unknown>[]): Promise<void> {
  let settled = false;
  Promise.allSettled(work).then(() => settled = true);
  await waitFor(async () => settled || void await h.control("faults/release", {}));
}

/** Graph responses the core has counted with this status so far. */
export async function countedWithStatus(h: Harness, status: number): Promise<number> {
  const c = await h.control<{ graph: { byStatus: Record<string, number> } }>("counters");
  return c.graph.byStatus[String(status)] ?? 0;
}
