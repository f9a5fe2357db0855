// Which ticket an inbound message belongs to. The matching order and its guards come from the
// helpdesk-threading note §6.2: a signed id of ours, In-Reply-To, References (nearest ancestor
// first, shared ancestors included), messages that already answered this one, the Graph
// conversationId (weak: same mailbox, active tickets, participants only), and the base subject
// as a last resort. Candidates follow merges and active tickets win; a closed ticket is reopened
// or succeeded by a new one as the mailbox's policy says. Pure: the caller supplies what the
// database knows (Knowledge) and applies the Decision.
import type { AutoClass } from "./auto-mail.ts";
import { type BaseSubject, baseSubject } from "./subject.ts";

export type TicketStatus = "open" | "pending" | "resolved" | "closed" | "archived";
export const ACTIVE_STATUSES: readonly TicketStatus[] = ["open", "pending"];
const isActive = (t: Ticket) => ACTIVE_STATUSES.includes(t.status);

export interface Ticket {
  id: string;
  status: TicketStatus;
  mergedInto: string | null;
  /** The help desk's address: every watched folder of it (Inbox, Sent Items) shares its tickets. */
  desk: string;
  /** Lower-case address of the person the ticket is for. */
  customer: string | null;
  /** Lower-case addresses that have written or been written to on the ticket. */
  participants: readonly string[];
  /** Base-subject key of the ticket (see subject.ts). */
  subjectKey: string;
  lastActivityAt: Date;
  closedAt: Date | null;
}

/** A message already held, as threading sees it. */
export interface KnownMessage {
  ticketId: string | null;
  direction: "inbound" | "outbound";
  /** Lower-case to + cc. */
  recipients: readonly string[];
  /** A newsletter or broadcast: replies to it belong to whoever wrote them, not to one shared ticket. */
  broadcast: boolean;
  /** Hash of what the message says: the same Message-ID with other content is another message. */
  contentHash: string;
}

export interface IncomingMessage {
  internetMessageId: string | null;
  inReplyTo: string | null;
  /** Oldest first (as in the header). */
  references: readonly string[];
  conversationId: string | null;
  subject: string | null;
  /** Lower-case sender address. */
  from: string | null;
  recipients: readonly string[];
  /** The address of the mailbox it was synced from (see Ticket.desk). */
  desk: string;
  receivedAt: Date;
  auto: AutoClass;
  contentHash: string;
  /** The ticket named by a signed id of ours in In-Reply-To/References (verified by the caller). */
  signedTicketId?: string | null;
  /** For a bounce: the Message-ID of the message that bounced. */
  bouncedMessageId?: string | null;
}

export interface Knowledge {
  ticket(id: string): Ticket | undefined;
  /** Messages held with this Message-ID. */
  messages(messageId: string): readonly KnownMessage[];
  /** Tickets of held messages that name this id in In-Reply-To or References. */
  referencing(messageId: string): readonly string[];
  /** Tickets holding messages of this conversation. */
  conversation(conversationId: string): readonly string[];
  /** Tickets whose base subject has this key. */
  subject(key: string): readonly string[];
}

export interface Policy {
  /** What a reply to a resolved, closed or archived ticket does. */
  closed: "reopen" | "reopen_within_days" | "new_ticket";
  reopenWithinDays: number;
  /** conversationId only links to tickets active within this many days. */
  conversationWindowDays: number;
}

export const DEFAULT_POLICY: Policy = { closed: "reopen", reopenWithinDays: 14, conversationWindowDays: 30 };

export type Rule =
  | "signed"
  | "bounce"
  | "same-message"
  | "in-reply-to"
  | "references"
  | "answered-by"
  | "conversation"
  | "subject";

export type Decision =
  | { kind: "attach"; ticketId: string; rule: Rule; status: TicketStatus | null }
  | { kind: "create"; linkedTo: string | null; reason: string }
  | { kind: "park"; reason: string };

const DAY = 86_400_000;

