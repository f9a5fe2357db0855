// Replies and forwards as mail clients and Exchange build them: prefixed subject, recipients,
// In-Reply-To/References/Thread-Index continuing the parent's, and a body that quotes the parent
// under an Outlook-style header block (the new part alone is the uniqueBody).
import { header } from "./content.ts";
import { escapeHtml } from "./html.ts";
import { threadIndexChild, threadIndexRoot } from "./ids.ts";
import type { Address, Body, MessageContent } from "./model.ts";
import { conversationTopic, replyReferences } from "./threading.ts";

export type ReplyKind = "reply" | "replyAll" | "forward";

export interface ReplySpec {
  parent: MessageContent;
  /** When the parent was sent (or received): the quote header and Thread-Index delta use it. */
  parentAt: number;
  author: Address;
  kind: ReplyKind;
  /** The client's prefix ("RE: ", "AW: ", "Fwd: "). */
  prefix: string;
  /** Forward recipients (replies derive theirs from the parent). */
  to?: Address[];
  /** The new part, HTML. */
  html: string;
  at: number;
}

/** A client adds its prefix unless the subject already starts with it (Outlook does not stack "RE: RE:"). */
export function prefixed(subject: string, prefix: string): string {
  return subject.toLowerCase().startsWith(prefix.trim().toLowerCase()) ? subject : `${prefix}${subject}`;
}

const same = (a: Address, b: Address) => a.address.toLowerCase() === b.address.toLowerCase();

export function replyRecipients(
  parent: MessageContent,
  author: Address,
  kind: ReplyKind,
): { to: Address[]; cc: Address[] } {
  if (kind === "forward") return { to: [], cc: [] };
  const direct = parent.replyTo.length ? parent.replyTo : parent.from ? [parent.from] : [];
  if (kind === "reply") return { to: direct, cc: [] };
  const to = [...direct, ...parent.to.filter((a) => !same(a, author) && !direct.some((d) => same(d, a)))];
  return { to, cc: parent.cc.filter((a) => !same(a, author)) };
}

export function quoteHeader(parent: MessageContent, parentAt: number): string {
  const list = (as: Address[]) =>
    as.map((a) => escapeHtml(a.name ? `${a.name} <${a.address}>` : a.address)).join("; ");
  const lines = [
    `<b>From:</b> ${parent.from ? list([parent.from]) : ""}`,
    `<b>Sent:</b> ${new Date(parentAt).toUTCString()}`,
    `<b>To:</b> ${list(parent.to)}`,
    ...(parent.cc.length ? [`<b>Cc:</b> ${list(parent.cc)}`] : []),
    `<b>Subject:</b> ${escapeHtml(parent.subject)}`,
  ];
  return `<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt" color="#000000">${
    lines.join("<br>")
  }</font><div>&nbsp;</div></div>`;
}

export function htmlDocument(inner: string): string {
  return `<html><head>\r\n<meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>${inner}</body></html>`;
}

/** The inner part of an HTML body (between <body> and </body>), or the text escaped. */
export function bodyInner(body: Body): string {
  if (body.contentType === "text") return `<div>${escapeHtml(body.content).replace(/\r?\n/g, "<br>")}</div>`;
  const m = /<body[^>]*>([\s\S]*)<\/body>/i.exec(body.content);
  return m ? m[1] : body.content;
}

export function replyContent(s: ReplySpec): MessageContent {
  const p = s.parent;
  const { to, cc } = replyRecipients(p, s.author, s.kind);
  const topic = header(p.extraHeaders, "Thread-Topic") ?? conversationTopic(p.subject);
  return {
    subject: prefixed(p.subject, s.prefix),
    topic,
    body: {
      contentType: "html",
      content: htmlDocument(`${s.html}${quoteHeader(p, s.parentAt)}${bodyInner(p.body)}`),
    },
    uniqueBody: { contentType: "html", content: htmlDocument(s.html) },
    from: s.author,
    sender: s.author,
    to: s.kind === "forward" ? s.to ?? [] : to,
    cc,
    bcc: [],
    replyTo: [],
    importance: "normal",
    internetMessageId: null,
    inReplyTo: p.internetMessageId,
    references: replyReferences(p),
    threadIndex: p.threadIndex
      ? threadIndexChild(p.threadIndex, s.parentAt, s.at)
      : threadIndexRoot(topic, s.at),
    extraHeaders: [{ name: "Thread-Topic", value: topic }],
    attachments: s.kind === "forward" ? [...p.attachments] : [],
    sentAt: null,
    deliveryStatus: null,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
  };
}
