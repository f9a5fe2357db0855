// Writing one synced page, in one transaction: messages upserted in bulk, partial updates merged,
// deletions soft, new mail threaded into tickets, work orders linked, and the page's nextLink or
// deltaLink saved as the checkpoint. A worker killed at any point leaves either the whole page
// or none of it, and the checkpoint says which: nothing lost, nothing twice.
import { sql, type Tx } from "../db.ts";
import type { MessageRow } from "./graph-message.ts";
import { completeFiling, insertNewTickets, planFiling, whatIsKnown } from "./file-tickets.ts";
import type { Policy } from "./threading.ts";
import { visibleText, workOrderRefs } from "./work-orders.ts";

export interface Mailbox {
  id: string;
  account_id: string;
  connection_id: string;
  address: string;
  folder: string;
  enabled: boolean;
  ticketing: boolean;
  reopen_policy: Policy["closed"];
  reopen_within_days: number;
  link_patterns: string[];
  delta_link: string | null;
  next_link: string | null;
  sync_generation: number;
  full_sync_started_at: Date | null;
}

export interface Page {
  /** The checkpoint this page was fetched from (null: the first page of a full sync). */
  from: string | null;
  rows: MessageRow[];
  patches: Partial<MessageRow>[];
  removed: string[];
  /** For bounces: graph id -> Message-ID of the message that bounced. */
  bounced: Map<string, string>;
  nextLink: string | null;
  deltaLink: string | null;
}

export interface PageResult {
  /** Another worker moved the checkpoint first: this page was not written. */
  superseded: boolean;
  inserted: number;
  updated: number;
  removed: number;
  ticketsCreated: number;
  threaded: number;
  parked: number;
  links: number;
  roundComplete: boolean;
}

/** Start a full sync: a new generation, no checkpoint (messages unseen by its end are gone). */
export async function beginFullSync(mailboxId: string): Promise<number> {
  const [row] = await sql()<{ sync_generation: number }[]>`
    update public.mailboxes set sync_generation = sync_generation + 1, full_sync_started_at = now(),
      next_link = null, delta_link = null, sync_status = 'syncing'
    where id = ${mailboxId} returning sync_generation`;
  return row.sync_generation;
}

