// Resolving what a mail request names: the mailbox behind `{user}` (with Exchange's FullAccess
// check for delegated access to someone else's mailbox), folders by id or well-known name, and
// messages by REST or immutable id.
import type { EndpointContext } from "../graph/endpoint.ts";
import { idMalformed, itemNotFound, mailAccessDenied } from "./errors.ts";
import { WELL_FORMED_ID } from "./ids.ts";
import type { Folder, Mailbox, StoredMessage } from "./model.ts";
import { type Preferences, preferences } from "./prefer.ts";
import { mailOf, type MailState } from "./state.ts";

export interface MailContext {
  state: MailState;
  mbx: Mailbox;
  prefs: Preferences;
}

export function openMailbox(ctx: EndpointContext): MailContext {
  const state = mailOf(ctx.runtime);
  const mbx = state.store.mailboxes.get(ctx.user!.id);
  if (!mbx) throw itemNotFound();
  const p = ctx.principal;
  // Mail.*.Shared scopes are not enough: the signed-in user needs rights on that mailbox.
  if (p.kind === "delegated" && p.user.id !== mbx.user.id && !mbx.fullAccess.has(p.user.id)) {
    throw mailAccessDenied();
  }
  return { state, mbx, prefs: preferences(ctx.headers) };
}

export function findFolder(m: MailContext, idOrName: string): Folder {
  const f = m.state.store.folder(m.mbx, idOrName);
  if (f) return f;
  if (!WELL_FORMED_ID.test(idOrName)) throw idMalformed();
  throw itemNotFound();
}

export function findMessage(m: MailContext, id: string): StoredMessage {
  const msg = m.state.store.message(m.mbx, id);
  if (msg) return msg;
  if (!WELL_FORMED_ID.test(id)) throw idMalformed();
  throw itemNotFound();
}

/** `users('{id}')` as Graph writes it in @odata.context. */
export const userContext = (m: MailContext) => `users('${m.mbx.user.id}')`;
