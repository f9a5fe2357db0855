// The mail world: a mailbox for everyone who has one (folders named in the owner's language),
// FullAccess on the shared support mailboxes, each tenant's help-desk history, some colleague mail,
// and optionally a bulk-filled Inbox (`options.mail.messages`). Deterministic from the seed.
import { z } from "zod";
import { InputError } from "../../control/input.ts";
import type { Random } from "../../core/random.ts";
import type { Tenant, User, World } from "../../world/types.ts";
import { CUSTOM_FOLDERS } from "../folder-names.ts";
import type { Mailbox } from "../model.ts";
import { MailStore } from "../store.ts";
import { fillInbox } from "./bulk.ts";
import { colleagueMail } from "./colleagues.ts";
import { HelpDesk } from "./help-desk.ts";
import { type Party, partyOf } from "./people.ts";
import { type Fixture, MailWriter } from "./writer.ts";

export const MailOptions = z.object({
  /** Fill this many messages into `mailbox`'s Inbox (benchmarks: 10,000+). */
  messages: z.number().int().min(0).max(500_000).default(0),
  /** UPN or id; default: Contoso's support@ mailbox. */
  mailbox: z.string().optional(),
  /** Scales the generated help-desk history (0: none, 1: default, 2: twice as many threads). */
  history: z.number().min(0).max(50).default(1),
});
export type MailOptions = z.infer<typeof MailOptions>;

const DAY = 86_400_000;
const THREADS = { enterprise: 24, mid: 16, small: 10 } as const;

export interface MailWorld {
  store: MailStore;
  fixtures: Fixture[];
  options: MailOptions;
}

export function parseMailOptions(raw: unknown): MailOptions {
  const parsed = MailOptions.safeParse(raw ?? {});
  if (!parsed.success) throw new InputError(`options.mail: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export function generateMail(world: World, random: Random, options: MailOptions): MailWorld {
  const store = new MailStore();
  for (const tenant of world.tenants) {
    for (const user of tenant.users) {
      if (!user.mailbox) continue;
      const locale = String((user.mailbox.settings.language as { locale: string }).locale);
      const mbx = store.createMailbox(tenant, user, locale);
      if (user.kind === "shared") mbx.fullAccess = agentsOf(user, tenant);
      addCustomFolders(store, mbx, random.fork(`folders/${user.id}`));
    }
  }
  const writer = new MailWriter(store, random.fork("traffic"), world.epoch - 2 * DAY);
  const start = world.epoch - 60 * DAY;
  const end = world.epoch - DAY / 4;
  for (const tenant of world.tenants) {
    const r = random.fork(`tenant/${tenant.profile.key}`);
    const desk = helpDesk(store, writer, r, world, tenant, start, end);
    const threads = Math.round(THREADS[tenant.profile.kind] * options.history);
    if (desk && options.history > 0) desk.generate(threads);
    const members = tenant.users.filter((u) => u.kind === "member" && u.mailbox).slice(0, 30);
    if (options.history > 0) {
      colleagueMail(
        writer,
        r.fork("colleagues"),
        members.map((u) => partyOf(store.mailboxes.get(u.id)!)),
        start,
        end,
      );
    }
  }
  if (options.messages > 0) {
    fillMailbox(
      world,
      store,
      random.fork("bulk"),
      findMailbox(world, store, options.mailbox),
      options.messages,
    );
  }
  return { store, fixtures: writer.fixtures, options };
}

/**
 * Fill `target`'s Inbox with `n` customer messages in threads (agents' answers go to Sent Items),
 * dated over the year before the epoch. Used at generation and, without regenerating the world,
 * by the control API (`POST /_emulator/mail/mailboxes/{mailbox}/fill`).
 */
export function fillMailbox(
  world: World,
  store: MailStore,
  random: Random,
  target: Mailbox,
  n: number,
): void {
  const writer = new MailWriter(store, random.fork("traffic"), world.epoch - 2 * DAY);
  const end = world.epoch - DAY / 4;
  const desk = helpDesk(store, writer, random, world, target.tenant, world.epoch - 60 * DAY, end, target);
  fillInbox(desk!, random.fork("fill"), n, target.tenant.profile.locale, world.epoch - 365 * DAY, end);
}

function helpDesk(
  store: MailStore,
  w: MailWriter,
  random: Random,
  world: World,
  tenant: Tenant,
  start: number,
  end: number,
  mailbox?: Mailbox,
): HelpDesk | null {
  const support = mailbox ?? store.mailboxes.get(tenant.users.find((u) => u.kind === "shared")?.id ?? "");
  if (!support) return null;
  const agents = [...support.fullAccess].map((id) => partyOf(store.mailboxes.get(id)!));
  const neighbours: Party[] = world.tenants.filter((t) => t !== tenant).flatMap((t) =>
    t.users.filter((u) => u.kind === "member" && u.mailbox && u.graph.accountEnabled).slice(3, 4)
      .map((u) => partyOf(store.mailboxes.get(u.id)!))
  );
  return new HelpDesk({
    w,
    random,
    support: { ...partyOf(support), name: `${tenant.profile.displayName} Support` },
    agents: agents.length ? agents : [partyOf(support)],
    neighbours: neighbours.slice(random.int(0, Math.max(0, neighbours.length - 1))),
    tenantId: tenant.id,
    locale: tenant.profile.locale,
    start,
    end,
  });
}

function addCustomFolders(store: MailStore, mbx: Mailbox, random: Random): void {
  const names = CUSTOM_FOLDERS[mbx.locale] ?? CUSTOM_FOLDERS.en;
  const inbox = store.wellKnown(mbx, "inbox");
  if (mbx.user.kind === "shared") { for (const name of names) store.addFolder(inbox, name); }
  else if (mbx.user.kind === "member" && random.chance(0.5)) store.addFolder(inbox, random.pick(names));
}

/** Who may open the shared mailbox: the admin and up to three enabled support agents. */
function agentsOf(shared: User, tenant: Tenant): Set<string> {
  const people = tenant.users.filter((u) => u.kind === "member" && u.mailbox && u.graph.accountEnabled);
  const admin = people.find((u) => u.graph.mailNickname === "admin");
  const support = people.filter((u) => u.graph.department === "Customer Support");
  const agents = [...support, ...people.filter((u) => !support.includes(u) && u !== admin)].slice(0, 3);
  return new Set([admin, ...agents].filter((u): u is User => !!u && u !== shared).map((u) => u.id));
}

function findMailbox(world: World, store: MailStore, key: string | undefined): Mailbox {
  for (const t of world.tenants) {
    const user = key
      ? t.usersById.get(key) ?? t.usersByUpn.get(key.toLowerCase())
      : t.profile.key === "contoso"
      ? t.users.find((u) => u.kind === "shared")
      : undefined;
    const mbx = user && store.mailboxes.get(user.id);
    if (mbx) return mbx;
  }
  throw new InputError(`options.mail.mailbox: no mailbox '${key}'`);
}
