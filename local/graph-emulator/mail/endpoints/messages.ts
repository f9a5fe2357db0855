// Messages: list (mailbox-wide or per folder; $top/$skip paging, $select, $filter, $orderby, $count),
// get, PATCH, DELETE (into Recoverable Items, like Graph's), move and copy (201, new REST id).
import type { EndpointContext, GraphResult } from "../../graph/endpoint.ts";
import { badRequest, GraphError } from "../../graph/errors.ts";
import { countRequested, option, selectedProperties } from "../../graph/odata.ts";
import { linkWith } from "../../graph/paging.ts";
import { findFolder, findMessage, type MailContext, openMailbox, userContext } from "../access.ts";
import { unknownProperty } from "../errors.ts";
import type { StoredMessage } from "../model.ts";
import { checkFilterOrder, orderMessages, parseFilter, parseOrderBy } from "../query.ts";
import { messageJson } from "../serialize.ts";
import { draftChanges } from "./draft-fields.ts";
import { jsonObject, MAIL_READ, MAIL_WRITE, mailEndpoint, messagePaths } from "./declare.ts";

const LIST_QUERY = ["$select", "$top", "$skip", "$filter", "$orderby", "$count"];
const MAX_TOP = 1000;

/** The folders `/messages` covers: everything under Top of Information Store. */
function mailboxMessages(m: MailContext): StoredMessage[] {
  const out: StoredMessage[] = [];
  const walk = (f: typeof m.mbx.root) => {
    for (const msg of f.items) out.push(msg);
    f.children.forEach(walk);
  };
  walk(m.mbx.root);
  return out;
}

function listMessages(ctx: EndpointContext, folderScoped: boolean): GraphResult {
  const m = openMailbox(ctx);
  const folder = folderScoped ? findFolder(m, ctx.params.folder) : null;
  const select = selectedProperties(ctx, "message");
  const rawFilter = option(ctx.url, "$filter");
  const rawOrder = option(ctx.url, "$orderby");
  const order = parseOrderBy(rawOrder);
  let items = folder ? [...folder.items] : mailboxMessages(m);
  if (rawFilter !== null) {
    const filter = parseFilter(rawFilter);
    checkFilterOrder(filter, order, rawOrder !== null);
    items = items.filter(filter.test);
  }
  orderMessages(items, order);
  const top = pageSize(option(ctx.url, "$top"));
  const skip = Number(option(ctx.url, "$skip") ?? 0);
  if (!Number.isInteger(skip) || skip < 0) throw badRequest("Invalid value for $skip.");
  const page = items.slice(skip, skip + top);
  const path = folder
    ? `${userContext(m)}/mailFolders('${folder.id}')/messages`
    : `${userContext(m)}/messages`;
  const body: Record<string, unknown> = {
    "@odata.context": `${ctx.origin}/v1.0/$metadata#${path}${select ? `(${select.join(",")})` : ""}`,
  };
  if (countRequested(ctx, false)) body["@odata.count"] = items.length;
  body.value = page.map((msg) => messageJson(msg, select, m.prefs));
  if (skip + top < items.length) body["@odata.nextLink"] = linkWith(ctx.url, "$skip", String(skip + top));
  return withBodyPreference({ status: 200, body }, m);
}

function pageSize(raw: string | null): number {
  if (raw === null) return 10;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_TOP) {
    throw new GraphError(
      400,
      "ErrorInvalidUrlQuery",
      `The value '${raw}' of parameter '$top' is invalid; it must be between 1 and ${MAX_TOP}.`,
    );
  }
  return n;
}

/** Exchange confirms a honoured `Prefer: outlook.body-content-type`. */
export function withBodyPreference(r: GraphResult, m: MailContext): GraphResult {
  if (m.prefs.bodyType) {
    r.headers = { ...r.headers, "Preference-Applied": `outlook.body-content-type="${m.prefs.bodyType}"` };
  }
  return r;
}

