// OData query handling shared by endpoints: $select (checked against the CSDL), projections,
// @odata.context URLs, $count with ConsistencyLevel.
import { allProperties, graphSchema, type PropertyDef, qualifiedName } from "../schema/csdl.ts";
import type { EndpointContext } from "./endpoint.ts";
import { badRequest, directoryBadRequest } from "./errors.ts";

/** Names of the `$` system query options present, lower-cased (`$select`, `$top`, …). */
export function systemOptions(url: URL): string[] {
  return [
    ...new Set([...url.searchParams.keys()].filter((k) => k.startsWith("$")).map((k) => k.toLowerCase())),
  ];
}

export function option(url: URL, name: string): string | null {
  for (const [k, v] of url.searchParams) if (k.toLowerCase() === name) return v;
  return null;
}

/** `$select` as canonical property names of `type`, or null when absent. Unknown names are a 400. */
export function selectedProperties(ctx: EndpointContext, type: string): string[] | null {
  const raw = option(ctx.url, "$select");
  if (raw === null) return null;
  const props = allProperties(graphSchema(), type);
  const byLower = new Map([...props.keys()].map((k) => [k.toLowerCase(), k]));
  const out: string[] = [];
  for (const name of raw.split(",").map((s) => s.trim()).filter(Boolean)) {
    const canonical = byLower.get(name.toLowerCase());
    if (!canonical) {
      throw badRequest(
        `Parsing OData Select and Expand failed: Could not find a property named '${name}' on type '${
          qualifiedName(type)
        }'.`,
      );
    }
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}

/** The entity's selected properties (or its default set), in the order asked for. A selected
 * property the entity lacks comes back as Graph sends unset values of its CSDL type. */
export function project(
  entity: Record<string, unknown>,
  select: readonly string[] | null,
  defaults: readonly string[],
  type: string,
): Record<string, unknown> {
  const props = allProperties(graphSchema(), type);
  const out: Record<string, unknown> = {};
  for (const name of select ?? defaults) {
    const def = props.get(name);
    out[name] = name in entity ? entity[name] : def ? unsetValue(def) : null;
  }
  return out;
}

/** Unset values: [] for collections, null when nullable, else the type's zero value (Graph sends
 * `0001-01-01T08:00:00Z` for an unset non-nullable date such as `birthday`). */
function unsetValue(def: PropertyDef): unknown {
  if (def.collection) return [];
  if (def.nullable) return null;
  switch (def.type) {
    case "Edm.DateTimeOffset":
      return "0001-01-01T08:00:00Z";
    case "Edm.Boolean":
      return false;
    case "Edm.String":
      return "";
    default:
      return def.type.startsWith("Edm.") ? 0 : null;
  }
}

/** `https://host/v1.0/$metadata#users(id,displayName)/$entity`. */
export function contextUrl(
  origin: string,
  path: string,
  select: readonly string[] | null,
  single: boolean,
): string {
  const sel = select ? `(${select.join(",")})` : "";
  return `${origin}/v1.0/$metadata#${path}${sel}${single ? "/$entity" : ""}`;
}

/** Whether `$count=true` was asked for; directory objects also need `ConsistencyLevel: eventual`. */
export function countRequested(ctx: EndpointContext, needsEventual: boolean): boolean {
  const raw = option(ctx.url, "$count");
  if (raw === null || raw.toLowerCase() === "false") return false;
  if (raw.toLowerCase() !== "true") throw badRequest(`Invalid value '${raw}' for $count query option found.`);
  if (needsEventual) requireEventual(ctx);
  return true;
}

export function requireEventual(ctx: EndpointContext): void {
  if (ctx.headers.get("ConsistencyLevel")?.toLowerCase() !== "eventual") {
    throw directoryBadRequest("$count is not currently supported.");
  }
}
