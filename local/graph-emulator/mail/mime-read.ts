// MIME sends (`Content-Type: text/plain`, base64 of the message): decoded and parsed with
// postal-mime; Exchange keeps the Message-ID, In-Reply-To and References the sender wrote.
import PostalMime from "postal-mime";
import { GraphError } from "../graph/errors.ts";
import { newContent } from "./content.ts";
import type { Address, Header, MessageContent } from "./model.ts";

const invalidMime = () =>
  new GraphError(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.", {
    innerError: false,
  });

/** Headers the content's own fields stand for; the rest travel as extra headers. */
const DERIVED = new Set([
  "from",
  "sender",
  "to",
  "cc",
  "bcc",
  "reply-to",
  "subject",
  "date",
  "message-id",
  "in-reply-to",
  "references",
  "thread-index",
  "mime-version",
  "content-type",
  "content-transfer-encoding",
  "importance",
]);

export function decodeMimeBody(body: unknown): string {
  if (typeof body !== "string") throw invalidMime();
  const compact = body.replace(/\s+/g, "");
  if (!compact || compact.length % 4 === 1 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) throw invalidMime();
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(compact), (c) => c.charCodeAt(0)));
  } catch {
    throw invalidMime();
  }
}

const ids = (raw: string | undefined) => raw?.match(/<[^<>\s]+>/g) ?? [];
const address = (a: { name?: string; address?: string }): Address => ({
  name: a.name || a.address || "",
  address: a.address ?? "",
});

export async function parseMime(raw: string, at: number): Promise<MessageContent> {
  const email = await PostalMime.parse(raw);
  if (!email.headers.length) throw invalidMime();
  const list = (xs: { name?: string; address?: string; group?: unknown[] }[] | undefined) =>
    (xs ?? []).filter((x) => x.address).map(address);
  const extra: Header[] = email.headers
    .filter((h) => !DERIVED.has(h.key))
    .map((h) => ({ name: h.originalKey ?? h.key, value: h.value }));
  return newContent({
    subject: email.subject ?? "",
    body: email.html
      ? { contentType: "html", content: email.html }
      : { contentType: "text", content: email.text ?? "" },
    from: email.from?.address ? address(email.from) : null,
    to: list(email.to),
    cc: list(email.cc),
    bcc: list(email.bcc),
    replyTo: list(email.replyTo),
    internetMessageId: ids(email.messageId)[0] ?? null,
    inReplyTo: ids(email.inReplyTo)[0] ?? null,
    references: ids(email.references),
    threadIndex: email.headers.find((h) => h.key === "thread-index")?.value ?? "",
    extraHeaders: extra,
    attachments: email.attachments.map((a) => ({
      kind: "file" as const,
      name: a.filename ?? "attachment",
      contentType: a.mimeType,
      isInline: a.disposition === "inline" || !!a.contentId,
      lastModified: at,
      bytes: a.content instanceof ArrayBuffer
        ? new Uint8Array(a.content)
        : new TextEncoder().encode(String(a.content)),
      contentId: a.contentId?.replace(/^<|>$/g, "") ?? null,
    })),
  });
}