export function messageResult(
  ctx: EndpointContext,
  m: MailContext,
  msg: StoredMessage,
  status = 200,
): GraphResult {
  const select = selectedProperties(ctx, "message");
  const body = {
    "@odata.context": `${ctx.origin}/v1.0/$metadata#${userContext(m)}/messages${
      select ? `(${select.join(",")})` : ""
    }/$entity`,
    ...messageJson(msg, select, m.prefs),
  };
  return withBodyPreference({ status, body }, m);
}

/** What a client may change on a received message; drafts accept their content too. */
const STATE_FIELDS = ["isRead", "categories", "flag", "importance", "inferenceClassification"] as const;

function patchMessage(ctx: EndpointContext): GraphResult {
  const m = openMailbox(ctx);
  const msg = findMessage(m, ctx.params.message);
  const input = jsonObject(ctx.body);
  const changes: Partial<StoredMessage> = {};
  for (const [key, value] of Object.entries(input)) {
    if ((STATE_FIELDS as readonly string[]).includes(key)) Object.assign(changes, stateChange(key, value));
    else if (!draftChanges(key, value, changes, msg.isDraft)) throw unknownProperty(key);
  }
  m.state.store.update(msg, changes, m.state.now());
  return messageResult(ctx, m, msg);
}

function stateChange(key: string, value: unknown): Partial<StoredMessage> {
  const bad = () => badRequest(`Invalid value for property '${key}'.`);
  switch (key) {
    case "isRead":
      if (typeof value !== "boolean") throw bad();
      return { isRead: value };
    case "categories":
      if (!Array.isArray(value) || value.some((c) => typeof c !== "string")) throw bad();
      return { categories: value as string[] };
    case "flag": {
      const status = (value as { flagStatus?: unknown } | null)?.flagStatus;
      if (status !== "notFlagged" && status !== "flagged" && status !== "complete") throw bad();
      return { flag: value as StoredMessage["flag"] };
    }
    case "importance":
      if (value !== "low" && value !== "normal" && value !== "high") throw bad();
      return { importance: value };
    default:
      if (value !== "focused" && value !== "other") throw bad();
      return { inferenceClassification: value };
  }
}

function destination(ctx: EndpointContext, m: MailContext) {
  const id = jsonObject(ctx.body).destinationId;
  if (typeof id !== "string" || !id) throw badRequest("The destinationId parameter is required.");
  return findFolder(m, id);
}

export const messageEndpoints = [
  mailEndpoint("GET", "/users/{user}/messages", MAIL_READ, LIST_QUERY, (ctx) => listMessages(ctx, false)),
  mailEndpoint(
    "GET",
    "/users/{user}/mailFolders/{folder}/messages",
    MAIL_READ,
    LIST_QUERY,
    (ctx) => listMessages(ctx, true),
  ),
  ...messagePaths("GET", "", MAIL_READ, ["$select"], (ctx) => {
    const m = openMailbox(ctx);
    return messageResult(ctx, m, findMessage(m, ctx.params.message));
  }),
  ...messagePaths("PATCH", "", MAIL_WRITE, ["$select"], patchMessage),
  ...messagePaths("DELETE", "", MAIL_WRITE, [], (ctx) => {
    const m = openMailbox(ctx);
    const msg = findMessage(m, ctx.params.message);
    m.state.store.move(msg, m.state.store.wellKnown(m.mbx, "recoverableitemsdeletions"), m.state.now());
    return { status: 204 };
  }),
  ...messagePaths("POST", "/move", MAIL_WRITE, [], (ctx) => {
    const m = openMailbox(ctx);
    const msg = findMessage(m, ctx.params.message);
    m.state.store.move(msg, destination(ctx, m), m.state.now());
    return messageResult(ctx, m, msg, 201);
  }),
  ...messagePaths("POST", "/copy", MAIL_WRITE, [], (ctx) => {
    const m = openMailbox(ctx);
    const msg = findMessage(m, ctx.params.message);
    return messageResult(ctx, m, m.state.store.copy(msg, destination(ctx, m), m.state.now()), 201);
  }),
];
