// Fidelity checker: does a JSON payload use only properties that exist on its Graph type in the
// v1.0 CSDL, with compatible values? Handles inheritance, derived types named by @odata.type,
// complex types, collections, enums (incl. flags), nullability and annotations. Reusable:
//   assertConforms(body, "user"); assertCollectionConforms(body, "message");
// Where real Graph departs from its own schema (see GraphQuirk), callers name the quirk they accept:
//   assertConforms(notification, "changeNotificationCollection", { quirks: NOTIFICATION_QUIRKS });
import {
  allProperties,
  graphSchema,
  isDerivedFrom,
  isOpen,
  type PropertyDef,
  qualifiedName,
} from "../../local/graph-emulator/schema/csdl.ts";

export interface CheckOptions {
  /** Dynamic properties allowed on open types, by qualified type name (e.g. secure score's
   * `microsoft.graph.controlScore`: ["implementationStatus"]). Only accepted if the type is open. */
  dynamic?: Record<string, readonly string[]>;
  /** Known places where real Graph payloads depart from its own CSDL, accepted only when named. */
  quirks?: readonly GraphQuirk[];
}

/**
 * - `capitalisedTypeNames`: `@odata.type` in Graph's capitalised spelling (`#Microsoft.Graph.Message`,
 *   as Outlook change notifications write it) names the schema type case-insensitively.
 * - `resourceDataNamesResource`: a change notification's `resourceData` (an open type with no properties)
 *   names the changed resource's entity type, which does not derive from it; its members are then
 *   checked against that type.
 */
export type GraphQuirk = "capitalisedTypeNames" | "resourceDataNamesResource";

/** What Outlook change notifications need (notes §5.4). */
export const NOTIFICATION_QUIRKS: readonly GraphQuirk[] = [
  "capitalisedTypeNames",
  "resourceDataNamesResource",
];

const RESOURCE_DATA = "microsoft.graph.resourceData";

const ANNOTATION = /^@(odata\.[A-Za-z]+|microsoft\.graph\.[A-Za-z.]+|removed)$/;

const PRIMITIVE: Record<string, (v: unknown) => boolean> = {
  "Edm.String": (v) => typeof v === "string",
  "Edm.Boolean": (v) => typeof v === "boolean",
  "Edm.Int16": Number.isInteger,
  "Edm.Int32": Number.isInteger,
  "Edm.Int64": Number.isInteger,
  "Edm.Byte": Number.isInteger,
  "Edm.SByte": Number.isInteger,
  "Edm.Double": (v) => typeof v === "number" || v === "NaN" || v === "INF" || v === "-INF",
  "Edm.Single": (v) => typeof v === "number" || v === "NaN" || v === "INF" || v === "-INF",
  "Edm.Decimal": (v) => typeof v === "number",
  "Edm.Guid": (v) =>
    typeof v === "string" && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  "Edm.DateTimeOffset": (v) =>
    typeof v === "string" &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$/.test(v),
  "Edm.Date": (v) => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v),
  "Edm.TimeOfDay": (v) => typeof v === "string" && /^\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$/.test(v),
  "Edm.Duration": (v) => typeof v === "string" && /^-?P(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(v),
  "Edm.Binary": (v) => typeof v === "string" && /^[A-Za-z0-9+/_-]*={0,2}$/.test(v),
  "Edm.Stream": (v) => typeof v === "string",
  "Edm.Untyped": () => true,
};

/** Problems found in `value` as an instance of `type` (short or qualified name); empty = conforms. */
export function conformanceProblems(value: unknown, type: string, opts: CheckOptions = {}): string[] {
  const problems: string[] = [];
  checkStructured(value, qualifiedName(type), "$", { problems, opts });
  return problems;
}

export function assertConforms(value: unknown, type: string, opts: CheckOptions = {}): void {
  const problems = conformanceProblems(value, type, opts);
  if (problems.length) throw new Error(`not a valid ${type}:\n  ${problems.join("\n  ")}`);
}

/** A collection response: `value` items are `type`, other members are annotations. */
export function assertCollectionConforms(body: unknown, type: string, opts: CheckOptions = {}): void {
  const problems: string[] = [];
  if (typeof body !== "object" || body === null || !Array.isArray((body as { value?: unknown }).value)) {
    throw new Error("not a collection response (no value array)");
  }
  for (const key of Object.keys(body)) {
    if (key !== "value" && !ANNOTATION.test(key)) problems.push(`$.${key}: not an annotation`);
  }
  (body as { value: unknown[] }).value.forEach((item, i) =>
    checkStructured(item, qualifiedName(type), `$.value[${i}]`, { problems, opts })
  );
  if (problems.length) throw new Error(`not a valid collection of ${type}:\n  ${problems.join("\n  ")}`);
}

