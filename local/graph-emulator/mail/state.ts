// Everything the mail plugin holds for one world: the generated store and fixtures, run-time
// settings, the outbound log, scheduled work, subscriptions and the notification engine. It lives
// in the world's "mail" slot, so a reset starts from a clean slate; `mailOf` binds it to the
// runtime's clock and runs due work before a request sees the store.
import { Random } from "../core/random.ts";
import type { Runtime } from "../runtime.ts";
import { Slot } from "../world/slots.ts";
import type { Address } from "./model.ts";
import { Notifier } from "./notifier.ts";
import { Scheduler } from "./scheduler.ts";
import { defaultSettings } from "./settings.ts";
import type { MailWorld } from "./world/generate.ts";

export interface OutboundRecord {
  id: string;
  at: string;
  /** The sending mailbox. */
  mailbox: string;
  from: Address | null;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  subject: string;
  internetMessageId: string;
  inReplyTo: string | null;
  references: string[];
  /** Raw MIME as it left the tenant. */
  mime: string;
}

export class MailState {
  readonly settings = defaultSettings();
  readonly outbound: OutboundRecord[] = [];
  readonly jobs = new Scheduler();
  readonly notifier: Notifier = new Notifier(this);
  /** Run-time choices (Message-IDs of sends): repeatable for the same seed and the same calls. */
  readonly random: Random;
  #bound: Runtime | null = null;

  constructor(readonly world: MailWorld, seed: number) {
    this.random = new Random(`m365-edge-mail-run/${seed}`);
  }

  get store() {
    return this.world.store;
  }

  bind(rt: Runtime): void {
    if (this.#bound === rt) return;
    this.#bound = rt;
    this.jobs.bind(() => rt.clock.now(), () => MAIL.get(rt.world) === this);
    this.store.listener = (c) => this.notifier.onChange(c);
  }

  now(): number {
    return this.jobs.now();
  }

  stop(): void {
    this.jobs.stop();
    this.notifier.stop();
  }
}

export const MAIL = new Slot<MailState>("mail");

/** The current world's mail state, bound to the runtime, with due work done. */
export function mailOf(rt: Runtime): MailState {
  const state = MAIL.get(rt.world);
  state.bind(rt);
  state.jobs.runDue();
  return state;
}
