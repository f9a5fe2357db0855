// Collection responses for posture endpoints: @odata.context, optional $filter and $select
// (checked against the CSDL), $top/$skiptoken paging with an absolute nextLink, $count, and
// single-entity bodies.
import type { EndpointContext, GraphResult } from "../../graph/endpoint.ts";
import { directoryBadRequest } from "../../graph/errors.ts";
import { contextUrl, countRequested, project, selectedProperties } from "../../graph/odata.ts";
import { pageOf, type PageOptions } from "../../graph/paging.ts";
import { filterOf } from "./filter.ts";

export interface CollectionOptions<T> {
  /** `subscribedSkus`, `identity/conditionalAccess/policies`, … */
  contextPath: string;
  /** CSDL type name for $select; absent = $select not offered. */
  type?: string;
  /** Server-driven paging; absent = everything in one page. */
  page?: PageOptions;
  /** $count: `eventual` needs the ConsistencyLevel header (directory objects), `plain` does not. */
  count?: "eventual" | "plain";
  /** Properties $filter may compare (filter.ts); absent = no $filter. */
  filterable?: readonly string[];
  /** The item's payload; absent = the item is its payload. */
  render?(item: T): Record<string, unknown>;
}

export function collection<T>(
  ctx: EndpointContext,
  items: readonly T[],
  opts: CollectionOptions<T>,
): GraphResult {
  const select = opts.type ? selectedProperties(ctx, opts.type) : null;
  const count = opts.count ? countRequested(ctx, opts.count === "eventual") : false;
  const render = opts.render ?? ((item: T) => item as Record<string, unknown>);
  const keep = opts.filterable ? filterOf(ctx, opts.filterable) : null;
  const payloads = items.map(render).filter((p) => keep?.(p) ?? true);
  const page = opts.page
    ? pageOf(payloads, ctx, opts.page)
    : { items: payloads, nextLink: null, first: true };
  const body: Record<string, unknown> = {
    "@odata.context": contextUrl(ctx.origin, opts.contextPath, select, false),
  };
  if (count && page.first) body["@odata.count"] = payloads.length;
  if (page.nextLink) body["@odata.nextLink"] = page.nextLink;
  body.value = page.items.map((entity) =>
    select && opts.type ? keepAnnotations(entity, project(entity, select, [], opts.type)) : entity
  );
  return { status: 200, body };
}

export interface EntityOptions {
  /** CSDL type name for $select. */
  type?: string;
  /** A singleton (security defaults, report settings): its context has no `/$entity`. */
  singleton?: boolean;
}

export function entity(
  ctx: EndpointContext,
  contextPath: string,
  payload: Record<string, unknown>,
  opts: EntityOptions = {},
): GraphResult {
  const select = opts.type ? selectedProperties(ctx, opts.type) : null;
  const body = select && opts.type
    ? keepAnnotations(payload, project(payload, select, [], opts.type))
    : payload;
  return {
    status: 200,
    body: { "@odata.context": contextUrl(ctx.origin, contextPath, select, !opts.singleton), ...body },
  };
}

/** $select keeps `@odata.type` (derived types must stay recognisable). */
function keepAnnotations(full: Record<string, unknown>, selected: Record<string, unknown>) {
  return full["@odata.type"] ? { "@odata.type": full["@odata.type"], ...selected } : selected;
}

/** Paging as Graph's directory does it: 100 by default, 999 at most. */
export const DIRECTORY_PAGE: PageOptions = {
  defaultSize: 100,
  maxSize: 999,
  invalidTop: (v) =>
    directoryBadRequest(`Invalid page size specified: '${v}'. Must be between 1 and 999 inclusive.`),
};
