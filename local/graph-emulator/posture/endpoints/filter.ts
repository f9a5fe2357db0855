// The $filter subset posture endpoints implement: comparisons of one property with a literal
// (`state eq 'enabled'`, `userId eq '…'`, `createdDateTime ge 2025-12-01T00:00:00Z`) joined by
// `and`, parentheses allowed. Anything else is a 501 naming the limitation, never a wrong answer.
import type { EndpointContext } from "../../graph/endpoint.ts";
import { option } from "../../graph/odata.ts";
import { unsupported } from "./unsupported.ts";

type Row = Record<string, unknown>;

const CLAUSE =
  /^\(*\s*([A-Za-z][\w/]*)\s+(eq|ne|ge|gt|le|lt)\s+('(?:[^']|'')*'|true|false|null|-?\d+(?:\.\d+)?|\d{4}-\d{2}-\d{2}T[\d:.]+Z)\s*\)*$/;

/** A predicate for `$filter`, or null without one. `properties` are the ones this endpoint filters on. */
export function filterOf(
  ctx: EndpointContext,
  properties: readonly string[],
): ((row: Row) => boolean) | null {
  const raw = option(ctx.url, "$filter");
  if (raw === null) return null;
  const tests = raw.trim().replace(/^\((.*)\)$/, "$1").split(/\s+and\s+/i).map((clause) => {
    const m = CLAUSE.exec(clause.trim());
    if (!m) throw unsupported(`$filter '${clause.trim()}'`);
    const [, path, op, literal] = m;
    const name = properties.find((p) => p.toLowerCase() === path.toLowerCase());
    if (!name) throw unsupported(`$filter on '${path}'`);
    const value = literal.startsWith("'")
      ? literal.slice(1, -1).replaceAll("''", "'")
      : literalValue(literal);
    return (row: Row) => compare(row[name], op, value);
  });
  return (row) => tests.every((t) => t(row));
}

function literalValue(literal: string): unknown {
  if (literal === "true" || literal === "false") return literal === "true";
  if (literal === "null") return null;
  return /^-?\d/.test(literal) && !literal.includes("T") ? Number(literal) : literal;
}

function compare(actual: unknown, op: string, expected: unknown): boolean {
  const a = typeof actual === "string" && typeof expected === "string" ? actual.toLowerCase() : actual;
  const e = typeof expected === "string" ? expected.toLowerCase() : expected;
  switch (op) {
    case "eq":
      return a === e;
    case "ne":
      return a !== e;
    default: {
      if (a === null || a === undefined) return false;
      const [x, y] = [a as number | string, e as number | string];
      return op === "ge" ? x >= y : op === "gt" ? x > y : op === "le" ? x <= y : x < y;
    }
  }
}
