// Building message content: defaults for every field, and the headers a field set implies.
import type { Address, Header, MessageContent } from "./model.ts";
import { conversationTopic } from "./threading.ts";

export function newContent(
  p: Partial<MessageContent> & Pick<MessageContent, "subject" | "body">,
): MessageContent {
  return {
    topic: "",
    uniqueBody: null,
    from: null,
    sender: null,
    to: [],
    cc: [],
    bcc: [],
    replyTo: [],
    importance: "normal",
    internetMessageId: null,
    inReplyTo: null,
    references: [],
    threadIndex: "",
    extraHeaders: [],
    attachments: [],
    sentAt: null,
    deliveryStatus: null,
    isDeliveryReceiptRequested: false,
    isReadReceiptRequested: false,
    ...p,
  };
}

export function header(headers: readonly Header[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
}

/** The topic Exchange files the message under: the sender's Thread-Topic, else from the subject. */
export function effectiveTopic(c: Pick<MessageContent, "extraHeaders" | "subject">): string {
  return header(c.extraHeaders, "Thread-Topic") ?? conversationTopic(c.subject);
}

export const domainOf = (a: Address) => a.address.slice(a.address.lastIndexOf("@") + 1).toLowerCase();

export function formatAddress(a: Address): string {
  if (!a.name) return a.address;
  const quoted = /[",;:<>@()[\]\\]/.test(a.name) ? `"${a.name.replace(/["\\]/g, "\\$&")}"` : a.name;
  return `${quoted} <${a.address}>`;
}

/** Everyone the message goes to. */
export const recipientsOf = (c: MessageContent) => [...c.to, ...c.cc, ...c.bcc];
