// Where a message lands: the sender's Sent Items copy and each emulated recipient's Inbox copy,
// with what Exchange transport does on the way (Bcc hidden, the "[EXTERNAL]" subject rule some
// tenants run, conversationId per mailbox). Used by the world generator and by sending alike.
import { effectiveTopic } from "./content.ts";
import { conversationId } from "./ids.ts";
import type { Address, Folder, Mailbox, MessageContent, StoredMessage } from "./model.ts";
import type { MailStore } from "./store.ts";

/** Tenants with a transport rule that tags mail from outside the organization. */
const EXTERNAL_TAG_TENANTS = new Set(["contoso", "northwind"]);
export const EXTERNAL_TAG = "[EXTERNAL]";

export function isInternal(mbx: Mailbox, a: Address | null): boolean {
  if (!a) return false;
  const domain = a.address.slice(a.address.lastIndexOf("@") + 1).toLowerCase();
  const p = mbx.tenant.profile;
  return domain === p.initialDomain || p.customDomains.includes(domain);
}

export function fileSentCopy(
  store: MailStore,
  mbx: Mailbox,
  content: MessageContent,
  at: number,
  item?: number,
): StoredMessage {
  const topic = effectiveTopic(content);
  return store.insert(store.wellKnown(mbx, "sentitems"), { ...content, topic }, {
    at,
    isRead: true,
    conversationId: conversationId(mbx.key, topic),
    item,
  });
}

export interface DeliveryOptions {
  isRead?: boolean;
  folder?: Folder;
  inferenceClassification?: "focused" | "other";
  flagged?: boolean;
  categories?: string[];
}

export function deliverCopy(
  store: MailStore,
  mbx: Mailbox,
  content: MessageContent,
  at: number,
  o: DeliveryOptions = {},
): StoredMessage {
  const tag = !isInternal(mbx, content.from) && EXTERNAL_TAG_TENANTS.has(mbx.tenant.profile.key) &&
    !content.subject.startsWith(EXTERNAL_TAG);
  const delivered = {
    ...content,
    subject: tag ? `${EXTERNAL_TAG} ${content.subject}` : content.subject,
    bcc: [],
  };
  const topic = effectiveTopic(delivered);
  return store.insert(o.folder ?? store.wellKnown(mbx, "inbox"), { ...delivered, topic }, {
    at,
    isRead: o.isRead ?? false,
    transported: true,
    inferenceClassification: o.inferenceClassification,
    categories: o.categories,
    flag: o.flagged ? { flagStatus: "flagged" } : undefined,
    conversationId: conversationId(mbx.key, topic),
  });
}
