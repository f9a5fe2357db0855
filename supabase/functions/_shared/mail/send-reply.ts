// An agent's reply to a ticket, sent through Graph and recorded on the ticket. The documented way
// to learn what was sent: createReply (immutable ids) -> set the body -> send -> read the sent
// item back by the same id for its internetMessageId. With nothing to reply to, a MIME sendMail
// carrying our own signed Message-ID. Nothing is recorded unless Microsoft accepted the mail.
import { GraphError } from "@microsoft/microsoft-graph-client";
import emailAddresses from "email-addresses";
import { z } from "zod";
import type { UserClaims } from "../auth.ts";
import { asService, asUser, sql } from "../db.ts";
import { env } from "../env.ts";
import { BadRequest, Conflict, NotFound, ServerMisconfigured } from "../errors.ts";
import { delegatedGraph, type GraphSession } from "../graph.ts";
import { requireRole } from "../membership.ts";
import type { Address } from "./graph-message.ts";
import { canonicalId, signedMessageId } from "./message-ids.ts";
import { base64Mime, composeMime } from "./outbound-mime.ts";
import { sanitizeMailHtml, textToHtml } from "./sanitize.ts";
import { baseSubject, replySubject } from "./subject.ts";
import { visibleText } from "./work-orders.ts";

const IMMUTABLE_IDS = 'IdType="ImmutableId"';
const REQUEST_BUDGET_MS = 45_000;

/** "Jane Doe <jane@x.test>" or "jane@x.test", checked against RFC 5322. */
const Recipient = z.string().max(320).transform((text, ctx) => {
  const parsed = emailAddresses.parseOneAddress(text);
  if (!parsed || parsed.type !== "mailbox") {
    ctx.addIssue({ code: "custom", message: `not an email address: ${text}` });
    return z.NEVER;
  }
  return { address: parsed.address.toLowerCase(), name: parsed.name ?? null } as Address;
});

export const ReplyRequest = z.object({
  ticket_id: z.uuid(),
  body_html: z.string().min(1).max(500_000).optional(),
  body_text: z.string().min(1).max(500_000).optional(),
  to: z.array(Recipient).min(1).max(50).optional(),
  cc: z.array(Recipient).max(50).default([]),
  /** The message to answer (default: the ticket's latest inbound mail). */
  in_reply_to_message_id: z.uuid().optional(),
  /** The ticket's status once sent (default: waiting on the customer). */
  status: z.enum(["open", "pending", "resolved", "closed"]).default("pending"),
}).refine((r) => Boolean(r.body_html) !== Boolean(r.body_text), {
  message: "give body_html or body_text (one of them)",
  path: ["body_html"],
});

interface Context {
  ticket: {
    id: string;
    account_id: string;
    mailbox_id: string | null;
    subject: string;
    customer_address: string | null;
    customer_name: string | null;
  };
  /** record_in: the mailbox row that will sync this reply's Sent Items copy (so it is one row). */
  mailbox: {
    id: string;
    address: string;
    display_name: string | null;
    send_connection_id: string | null;
    record_in: string;
  };
  original: {
    id: string;
    graph_id: string;
    internet_message_id: string | null;
    reference_ids: string[];
    subject: string | null;
    mailbox_address: string;
  } | undefined;
}

interface Sent {
  id: string;
  graph_id: string;
  internet_message_id: string | null;
  conversation_id: string | null;
  method: "reply" | "mime";
}

async function gather(claims: UserClaims, input: z.infer<typeof ReplyRequest>): Promise<Context> {
  return await asUser(claims, async (tx) => {
    const [ticket] = await tx<
      Context["ticket"][]
    >`select id, account_id, mailbox_id, subject, customer_address,
      customer_name from public.helpdesk_tickets where id = ${input.ticket_id}`;
    if (!ticket) throw new NotFound("no such ticket");
    await requireRole(tx, ticket.account_id, "agent", "reply to tickets");
    const [mailbox] = await tx<
      Context["mailbox"][]
    >`select m.id, m.address, m.display_name, m.send_connection_id,
        coalesce(s.id, m.id) as record_in
      from public.mailboxes m
      left join public.mailboxes s on s.account_id = m.account_id and s.address = m.address and s.folder = 'sentitems'
      where m.id = ${ticket.mailbox_id}`;
    if (!mailbox) {
      throw new Conflict("the ticket's mailbox is gone: there is nowhere to send from", "no_mailbox");
    }
    const [original] = await tx<NonNullable<Context["original"]>[]>`
      select e.id, e.graph_id, e.internet_message_id, e.reference_ids, e.subject, m.address as mailbox_address
      from public.email_messages e join public.mailboxes m on m.id = e.mailbox_id
      where e.ticket_id = ${ticket.id} and e.deleted_at is null
        and ${
      input.in_reply_to_message_id ? tx`e.id = ${input.in_reply_to_message_id}` : tx`e.direction = 'inbound'`
    }
      order by e.received_at desc nulls last limit 1`;
    if (input.in_reply_to_message_id && !original) throw new NotFound("no such message on this ticket");
    return { ticket, mailbox, original };
  });
}

