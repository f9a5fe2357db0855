// Filing a page's new messages into tickets. What the database knows is read in three queries
// before the page is written; decisions are made in time order against it plus what the page
// already decided (a reply and its parent may share a page); new rows are then inserted already
// filed, and the tickets they touch updated in bulk.
import type { Tx } from "../db.ts";
import type { MessageRow } from "./graph-message.ts";
import type { Mailbox } from "./ingest.ts";
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

export interface Filing {
  ticketsCreated: number;
  threaded: number;
  parked: number;
}

/** The page's decisions: new tickets, each message's ticket and rule (by row id), the tickets touched. */
export interface FilingPlan {
  newTickets: Record<string, unknown>[];
  filed: Map<string, Filed>;
  touched: Map<string, TicketChange>;
  parked: number;
}

const CONVERSATION_WINDOW_DAYS = 30;
const DAY = 86_400_000;
// Mail to many people at once is a broadcast: replies are not one conversation (Chatwoot #13502).
const BROADCAST_RECIPIENTS = 10;

interface HeldRow {
  kind: "message" | "referencing" | "conversation" | "existing";
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
  desk: string;
  customer_address: string | null;
  participants: string[];
  subject_key: string;
  last_activity_at: Date;
  closed_at: Date | null;
}

/**
 * A message waiting for a ticket: our own reply synced from Sent Items before the mail it answers,
 * or an out-of-office or bounce (parked) about a message not yet synced.
 */
interface Orphan {
  id: string;
  parked: boolean;
  internet_message_id: string | null;
  conversation_id: string | null;
  in_reply_to: string | null;
  reference_ids: string[];
  received_at: Date;
  recipients: string[];
}

interface Filed {
  id: string;
  ticket_id: string | null;
  rule: string;
}

interface TicketChange {
  status: TicketStatus | null;
  participants: Set<string>;
  at: number;
  count: number;
}

const recipientsOf = (r: MessageRow) => [...r.to_recipients, ...r.cc_recipients].map((a) => a.address);
const present = <T>(x: T | null): x is T => x !== null;
const at = (r: MessageRow) => r.received_at ? Date.parse(r.received_at) : Date.now();

/**
 * Does the orphan belong with the message just filed? By its ids; our replies also by the
 * conversation, as Sent Items copies carry no In-Reply-To or References in Graph: a reply to the
 * message's sender, soon after it.
 */
function belongsWith(o: Orphan, m: MessageRow): boolean {
  const id = m.internet_message_id;
  if (id && (o.in_reply_to === id || o.reference_ids.includes(id))) return true;
  if (o.parked) return false;
  const lag = o.received_at.getTime() - at(m);
  return o.conversation_id !== null && o.conversation_id === m.conversation_id && m.from_address !== null &&
    o.recipients.includes(m.from_address) && lag >= 0 && lag <= CONVERSATION_WINDOW_DAYS * DAY;
}

