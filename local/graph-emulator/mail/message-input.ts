// Reading the `message` JSON clients send (POST messages, PATCH of drafts, sendMail, reply's
// `message`): recipients, body, subject, importance, X- headers (Graph accepts only those, at most
// five), file attachments with contentBytes.
import { badRequest, GraphError } from "../graph/errors.ts";
import type { Address, Attachment, Header, MessageContent } from "./model.ts";

const bad = (key: string) => badRequest(`Invalid value for property '${key}'.`);

function address(v: unknown, key: string): Address {
  const e = (v as { emailAddress?: { address?: unknown; name?: unknown } } | null)?.emailAddress;
  if (!e || typeof e.address !== "string") throw bad(key);
  return { name: typeof e.name === "string" ? e.name : e.address, address: e.address };
}

function addresses(v: unknown, key: string): Address[] {
  if (!Array.isArray(v)) throw bad(key);
  return v.map((x) => address(x, key));
}

export function xHeaders(v: unknown): Header[] {
  if (!Array.isArray(v)) throw bad("internetMessageHeaders");
  const headers = v.map((h) => {
    const { name, value } = (h ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== "string" || typeof value !== "string") throw bad("internetMessageHeaders");
    if (!/^x-/i.test(name)) {
      throw new GraphError(
        400,
        "InvalidInternetMessageHeader",
        `The internet message header name '${name}' should start with 'x-' or 'X-'.`,
      );
    }
    return { name, value };
  });
  if (headers.length > 5) {
    throw new GraphError(
      400,
      "InvalidInternetMessageHeaderCollection",
      "Maximum number of headers in one message should be less than or equal to 5.",
    );
  }
  return headers;
}

function attachments(v: unknown, at: number): Attachment[] {
  if (!Array.isArray(v)) throw bad("attachments");
  return v.map((a) => {
    const x = (a ?? {}) as Record<string, unknown>;
    if (String(x["@odata.type"]).replace(/^#/, "").toLowerCase() !== "microsoft.graph.fileattachment") {
      throw badRequest("The emulator accepts only #microsoft.graph.fileAttachment attachments here.");
    }
    if (typeof x.name !== "string" || typeof x.contentBytes !== "string") throw bad("attachments");
    let bytes: Uint8Array;
    try {
      bytes = Uint8Array.from(atob(x.contentBytes), (c) => c.charCodeAt(0));
    } catch {
      throw bad("contentBytes");
    }
    return {
      kind: "file",
      name: x.name,
      contentType: typeof x.contentType === "string" ? x.contentType : "application/octet-stream",
      isInline: x.isInline === true,
      lastModified: at,
      bytes,
      contentId: typeof x.contentId === "string" ? x.contentId : null,
    };
  });
}

/** Content fields of a `message` object; `attachments` only where the API takes them. */
export function contentFields(
  input: Record<string, unknown>,
  at: number,
  allowAttachments: boolean,
): Partial<MessageContent> {
  const out: Partial<MessageContent> = {};
  for (const [key, v] of Object.entries(input)) {
    if (!contentField(key, v, out, at, allowAttachments)) {
      throw badRequest(
        `The property '${key}' does not exist on type 'microsoft.graph.message'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
      );
    }
  }
  return out;
}

/** Applies one content field; false when `key` is not one. */
export function contentField(
  key: string,
  v: unknown,
  out: Partial<MessageContent>,
  at: number,
  allowAttachments = false,
): boolean {
  switch (key) {
    case "subject":
      if (typeof v !== "string") throw bad(key);
      out.subject = v;
      return true;
    case "body": {
      const b = v as { contentType?: unknown; content?: unknown } | null;
      const type = String(b?.contentType ?? "text").toLowerCase();
      if (typeof b?.content !== "string" || (type !== "text" && type !== "html")) throw bad(key);
      out.body = { contentType: type, content: b.content };
      out.uniqueBody = null;
      return true;
    }
    case "toRecipients":
      out.to = addresses(v, key);
      return true;
    case "ccRecipients":
      out.cc = addresses(v, key);
      return true;
    case "bccRecipients":
      out.bcc = addresses(v, key);
      return true;
    case "replyTo":
      out.replyTo = addresses(v, key);
      return true;
    case "from":
      out.from = address(v, key);
      return true;
    case "importance":
      if (v !== "low" && v !== "normal" && v !== "high") throw bad(key);
      out.importance = v;
      return true;
    case "internetMessageHeaders":
      out.extraHeaders = xHeaders(v);
      return true;
    case "isDeliveryReceiptRequested":
    case "isReadReceiptRequested":
      if (typeof v !== "boolean") throw bad(key);
      out[key] = v;
      return true;
    case "attachments":
      if (!allowAttachments) return false;
      out.attachments = attachments(v, at);
      return true;
    default:
      return false;
  }
}