/** The write connection that sends for the mailbox; replies need one (read connections cannot send). */
async function sendingConnection(ctx: Context) {
  if (!ctx.mailbox.send_connection_id) {
    throw new Conflict(
      "the mailbox has no write connection: connect one with purpose=write",
      "write_connection_required",
    );
  }
  const [connection] = await sql()<{ id: string; account_id: string; purpose: string; status: string }[]>`
    select id, account_id, purpose, status from public.m365_connections where id = ${ctx.mailbox.send_connection_id}`;
  if (connection?.purpose !== "write") {
    throw new Conflict(
      "the mailbox's send connection is not a write connection",
      "write_connection_required",
    );
  }
  return connection;
}

const isItemGone = (error: unknown) =>
  error instanceof GraphError && (error.statusCode === 404 || /ErrorItemNotFound/i.test(error.code ?? ""));

/** createReply -> PATCH -> send; then the sent item by the draft's (immutable) id. */
async function replyToMessage(
  graph: GraphSession,
  mailboxPath: string,
  originalGraphId: string,
  mail: { html: string; to: Address[]; cc: Address[] },
  deadline: number,
): Promise<Omit<Sent, "id"> | null> {
  let draft: { id: string; internetMessageId?: string; conversationId?: string };
  try {
    draft = await graph.client.api(
      `${mailboxPath}/messages/${encodeURIComponent(originalGraphId)}/createReply`,
    )
      .header("Prefer", IMMUTABLE_IDS).post({});
  } catch (error) {
    if (isItemGone(error)) return null; // moved or deleted: nothing to reply to
    throw error;
  }
  const draftPath = `${mailboxPath}/messages/${encodeURIComponent(draft.id)}`;
  const recipients = (list: Address[]) =>
    list.map((a) => ({ emailAddress: { address: a.address, name: a.name ?? undefined } }));
  try {
    await graph.client.api(draftPath).header("Prefer", IMMUTABLE_IDS).patch({
      body: { contentType: "HTML", content: mail.html },
      toRecipients: recipients(mail.to),
      ccRecipients: recipients(mail.cc),
    });
    await graph.client.api(`${draftPath}/send`).header("Prefer", IMMUTABLE_IDS).post(null);
  } catch (error) {
    // Leave no half-written draft behind in the user's mailbox.
    await graph.client.api(draftPath).delete().catch(() => {});
    throw error;
  }
  // The Sent Items copy appears after a moment; its immutable id is the draft's.
  for (let wait = 250; Date.now() + wait < deadline; wait = Math.min(wait * 2, 4_000)) {
    try {
      const sent = await graph.client.api(draftPath).header("Prefer", IMMUTABLE_IDS)
        .select("id,internetMessageId,conversationId").get();
      return {
        graph_id: sent.id,
        internet_message_id: canonicalId(sent.internetMessageId),
        conversation_id: sent.conversationId ?? null,
        method: "reply",
      };
    } catch (error) {
      if (!isItemGone(error)) throw error;
      await new Promise((r) => setTimeout(r, wait));
    }
  }
  return {
    graph_id: draft.id,
    internet_message_id: canonicalId(draft.internetMessageId),
    conversation_id: draft.conversationId ?? null,
    method: "reply",
  };
}