/** Decide where the page's new messages (`ids`: graph id -> row id) go, from what was known before it. */
export function planFiling(
  mailbox: Mailbox,
  known: Known,
  rows: MessageRow[],
  ids: Map<string, string>,
  bounced: Map<string, string>,
): FilingPlan {
  const order = [...rows].sort((a, b) => at(a) - at(b));
  const { knowledge, tickets, messages, referencing, conversation, signed } = known;
  let orphans: Orphan[] = [...known.orphans];
  const push = <T>(map: Map<string, T[]>, key: string | null, value: T) => {
    if (key) map.set(key, [...(map.get(key) ?? []), value]);
  };
  const policy: Policy = {
    closed: mailbox.reopen_policy,
    reopenWithinDays: mailbox.reopen_within_days,
    conversationWindowDays: CONVERSATION_WINDOW_DAYS,
  };

  const newTickets: Record<string, unknown>[] = [];
  // by message: an orphan of this page filed "unmatched" may be adopted later in it
  const filed = new Map<string, Filed>();
  const file = (id: string, ticketId: string | null, rule: string) =>
    filed.set(id, { id, ticket_id: ticketId, rule });
  const touched = new Map<string, TicketChange>();
  const touch = (ticketId: string, people: string[], when: number, status: TicketStatus | null) => {
    const change = touched.get(ticketId) ??
      { status: null, participants: new Set<string>(), at: 0, count: 0 };
    if (status) change.status = status;
    people.forEach((p) => change.participants.add(p));
    change.at = Math.max(change.at, when);
    change.count++;
    touched.set(ticketId, change);
  };
  const others = (addresses: (string | null)[]) =>
    addresses.filter((p): p is string => p !== null && p !== mailbox.address);
  // Later messages of the page see what this one became.
  const remember = (
    id: string | null,
    message: KnownMessage,
    refs: (string | null)[],
    conv: string | null,
  ) => {
    push(messages, id, message);
    if (!message.ticketId) return;
    for (const ref of refs) push(referencing, ref, message.ticketId);
    push(conversation, conv, message.ticketId);
  };
  const adoptOrphansOf = (row: MessageRow, ticketId: string) => {
    const adopted = orphans.filter((o) => belongsWith(o, row));
    orphans = orphans.filter((o) => !adopted.includes(o));
    for (const o of adopted) {
      file(o.id, ticketId, o.parked ? "parked, then its message came" : "answer (adopted)");
      touch(ticketId, o.parked ? [] : others(o.recipients), o.received_at.getTime(), null);
      remember(
        o.internet_message_id,
        {
          ticketId,
          direction: o.parked ? "inbound" : "outbound",
          recipients: o.recipients,
          broadcast: !o.parked && o.recipients.length >= BROADCAST_RECIPIENTS,
          contentHash: "",
        },
        [o.in_reply_to, ...o.reference_ids],
        o.conversation_id,
      );
    }
  };
  let parked = 0;

  for (const row of order) {
    const id = ids.get(row.graph_id)!;
    const people = others([row.from_address, ...recipientsOf(row)]);
    const decision: Decision = decide(
      {
        internetMessageId: row.internet_message_id,
        inReplyTo: row.in_reply_to,
        references: row.reference_ids,
        conversationId: row.conversation_id,
        subject: row.subject,
        from: row.from_address,
        recipients: recipientsOf(row),
        desk: mailbox.address,
        receivedAt: new Date(at(row)),
        auto: { kind: row.auto_kind, reasons: [] },
        contentHash: row.content_hash,
        signedTicketId: [row.in_reply_to, ...row.reference_ids].map((r) =>
          r && signed.get(r)
        ).find(Boolean) ??
          null,
        bouncedMessageId: bounced.get(row.graph_id) ?? null,
      },
      knowledge,
      policy,
    );

    let ticketId: string | null = null;
    if (decision.kind === "attach") {
      ticketId = decision.ticketId;
      if (decision.status) {
        tickets.set(ticketId, {
          ...tickets.get(ticketId)!,
          status: decision.status,
          closedAt: null,
        });
      }
      touch(ticketId, people, at(row), decision.status);
      file(id, ticketId, decision.rule);
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
      tickets.set(ticketId, {
        id: ticketId,
        status: "open",
        mergedInto: null,
        desk: mailbox.address,
        customer: row.from_address,
        participants: people,
        subjectKey: subject.key,
        lastActivityAt: new Date(at(row)),
        closedAt: null,
      });
      file(id, ticketId, decision.linkedTo ? "new, linked" : "new");
    } else {
      // parked (an out-of-office or bounce about nothing of ours), or our own mail with no ticket yet
      if (decision.kind === "park") parked++;
      file(id, null, decision.kind === "park" ? `parked: ${decision.reason}` : "unmatched");
      if (row.direction === "outbound" || decision.kind === "park") {
        orphans.push({
          id,
          parked: decision.kind === "park",
          internet_message_id: row.internet_message_id,
          conversation_id: row.conversation_id,
          in_reply_to: row.in_reply_to,
          reference_ids: row.reference_ids,
          received_at: new Date(at(row)),
          recipients: recipientsOf(row),
        });
      }
    }
    remember(
      row.internet_message_id,
      {
        ticketId,
        direction: row.direction,
        recipients: recipientsOf(row),
        broadcast: row.direction === "outbound" && recipientsOf(row).length >= BROADCAST_RECIPIENTS,
        contentHash: row.content_hash,
      },
      [row.in_reply_to, ...row.reference_ids],
      row.conversation_id,
    );
    if (ticketId) adoptOrphansOf(row, ticketId);
  }

  return { newTickets, filed, touched, parked };
}

