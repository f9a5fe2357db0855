// Attachments of a message (fileAttachment with contentBytes, itemAttachment for attached
// messages) and raw content: `/attachments/{id}/$value`, and the message's MIME at `/$value`.
import type { EndpointContext, GraphResult } from "../../graph/endpoint.ts";
import { notImplemented } from "../../graph/errors.ts";
import { findMessage, openMailbox, userContext } from "../access.ts";
import { itemNotFound } from "../errors.ts";
import { attachmentId } from "../ids.ts";
import type { StoredMessage } from "../model.ts";
import { writeMime } from "../mime-write.ts";
import { receivedHops } from "../received-headers.ts";
import { attachmentJson, messageIdOf } from "../serialize.ts";
import { MAIL_READ, messagePaths } from "./declare.ts";

function attachmentAt(msg: StoredMessage, id: string) {
  const index = msg.attachments.findIndex((_, i) => attachmentId(msg.mailbox.key, msg.item, i) === id);
  if (index < 0) throw itemNotFound();
  return { index, attachment: msg.attachments[index] };
}

/** The message as MIME: received mail starts with its transport headers. */
export function messageMime(msg: StoredMessage): string {
  return msg.transported ? writeMime(msg, msg.receivedAt, receivedHops(msg)) : writeMime(msg, msg.createdAt);
}

function mimeResult(value: string): GraphResult {
  return { status: 200, text: { contentType: "text/plain", value } };
}

export const attachmentEndpoints = [
  ...messagePaths("GET", "/attachments", MAIL_READ, ["$select"], (ctx: EndpointContext) => {
    const m = openMailbox(ctx);
    const msg = findMessage(m, ctx.params.message);
    return {
      status: 200,
      body: {
        "@odata.context": `${ctx.origin}/v1.0/$metadata#${userContext(m)}/messages('${
          messageIdOf(msg, m.prefs)
        }')/attachments`,
        value: msg.attachments.map((a, i) => attachmentJson(msg, a, i, true)),
      },
    };
  }),
  ...messagePaths("GET", "/attachments/{attachment}", MAIL_READ, ["$select"], (ctx) => {
    const m = openMailbox(ctx);
    const msg = findMessage(m, ctx.params.message);
    const { index, attachment } = attachmentAt(msg, ctx.params.attachment);
    return {
      status: 200,
      body: {
        "@odata.context": `${ctx.origin}/v1.0/$metadata#${userContext(m)}/messages('${
          messageIdOf(msg, m.prefs)
        }')/attachments/$entity`,
        ...attachmentJson(msg, attachment, index, true),
      },
    };
  }),
  ...messagePaths("GET", "/attachments/{attachment}/$value", MAIL_READ, [], (ctx) => {
    const m = openMailbox(ctx);
    const { attachment } = attachmentAt(findMessage(m, ctx.params.message), ctx.params.attachment);
    if (attachment.kind === "item") return mimeResult(attachment.mime);
    // Binary bodies are beyond the emulator's text responses; contentBytes carries the same bytes.
    const e = notImplemented();
    e.options.headers = {
      "x-emulator-note": "the emulator serves $value of item attachments only; use contentBytes",
    };
    throw e;
  }),
  ...messagePaths("GET", "/$value", MAIL_READ, [], (ctx) => {
    const m = openMailbox(ctx);
    return mimeResult(messageMime(findMessage(m, ctx.params.message)));
  }),
];
