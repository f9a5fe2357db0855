// Server-driven paging: a page of a list plus an absolute @odata.nextLink that repeats the original
// query (headers such as ConsistencyLevel are not carried, as in Graph) with an opaque $skiptoken.
import type { EndpointContext } from "./endpoint.ts";
import { GraphError } from "./errors.ts";
import { option } from "./odata.ts";

export interface PageOptions {
  defaultSize: number;
  maxSize: number;
  /** The workload's answer to a $top outside 1..maxSize. */
  invalidTop(value: string): GraphError;
}

export interface Page<T> {
  items: T[];
  nextLink: string | null;
  /** True on the first page: only it carries @odata.count. */
  first: boolean;
}

// Looks like the directory's tokens (`RFNwdAIAAQAAA…`) while carrying our offset.
const PREFIX = "RFNwdAIAAQAAA";

export function pageOf<T>(items: readonly T[], ctx: EndpointContext, opts: PageOptions): Page<T> {
  const rawTop = option(ctx.url, "$top");
  let size = opts.defaultSize;
  if (rawTop !== null) {
    size = Number(rawTop);
    if (!/^\d+$/.test(rawTop) || size < 1 || size > opts.maxSize) throw opts.invalidTop(rawTop);
  }
  const token = option(ctx.url, "$skiptoken");
  const offset = token === null ? 0 : decodeSkipToken(token);
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    nextLink: end < items.length ? linkWith(ctx.url, "$skiptoken", encodeSkipToken(end)) : null,
    first: offset === 0,
  };
}

function encodeSkipToken(offset: number): string {
  return PREFIX + btoa(`o:${offset}`).replace(/=+$/, "");
}

function decodeSkipToken(token: string): number {
  try {
    const m = token.startsWith(PREFIX) ? /^o:(\d+)$/.exec(atob(token.slice(PREFIX.length))) : null;
    if (m) return Number(m[1]);
  } catch { /* fall through */ }
  throw new GraphError(
    400,
    "Directory_ExpiredPageToken",
    "The specified page token value has expired and can no longer be included in your request.",
  );
}

/** The request URL with one query option replaced, keeping the others as they were written. */
export function linkWith(url: URL, name: string, value: string): string {
  const kept = url.search.slice(1).split("&").filter((p) =>
    p && p.split("=")[0].toLowerCase() !== name.toLowerCase()
  );
  kept.push(`${name}=${encodeURIComponent(value)}`);
  return `${url.origin}${url.pathname}?${kept.join("&")}`;
}
