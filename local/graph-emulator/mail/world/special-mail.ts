// Machine-made mail help desks must recognize: Exchange out-of-office replies, non-delivery reports
// (Exchange's and a remote MTA's), a newsletter. Headers as the originating systems write them.
import type { Random } from "../../core/random.ts";
import { newContent } from "../content.ts";
import { escapeHtml } from "../html.ts";
import type { MessageContent } from "../model.ts";
import { messageHeaders, writeMime } from "../mime-write.ts";
import { prefixesFor } from "../prefixes.ts";
import { replyReferences } from "../threading.ts";
import type { Party } from "./people.ts";
import { textsFor } from "./texts.ts";
import { addr, htmlBody, type Sent } from "./writer.ts";

/** A 1×1 PNG and a minimal PDF: real bytes for attachments. */
export const PNG_BYTES = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);
export const PDF_BYTES = new TextEncoder().encode(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);

/** Exchange's automatic reply to the agent's answer (what the customer's mailbox sends back). */
export function outOfOffice(answered: Sent, away: Party, support: Party): MessageContent {
  const original = answered.content;
  return newContent({
    subject: `${prefixesFor(away.locale).autoReply}${original.subject}`,
    body: htmlBody([escapeHtml(textsFor(away.locale).outOfOffice)]),
    to: [addr(support)],
    inReplyTo: original.internetMessageId,
    references: replyReferences(original),
    extraHeaders: [
      { name: "Auto-Submitted", value: "auto-replied" },
      { name: "X-Auto-Response-Suppress", value: "All" },
      { name: "X-MS-Exchange-Inbox-Rules-Loop", value: away.address },
      { name: "X-MS-Exchange-Generated-Message-Source", value: "Mailbox Rules Agent" },
    ],
  });
}

/** A bounce of `undeliverable`: Exchange's own NDR (from the tenant's MicrosoftExchange… address,
 * original attached as message/rfc822) or a remote MTA's (original headers as text/rfc822-headers). */
export function bounce(
  undeliverable: Sent,
  kind: "exchange" | "remote",
  domain: string,
  locale: string,
): { from: Party; content: MessageContent } {
  const original = undeliverable.content;
  const recipient = original.to[0].address;
  const exchange = kind === "exchange";
  const from: Party = exchange
    ? {
      name: "Microsoft Outlook",
      address: `MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@${domain}`,
      locale,
      client: "other",
      mailbox: null,
    }
    : {
      name: "Mail Delivery System",
      address: `MAILER-DAEMON@mx.${domain}`,
      locale,
      client: "other",
      mailbox: null,
    };
  const code = exchange
    ? "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup"
    : "550 5.1.1 <" + recipient + ">: Recipient address rejected: User unknown in virtual mailbox table";
  const status = [
    `Reporting-MTA: dns; ${
      exchange ? `${domain.split(".")[0]}.mail.protection.outlook.com` : `mx.${domain}`
    }`,
    `Arrival-Date: ${new Date(undeliverable.at).toUTCString().replace("GMT", "+0000")}`,
    "",
    `Final-Recipient: rfc822; ${recipient}`,
    "Action: failed",
    `Status: ${exchange ? "5.1.10" : "5.1.1"}`,
    `Diagnostic-Code: smtp; ${code}`,
    "",
  ].join("\r\n");
  const mime = writeMime(original, undeliverable.at);
  const attachment = exchange
    ? {
      kind: "item" as const,
      name: original.subject,
      contentType: "message/rfc822",
      isInline: false,
      lastModified: undeliverable.at,
      mime,
    }
    : {
      kind: "file" as const,
      name: "Undelivered Message Headers.txt",
      contentType: "text/rfc822-headers",
      isInline: false,
      lastModified: undeliverable.at,
      bytes: new TextEncoder().encode(
        messageHeaders(original, undeliverable.at).map((h) => `${h.name}: ${h.value}`).join("\r\n") + "\r\n",
      ),
      contentId: null,
    };
  return {
    from,
    content: newContent({
      subject: exchange
        ? `${prefixesFor(locale).undeliverable}${original.subject}`
        : "Undelivered Mail Returned to Sender",
      body: htmlBody([
        exchange
          ? `Your message to <a href="mailto:${recipient}">${recipient}</a> couldn't be delivered.`
          : `This is the mail system at host mx.${domain}. I'm sorry to have to inform you that your message could not be delivered to one or more recipients.`,
        escapeHtml(`Remote server returned '${code}'`),
      ]),
      to: [original.from!],
      inReplyTo: exchange ? original.internetMessageId : null,
      references: exchange && original.internetMessageId ? [original.internetMessageId] : [],
      deliveryStatus: status,
      attachments: [attachment],
      extraHeaders: [
        { name: "Auto-Submitted", value: "auto-replied" },
        ...(exchange
          ? [{ name: "X-MS-Exchange-Message-Is-Ndr", value: "" }]
          : [{ name: "Return-Path", value: "<>" }]),
      ],
    }),
  };
}

export function newsletter(random: Random, to: Party): { from: Party; content: MessageContent } {
  const from: Party = {
    name: "Litware Insights",
    address: "newsletter@news.litwareinc.com",
    locale: "en-US",
    client: "other",
    mailbox: null,
  };
  const id = random.int(100000, 999999);
  return {
    from,
    content: newContent({
      subject: "Your weekly industry digest",
      body: htmlBody([
        "Top stories this week in customer service.",
        `<a href="https://news.litwareinc.com/r/${id}?utm_source=newsletter">Read more</a>`,
        `<img src="https://news.litwareinc.com/o/${id}.gif" width="1" height="1" alt="">`,
        `<a href="https://news.litwareinc.com/u/${id}">Unsubscribe</a>`,
      ]),
      to: [addr(to)],
      extraHeaders: [
        {
          name: "List-Unsubscribe",
          value:
            `<mailto:unsubscribe@news.litwareinc.com?subject=${id}>, <https://news.litwareinc.com/u/${id}>`,
        },
        { name: "List-Unsubscribe-Post", value: "List-Unsubscribe=One-Click" },
        { name: "List-Id", value: "<weekly.news.litwareinc.com>" },
        { name: "Precedence", value: "bulk" },
      ],
    }),
  };
}