export async function ingestPage(
  mailbox: Mailbox,
  page: Page,
  signingSecret: string | null,
): Promise<PageResult> {
  return await sql().begin(async (tx) => {
    const result: PageResult = {
      superseded: false,
      inserted: 0,
      updated: 0,
      removed: 0,
      ticketsCreated: 0,
      threaded: 0,
      parked: 0,
      links: 0,
      roundComplete: false,
    };
    // The checkpoint is ours only if nobody advanced it since we fetched from it.
    const [current] = await tx<
      { next_link: string | null; delta_link: string | null; sync_generation: number; full_sync: boolean }[]
    >`
      select next_link, delta_link, sync_generation, full_sync_started_at is not null as full_sync
      from public.mailboxes where id = ${mailbox.id} for update`;
    if ((current.next_link ?? current.delta_link ?? null) !== page.from) {
      return { ...result, superseded: true };
    }
    const generation = current.sync_generation;

    const rows = pageRows(page);
    // A reply we sent by MIME was recorded under a placeholder id (sendMail returns none): the
    // synced Sent Items copy takes its place instead of becoming a second row.
    const ours = rows.filter((r) => r.direction === "outbound" && r.internet_message_id);
    if (ours.length) {
      await tx`update public.email_messages e set graph_id = r.graph_id
        from jsonb_to_recordset(${
        tx.json(ours.map((r) => ({ graph_id: r.graph_id, id: r.internet_message_id })) as never)
      })
          as r(graph_id text, id text)
        where e.mailbox_id = ${mailbox.id} and e.graph_id like 'sent:%' and e.internet_message_id = r.id`;
    }
    // New mail is filed before it is written, so each row is inserted once, already on its ticket.
    const known = mailbox.ticketing && rows.length
      ? await whatIsKnown(tx, mailbox, rows, page.bounced, signingSecret)
      : null;
    const ids = new Map(
      rows.filter((r) => known && !known.existing.has(r.graph_id)).map((
        r,
      ) => [r.graph_id, crypto.randomUUID()]),
    );
    const plan = known
      ? planFiling(mailbox, known, rows.filter((r) => ids.has(r.graph_id)), ids, page.bounced)
      : null;
    if (plan) await insertNewTickets(tx, plan);
    const filedRows = rows.map((r) => {
      const id = ids.get(r.graph_id);
      const filed = id ? plan!.filed.get(id) : undefined;
      return id ? { ...r, id, ticket_id: filed?.ticket_id ?? null, thread_rule: filed?.rule ?? null } : r;
    });
    const written = rows.length
      ? await tx<{ id: string; graph_id: string; inserted: boolean }[]>`
        insert into public.email_messages as m (id, account_id, mailbox_id, graph_id, change_key, internet_message_id,
          conversation_id, in_reply_to, reference_ids, subject, subject_key, body_preview, body_html, from_address,
          from_name, to_recipients, cc_recipients, received_at, sent_at, has_attachments, is_read, importance,
          direction, auto_kind, content_hash, ticket_id, thread_rule, sync_generation)
        select coalesce(r.id, gen_random_uuid()), ${mailbox.account_id}, ${mailbox.id}, r.graph_id, r.change_key,
          r.internet_message_id, r.conversation_id,
          r.in_reply_to, coalesce(r.reference_ids, '{}'), r.subject, coalesce(r.subject_key, ''), r.body_preview,
          r.body_html, r.from_address, r.from_name, coalesce(r.to_recipients, '[]'), coalesce(r.cc_recipients, '[]'),
          r.received_at, r.sent_at, coalesce(r.has_attachments, false), r.is_read, r.importance, r.direction,
          r.auto_kind, r.content_hash, r.ticket_id, r.thread_rule, ${generation}
        from jsonb_populate_recordset(null::public.email_messages, ${tx.json(filedRows as never)}) r
        on conflict (mailbox_id, graph_id) do update set
          change_key = excluded.change_key, subject = excluded.subject, subject_key = excluded.subject_key,
          body_preview = excluded.body_preview, body_html = excluded.body_html, is_read = excluded.is_read,
          importance = excluded.importance, has_attachments = excluded.has_attachments,
          to_recipients = excluded.to_recipients, cc_recipients = excluded.cc_recipients,
          sync_generation = excluded.sync_generation, deleted_at = null
        where m.change_key is distinct from excluded.change_key or m.deleted_at is not null
           or m.sync_generation <> excluded.sync_generation
        returning m.id, m.graph_id, (xmax = 0) as inserted`
      : [];
    const inserted = written.filter((w) => w.inserted);
    result.inserted = inserted.length;
    result.updated = written.length - inserted.length;

    if (page.patches.length) {
      const patched = await tx`
        update public.email_messages m set change_key = coalesce(p.change_key, m.change_key),
          is_read = coalesce(p.is_read, m.is_read), importance = coalesce(p.importance, m.importance),
          subject = coalesce(p.subject, m.subject), subject_key = coalesce(p.subject_key, m.subject_key),
          has_attachments = coalesce(p.has_attachments, m.has_attachments), sync_generation = ${generation}
        from jsonb_populate_recordset(null::public.email_messages, ${tx.json(page.patches as never)}) p
        where m.mailbox_id = ${mailbox.id} and m.graph_id = p.graph_id`;
      result.updated += patched.count;
    }
    if (page.removed.length) {
      const gone = await tx`update public.email_messages set deleted_at = now()
        where mailbox_id = ${mailbox.id} and graph_id = any(${page.removed}) and deleted_at is null`;
      result.removed = gone.count;
    }

    const fresh = new Map(inserted.map((w) => [w.graph_id, w.id]));
    if (plan) {
      // The checkpoint's row lock keeps other writers of this mailbox out, so this cannot happen.
      if (inserted.length !== ids.size) throw new Error("the mailbox changed while a page was written");
      Object.assign(result, await completeFiling(tx, mailbox, plan, new Set(fresh.values())));
    }
    const newRows = rows.filter((r) => fresh.has(r.graph_id));
    result.links = await linkWorkOrders(tx, mailbox, newRows, fresh);

    result.roundComplete = page.deltaLink !== null;
    // Only a full sync (begun by beginFullSync) proves what is gone; an incremental round says so itself.
    const fullSyncDone = result.roundComplete && current.full_sync;
    if (fullSyncDone) {
      // Everything in the mailbox was seen this generation; what was not is gone from it.
      const gone = await tx`update public.email_messages set deleted_at = now()
        where mailbox_id = ${mailbox.id} and deleted_at is null and sync_generation < ${generation}`;
      result.removed += gone.count;
    }
    await tx`update public.mailboxes set
        next_link = ${page.nextLink}, delta_link = coalesce(${page.deltaLink}, delta_link),
        sync_status = ${result.roundComplete ? "ok" : "syncing"},
        last_sync_at = case when ${result.roundComplete} then now() else last_sync_at end,
        last_full_sync_at = case when ${fullSyncDone} then now() else last_full_sync_at end,
        full_sync_started_at = case when ${fullSyncDone} then null else full_sync_started_at end,
        last_error = null, error_count = 0
      where id = ${mailbox.id}`;
    return result;
  });
}

/**
 * The page's rows, each message once (a delta page may list an item twice; the last is current).
 * A bounce refers to the message that bounced, named in its report: kept among its references, so
 * a bounce filed before that message syncs (another folder) finds it when it does.
 */
function pageRows(page: Page): MessageRow[] {
  const once = new Map(page.rows.map((r) => [r.graph_id, r]));
  return [...once.values()].map((r) => {
    const bounced = page.bounced.get(r.graph_id);
    return bounced && !r.reference_ids.includes(bounced)
      ? { ...r, reference_ids: [...r.reference_ids, bounced] }
      : r;
  });
}

async function linkWorkOrders(tx: Tx, mailbox: Mailbox, rows: MessageRow[], ids: Map<string, string>) {
  const links = rows.flatMap((r) =>
    workOrderRefs(`${r.subject ?? ""} ${visibleText(r.body_html)}`, mailbox.link_patterns)
      .map((reference) => ({ message_id: ids.get(r.graph_id)!, reference }))
  );
  if (!links.length) return 0;
  const made = await tx`insert into public.email_links (account_id, message_id, reference, source)
    select ${mailbox.account_id}, l.message_id, l.reference, 'auto'
    from jsonb_to_recordset(${tx.json(links as never)}) as l(message_id uuid, reference text)
    on conflict (message_id, reference) do nothing`;
  return made.count;
}
