// Watched mailboxes as people manage them: add or change one (admins), list them with their sync
// state, and ask for a sync now (agents), which joins the scheduled job rather than racing it.
import { z } from "zod";
import type { UserClaims } from "../auth.ts";
import { asService, asUser } from "../db.ts";
import { BadRequest, NotFound } from "../errors.ts";
import { requireRole } from "../membership.ts";

const pattern = z.string().min(1).max(200).refine((p) => {
  try {
    return new RegExp(p, "u").source.includes("(");
  } catch {
    return false;
  }
}, "must be a JavaScript regular expression with a group for the number");

export const MailboxInput = z.object({
  account_id: z.uuid(),
  connection_id: z.uuid(),
  send_connection_id: z.uuid().nullish(),
  address: z.email().transform((a) => a.toLowerCase()),
  display_name: z.string().max(200).nullish(),
  folder: z.string().min(1).max(400).default("inbox"),
  enabled: z.boolean().default(true),
  ticketing: z.boolean().default(true),
  reopen_policy: z.enum(["reopen", "reopen_within_days", "new_ticket"]).default("reopen"),
  reopen_within_days: z.number().int().min(1).max(3650).default(14),
  link_patterns: z.array(pattern).max(10).optional(),
});

export const MailboxRef = z.object({ mailbox_id: z.uuid() });
export const MailboxListQuery = z.object({ account_id: z.uuid().optional() });

/** Add or change a watched mailbox (admins), then queue its first (or next) sync. */
export async function saveMailbox(claims: UserClaims, input: z.infer<typeof MailboxInput>) {
  const mailbox = await asUser(claims, async (tx) => {
    await requireRole(tx, input.account_id, "admin", "manage mailboxes");
    const connections = await tx<{ id: string; purpose: string; status: string }[]>`
      select id, purpose, status from public.m365_connections
      where account_id = ${input.account_id} and id = any(${[
      input.connection_id,
      input.send_connection_id ?? input.connection_id,
    ]}::uuid[])`;
    const read = connections.find((c) => c.id === input.connection_id);
    if (!read) {
      throw new BadRequest("connection_id is not a connection of this account", "unknown_connection");
    }
    if (input.send_connection_id) {
      const send = connections.find((c) => c.id === input.send_connection_id);
      if (!send) {
        throw new BadRequest("send_connection_id is not a connection of this account", "unknown_connection");
      }
      if (send.purpose !== "write") {
        throw new BadRequest("send_connection_id must be a write connection", "wrong_purpose");
      }
    }
    const [row] = await tx<{ id: string }[]>`
      insert into public.mailboxes as m (account_id, connection_id, send_connection_id, address, display_name, folder,
        enabled, ticketing, reopen_policy, reopen_within_days, link_patterns)
      values (${input.account_id}, ${input.connection_id}, ${
      input.send_connection_id ?? null
    }, ${input.address},
        ${
      input.display_name ?? null
    }, ${input.folder}, ${input.enabled}, ${input.ticketing}, ${input.reopen_policy},
        ${input.reopen_within_days},
        ${input.link_patterns ?? tx`default`})
      on conflict (account_id, address, folder) do update set connection_id = excluded.connection_id,
        send_connection_id = excluded.send_connection_id, display_name = excluded.display_name,
        enabled = excluded.enabled, ticketing = excluded.ticketing, reopen_policy = excluded.reopen_policy,
        reopen_within_days = excluded.reopen_within_days,
        -- patterns not given: keep the ones the mailbox has
        link_patterns = case when ${
      input.link_patterns === undefined
    } then m.link_patterns else excluded.link_patterns end
      returning id`;
    return row;
  });
  const job = input.enabled ? await queueSync(mailbox.id) : null;
  return { mailbox_id: mailbox.id, sync_job_id: job };
}

async function queueSync(mailboxId: string): Promise<string | null> {
  return await asService(async (tx) => {
    const [{ job }] = await tx<
      { job: string | null }[]
    >`select private.enqueue_mail_sync(${mailboxId}) as job`;
    if (job) await tx`select private.wake_worker('sync-emails')`;
    return job;
  });
}

/** "Sync now" (agents): the same de-duplicated job the schedule uses, woken at once. */
export async function syncNow(claims: UserClaims, mailboxId: string) {
  await asUser(claims, async (tx) => {
    const [mailbox] = await tx<{ account_id: string; enabled: boolean }[]>`
      select account_id, enabled from public.mailboxes where id = ${mailboxId}`;
    if (!mailbox) throw new NotFound("no such mailbox");
    await requireRole(tx, mailbox.account_id, "agent", "sync a mailbox");
    if (!mailbox.enabled) throw new BadRequest("the mailbox is disabled", "mailbox_disabled");
  });
  return { mailbox_id: mailboxId, sync_job_id: await queueSync(mailboxId) };
}

/** Watched mailboxes with their sync state and counts (RLS: the caller's accounts). */
export async function listWatched(claims: UserClaims, accountId?: string) {
  return await asUser(claims, (tx) =>
    tx`
      select m.id, m.account_id, m.address, m.display_name, m.folder, m.enabled, m.ticketing, m.reopen_policy,
        m.reopen_within_days, m.link_patterns, m.connection_id, m.send_connection_id, m.sync_status, m.last_sync_at,
        m.last_full_sync_at, m.last_error, m.error_count,
        (select count(*) from public.email_messages e where e.mailbox_id = m.id and e.deleted_at is null)::int
          as messages,
        (select count(*) from public.helpdesk_tickets t where t.mailbox_id = m.id)::int as tickets
      from public.mailboxes m
      where ${accountId ? tx`m.account_id = ${accountId}` : tx`true`}
      order by m.created_at`);
}
