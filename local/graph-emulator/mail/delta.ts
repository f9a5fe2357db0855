// messages/delta per folder (notes §3): an initial round of the folder's current items, then rounds
// of changes; `@odata.nextLink` ($skiptoken) until the round's `@odata.deltaLink` ($deltatoken);
// links in the `mailfolders('id')` form on the request's origin; updated entries possibly partial;
// moves and deletions as `@removed`; tokens that name a sync state the cache has dropped → 410.
import type { EndpointContext, GraphResult } from "../graph/endpoint.ts";
import { badRequest, GraphError } from "../graph/errors.ts";
import { option, selectedProperties } from "../graph/odata.ts";
import { findFolder, type MailContext, openMailbox } from "./access.ts";
import type { LogEntry } from "./delta-log.ts";
import { b64url } from "./ids.ts";
import type { Folder, StoredMessage } from "./model.ts";
import { DEFAULT_MESSAGE_PROPERTIES, messageIdOf, messageJson } from "./serialize.ts";
import type { SyncState } from "./sync-states.ts";

type ChangeType = "created" | "updated" | "deleted";

/** The query, fixed on the initial request and carried in every token. */
interface DeltaQuery {
  select: string[] | null;
  changeType: ChangeType | null;
  /** receivedDateTime ge|gt this instant. */
  since: { at: number; inclusive: boolean } | null;
  top: number | null;
}

interface Token {
  m: string;
  f: string;
  g: number;
  q: DeltaQuery;
}

const TOKEN_PREFIX = "GwcB";
const MAX_PAGE = 1000;
const FILTER_CAP = 5000;
const TYPE = "#microsoft.graph.message";

/** Stored fields whose change shows as these Graph properties in a partial update. */
const GRAPH_NAMES: Record<string, string> = { to: "toRecipients", cc: "ccRecipients", bcc: "bccRecipients" };

function encodeToken(t: Token): string {
  return TOKEN_PREFIX + b64url(new TextEncoder().encode(JSON.stringify(t)));
}

