// Writes generated mail the way it would have travelled: the sending system stamps Message-ID
// (and, for Exchange and Outlook, Thread-Topic/Thread-Index), the sender's Sent Items keeps a copy,
// every emulated recipient's mailbox gets one. Named messages are recorded as fixtures for tests.
import type { Random } from "../../core/random.ts";
import { htmlDocument } from "../compose.ts";
import { domainOf, effectiveTopic, header, newContent } from "../content.ts";
import { threadIndexRoot } from "../ids.ts";
import type { Address, Body, MessageContent, StoredMessage } from "../model.ts";
import type { MailStore } from "../store.ts";
import { EXCHANGE_SERVERS, exchangeMessageId, externalMessageId } from "../threading.ts";
import { deliverCopy, type DeliveryOptions, fileSentCopy } from "../transport.ts";
import type { Party } from "./people.ts";

export interface Fixture {
  name: string;
  tenantId: string;
  mailbox: string;
  /** The named messages in order, with their ids in each mailbox that holds a copy. */
  messages: { internetMessageId: string; subject: string; copies: { mailbox: string; id: string }[] }[];
}

export interface Sent {
  content: MessageContent;
  at: number;
  copies: StoredMessage[];
}

export const addr = (p: Party): Address => ({ name: p.name, address: p.address });

export class MailWriter {
  readonly fixtures: Fixture[] = [];

  constructor(readonly store: MailStore, readonly random: Random, readonly readBefore: number) {}

  /** Delivers `content` from `from` to its recipients; emulated parties keep copies. */
  send(
    from: Party,
    recipients: Party[],
    content: MessageContent,
    at: number,
    o: DeliveryOptions & { fixture?: [string, Fixture["mailbox"], string] } = {},
  ): Sent {
    const c = this.#stamp(from, content, at);
    const copies: StoredMessage[] = [];
    if (from.mailbox) copies.push(fileSentCopy(this.store, from.mailbox, c, at));
    const arrive = at + this.random.int(2, 40) * 1000;
    const seen = new Set<string>();
    for (const r of recipients) {
      if (!r.mailbox || seen.has(r.mailbox.user.id)) continue;
      seen.add(r.mailbox.user.id);
      copies.push(
        deliverCopy(this.store, r.mailbox, c, arrive, { isRead: o.isRead ?? arrive < this.readBefore, ...o }),
      );
    }
    if (o.fixture) this.record(o.fixture, c, copies);
    return { content: c, at, copies };
  }

  record(
    [name, mailbox, tenantId]: [string, string, string],
    c: MessageContent,
    copies: StoredMessage[],
  ): void {
    let f = this.fixtures.find((x) => x.name === name && x.mailbox === mailbox);
    if (!f) this.fixtures.push(f = { name, tenantId, mailbox, messages: [] });
    f.messages.push({
      internetMessageId: c.internetMessageId!,
      subject: c.subject,
      copies: copies.map((m) => ({ mailbox: m.mailbox.address, id: m.immutableId })),
    });
  }

  #stamp(from: Party, content: MessageContent, at: number): MessageContent {
    const exchange = from.mailbox ? EXCHANGE_SERVERS[from.mailbox.tenant.profile.key] : null;
    const internetMessageId = content.internetMessageId ??
      (exchange
        ? exchangeMessageId(this.random, exchange.server, exchange.region)
        : externalMessageId(this.random, domainOf(addr(from)), at));
    const outlook = exchange !== null || from.client === "outlook";
    const extraHeaders = [...content.extraHeaders];
    if (outlook && !header(extraHeaders, "Thread-Topic")) {
      extraHeaders.push({ name: "Thread-Topic", value: effectiveTopic(content) });
    }
    return {
      ...content,
      from: content.from ?? addr(from),
      sender: content.sender ?? addr(from),
      internetMessageId,
      sentAt: at,
      threadIndex: content.threadIndex || (outlook ? threadIndexRoot(internetMessageId, at) : ""),
      extraHeaders: outlook ? extraHeaders : extraHeaders.filter((h) => h.name !== "Thread-Topic"),
    };
  }
}

export function htmlBody(paragraphs: string[]): Body {
  return { contentType: "html", content: htmlDocument(paragraphs.map((p) => `<p>${p}</p>`).join("\r\n")) };
}

export function simpleContent(subject: string, body: Body, to: Party[], extra: Partial<MessageContent> = {}) {
  return newContent({ subject, body, to: to.map(addr), ...extra });
}