/** The ticket a merge chain ends at (loop-safe). */
function current(k: Knowledge, id: string | null): Ticket | undefined {
  const seen = new Set<string>();
  let ticket = id ? k.ticket(id) : undefined;
  while (ticket?.mergedInto && !seen.has(ticket.id)) {
    seen.add(ticket.id);
    ticket = k.ticket(ticket.mergedInto) ?? ticket;
  }
  return ticket;
}

/** Among candidates: follow merges, prefer active, then the most recently active. */
function best(k: Knowledge, ids: Iterable<string | null>): Ticket | undefined {
  const tickets = new Map<string, Ticket>();
  for (const id of ids) {
    const t = current(k, id);
    if (t) tickets.set(t.id, t);
  }
  return [...tickets.values()].sort((a, b) =>
    Number(isActive(b)) - Number(isActive(a)) || b.lastActivityAt.getTime() - a.lastActivityAt.getTime()
  )[0];
}

/** Tickets of the held messages with this id, minus broadcasts the sender was not sent. */
function ticketsOfMessage(k: Knowledge, id: string, sender: string | null): string[] {
  return k.messages(id)
    .filter((m) => !m.broadcast || (sender !== null && m.recipients.includes(sender)))
    .map((m) => m.ticketId)
    .filter((t): t is string => t !== null);
}

// Mail providers anyone can have an address at: sharing one says nothing about being colleagues.
const PUBLIC_DOMAINS = new Set([
  "gmail.com",
  "googlemail.com",
  "outlook.com",
  "hotmail.com",
  "live.com",
  "msn.com",
  "yahoo.com",
  "icloud.com",
  "me.com",
  "aol.com",
  "gmx.de",
  "gmx.net",
  "web.de",
  "proton.me",
  "protonmail.com",
  "mail.com",
  "yandex.ru",
]);

/** Two addresses of the same organization (not of the same public mail provider). */
function colleagues(a: string | null, b: string | null): boolean {
  const domain = (x: string | null) => x?.split("@")[1] ?? null;
  return a !== null && domain(a) !== null && domain(a) === domain(b) && !PUBLIC_DOMAINS.has(domain(a)!);
}

/** A reply by a person to a ticket that is no longer active: reopen it, or start a new one linked to it. */
function afterClosed(ticket: Ticket, msg: IncomingMessage, policy: Policy, rule: Rule): Decision {
  const recent = ticket.closedAt !== null &&
    msg.receivedAt.getTime() - ticket.closedAt.getTime() <= policy.reopenWithinDays * DAY;
  if (policy.closed === "reopen" || (policy.closed === "reopen_within_days" && recent)) {
    return { kind: "attach", ticketId: ticket.id, rule, status: "open" };
  }
  return { kind: "create", linkedTo: ticket.id, reason: `the ticket is ${ticket.status}` };
}

// Rules that follow a thread, not the ticket itself: a new topic in one is a new request.
const THREAD_RULES: readonly Rule[] = ["in-reply-to", "references", "answered-by", "conversation"];

/** A subject that names something else than the ticket (not the same words with more or fewer around them). */
const newTopic = (subject: BaseSubject, ticketKey: string) =>
  subject.matchable && ticketKey !== "" && !subject.key.includes(ticketKey) &&
  !ticketKey.includes(subject.key);

function attach(
  ticket: Ticket,
  msg: IncomingMessage,
  policy: Policy,
  rule: Rule,
  subject: BaseSubject,
): Decision {
  // Machines never change a ticket's state: no reopening by an out-of-office reply.
  if (msg.auto.kind !== null) return { kind: "attach", ticketId: ticket.id, rule, status: null };
  // A customer who hits Reply on an old mail to ask something new (Chatwoot #15869, Zammad's
  // subject check): a new ticket, linked to the old one. Our own replies stay where they are.
  if (THREAD_RULES.includes(rule) && msg.from !== msg.desk && newTopic(subject, ticket.subjectKey)) {
    return { kind: "create", linkedTo: ticket.id, reason: "a new subject in an old thread" };
  }
  if (isActive(ticket)) {
    return { kind: "attach", ticketId: ticket.id, rule, status: ticket.status === "pending" ? "open" : null };
  }
  return afterClosed(ticket, msg, policy, rule);
}

