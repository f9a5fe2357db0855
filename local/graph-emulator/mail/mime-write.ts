// Raw MIME for `/$value`, item attachments and internetMessageHeaders: the RFC 5322 header block a
// message's fields imply, and a body laid out as Exchange does (alternative text+HTML, related for
// inline images, mixed for files, report for bounces). Boundaries derive from the Message-ID, so
// the headers Graph lists and the MIME it serves agree.
import { formatAddress } from "./content.ts";
import { htmlToText } from "./html.ts";
import { b64url, base64, labelBytes } from "./ids.ts";
import type { Address, Attachment, Header, MessageContent } from "./model.ts";

const CRLF = "\r\n";
const enc = new TextEncoder();

/** RFC 2047 encoded-word for non-ASCII header text. */
export function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?utf-8?B?${base64(enc.encode(text))}?=`;
}

const addressList = (as: Address[]) =>
  as.map((a) => formatAddress({ name: a.name ? encodeWord(a.name) : "", address: a.address })).join(", ");

export function rfc2822Date(ms: number): string {
  return new Date(ms).toUTCString().replace("GMT", "+0000");
}

/** The envelope headers the fields imply, then the sender's extra headers. */
export function messageHeaders(c: MessageContent, at: number): Header[] {
  const h: Header[] = [];
  const add = (name: string, value: string | null | undefined) => {
    if (value) h.push({ name, value });
  };
  add("From", c.from && addressList([c.from]));
  if (c.sender && c.from && c.sender.address.toLowerCase() !== c.from.address.toLowerCase()) {
    add("Sender", addressList([c.sender]));
  }
  add("To", addressList(c.to));
  add("CC", addressList(c.cc));
  add("Reply-To", addressList(c.replyTo));
  add("Subject", encodeWord(c.subject));
  add("Date", rfc2822Date(c.sentAt ?? at));
  add("Message-ID", c.internetMessageId);
  add("References", c.references.join(" "));
  add("In-Reply-To", c.inReplyTo);
  add("Thread-Index", c.threadIndex);
  if (c.importance !== "normal") add("Importance", c.importance);
  for (const x of c.extraHeaders) {
    h.push({ name: x.name, value: x.name === "Thread-Topic" ? encodeWord(x.value) : x.value });
  }
  return h;
}

interface Part {
  headers: Header[];
  body: string;
}

const boundary = (c: MessageContent, level: number) =>
  `_00${level}_${
    b64url(labelBytes(`boundary/${c.internetMessageId ?? c.subject}`, 12)).replace(/[-_]/g, "A")
  }_`;

function quotedPrintable(text: string): string {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    let cur = "";
    for (const byte of enc.encode(line)) {
      const ch = byte >= 33 && byte <= 126 && byte !== 61
        ? String.fromCharCode(byte)
        : byte === 32
        ? " "
        : `=${byte.toString(16).toUpperCase().padStart(2, "0")}`;
      if (cur.length + ch.length > 75) {
        out.push(`${cur}=`);
        cur = "";
      }
      cur += ch;
    }
    out.push(cur.endsWith(" ") ? `${cur.slice(0, -1)}=20` : cur);
  }
  return out.join(CRLF);
}

const base64Lines = (bytes: Uint8Array) => base64(bytes).replace(/.{76}/g, `$&${CRLF}`);

function textPart(type: string, text: string): Part {
  return {
    headers: [
      { name: "Content-Type", value: `${type}; charset="utf-8"` },
      { name: "Content-Transfer-Encoding", value: "quoted-printable" },
    ],
    body: quotedPrintable(text),
  };
}

function attachmentPart(a: Attachment): Part {
  const disposition = `${a.isInline ? "inline" : "attachment"}; filename="${encodeWord(a.name)}"`;
  if (a.kind === "item") {
    return {
      headers: [{ name: "Content-Type", value: a.contentType }, {
        name: "Content-Disposition",
        value: disposition,
      }],
      body: a.mime,
    };
  }
  const headers = [
    { name: "Content-Type", value: `${a.contentType}; name="${encodeWord(a.name)}"` },
    { name: "Content-Description", value: encodeWord(a.name) },
    { name: "Content-Disposition", value: disposition },
  ];
  if (a.contentId) headers.push({ name: "Content-ID", value: `<${a.contentId}>` });
  if (a.contentType.startsWith("text/")) return { headers, body: new TextDecoder().decode(a.bytes) };
  headers.push({ name: "Content-Transfer-Encoding", value: "base64" });
  return { headers, body: base64Lines(a.bytes) };
}

function multipart(type: string, parts: Part[], b: string, params = ""): Part {
  const body = parts.map((p) => `--${b}${CRLF}${render(p)}`).join(CRLF) + `${CRLF}--${b}--${CRLF}`;
  return { headers: [{ name: "Content-Type", value: `multipart/${type}; boundary="${b}"${params}` }], body };
}

const render = (p: Part) =>
  `${p.headers.map((h) => `${h.name}: ${h.value}`).join(CRLF)}${CRLF}${CRLF}${p.body}`;

function bodyPart(c: MessageContent): Part {
  let level = 0;
  const html = c.body.contentType === "html" ? c.body.content : null;
  const text = html === null ? c.body.content : htmlToText(html);
  let part = html === null ? textPart("text/plain", text) : multipart(
    "alternative",
    [textPart("text/plain", text), textPart("text/html", html)],
    boundary(c, level++),
  );
  const inline = c.attachments.filter((a) => a.isInline);
  const files = c.attachments.filter((a) => !a.isInline);
  if (inline.length) {
    part = multipart(
      "related",
      [part, ...inline.map(attachmentPart)],
      boundary(c, level++),
      '; type="multipart/alternative"',
    );
  }
  if (c.deliveryStatus !== null) {
    const status = {
      headers: [{ name: "Content-Type", value: "message/delivery-status" }],
      body: c.deliveryStatus,
    };
    return multipart(
      "report",
      [part, status, ...files.map(attachmentPart)],
      boundary(c, level),
      "; report-type=delivery-status",
    );
  }
  if (files.length) part = multipart("mixed", [part, ...files.map(attachmentPart)], boundary(c, level));
  return part;
}

/** The top-level Content-Type the message is served with. */
export function contentTypeOf(c: MessageContent): string {
  return bodyPart(c).headers[0].value;
}

/** The whole message. `leading` goes first (Received:, Authentication-Results:, …). */
export function writeMime(c: MessageContent, at: number, leading: Header[] = []): string {
  const part = bodyPart(c);
  const headers = [
    ...leading,
    ...messageHeaders(c, at),
    { name: "MIME-Version", value: "1.0" },
    ...part.headers,
  ];
  return render({ headers, body: part.body });
}
