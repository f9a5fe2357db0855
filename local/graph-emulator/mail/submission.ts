// Sending: Exchange accepts the message (202), stamps Message-ID (unless a MIME sender set one),
// Thread-Topic and Thread-Index, files the Sent Items copy after `sentItemsDelaySeconds`, delivers
// to emulated mailboxes after `deliveryDelaySeconds`, and logs mail that leaves for other domains.
// Each accepted call sends once more: retrying a send that timed out sends twice, as in production.
import { effectiveTopic, header, recipientsOf } from "./content.ts";
import { invalidRecipients } from "./errors.ts";
import { threadIndexRoot } from "./ids.ts";
import type { Mailbox, MessageContent } from "./model.ts";
import { writeMime } from "./mime-write.ts";
import type { MailState } from "./state.ts";
import { EXCHANGE_SERVERS, exchangeMessageId } from "./threading.ts";
import { deliverCopy, fileSentCopy } from "./transport.ts";

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Exchange's stamp on an outgoing message. */
export function stamp(state: MailState, mbx: Mailbox, c: MessageContent, at: number): MessageContent {
  const { server, region } = EXCHANGE_SERVERS[mbx.tenant.profile.key];
  const internetMessageId = c.internetMessageId ?? exchangeMessageId(state.random, server, region);
  const from = c.from ?? { name: mbx.displayName, address: mbx.address };
  const extraHeaders = header(c.extraHeaders, "Thread-Topic")
    ? c.extraHeaders
    : [...c.extraHeaders, { name: "Thread-Topic", value: effectiveTopic(c) }];
  return {
    ...c,
    from,
    sender: c.sender ?? from,
    internetMessageId,
    sentAt: at,
    threadIndex: c.threadIndex || threadIndexRoot(internetMessageId, at),
    extraHeaders,
  };
}

export interface SubmitOptions {
  saveToSentItems: boolean;
  /** A sent draft keeps its immutable id in Sent Items. */
  item?: number;
}

export function submit(
  state: MailState,
  mbx: Mailbox,
  content: MessageContent,
  o: SubmitOptions,
): MessageContent {
  const recipients = recipientsOf(content);
  if (!recipients.length || recipients.some((r) => !EMAIL.test(r.address))) throw invalidRecipients();
  const now = state.now();
  const c = stamp(state, mbx, content, now);
  const { store, settings, jobs } = state;
  if (o.saveToSentItems) {
    jobs.after(settings.sentItemsDelaySeconds * 1000, () => fileSentCopy(store, mbx, c, state.now(), o.item));
  }
  const local = new Set<Mailbox>();
  const external = recipients.filter((r) => {
    const target = store.byAddress.get(r.address.toLowerCase());
    if (target) local.add(target);
    return !target;
  });
  for (const target of local) {
    jobs.after(settings.deliveryDelaySeconds * 1000, () => deliverCopy(store, target, c, state.now()));
  }
  if (external.length) {
    state.outbound.push({
      id: crypto.randomUUID(),
      at: new Date(now).toISOString(),
      mailbox: mbx.address,
      from: c.from,
      to: c.to.filter((a) => external.includes(a)),
      cc: c.cc.filter((a) => external.includes(a)),
      bcc: c.bcc.filter((a) => external.includes(a)),
      subject: c.subject,
      internetMessageId: c.internetMessageId!,
      inReplyTo: c.inReplyTo,
      references: c.references,
      mime: writeMime({ ...c, bcc: [] }, now),
    });
  }
  return c;
}
