// The part of OData `$filter`/`$orderby` on messages the emulator implements: comparisons joined by
// `and` on common properties, startswith/contains on subject, ordering by received/sent time, and
// Exchange's rule that $orderby properties must lead the $filter (else 400 InefficientFilter).
import { badRequest, GraphError, notImplemented } from "../graph/errors.ts";
import type { StoredMessage } from "./model.ts";

type Value = string | number | boolean | null;

const FIELDS: Record<string, (m: StoredMessage) => Value> = {
  receivedDateTime: (m) => m.receivedAt,
  sentDateTime: (m) => m.sentAt,
  createdDateTime: (m) => m.createdAt,
  lastModifiedDateTime: (m) => m.modifiedAt,
  isRead: (m) => m.isRead,
  isDraft: (m) => m.isDraft,
  hasAttachments: (m) => m.attachments.some((a) => !a.isInline),
  importance: (m) => m.importance,
  inferenceClassification: (m) => m.inferenceClassification,
  internetMessageId: (m) => m.internetMessageId,
  conversationId: (m) => m.conversationId,
  parentFolderId: (m) => m.folder.id,
  subject: (m) => m.subject,
  "from/emailAddress/address": (m) => m.from?.address.toLowerCase() ?? null,
  "sender/emailAddress/address": (m) => m.sender?.address.toLowerCase() ?? null,
};

const DATES = new Set(["receivedDateTime", "sentDateTime", "createdDateTime", "lastModifiedDateTime"]);

export interface MessageFilter {
  test(m: StoredMessage): boolean;
  /** Properties in the order the filter names them. */
  properties: string[];
}

function unsupported(what: string): GraphError {
  const e = notImplemented();
  e.options.headers = { "x-emulator-note": `the emulator does not implement ${what} on messages` };
  return e;
}

function literal(raw: string, prop: string): Value {
  if (raw === "true" || raw === "false") return raw === "true";
  if (raw === "null") return null;
  if (/^'.*'$/s.test(raw)) {
    const s = raw.slice(1, -1).replaceAll("''", "'");
    return prop.endsWith("/address") ? s.toLowerCase() : s;
  }
  if (DATES.has(prop) && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(raw)) {
    return Date.parse(raw);
  }
  throw badRequest(`Invalid filter clause: '${raw}' is not a valid value for ${prop}.`);
}

const canonical = (name: string) => Object.keys(FIELDS).find((k) => k.toLowerCase() === name.toLowerCase());

export function parseFilter(raw: string): MessageFilter {
  const tests: ((m: StoredMessage) => boolean)[] = [];
  const properties: string[] = [];
  for (const clause of raw.split(/\s+and\s+/i)) {
    const fn = /^\s*(startswith|contains)\(\s*([\w/]+)\s*,\s*('(?:[^']|'')*')\s*\)\s*$/i.exec(clause);
    if (fn) {
      const prop = canonical(fn[2]);
      if (prop !== "subject") throw unsupported(`${fn[1]}(${fn[2]})`);
      const needle = String(literal(fn[3], prop)).toLowerCase();
      const starts = fn[1].toLowerCase() === "startswith";
      tests.push((m) =>
        starts ? m.subject.toLowerCase().startsWith(needle) : m.subject.toLowerCase().includes(needle)
      );
      properties.push(prop);
      continue;
    }
    const cmp = /^\s*([\w/]+)\s+(eq|ne|gt|ge|lt|le)\s+(.+?)\s*$/i.exec(clause);
    const prop = cmp && canonical(cmp[1]);
    if (!cmp || !prop) throw unsupported(`the $filter clause '${clause.trim()}'`);
    const get = FIELDS[prop];
    const v = literal(cmp[3], prop);
    const op = cmp[2].toLowerCase();
    tests.push((m) => compare(get(m), op, v));
    properties.push(prop);
  }
  return { test: (m) => tests.every((t) => t(m)), properties };
}

function compare(a: Value, op: string, b: Value): boolean {
  switch (op) {
    case "eq":
      return a === b;
    case "ne":
      return a !== b;
  }
  if (a === null || b === null) return false;
  switch (op) {
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    default:
      return a <= b;
  }
}

export interface MessageOrder {
  property: "receivedDateTime" | "sentDateTime";
  descending: boolean;
}

export function parseOrderBy(raw: string | null): MessageOrder {
  if (raw === null) return { property: "receivedDateTime", descending: true };
  const m = /^\s*(receivedDateTime|sentDateTime)(\s+(asc|desc))?\s*$/i.exec(raw);
  if (!m) throw unsupported(`$orderby=${raw}`);
  return {
    property: m[1].toLowerCase() === "sentdatetime" ? "sentDateTime" : "receivedDateTime",
    descending: (m[3] ?? "asc").toLowerCase() === "desc",
  };
}

/** Exchange: properties in $orderby must also be in $filter, first and in the same order. */
export function checkFilterOrder(filter: MessageFilter, order: MessageOrder, explicit: boolean): void {
  if (!explicit) return;
  if (filter.properties[0] !== order.property) {
    throw new GraphError(
      400,
      "InefficientFilter",
      "The restriction or sort order is too complex for this operation.",
    );
  }
}

export function orderMessages(items: StoredMessage[], o: MessageOrder): StoredMessage[] {
  const key = o.property === "receivedDateTime"
    ? (m: StoredMessage) => m.receivedAt
    : (m: StoredMessage) => m.sentAt ?? 0;
  const dir = o.descending ? -1 : 1;
  return items.sort((a, b) => dir * (key(a) - key(b)) || dir * (a.item - b.item));
}
