// Graph messages as the sync reads them (parsed, never trusted), and the email_messages row each
// becomes. Pure apart from hashing.
import { z } from "zod";
import { type AutoClass, classify, headerMap } from "./auto-mail.ts";
import { canonicalId, parentId, referenceChain } from "./message-ids.ts";
import { sanitizeMailHtml, textToHtml } from "./sanitize.ts";
import { baseSubject } from "./subject.ts";

/** What the sync asks Graph for: every field a row, threading and auto-mail detection need. */
export const MESSAGE_FIELDS = [
  "id",
  "changeKey",
  "receivedDateTime",
  "sentDateTime",
  "subject",
  "bodyPreview",
  "body",
  "from",
  "toRecipients",
  "ccRecipients",
  "internetMessageId",
  "conversationId",
  "internetMessageHeaders",
  "isRead",
  "importance",
  "hasAttachments",
  "isDraft",
].join(",");

const Recipient = z.object({
  emailAddress: z.object({ name: z.string().nullish(), address: z.string().nullish() }).nullish(),
}).nullish();

export const GraphMessage = z.looseObject({
  id: z.string().min(1),
  "@removed": z.object({ reason: z.string() }).optional(),
  changeKey: z.string().nullish(),
  receivedDateTime: z.string().nullish(),
  sentDateTime: z.string().nullish(),
  subject: z.string().nullish(),
  bodyPreview: z.string().nullish(),
  body: z.object({ contentType: z.string(), content: z.string().nullish() }).nullish(),
  from: Recipient,
  toRecipients: z.array(Recipient).nullish(),
  ccRecipients: z.array(Recipient).nullish(),
  internetMessageId: z.string().nullish(),
  conversationId: z.string().nullish(),
  internetMessageHeaders: z.array(z.object({ name: z.string(), value: z.string() })).nullish(),
  isRead: z.boolean().nullish(),
  importance: z.enum(["low", "normal", "high", "Low", "Normal", "High"]).nullish(),
  hasAttachments: z.boolean().nullish(),
  isDraft: z.boolean().nullish(),
});
export type GraphMessage = z.infer<typeof GraphMessage>;

/**
 * A delta "updated" entry may carry only what changed (e.g. isRead). A message we do not hold
 * yet must be fetched whole before it can become a row.
 */
export function isComplete(m: GraphMessage): boolean {
  return m.internetMessageHeaders != null && m.receivedDateTime != null && m.body != null &&
    m.from !== undefined;
}

export interface Address {
  address: string;
  name: string | null;
}

const addressOf = (r: z.infer<typeof Recipient>): Address | null =>
  r?.emailAddress?.address
    ? { address: r.emailAddress.address.toLowerCase(), name: r.emailAddress.name ?? null }
    : null;
const addresses = (list: z.infer<typeof Recipient>[] | null | undefined) =>
  (list ?? []).map(addressOf).filter((a): a is Address => a !== null);

export interface MessageRow {
  graph_id: string;
  change_key: string | null;
  internet_message_id: string | null;
  conversation_id: string | null;
  in_reply_to: string | null;
  reference_ids: string[];
  subject: string | null;
  subject_key: string;
  body_preview: string | null;
  body_html: string;
  from_address: string | null;
  from_name: string | null;
  to_recipients: Address[];
  cc_recipients: Address[];
  received_at: string | null;
  sent_at: string | null;
  has_attachments: boolean;
  is_read: boolean | null;
  importance: "low" | "normal" | "high" | null;
  direction: "inbound" | "outbound";
  auto_kind: AutoClass["kind"];
  content_hash: string;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** A complete Graph message as a row of the mailbox at `mailboxAddress`. */
export async function toRow(m: GraphMessage, mailboxAddress: string): Promise<MessageRow> {
  const headers = headerMap(m.internetMessageHeaders);
  const header = (name: string) => headers.get(name)?.join(" ") ?? null;
  const from = addressOf(m.from);
  const ownId = canonicalId(m.internetMessageId);
  const html = m.body?.contentType?.toLowerCase() === "text"
    ? textToHtml(m.body.content ?? "")
    : sanitizeMailHtml(m.body?.content);
  return {
    graph_id: m.id,
    change_key: m.changeKey ?? null,
    internet_message_id: ownId,
    conversation_id: m.conversationId ?? null,
    in_reply_to: parentId(header("in-reply-to")),
    reference_ids: referenceChain(header("references"), ownId),
    subject: m.subject ?? null,
    subject_key: baseSubject(m.subject).key,
    body_preview: m.bodyPreview ?? null,
    body_html: html,
    from_address: from?.address ?? null,
    from_name: from?.name ?? null,
    to_recipients: addresses(m.toRecipients),
    cc_recipients: addresses(m.ccRecipients),
    received_at: m.receivedDateTime ?? null,
    sent_at: m.sentDateTime ?? null,
    has_attachments: m.hasAttachments ?? false,
    is_read: m.isRead ?? null,
    importance: (m.importance?.toLowerCase() ?? null) as MessageRow["importance"],
    direction: from?.address === mailboxAddress.toLowerCase() ? "outbound" : "inbound",
    auto_kind: classify(headers, from?.address ?? null, m.subject ?? "").kind,
    // What the message says, not where it sits: copies in two mailboxes hash alike.
    content_hash: await sha256([from?.address, m.subject, m.sentDateTime, m.body?.content].join("\u0000")),
  };
}

/** What a partial update changes on a row we hold (only the properties it carries). */
export function toPatch(m: GraphMessage): Partial<MessageRow> {
  const patch: Partial<MessageRow> = { graph_id: m.id };
  if (m.changeKey !== undefined) patch.change_key = m.changeKey ?? null;
  if (m.isRead !== undefined) patch.is_read = m.isRead ?? null;
  if (m.importance !== undefined) {
    patch.importance = (m.importance?.toLowerCase() ?? null) as MessageRow["importance"];
  }
  if (m.subject !== undefined) {
    patch.subject = m.subject ?? null;
    patch.subject_key = baseSubject(m.subject).key;
  }
  if (m.hasAttachments !== undefined) patch.has_attachments = m.hasAttachments ?? false;
  return patch;
}
