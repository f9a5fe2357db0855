// Change-notification delivery (notes §5.4-5.6): changes to subscribed messages are posted to the
// notificationUrl after `notificationDelaySeconds`, batched per URL; a POST without a 2xx within
// the client timeout (3 s) is retried on a backoff schedule for up to four hours (both scaled by
// `timeScale`), then dropped with a `missed` lifecycle event. Lifecycle events go to the
// lifecycleNotificationUrl. Every attempt, validation requests included, is logged.
import type { Folder } from "./model.ts";
import type { MailState } from "./state.ts";
import type { MailChange } from "./store.ts";
import { changeKey } from "./ids.ts";

export type LifecycleEvent = "reauthorizationRequired" | "subscriptionRemoved" | "missed";

export interface Subscription {
  id: string;
  resource: string;
  mailboxUserId: string;
  folder: Folder | null;
  changeTypes: Set<string>;
  clientState: string | null;
  notificationUrl: string;
  lifecycleUrl: string | null;
  expiresAt: number;
  applicationId: string;
  creatorId: string;
  tenantId: string;
  immutableIds: boolean;
  latestSupportedTlsVersion: string;
  /** The access token behind the subscription expires then (renew/reauthorize refresh it). */
  tokenExpiresAt: number;
}

export interface Attempt {
  id: number;
  at: string;
  kind: "validation" | "notification" | "lifecycle";
  url: string;
  subscriptionIds: string[];
  attempt: number;
  outcome: "delivered" | "failed" | "timeout" | "error" | "dropped" | "paused";
  status: number | null;
  ms: number;
  payload: unknown;
}

interface Pending {
  sub: Subscription;
  url: string;
  item: Record<string, unknown>;
  lifecycle: boolean;
  attempt: number;
  firstAt: number | null;
  dueAt: number;
}

/** Retry delays after each failed attempt (seconds); the last repeats until four hours have passed. */
const BACKOFF_SECONDS = [30, 60, 120, 240, 480, 960, 1920, 3840];
const GIVE_UP_MS = 4 * 3_600_000;
const LOG_LIMIT = 10_000;

const timedOut = () => new DOMException("the endpoint did not answer in time", "TimeoutError");

export const graphTime = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, ".$10000Z");

export class Notifier {
  readonly log: Attempt[] = [];
  readonly subscriptions = new Map<string, Subscription>();
  #attempts = 0;
  readonly #abort = new AbortController();

  constructor(private readonly state: MailState) {}

  /** Subscriptions that have not expired (expired ones vanish, as Graph deletes them). */
  live(): Subscription[] {
    const now = this.state.now();
    for (const [id, s] of this.subscriptions) if (s.expiresAt <= now) this.subscriptions.delete(id);
    return [...this.subscriptions.values()];
  }