export function decide(msg: IncomingMessage, k: Knowledge, policy: Policy = DEFAULT_POLICY): Decision {
  const subject = baseSubject(msg.subject);
  const found = (ids: Iterable<string | null>, rule: Rule) => {
    const ticket = best(k, ids);
    return ticket ? attach(ticket, msg, policy, rule, subject) : undefined;
  };

  // 0. A signed id of ours cannot be forged: it names the ticket outright.
  const signed = msg.signedTicketId ? found([msg.signedTicketId], "signed") : undefined;
  if (signed) return signed;
  // A bounce belongs with the message that bounced.
  if (msg.auto.kind === "bounce" && msg.bouncedMessageId) {
    const bounced = found(ticketsOfMessage(k, msg.bouncedMessageId, null), "bounce");
    if (bounced) return bounced;
  }
  // The same message already held (delivered to two mailboxes, or re-uploaded by a client). A
  // sender reusing a Message-ID for other content gets no such shortcut.
  if (msg.internetMessageId) {
    const copies = k.messages(msg.internetMessageId).filter((m) => m.contentHash === msg.contentHash);
    const same = found(copies.map((m) => m.ticketId), "same-message");
    if (same) return same;
  }
  // 1. In-Reply-To: the parent (never the message itself).
  if (msg.inReplyTo && msg.inReplyTo !== msg.internetMessageId) {
    const parent = found(ticketsOfMessage(k, msg.inReplyTo, msg.from), "in-reply-to");
    if (parent) return parent;
  }
  // 2. References, nearest ancestor first; an ancestor we never held still links messages that share it.
  for (const ref of [...msg.references].reverse().filter((r) => r !== msg.internetMessageId)) {
    const ancestor = found([...ticketsOfMessage(k, ref, msg.from), ...k.referencing(ref)], "references");
    if (ancestor) return ancestor;
  }
  // 3. Replies that arrived before this message (their parent) already have a ticket.
  if (msg.internetMessageId) {
    const answered = found(k.referencing(msg.internetMessageId), "answered-by");
    if (answered) return answered;
  }
  // 4. conversationId is subject-derived and collides: same mailbox, active, a participant, recent.
  if (msg.conversationId) {
    const people = new Set([msg.from, ...msg.recipients].filter(Boolean));
    const ticket = best(
      k,
      k.conversation(msg.conversationId).filter((id) => {
        const t = current(k, id);
        return t !== undefined && isActive(t) && t.desk === msg.desk &&
          t.participants.some((p) => people.has(p)) &&
          msg.receivedAt.getTime() - t.lastActivityAt.getTime() <= policy.conversationWindowDays * DAY;
      }),
    );
    if (ticket) return attach(ticket, msg, policy, "conversation", subject);
  }
  // 5. The base subject, last: only for a reply, a specific subject, and the same customer (or colleague).
  if (subject.isReplyOrForward && subject.matchable && msg.from) {
    const ticket = best(
      k,
      k.subject(subject.key).filter((id) => {
        const t = current(k, id);
        const recentlyClosed = t?.closedAt !== null && t?.closedAt !== undefined &&
          msg.receivedAt.getTime() - t.closedAt.getTime() <= policy.reopenWithinDays * DAY;
        return t !== undefined && t.subjectKey === subject.key && t.desk === msg.desk &&
          (isActive(t) || recentlyClosed) && (t.customer === msg.from || colleagues(t.customer, msg.from));
      }),
    );
    if (ticket) return attach(ticket, msg, policy, "subject", subject);
  }

  if (msg.auto.kind === "bounce" || msg.auto.kind === "out_of_office") {
    return { kind: "park", reason: `${msg.auto.kind.replace(/_/g, "-")} that refers to nothing of ours` };
  }
  return { kind: "create", linkedTo: null, reason: "no earlier message or ticket matches" };
}
