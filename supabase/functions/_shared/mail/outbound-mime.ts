// The raw MIME of a reply we send ourselves (sendMail with MIME), used when there is no message to
// createReply to. Our own Message-ID (signed) and the In-Reply-To/References chain survive this
// way, which Graph's JSON sends do not allow. Pure.
import { createMimeMessage } from "mimetext";
import { MAX_REFERENCES } from "./message-ids.ts";
import type { Address } from "./graph-message.ts";

export interface OutboundMessage {
  from: Address;
  to: Address[];
  cc: Address[];
  subject: string;
  messageId: string; // with angle brackets
  inReplyTo: string | null; // canonical, without brackets
  references: string[]; // canonical, oldest first
  html: string;
  text: string;
}

const base64Utf8 = (text: string) => {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
};
const mailbox = (a: Address) => (a.name ? { name: a.name, addr: a.address } : { addr: a.address });

/** RFC 5322 text of the message (what Graph wants, base64-encoded, as the sendMail body). */
export function composeMime(m: OutboundMessage): string {
  const mime = createMimeMessage();
  mime.setSender(mailbox(m.from));
  mime.setTo(m.to.map(mailbox));
  if (m.cc.length) mime.setCc(m.cc.map(mailbox));
  mime.setSubject(m.subject);
  mime.setHeader("Message-ID", m.messageId);
  if (m.inReplyTo) mime.setHeader("In-Reply-To", `<${m.inReplyTo}>`);
  const chain = m.references.slice(-MAX_REFERENCES);
  if (chain.length) mime.setHeader("References", chain.map((id) => `<${id}>`).join(" "));
  mime.addMessage({ contentType: "text/plain", data: base64Utf8(m.text), encoding: "base64" });
  mime.addMessage({ contentType: "text/html", data: base64Utf8(m.html), encoding: "base64" });
  return mime.asRaw();
}

export const base64Mime = (raw: string) => base64Utf8(raw);