/** What a walk over a payload collects, and the options it honours. */
interface Walk {
  problems: string[];
  opts: CheckOptions;
}

function checkStructured(value: unknown, typeName: string, path: string, w: Walk): void {
  const schema = graphSchema();
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    w.problems.push(`${path}: expected an object of ${typeName}`);
    return;
  }
  const record = value as Record<string, unknown>;
  let actual = typeName;
  const odataType = record["@odata.type"];
  if (odataType !== undefined) {
    const named = namedType(odataType, w.opts);
    if (named === null || !mayStandFor(named, typeName, w.opts)) {
      w.problems.push(`${path}: @odata.type ${String(odataType)} is not ${typeName} or derived from it`);
      return;
    }
    actual = named;
  }
  if (!schema.types.has(actual)) {
    w.problems.push(`${path}: unknown type ${actual}`);
    return;
  }
  const props = allProperties(schema, actual);
  for (const [key, v] of Object.entries(record)) {
    const at = key.indexOf("@");
    if (at === 0) {
      if (!ANNOTATION.test(key)) w.problems.push(`${path}.${key}: unknown annotation`);
      continue;
    }
    if (at > 0) {
      if (!props.has(key.slice(0, at)) || !ANNOTATION.test(key.slice(at))) {
        w.problems.push(`${path}.${key}: annotation of an unknown property`);
      }
      continue;
    }
    const def = props.get(key);
    if (def) checkValue(v, def, `${path}.${key}`, w);
    else if (!(isOpen(schema, actual) && w.opts.dynamic?.[actual]?.includes(key))) {
      w.problems.push(`${path}.${key}: no property '${key}' on ${actual}`);
    }
  }
}

const quirk = (opts: CheckOptions, q: GraphQuirk) => opts.quirks?.includes(q) ?? false;

/** The schema type an `@odata.type` annotation names, or null. */
function namedType(odataType: unknown, opts: CheckOptions): string | null {
  if (typeof odataType !== "string") return null;
  const name = odataType.replace(/^#/, "");
  if (graphSchema().types.has(name)) return name;
  return quirk(opts, "capitalisedTypeNames") ? typeNamesByLowerCase().get(name.toLowerCase()) ?? null : null;
}

function mayStandFor(named: string, declared: string, opts: CheckOptions): boolean {
  const schema = graphSchema();
  if (isDerivedFrom(schema, named, declared)) return true;
  return quirk(opts, "resourceDataNamesResource") && declared === RESOURCE_DATA &&
    schema.types.get(named)?.kind === "entity";
}

let lowerCaseNames: Map<string, string | null> | undefined;

/** Qualified type names by their lower-case spelling (null where two types would collide). */
function typeNamesByLowerCase(): Map<string, string | null> {
  if (!lowerCaseNames) {
    lowerCaseNames = new Map();
    for (const name of graphSchema().types.keys()) {
      const key = name.toLowerCase();
      lowerCaseNames.set(key, lowerCaseNames.has(key) ? null : name);
    }
  }
  return lowerCaseNames;
}

function checkValue(v: unknown, def: PropertyDef, path: string, w: Walk): void {
  if (def.collection) {
    if (!Array.isArray(v)) {
      w.problems.push(`${path}: expected Collection(${def.type}), got ${JSON.stringify(v)}`);
      return;
    }
    v.forEach((item, i) => checkSingle(item, def, `${path}[${i}]`, w));
    return;
  }
  checkSingle(v, def, path, w);
}

function checkSingle(v: unknown, def: PropertyDef, path: string, w: Walk): void {
  const schema = graphSchema();
  if (v === null) {
    if (!def.nullable) w.problems.push(`${path}: null but ${def.type} is not nullable`);
    return;
  }
  const type = schema.typeDefinitions.get(def.type) ?? def.type;
  const primitive = PRIMITIVE[type];
  if (primitive) {
    if (!primitive(v)) w.problems.push(`${path}: ${JSON.stringify(v)} is not ${type}`);
    return;
  }
  const enumDef = schema.enums.get(type);
  if (enumDef) {
    const names = typeof v === "string" ? (enumDef.flags ? v.split(",").map((s) => s.trim()) : [v]) : [];
    if (!names.length || names.some((n) => !enumDef.members.has(n))) {
      w.problems.push(`${path}: ${JSON.stringify(v)} is not a member of ${type}`);
    }
    return;
  }
  if (schema.types.has(type)) {
    checkStructured(v, type, path, w);
    return;
  }
  w.problems.push(`${path}: unknown type ${type}`);
}