export type Known = Awaited<ReturnType<typeof whatIsKnown>>;

/**
 * Everything a page's messages could thread to, read before the page is written (so the page's
 * own rows need not be told apart): held messages, their tickets, our orphans, signed ids.
 */
export async function whatIsKnown(
  tx: Tx,
  mailbox: Mailbox,
  order: MessageRow[],
  bounced: Map<string, string>,
  signingSecret: string | null,
) {
  // The desk's folders sync in parallel: one page files at a time, so an Inbox page and a Sent
  // Items page never miss each other's uncommitted half of a thread.
  await tx`select pg_advisory_xact_lock(hashtextextended(${`${mailbox.account_id}:${mailbox.address}`}, 0))`;
  const ownIds = order.map((r) => r.internet_message_id).filter(present);
  const refIds = order.flatMap((r) => [r.in_reply_to, ...r.reference_ids]).filter(present);
  const lookupIds = [...new Set([...ownIds, ...refIds, ...bounced.values()])];
  const conversations = [...new Set(order.map((r) => r.conversation_id).filter(present))];

  const graphIds = order.map((r) => r.graph_id);
  const held = await tx<HeldRow[]>`
    select 'message' as kind, internet_message_id as key, ticket_id, direction,
      array(select lower(x->>'address') from jsonb_array_elements(to_recipients || cc_recipients) x) as recipients,
      content_hash
    from public.email_messages
    where account_id = ${mailbox.account_id} and internet_message_id = any(${lookupIds}) and deleted_at is null
    union all
    select 'referencing', key, ticket_id, 'inbound', '{}', '' from (
      select distinct l.key, m.ticket_id
      from unnest(${lookupIds}::text[]) as l(key)
      -- one id at a time: the planner then takes the indexes (an && of the whole list scans the table)
      cross join lateral (
        select ticket_id from public.email_messages m
        where m.account_id = ${mailbox.account_id} and (m.reference_ids @> array[l.key] or m.in_reply_to = l.key)
          and m.ticket_id is not null and m.deleted_at is null) m) r
    union all
    select 'conversation', conversation_id, ticket_id, 'inbound', '{}', '' from (
      select distinct conversation_id, ticket_id from public.email_messages
      where account_id = ${mailbox.account_id} and conversation_id = any(${conversations}) and ticket_id is not null
        and deleted_at is null) c
    union all
    -- the page's messages this mailbox already holds (the rest are new)
    select 'existing', graph_id, null, direction, '{}', ''
    from public.email_messages where mailbox_id = ${mailbox.id} and graph_id = any(${graphIds})`;
  const orphans = await tx<Orphan[]>`
    select o.id, o.direction = 'inbound' as parked, o.internet_message_id, o.conversation_id, o.in_reply_to,
      o.reference_ids, o.received_at,
      array(select lower(x->>'address') from jsonb_array_elements(o.to_recipients || o.cc_recipients) x) as recipients
    from public.email_messages o join public.mailboxes b on b.id = o.mailbox_id
    where o.id in (
        select id from public.email_messages where account_id = ${mailbox.account_id}
          and conversation_id = any(${conversations}) and direction = 'outbound' and ticket_id is null
        union
        select m.id from unnest(${ownIds}::text[]) as l(key)
        cross join lateral (
          select id from public.email_messages m where m.account_id = ${mailbox.account_id}
            and (m.reference_ids @> array[l.key] or m.in_reply_to = l.key) and m.ticket_id is null) m)
      and b.address = ${mailbox.address} and o.deleted_at is null and o.received_at is not null
      and (o.direction = 'outbound' or o.thread_rule like 'parked:%')`;

  const signed = new Map<string, string>();
  if (signingSecret) {
    for (const id of refIds) {
      const verified = await verifySignedId(id, signingSecret);
      if (verified) signed.set(id, verified.ticketId);
    }
  }
  const subjectKeys = [...new Set(order.map((r) => baseSubject(r.subject).key).filter(Boolean))];
  const ticketIds = [...new Set([...held.map((h) => h.ticket_id).filter(present), ...signed.values()])];
  const rows = await tx<TicketRow[]>`
    with recursive wanted as (
      select t.* from public.helpdesk_tickets t
      where t.account_id = ${mailbox.account_id}
        and (t.id = any(${ticketIds}::uuid[])
             or (t.subject_key = any(${subjectKeys}) and t.mailbox_id in (select id from public.mailboxes
                 where account_id = ${mailbox.account_id} and address = ${mailbox.address})))
      union
      select t.* from public.helpdesk_tickets t join wanted w on t.id = w.merged_into
      where t.account_id = ${mailbox.account_id}
    )
    select w.id, w.status, w.merged_into, mb.address as desk, w.customer_address, w.participants, w.subject_key,
      w.last_activity_at, w.closed_at
    from wanted w join public.mailboxes mb on mb.id = w.mailbox_id`;

  const tickets = new Map<string, Ticket>(rows.map((t) => [t.id, {
    id: t.id,
    status: t.status,
    mergedInto: t.merged_into,
    desk: t.desk,
    customer: t.customer_address,
    participants: t.participants,
    subjectKey: t.subject_key,
    lastActivityAt: t.last_activity_at,
    closedAt: t.closed_at,
  }]));
  const messages = new Map<string, KnownMessage[]>();
  const referencing = new Map<string, string[]>();
  const conversation = new Map<string, string[]>();
  const existing = new Set<string>();
  const add = <T>(map: Map<string, T[]>, key: string, value: T) =>
    map.set(key, [...(map.get(key) ?? []), value]);
  for (const h of held) {
    if (h.kind === "message") {
      add(messages, h.key, {
        ticketId: h.ticket_id,
        direction: h.direction,
        recipients: h.recipients,
        broadcast: h.direction === "outbound" && h.recipients.length >= BROADCAST_RECIPIENTS,
        contentHash: h.content_hash,
      });
    } else if (h.kind === "existing") existing.add(h.key);
    else if (h.ticket_id) add(h.kind === "referencing" ? referencing : conversation, h.key, h.ticket_id);
  }
  const knowledge: Knowledge = {
    ticket: (id) => tickets.get(id),
    messages: (id) => messages.get(id) ?? [],
    referencing: (id) => referencing.get(id) ?? [],
    conversation: (id) => conversation.get(id) ?? [],
    subject: (key) => [...tickets.values()].filter((t) => t.subjectKey === key).map((t) => t.id),
  };
  return { knowledge, tickets, messages, referencing, conversation, orphans, signed, existing };
}

