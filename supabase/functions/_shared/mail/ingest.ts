// Writing one synced page, in one transaction: messages upserted in bulk, partial updates merged,
// deletions soft, new mail threaded into tickets, work orders linked, and the page's nextLink or
// deltaLink saved as the checkpoint. A worker killed at any point leaves either the whole page
// or none of it, and the checkpoint says which: nothing lost, nothing twice.
import { sql, type Tx } from "../db.ts";
import type { MessageRow } from "./graph-message.ts";
import { verifySignedId } from "./message-ids.ts";
import { baseSubject } from "./subject.ts";
import {
  decide,
  type Decision,
  type Knowledge,
  type KnownMessage,
  type Policy,
  type Ticket,
  type TicketStatus,
} from "./threading.ts";
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

const POLICY_DEFAULTS = { conversationWindowDays: 30 };

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

    const written = page.rows.length
      ? await tx<{ id: string; graph_id: string; inserted: boolean }[]>`
        insert into public.email_messages as m (account_id, mailbox_id, graph_id, change_key, internet_message_id,
          conversation_id, in_reply_to, reference_ids, subject, subject_key, body_preview, body_html, from_address,
          from_name, to_recipients, cc_recipients, received_at, sent_at, has_attachments, is_read, importance,
          direction, auto_kind, content_hash, sync_generation)
        select ${mailbox.account_id}, ${mailbox.id}, r.graph_id, r.change_key, r.internet_message_id, r.conversation_id,
          r.in_reply_to, coalesce(r.reference_ids, '{}'), r.subject, coalesce(r.subject_key, ''), r.body_preview,
          r.body_html, r.from_address, r.from_name, coalesce(r.to_recipients, '[]'), coalesce(r.cc_recipients, '[]'),
          r.received_at, r.sent_at, coalesce(r.has_attachments, false), r.is_read, r.importance, r.direction,
          r.auto_kind, r.content_hash, ${generation}
        from jsonb_populate_recordset(null::public.email_messages, ${tx.json(page.rows as never)}) r
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
    const newRows = page.rows.filter((r) => fresh.has(r.graph_id));
    if (mailbox.ticketing && newRows.length) {
      Object.assign(result, await thread(tx, mailbox, newRows, fresh, page.bounced, signingSecret));
    }
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

interface HeldRow {
  kind: "message" | "referencing" | "conversation";
  key: string;
  ticket_id: string | null;
  direction: "inbound" | "outbound";
  recipients: string[];
  content_hash: string;
}

interface TicketRow {
  id: string;
  status: TicketStatus;
  merged_into: string | null;
  mailbox_id: string;
  customer_address: string | null;
  participants: string[];
  subject_key: string;
  last_activity_at: Date;
  closed_at: Date | null;
}

const recipientsOf = (r: MessageRow) => [...r.to_recipients, ...r.cc_recipients].map((a) => a.address);
// Mail to many people at once is a broadcast: replies are not one conversation (Chatwoot #13502).
const BROADCAST_RECIPIENTS = 10;

/**
 * Thread the page's new messages. What the database knows is read in two queries; decisions are
 * made in time order against it plus what this page already decided, then written in bulk.
 */
async function thread(
  tx: Tx,
  mailbox: Mailbox,
  rows: MessageRow[],
  ids: Map<string, string>,
  bounced: Map<string, string>,
  signingSecret: string | null,
) {
  const order = [...rows].sort((a, b) => (a.received_at ?? "").localeCompare(b.received_at ?? ""));
  const ownIds = order.map((r) => r.internet_message_id).filter((x): x is string => x !== null);
  const refIds = order.flatMap((r) => [r.in_reply_to, ...r.reference_ids]).filter((x): x is string =>
    x !== null
  );
  const lookupIds = [...new Set([...ownIds, ...refIds, ...bounced.values()])];
  const conversations = [
    ...new Set(order.map((r) => r.conversation_id).filter((x): x is string => x !== null)),
  ];
  const newIds = [...ids.values()];

  const held = await tx<HeldRow[]>`
    select 'message' as kind, internet_message_id as key, ticket_id, direction,
      array(select lower(x->>'address') from jsonb_array_elements(to_recipients || cc_recipients) x) as recipients,
      content_hash
    from public.email_messages
    where account_id = ${mailbox.account_id} and internet_message_id = any(${lookupIds}) and deleted_at is null
      and not (id = any(${newIds}::uuid[]))
    union all
    select 'referencing', k.key, m.ticket_id, m.direction, '{}', ''
    from public.email_messages m, unnest(array_append(m.reference_ids, m.in_reply_to)) as k(key)
    where m.account_id = ${mailbox.account_id} and m.ticket_id is not null and m.deleted_at is null
      and (m.in_reply_to = any(${lookupIds}) or m.reference_ids && ${lookupIds}::text[]) and k.key = any(${lookupIds})
    union all
    select 'conversation', conversation_id, ticket_id, direction, '{}', ''
    from public.email_messages
    where account_id = ${mailbox.account_id} and conversation_id = any(${conversations}) and ticket_id is not null
      and deleted_at is null`;

  const subjectKeys = [...new Set(order.map((r) => baseSubject(r.subject).key).filter(Boolean))];
  const ticketIds = [...new Set(held.map((h) => h.ticket_id).filter((x): x is string => x !== null))];
  const signed = new Map<string, string>();
  if (signingSecret) {
    for (const id of refIds) {
      const verified = await verifySignedId(id, signingSecret);
      if (verified) signed.set(id, verified.ticketId);
    }
  }
  const tickets = await tx<TicketRow[]>`
    with recursive wanted as (
      select t.* from public.helpdesk_tickets t
      where t.account_id = ${mailbox.account_id}
        and (t.id = any(${[...ticketIds, ...signed.values()]}::uuid[])
             or (t.mailbox_id = ${mailbox.id} and t.subject_key = any(${subjectKeys})))
      union
      select t.* from public.helpdesk_tickets t join wanted w on t.id = w.merged_into
      where t.account_id = ${mailbox.account_id}
    )
    select id, status, merged_into, mailbox_id, customer_address, participants, subject_key, last_activity_at, closed_at
    from wanted`;

  // What is known, plus what this page adds as it goes (a reply and its parent may share a page).
  const ticketMap = new Map<string, Ticket>(tickets.map((t) => [t.id, {
    id: t.id,
    status: t.status,
    mergedInto: t.merged_into,
    mailboxId: t.mailbox_id,
    customer: t.customer_address,
    participants: t.participants,
    subjectKey: t.subject_key,
    lastActivityAt: t.last_activity_at,
    closedAt: t.closed_at,
  }]));
  const messages = new Map<string, KnownMessage[]>();
  const referencing = new Map<string, string[]>();
  const conversation = new Map<string, string[]>();
  const push = <T>(map: Map<string, T[]>, key: string | null, value: T) => {
    if (key) map.set(key, [...(map.get(key) ?? []), value]);
  };
  for (const h of held) {
    if (h.kind === "message") {
      push(messages, h.key, {
        ticketId: h.ticket_id,
        direction: h.direction,
        recipients: h.recipients,
        broadcast: h.direction === "outbound" && h.recipients.length >= BROADCAST_RECIPIENTS,
        contentHash: h.content_hash,
      });
    } else if (h.ticket_id) push(h.kind === "referencing" ? referencing : conversation, h.key, h.ticket_id);
  }
  const knowledge: Knowledge = {
    ticket: (id) => ticketMap.get(id),
    messages: (id) => messages.get(id) ?? [],
    referencing: (id) => referencing.get(id) ?? [],
    conversation: (id) => conversation.get(id) ?? [],
    subject: (key) => [...ticketMap.values()].filter((t) => t.subjectKey === key).map((t) => t.id),
  };
  const policy: Policy = {
    closed: mailbox.reopen_policy,
    reopenWithinDays: mailbox.reopen_within_days,
    ...POLICY_DEFAULTS,
  };

  const newTickets: Record<string, unknown>[] = [];
  const filed: { id: string; ticket_id: string | null; rule: string }[] = [];
  const touched = new Map<
    string,
    { status: TicketStatus | null; participants: Set<string>; at: string; count: number }
  >();
  let parked = 0;

  for (const row of order) {
    const people = [row.from_address, ...recipientsOf(row)].filter((p): p is string =>
      p !== null && p !== mailbox.address
    );
    const decision: Decision = decide(
      {
        internetMessageId: row.internet_message_id,
        inReplyTo: row.in_reply_to,
        references: row.reference_ids,
        conversationId: row.conversation_id,
        subject: row.subject,
        from: row.from_address,
        recipients: recipientsOf(row),
        mailboxId: mailbox.id,
        receivedAt: new Date(row.received_at ?? Date.now()),
        auto: { kind: row.auto_kind, reasons: [] },
        contentHash: row.content_hash,
        signedTicketId: [row.in_reply_to, ...row.reference_ids].map((id) =>
          id && signed.get(id)
        ).find(Boolean) ?? null,
        bouncedMessageId: bounced.get(row.graph_id) ?? null,
      },
      knowledge,
      policy,
    );

    let ticketId: string | null = null;
    if (decision.kind === "attach") {
      ticketId = decision.ticketId;
      const t = ticketMap.get(ticketId)!;
      const change = touched.get(ticketId) ??
        { status: null, participants: new Set<string>(), at: "", count: 0 };
      if (decision.status) {
        change.status = decision.status;
        ticketMap.set(ticketId, { ...t, status: decision.status, closedAt: null });
      }
      people.forEach((p) => change.participants.add(p));
      change.at = row.received_at ?? change.at;
      change.count++;
      touched.set(ticketId, change);
      filed.push({ id: ids.get(row.graph_id)!, ticket_id: ticketId, rule: decision.rule });
    } else if (decision.kind === "create" && row.direction === "inbound") {
      ticketId = crypto.randomUUID();
      const subject = baseSubject(row.subject);
      newTickets.push({
        id: ticketId,
        account_id: mailbox.account_id,
        mailbox_id: mailbox.id,
        subject: subject.base || "(no subject)",
        subject_key: subject.key,
        customer_address: row.from_address,
        customer_name: row.from_name,
        participants: people,
        message_count: 1,
        last_activity_at: row.received_at,
        linked_ticket_id: decision.linkedTo,
      });
      ticketMap.set(ticketId, {
        id: ticketId,
        status: "open",
        mergedInto: null,
        mailboxId: mailbox.id,
        customer: row.from_address,
        participants: people,
        subjectKey: subject.key,
        lastActivityAt: new Date(row.received_at ?? Date.now()),
        closedAt: null,
      });
      filed.push({
        id: ids.get(row.graph_id)!,
        ticket_id: ticketId,
        rule: decision.linkedTo ? "new, linked" : "new",
      });
    } else {
      // parked (an out-of-office or bounce about nothing of ours), or our own mail with no ticket
      if (decision.kind === "park") parked++;
      filed.push({
        id: ids.get(row.graph_id)!,
        ticket_id: null,
        rule: decision.kind === "park" ? `parked: ${decision.reason}` : "unmatched",
      });
    }
    // Later messages of the page see this one.
    const known: KnownMessage = {
      ticketId,
      direction: row.direction,
      recipients: recipientsOf(row),
      broadcast: row.direction === "outbound" && recipientsOf(row).length >= BROADCAST_RECIPIENTS,
      contentHash: row.content_hash,
    };
    push(messages, row.internet_message_id, known);
    if (ticketId) {
      for (const ref of [row.in_reply_to, ...row.reference_ids]) push(referencing, ref, ticketId);
      push(conversation, row.conversation_id, ticketId);
    }
  }

  if (newTickets.length) {
    await tx`insert into public.helpdesk_tickets (id, account_id, mailbox_id, subject, subject_key, customer_address,
        customer_name, participants, message_count, last_activity_at, linked_ticket_id)
      select id, account_id, mailbox_id, subject, subject_key, customer_address, customer_name, participants,
        message_count, coalesce(last_activity_at, now()), linked_ticket_id
      from jsonb_populate_recordset(null::public.helpdesk_tickets, ${tx.json(newTickets as never)})`;
  }
  await tx`update public.email_messages m set ticket_id = f.ticket_id, thread_rule = f.rule
    from jsonb_to_recordset(${
    tx.json(filed as never)
  }) as f(id uuid, ticket_id uuid, rule text) where m.id = f.id`;
  if (touched.size) {
    const changes = [...touched].map(([id, c]) => ({
      id,
      status: c.status,
      participants: [...c.participants],
      at: c.at || null,
      count: c.count,
    }));
    await tx`update public.helpdesk_tickets t set
        status = coalesce(c.status, t.status),
        participants = array(select distinct p from unnest(t.participants || c.participants) p),
        last_activity_at = greatest(t.last_activity_at, coalesce(c.at, t.last_activity_at)),
        message_count = t.message_count + c.count
      from jsonb_to_recordset(${tx.json(changes as never)})
        as c(id uuid, status text, participants text[], at timestamptz, count integer)
      where t.id = c.id and t.account_id = ${mailbox.account_id}`;
  }
  return {
    ticketsCreated: newTickets.length,
    threaded: filed.filter((f) => f.ticket_id !== null).length - newTickets.length,
    parked,
  };
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