  onChange(c: MailChange): void {
    for (const sub of this.live()) {
      if (sub.mailboxUserId !== c.message.mailbox.user.id) continue;
      const kind = this.#kindFor(sub, c);
      if (!kind || !sub.changeTypes.has(kind)) continue;
      const id = sub.immutableIds ? c.immutableId : c.restId;
      const resource = `Users/${sub.mailboxUserId}/Messages/${id}`;
      this.#enqueue(sub, sub.notificationUrl, false, {
        subscriptionId: sub.id,
        subscriptionExpirationDateTime: graphTime(sub.expiresAt),
        changeType: kind,
        resource,
        resourceData: {
          "@odata.type": "#Microsoft.Graph.Message",
          "@odata.id": resource,
          "@odata.etag": `W/"${changeKey(c.message.mailbox.key, c.message.item, c.message.version)}"`,
          id,
        },
        clientState: sub.clientState,
        tenantId: sub.tenantId,
      });
    }
  }

  lifecycle(sub: Subscription, event: LifecycleEvent): void {
    if (!sub.lifecycleUrl) return;
    this.#enqueue(sub, sub.lifecycleUrl, true, {
      subscriptionId: sub.id,
      subscriptionExpirationDateTime: graphTime(sub.expiresAt),
      tenantId: sub.tenantId,
      clientState: sub.clientState,
      lifecycleEvent: event,
    });
  }

  /** Folder subscriptions see items enter and leave; mailbox-wide ones see a move with immutable ids
   * as an update, and nothing of the Recoverable Items dumpster but the deletion. */
  #kindFor(sub: Subscription, c: MailChange): string | null {
    if (sub.folder) return c.folder === sub.folder ? c.kind : null;
    const visible = (f: Folder) => {
      for (let p: Folder | null = f; p; p = p.parent) if (p === f.mailbox.root) return true;
      return false;
    };
    if (!visible(c.folder)) return null;
    if (c.moved && sub.immutableIds) return c.kind === "created" ? "updated" : null;
    if (c.moved && c.kind === "created" && !visible(c.message.folder)) return null;
    return c.kind;
  }

  /** Paused: the token behind a subscription with lifecycle events expired and the grace is over. */
  #paused(sub: Subscription): boolean {
    const grace = this.state.settings.reauthorizationGraceMinutes * 60_000;
    return sub.lifecycleUrl !== null && this.state.now() > sub.tokenExpiresAt + grace;
  }

  #enqueue(sub: Subscription, url: string, lifecycle: boolean, item: Record<string, unknown>): void {
    const p: Pending = { sub, url, item, lifecycle, attempt: 0, firstAt: null, dueAt: 0 };
    if (!lifecycle && this.#paused(sub)) {
      this.#record("notification", url, [sub.id], 0, "paused", null, 0, { value: [item] });
      return;
    }
    this.#schedule(p, this.state.settings.notificationDelaySeconds * 1000);
  }

  #batch: Pending[] = [];

  #schedule(p: Pending, delayMs: number): void {
    p.dueAt = this.state.now() + delayMs;
    this.#batch.push(p);
    this.state.jobs.at(p.dueAt, () => this.#flush());
  }

  /** Posts every pending notification whose time has come, one POST per URL (what piled up
   * meanwhile goes in the same POST, as Graph batches). */
  #flush(): void {
    const now = this.state.now();
    const due = this.#batch.filter((p) => p.dueAt <= now);
    if (!due.length) return;
    this.#batch = this.#batch.filter((p) => p.dueAt > now);
    const byUrl = new Map<string, Pending[]>();
    for (const p of due) byUrl.set(p.url, [...byUrl.get(p.url) ?? [], p]);
    for (const [url, items] of byUrl) void this.#post(url, items);
  }

  async #post(url: string, items: Pending[]): Promise<void> {
    const now = this.state.now();
    for (const p of items) p.firstAt ??= now;
    const payload = { value: items.map((p) => p.item) };
    const attempt = Math.max(...items.map((p) => p.attempt)) + 1;
    const r = await this.request(
      url,
      JSON.stringify(payload),
      "application/json",
      this.state.settings.notificationTimeoutMs,
    );
    const kind = items[0].lifecycle ? "lifecycle" : "notification";
    this.#record(
      kind,
      url,
      [...new Set(items.map((p) => p.sub.id))],
      attempt,
      r.outcome,
      r.status,
      r.ms,
      payload,
    );
    if (r.outcome === "delivered") return;
    const scale = this.state.settings.timeScale;
    for (const p of items) {
      p.attempt++;
      if (this.state.now() - p.firstAt! >= GIVE_UP_MS * scale) {
        this.#record(kind, url, [p.sub.id], p.attempt, "dropped", null, 0, { value: [p.item] });
        if (!p.lifecycle) this.lifecycle(p.sub, "missed");
        continue;
      }
      this.#schedule(p, BACKOFF_SECONDS[Math.min(p.attempt - 1, BACKOFF_SECONDS.length - 1)] * 1000 * scale);
    }
  }

  /** One HTTP POST with a timeout; used for notifications and validation requests. The timeout runs
   * on the emulator's clock, like every other delay here: an endpoint still holding its answer when
   * the clock is moved past the deadline has timed out (the wall-clock timer only backs this up). */
  async request(url: string, body: string, contentType: string, timeoutMs: number) {
    const started = this.state.now();
    const deadline = new AbortController();
    this.state.jobs.at(started + timeoutMs, () => deadline.abort(timedOut()));
    const signal = AbortSignal.any([deadline.signal, AbortSignal.timeout(timeoutMs), this.#abort.signal]);
    const ms = () => this.state.now() - started;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "Content-Type": contentType },
        body,
        signal,
      });
      const text = await res.text();
      return {
        outcome: res.ok ? "delivered" as const : "failed" as const,
        status: res.status,
        text,
        ms: ms(),
      };
    } catch (e) {
      const timeout = (e as Error).name === "TimeoutError";
      return { outcome: timeout ? "timeout" as const : "error" as const, status: null, text: "", ms: ms() };
    }
  }

  recordValidation(
    url: string,
    subId: string,
    outcome: Attempt["outcome"],
    status: number | null,
    ms: number,
  ): void {
    this.#record("validation", url, [subId], 1, outcome, status, ms, null);
  }

  #record(
    kind: Attempt["kind"],
    url: string,
    subscriptionIds: string[],
    attempt: number,
    outcome: Attempt["outcome"],
    status: number | null,
    ms: number,
    payload: unknown,
  ): void {
    this.log.push({
      id: ++this.#attempts,
      at: new Date(this.state.now()).toISOString(),
      kind,
      url,
      subscriptionIds,
      attempt,
      outcome,
      status,
      ms,
      payload,
    });
    if (this.log.length > LOG_LIMIT) this.log.splice(0, this.log.length - LOG_LIMIT);
  }

  stop(): void {
    this.#abort.abort();
  }
}