/** The plan's new tickets, before the messages that name them are inserted. */
export async function insertNewTickets(tx: Tx, plan: FilingPlan) {
  if (!plan.newTickets.length) return;
  await tx`insert into public.helpdesk_tickets (id, account_id, mailbox_id, subject, subject_key, customer_address,
      customer_name, participants, message_count, last_activity_at, linked_ticket_id)
    select id, account_id, mailbox_id, subject, subject_key, customer_address, customer_name, participants,
      message_count, coalesce(last_activity_at, now()), linked_ticket_id
    from jsonb_populate_recordset(null::public.helpdesk_tickets, ${tx.json(plan.newTickets as never)})`;
}

/** After the page's rows are in: the touched tickets, and orphans held from earlier pages that found one. */
export async function completeFiling(
  tx: Tx,
  mailbox: Mailbox,
  plan: FilingPlan,
  inserted: Set<string>,
): Promise<Filing> {
  const adopted = [...plan.filed.values()].filter((f) => !inserted.has(f.id));
  if (adopted.length) {
    await tx`update public.email_messages m set ticket_id = f.ticket_id, thread_rule = f.rule
      from jsonb_to_recordset(${tx.json(adopted as never)}) as f(id uuid, ticket_id uuid, rule text)
      where m.id = f.id and m.account_id = ${mailbox.account_id}`;
  }
  if (plan.touched.size) {
    const changes = [...plan.touched].map(([id, c]) => ({
      id,
      status: c.status,
      participants: [...c.participants],
      at: c.at ? new Date(c.at).toISOString() : null,
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
    ticketsCreated: plan.newTickets.length,
    threaded: [...plan.filed.values()].filter((f) => f.ticket_id !== null).length - plan.newTickets.length,
    parked: plan.parked,
  };
}