/** Send an agent's reply on a ticket and record it as the ticket's outbound message. */
export async function sendReply(claims: UserClaims, input: z.infer<typeof ReplyRequest>) {
  const ctx = await gather(claims, input);
  const connection = await sendingConnection(ctx);
  const to = input.to ??
    (ctx.ticket.customer_address
      ? [{ address: ctx.ticket.customer_address, name: ctx.ticket.customer_name }]
      : []);
  if (!to.length) throw new BadRequest("the ticket has no customer address: give `to`", "no_recipient");
  const html = input.body_html ? sanitizeMailHtml(input.body_html) : textToHtml(input.body_text!);
  if (!visibleText(html).trim()) throw new BadRequest("the body is empty once sanitized", "empty_body");

  const deadline = Date.now() + REQUEST_BUDGET_MS;
  const graph = delegatedGraph(connection, deadline);
  const mailboxPath = `/users/${encodeURIComponent(ctx.mailbox.address)}`;
  const subject = replySubject(ctx.original?.subject ?? ctx.ticket.subject);
  const id = crypto.randomUUID();
  let sent: Omit<Sent, "id"> | null = null;
  try {
    // createReply needs the original in the mailbox we send from.
    if (ctx.original && ctx.original.mailbox_address === ctx.mailbox.address) {
      sent = await replyToMessage(
        graph,
        mailboxPath,
        ctx.original.graph_id,
        { html, to, cc: input.cc },
        deadline,
      );
    }
    if (!sent) {
      const secret = env().MESSAGE_ID_SECRET;
      if (!secret) throw new ServerMisconfigured("MESSAGE_ID_SECRET is not set");
      const messageId = await signedMessageId(ctx.ticket.id, id, ctx.mailbox.address.split("@")[1], secret);
      const raw = composeMime({
        from: { address: ctx.mailbox.address, name: ctx.mailbox.display_name },
        to,
        cc: input.cc,
        subject,
        messageId,
        inReplyTo: ctx.original?.internet_message_id ?? null,
        references: ctx.original
          ? [
            ...ctx.original.reference_ids,
            ...(ctx.original.internet_message_id ? [ctx.original.internet_message_id] : []),
          ]
          : [],
        html,
        text: visibleText(html).trim(),
      });
      await graph.client.api(`${mailboxPath}/sendMail`).header("Content-Type", "text/plain").post(
        base64Mime(raw),
      );
      // sendMail answers 202 with no id: the Sent Items copy is matched by our Message-ID later.
      sent = {
        graph_id: `sent:${id}`,
        internet_message_id: canonicalId(messageId),
        conversation_id: null,
        method: "mime",
      };
    }
  } catch (error) {
    throw graph.failure(error, "sending the reply");
  } finally {
    await graph.log.flush(sql()).catch(() => {});
  }

  const recipients = [...to, ...input.cc].map((a) => a.address);
  await asService(async (tx) => {
    await tx`insert into public.email_messages (id, account_id, mailbox_id, graph_id, internet_message_id,
        conversation_id, in_reply_to, reference_ids, subject, subject_key, body_preview, body_html, from_address,
        from_name, to_recipients, cc_recipients, received_at, sent_at, direction, ticket_id, thread_rule, content_hash)
      values (${id}, ${ctx.ticket.account_id}, ${ctx.mailbox.record_in}, ${sent!.graph_id}, ${
      sent!.internet_message_id
    },
        ${sent!.conversation_id}, ${ctx.original?.internet_message_id ?? null},
        ${
      ctx.original
        ? [
          ...ctx.original.reference_ids,
          ...(ctx.original.internet_message_id ? [ctx.original.internet_message_id] : []),
        ]
        : []
    },
        ${subject}, ${baseSubject(subject).key}, ${
      visibleText(html).trim().slice(0, 255)
    }, ${html}, ${ctx.mailbox.address},
        ${ctx.mailbox.display_name}, ${tx.json(to as never)}, ${
      tx.json(input.cc as never)
    }, now(), now(), 'outbound',
        ${ctx.ticket.id}, ${`sent (${sent!.method})`}, ${id})`;
    await tx`update public.helpdesk_tickets set status = ${input.status}, last_activity_at = now(),
        message_count = message_count + 1,
        participants = array(select distinct p from unnest(participants || ${recipients}::text[]) p)
      where id = ${ctx.ticket.id}`;
  });
  return { message_id: id, ticket_id: ctx.ticket.id, ...sent!, status: input.status };
}
