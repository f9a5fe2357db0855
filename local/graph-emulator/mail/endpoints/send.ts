// Sending (notes §4): sendMail (JSON or base64 MIME), drafts (POST messages, createReply /
// createReplyAll / createForward → 201), send (202, no body), reply / replyAll / forward (202).
// A 202 carries no id; the Sent Items copy appears later (see submission.ts).
import type { EndpointContext, GraphResult } from "../../graph/endpoint.ts";
import { badRequest } from "../../graph/errors.ts";
import { findMessage, type MailContext, openMailbox } from "../access.ts";
import { replyContent, type ReplyKind } from "../compose.ts";
import { effectiveTopic, newContent } from "../content.ts";
import { conversationId } from "../ids.ts";
import { structuredContent } from "../store.ts";
import { invalidRequest } from "../errors.ts";
import { escapeHtml } from "../html.ts";
import { contentFields } from "../message-input.ts";
import { decodeMimeBody, parseMime } from "../mime-read.ts";
import type { MessageContent, StoredMessage } from "../model.ts";
import { stamp, submit } from "../submission.ts";
import { jsonObject, MAIL_SEND, MAIL_WRITE, mailEndpoint, messagePaths } from "./declare.ts";
import { messageResult } from "./messages.ts";

const accepted = (): GraphResult => ({ status: 202 });

/** JSON `message` or, with Content-Type text/plain, base64 MIME. */
async function readMessage(
  ctx: EndpointContext,
  m: MailContext,
  key: "message" | null,
): Promise<MessageContent> {
  if (
    typeof ctx.body === "string" ||
    (ctx.headers.get("Content-Type") ?? "").toLowerCase().startsWith("text/plain")
  ) {
    return await parseMime(decodeMimeBody(ctx.body), m.state.now());
  }
  const input = jsonObject(ctx.body);
  const message = key ? input[key] : input;
  if (typeof message !== "object" || message === null) throw badRequest("The message parameter is required.");
  return newContent({
    subject: "",
    body: { contentType: "text", content: "" },
    ...contentFields(message as Record<string, unknown>, m.state.now(), true),
  });
}

function saveToSentItems(ctx: EndpointContext): boolean {
  if (typeof ctx.body !== "object" || ctx.body === null) return true;
  const v = (ctx.body as { saveToSentItems?: unknown }).saveToSentItems;
  // The docs' own sample sends the string "false".
  return !(v === false || (typeof v === "string" && v.toLowerCase() === "false"));
}

function newDraft(m: MailContext, content: MessageContent): StoredMessage {
  const now = m.state.now();
  // Exchange assigns the Message-ID when the draft is saved; from/sender stay empty until sent.
  const stamped = {
    ...stamp(m.state, m.mbx, content, now),
    from: content.from,
    sender: content.sender,
    sentAt: null,
  };
  return m.state.store.insert(m.state.store.wellKnown(m.mbx, "drafts"), stamped, {
    at: now,
    isRead: true,
    isDraft: true,
    conversationId: conversationId(m.mbx.key, effectiveTopic(stamped)),
  });
}

const PREFIX: Record<ReplyKind, string> = { reply: "RE: ", replyAll: "RE: ", forward: "FW: " };

function replyDraft(m: MailContext, parent: StoredMessage, kind: ReplyKind, html: string): MessageContent {
  return replyContent({
    parent,
    parentAt: parent.receivedAt,
    author: { name: m.mbx.displayName, address: m.mbx.address },
    kind,
    prefix: PREFIX[kind],
    html,
    at: m.state.now(),
  });
}

/** `comment` and/or `message` of reply-type actions; `toRecipients` for forwards. */
function replyInput(ctx: EndpointContext, m: MailContext, requireOne: boolean) {
  const input = ctx.body === undefined ? {} : jsonObject(ctx.body);
  const comment = typeof input.comment === "string" ? input.comment : null;
  const message = typeof input.message === "object" && input.message !== null
    ? contentFields(input.message as Record<string, unknown>, m.state.now(), true)
    : {};
  if (requireOne && comment !== null && message.body) {
    throw invalidRequest("Only one of 'Comment' or 'Message.Body' can be specified.");
  }
  if (Array.isArray(input.toRecipients)) {
    Object.assign(message, contentFields({ toRecipients: input.toRecipients }, 0, false));
  }
  return { comment, message };
}

function applyMessage(content: MessageContent, fields: Partial<MessageContent>): MessageContent {
  const { body, ...rest } = fields;
  const out = { ...content, ...rest };
  if (body) out.body = body;
  return out;
}

function createDraftAction(kind: ReplyKind) {
  return (ctx: EndpointContext) => {
    const m = openMailbox(ctx);
    const parent = findMessage(m, ctx.params.message);
    // Known issue (docs): the comment given to createReply is not part of the draft body.
    const { message } = replyInput(ctx, m, false);
    const draft = newDraft(m, applyMessage(replyDraft(m, parent, kind, ""), message));
    return messageResult(ctx, m, draft, 201);
  };
}

function sendAction(kind: ReplyKind) {
  return (ctx: EndpointContext) => {
    const m = openMailbox(ctx);
    const parent = findMessage(m, ctx.params.message);
    const { comment, message } = replyInput(ctx, m, true);
    const html = comment !== null ? `<div>${escapeHtml(comment)}</div>` : "";
    submit(m.state, m.mbx, applyMessage(replyDraft(m, parent, kind, html), message), {
      saveToSentItems: true,
    });
    return accepted();
  };
}

export const sendEndpoints = [
  mailEndpoint("POST", "/users/{user}/sendMail", MAIL_SEND, [], async (ctx) => {
    const m = openMailbox(ctx);
    const content = await readMessage(ctx, m, typeof ctx.body === "string" ? null : "message");
    submit(m.state, m.mbx, content, { saveToSentItems: saveToSentItems(ctx) });
    return accepted();
  }),
  mailEndpoint("POST", "/users/{user}/messages", MAIL_WRITE, [], async (ctx) => {
    const m = openMailbox(ctx);
    return messageResult(ctx, m, newDraft(m, await readMessage(ctx, m, null)), 201);
  }),
  ...messagePaths("POST", "/send", MAIL_SEND, [], (ctx) => {
    const m = openMailbox(ctx);
    const draft = findMessage(m, ctx.params.message);
    if (!draft.isDraft) throw invalidRequest("Only drafts can be sent.");
    submit(m.state, m.mbx, structuredContent(draft), { saveToSentItems: true, item: draft.item });
    // Gone from Drafts at once; under the same immutable id in Sent Items only later.
    m.state.store.purge(draft);
    return accepted();
  }),
  ...messagePaths("POST", "/createReply", MAIL_WRITE, [], createDraftAction("reply")),
  ...messagePaths("POST", "/createReplyAll", MAIL_WRITE, [], createDraftAction("replyAll")),
  ...messagePaths("POST", "/createForward", MAIL_WRITE, [], createDraftAction("forward")),
  ...messagePaths("POST", "/reply", MAIL_SEND, [], sendAction("reply")),
  ...messagePaths("POST", "/replyAll", MAIL_SEND, [], sendAction("replyAll")),
  ...messagePaths("POST", "/forward", MAIL_SEND, [], sendAction("forward")),
];
