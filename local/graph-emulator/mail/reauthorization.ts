// reauthorizationRequired lifecycle events on the documented cadence (change-notifications-
// lifecycle-events): with a quarter of the time left until the token (or subscription) expires
// at most 3 hours, an event is sent and the next check comes after half that quarter; under an
// hour, every 15 minutes; intervals are multiplied by `timeScale`. Renewing or reauthorizing
// restarts the cadence from the new token.
import type { Subscription } from "./notifier.ts";
import type { MailState } from "./state.ts";

const MIN = 60_000;
const generation = new WeakMap<Subscription, number>();

export function scheduleReauthorization(state: MailState, sub: Subscription): void {
  if (!sub.lifecycleUrl) return;
  const gen = (generation.get(sub) ?? 0) + 1;
  generation.set(sub, gen);
  const check = (send: boolean) => {
    if (generation.get(sub) !== gen || !state.notifier.subscriptions.has(sub.id)) return;
    const remaining = Math.min(sub.expiresAt, sub.tokenExpiresAt) - state.now();
    if (remaining <= 0) return;
    const quarter = remaining / 4;
    if (send) state.notifier.lifecycle(sub, "reauthorizationRequired");
    const next = quarter > 180 * MIN ? remaining - 720 * MIN : quarter > 60 * MIN ? quarter / 2 : 15 * MIN;
    state.jobs.after(Math.max(10, next * state.settings.timeScale), () => check(true));
  };
  check(false);
}