function decodeToken(raw: string): Token | null {
  try {
    if (!raw.startsWith(TOKEN_PREFIX)) return null;
    const b64 = raw.slice(TOKEN_PREFIX.length).replaceAll("-", "+").replaceAll("_", "/");
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

function initialQuery(ctx: EndpointContext): DeltaQuery {
  const rawType = ctx.url.searchParams.get("changeType");
  if (rawType !== null && !["created", "updated", "deleted"].includes(rawType)) {
    throw badRequest(`Invalid value '${rawType}' for changeType.`);
  }
  const rawFilter = option(ctx.url, "$filter");
  let since: DeltaQuery["since"] = null;
  if (rawFilter !== null) {
    const m = /^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$/i.exec(rawFilter);
    if (!m || Number.isNaN(Date.parse(m[2]))) {
      throw new GraphError(
        400,
        "ErrorInvalidUrlQueryFilter",
        "Delta queries support only $filter=receivedDateTime ge|gt {value}.",
      );
    }
    since = { at: Date.parse(m[2]), inclusive: m[1].toLowerCase() === "ge" };
  }
  const top = option(ctx.url, "$top");
  return {
    select: selectedProperties(ctx, "message"),
    changeType: rawType as ChangeType | null,
    since,
    top: top === null ? null : Math.min(MAX_PAGE, Math.max(1, Number(top) || 10)),
  };
}

function linkBase(ctx: EndpointContext, folder: Folder): string {
  const owner = ctx.params.user ? `users/${ctx.params.user}` : "me";
  return `${ctx.origin}/v1.0/${owner}/mailfolders('${folder.id}')/messages/delta`;
}

function expired(
  ctx: EndpointContext,
  m: MailContext,
  folder: Folder,
  token: Token | null,
  gen: number,
): GraphError {
  if (m.state.settings.deltaExpiredResponse === "reset" && token) {
    const q = new URLSearchParams();
    if (token.q.select) q.set("$select", token.q.select.join(","));
    if (token.q.changeType) q.set("changeType", token.q.changeType);
    return new GraphError(
      410,
      "resyncRequired",
      "The delta token is no longer valid, and the app must reset the sync state.",
      {
        headers: { Location: `${linkBase(ctx, folder)}${q.size ? `?${q}` : ""}` },
      },
    );
  }
  const held = m.mbx.syncStates.recent(3).map((g) => `[${g}]`).join("");
  return new GraphError(
    410,
    "SyncStateNotFound",
    `The sync state generation is not found; generation=${gen};[highest=${m.mbx.syncStates.highest}]${held}.`,
  );
}

export function deltaPage(ctx: EndpointContext): GraphResult {
  const m = openMailbox(ctx);
  const folder = findFolder(m, ctx.params.folder);
  const settings = m.state.settings;
  const raw = option(ctx.url, "$deltatoken") ?? option(ctx.url, "$skiptoken");
  let query: DeltaQuery;
  let state: SyncState;
  if (raw) {
    const token = decodeToken(raw);
    const maxAge = settings.deltaTokenMaxAgeMinutes === null
      ? null
      : settings.deltaTokenMaxAgeMinutes * 60_000;
    const found = token && token.m === m.mbx.key && token.f === folder.id
      ? m.mbx.syncStates.get(token.g, m.state.now(), maxAge)
      : undefined;
    if (!found) throw expired(ctx, m, folder, token, token?.g ?? 0);
    query = token!.q;
    state = found;
  } else {
    query = initialQuery(ctx);
    state = { folderId: folder.id, fromSeq: 0, cursorSeq: 0, initial: true, served: 0, issuedAt: 0 };
  }
  const size = Math.min(MAX_PAGE, m.prefs.maxPageSize ?? query.top ?? 10);
  const log = folder.log;
  const value: Record<string, unknown>[] = [];
  let i = log.after(Math.max(state.fromSeq, state.cursorSeq));
  let served = state.served;
  const capped = () => query.since !== null && state.initial && served >= FILTER_CAP;
  for (; i < log.seqs.length && value.length < size && !capped(); i++) {
    if (!log.isCurrent(i)) continue;
    const item = entry(log.entries[i], state, query, m);
    if (item) {
      value.push(item);
      served++;
    }
  }
  const done = i >= log.seqs.length || capped();
  const cursor = i > 0 ? log.seqs[i - 1] : state.cursorSeq;
  const next: SyncState = done
    ? {
      folderId: folder.id,
      fromSeq: m.mbx.seq,
      cursorSeq: m.mbx.seq,
      initial: false,
      served: 0,
      issuedAt: m.state.now(),
    }
    : { ...state, cursorSeq: Math.max(cursor, state.cursorSeq), served, issuedAt: m.state.now() };
  const gen = m.mbx.syncStates.issue(next, settings.deltaTokenCacheSize);
  const token = encodeURIComponent(encodeToken({ m: m.mbx.key, f: folder.id, g: gen, q: query }));
  const body: Record<string, unknown> = {
    "@odata.context": `${ctx.origin}/v1.0/$metadata#Collection(message)`,
  };
  body[done ? "@odata.deltaLink" : "@odata.nextLink"] = `${linkBase(ctx, folder)}?${
    done ? "$deltatoken" : "$skiptoken"
  }=${token}`;
  body.value = value;
  const headers: Record<string, string> = {};
  if (m.prefs.maxPageSize !== null) headers["Preference-Applied"] = `odata.maxpagesize=${size}`;
  return { status: 200, body, headers };
}

function entry(e: LogEntry, state: SyncState, q: DeltaQuery, m: MailContext): Record<string, unknown> | null {
  if ("removed" in e) {
    if (state.initial || e.enterSeq > state.fromSeq || (q.changeType && q.changeType !== "deleted")) {
      return null;
    }
    return {
      "@odata.type": TYPE,
      id: m.prefs.immutableIds ? e.immutableId : e.restId,
      "@removed": { reason: "deleted" },
    };
  }
  if (q.since && (q.since.inclusive ? e.receivedAt < q.since.at : e.receivedAt <= q.since.at)) return null;
  const created = state.initial || e.enterSeq > state.fromSeq;
  if (q.changeType && q.changeType !== (created ? "created" : "updated")) return null;
  if (created || m.state.settings.deltaUpdates === "full") {
    return { "@odata.type": TYPE, ...messageJson(e, q.select, m.prefs) };
  }
  return partial(e, state, q, m);
}

/** Only what changed since the round began (+ id, parentFolderId), as observed after read-state changes. */
function partial(msg: StoredMessage, state: SyncState, q: DeltaQuery, m: MailContext) {
  const wanted = new Set<string>(q.select ?? DEFAULT_MESSAGE_PROPERTIES);
  const changed = [...(msg.propSeqs ?? new Map()).entries()]
    .filter(([, s]) => s > state.fromSeq)
    .map(([name]) => GRAPH_NAMES[name] ?? name)
    .filter((name) => wanted.has(name));
  const full = messageJson(msg, [...changed, "parentFolderId"], m.prefs);
  return { "@odata.type": TYPE, ...full, id: messageIdOf(msg, m.prefs) };
}
