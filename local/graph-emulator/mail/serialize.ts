// Graph JSON for stored mail: message (default property set or $select, ids per `Prefer: IdType`,
// body per `Prefer: outlook.body-content-type`, safe HTML unless asked otherwise), mailFolder and
// attachment shapes, as in the docs' samples.
import { isoSeconds } from "../core/time-format.ts";
import type { Preferences } from "./prefer.ts";
import { htmlToText, preview, safeHtml, textToHtml } from "./html.ts";
import { attachmentId, base64, changeKey } from "./ids.ts";
import type { Address, Attachment, Body, Folder, StoredMessage } from "./model.ts";
import { internetMessageHeaders } from "./received-headers.ts";

/** A message without $select: everything but internetMessageHeaders and uniqueBody (message-get). */
export const DEFAULT_MESSAGE_PROPERTIES = [
  "createdDateTime",
  "lastModifiedDateTime",
  "changeKey",
  "categories",
  "receivedDateTime",
  "sentDateTime",
  "hasAttachments",
  "internetMessageId",
  "subject",
  "bodyPreview",
  "importance",
  "parentFolderId",
  "conversationId",
  "conversationIndex",
  "isDeliveryReceiptRequested",
  "isReadReceiptRequested",
  "isRead",
  "isDraft",
  "webLink",
  "inferenceClassification",
  "body",
  "sender",
  "from",
  "toRecipients",
  "ccRecipients",
  "bccRecipients",
  "replyTo",
  "flag",
] as const;

export const messageIdOf = (m: StoredMessage, p: Pick<Preferences, "immutableIds">) =>
  p.immutableIds ? m.immutableId : m.restId;

const recipient = (a: Address | null) => a && { emailAddress: { name: a.name, address: a.address } };
const recipients = (as: Address[]) => as.map(recipient);

/** The body as the client asked for it. */
export function servedBody(body: Body, p: Preferences): Body {
  if (body.contentType === "html") {
    if (p.bodyType === "text") return { contentType: "text", content: htmlToText(body.content) };
    return { contentType: "html", content: p.unsafeHtml ? body.content : safeHtml(body.content) };
  }
  return p.bodyType === "html" ? { contentType: "html", content: textToHtml(body.content) } : body;
}

const textOf = (b: Body) => b.contentType === "text" ? b.content : htmlToText(b.content);

type Getter = (m: StoredMessage, p: Preferences) => unknown;

const PROPERTIES: Record<string, Getter> = {
  id: (m, p) => messageIdOf(m, p),
  createdDateTime: (m) => isoSeconds(m.createdAt),
  lastModifiedDateTime: (m) => isoSeconds(m.modifiedAt),
  changeKey: (m) => changeKey(m.mailbox.key, m.item, m.version),
  categories: (m) => m.categories,
  receivedDateTime: (m) => isoSeconds(m.receivedAt),
  sentDateTime: (m) => m.sentAt === null ? null : isoSeconds(m.sentAt),
  hasAttachments: (m) => m.attachments.some((a) => !a.isInline),
  internetMessageId: (m) => m.internetMessageId,
  subject: (m) => m.subject,
  bodyPreview: (m) => preview(textOf(m.body)),
  importance: (m) => m.importance,
  parentFolderId: (m) => m.folder.id,
  conversationId: (m) => m.conversationId,
  conversationIndex: (m) => m.threadIndex || null,
  isDeliveryReceiptRequested: (m) => m.isDeliveryReceiptRequested,
  isReadReceiptRequested: (m) => m.isReadReceiptRequested,
  isRead: (m) => m.isRead,
  isDraft: (m) => m.isDraft,
  webLink: (m) =>
    `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(m.restId)}&exvsurl=1&viewmodel=${
      m.isDraft ? "ItemEdit" : "ReadMessageItem"
    }`,
  inferenceClassification: (m) => m.inferenceClassification,
  body: (m, p) => servedBody(m.body, p),
  uniqueBody: (m, p) => servedBody(m.uniqueBody ?? m.body, p),
  sender: (m) => recipient(m.sender),
  from: (m) => recipient(m.from),
  toRecipients: (m) => recipients(m.to),
  ccRecipients: (m) => recipients(m.cc),
  bccRecipients: (m) => recipients(m.bcc),
  replyTo: (m) => recipients(m.replyTo),
  flag: (m) => m.flag,
  internetMessageHeaders: (m) => internetMessageHeaders(m),
};

export const MESSAGE_PROPERTY_NAMES = Object.keys(PROPERTIES);

/** `@odata.etag`, `id`, then the selected (or default) properties. Properties the emulator does
 * not model (navigation properties) are left out. */
export function messageJson(
  m: StoredMessage,
  select: readonly string[] | null,
  p: Preferences,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    "@odata.etag": `W/"${changeKey(m.mailbox.key, m.item, m.version)}"`,
    id: messageIdOf(m, p),
  };
  for (const name of select ?? DEFAULT_MESSAGE_PROPERTIES) {
    const get = PROPERTIES[name];
    if (get && name !== "id") out[name] = get(m, p);
  }
  return out;
}

export function folderJson(f: Folder, select: readonly string[] | null): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: f.id,
    displayName: f.displayName,
    parentFolderId: f.parent?.id ?? rootParentId(f),
    childFolderCount: f.children.length,
    unreadItemCount: f.unread,
    totalItemCount: f.items.size,
    isHidden: f.hidden,
  };
  if (!select) return all;
  return Object.fromEntries(
    ["id", ...select.filter((s) => s !== "id")].filter((k) => k in all).map((k) => [k, all[k]]),
  );
}

/** The parent of msgfolderroot (the mailbox root), which Graph does not serve. */
const rootParentId = (f: Folder) => f.id.replace(/AuAAAB.*$/, "AuAAAAAAAAAA");

export function attachmentJson(m: StoredMessage, a: Attachment, index: number, content: boolean) {
  const common = {
    id: attachmentId(m.mailbox.key, m.item, index),
    lastModifiedDateTime: isoSeconds(a.lastModified),
    name: a.name,
    contentType: a.contentType,
    size: a.kind === "file" ? a.bytes.length + 300 : a.mime.length + 300,
    isInline: a.isInline,
  };
  if (a.kind === "item") return { "@odata.type": "#microsoft.graph.itemAttachment", ...common };
  return {
    "@odata.type": "#microsoft.graph.fileAttachment",
    ...common,
    contentId: a.contentId,
    contentLocation: null,
    ...(content ? { contentBytes: base64(a.bytes) } : {}),
  };
}
