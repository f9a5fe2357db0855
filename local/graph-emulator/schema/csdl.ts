// Reads the Microsoft Graph v1.0 CSDL (schema/v1.0-Prod.csdl, copied from msgraph-metadata) into a
// type model: entity and complex types with inheritance, properties, navigation properties, enums.
// Used by the emulator ($select validation) and by the fidelity checker in tests.

export interface PropertyDef {
  name: string;
  /** Qualified element type, e.g. `Edm.String`, `microsoft.graph.recipient`. */
  type: string;
  collection: boolean;
  nullable: boolean;
  navigation: boolean;
}

export interface StructuredType {
  kind: "entity" | "complex";
  name: string;
  baseType: string | null;
  abstract: boolean;
  open: boolean;
  properties: Map<string, PropertyDef>;
}

export interface EnumDef {
  name: string;
  flags: boolean;
  members: Set<string>;
}

export interface GraphSchema {
  types: Map<string, StructuredType>;
  enums: Map<string, EnumDef>;
  /** Type definitions (aliases of primitive types). */
  typeDefinitions: Map<string, string>;
}

const TAG =
  /<(\/?)([\w:.]+)((?:\s+[\w:.]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g;
const ATTR = /([\w:.]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function parseCsdl(xml: string): GraphSchema {
  const schema: GraphSchema = { types: new Map(), enums: new Map(), typeDefinitions: new Map() };
  const aliases = new Map<string, string>();
  let namespace = "";
  let current: StructuredType | null = null;
  let currentEnum: EnumDef | null = null;
  const raw: { owner: StructuredType; prop: PropertyDef }[] = [];

  for (const m of xml.matchAll(TAG)) {
    const [, closing, tag, attrText, selfClosing] = m;
    if (!tag) continue;
    if (closing) {
      if (tag === "EntityType" || tag === "ComplexType") current = null;
      if (tag === "EnumType") currentEnum = null;
      continue;
    }
    const a = attributes(attrText ?? "");
    switch (tag) {
      case "Schema":
        namespace = a.Namespace;
        if (a.Alias) aliases.set(a.Alias, a.Namespace);
        break;
      case "EntityType":
      case "ComplexType": {
        const t: StructuredType = {
          kind: tag === "EntityType" ? "entity" : "complex",
          name: `${namespace}.${a.Name}`,
          baseType: a.BaseType ?? null,
          abstract: a.Abstract === "true",
          open: a.OpenType === "true",
          properties: new Map(),
        };
        schema.types.set(t.name, t);
        current = selfClosing ? null : t;
        break;
      }
      case "Property":
      case "NavigationProperty":
        if (current) {
          const { type, collection } = splitCollection(a.Type);
          const prop: PropertyDef = {
            name: a.Name,
            type,
            collection,
            nullable: a.Nullable !== "false",
            navigation: tag === "NavigationProperty",
          };
          current.properties.set(prop.name, prop);
          raw.push({ owner: current, prop });
        }
        break;
      case "EnumType":
        currentEnum = { name: `${namespace}.${a.Name}`, flags: a.IsFlags === "true", members: new Set() };
        schema.enums.set(currentEnum.name, currentEnum);
        if (selfClosing) currentEnum = null;
        break;
      case "Member":
        currentEnum?.members.add(a.Name);
        break;
      case "TypeDefinition":
        schema.typeDefinitions.set(`${namespace}.${a.Name}`, a.UnderlyingType);
        break;
    }
  }
  // Aliases (`graph.user`) become full names (`microsoft.graph.user`) once all schemas are read.
  const qualify = (name: string) => {
    const dot = name.indexOf(".");
    const ns = aliases.get(name.slice(0, dot));
    return ns ? `${ns}${name.slice(dot)}` : name;
  };
  for (const t of schema.types.values()) if (t.baseType) t.baseType = qualify(t.baseType);
  for (const { prop } of raw) prop.type = qualify(prop.type);
  return schema;
}

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(ATTR)) out[m[1]] = m[2] ?? m[3];
  return out;
}

function splitCollection(type: string): { type: string; collection: boolean } {
  const m = /^Collection\((.+)\)$/.exec(type);
  return m ? { type: m[1], collection: true } : { type, collection: false };
}

/** `user` → `microsoft.graph.user`; qualified names pass through. */
export function qualifiedName(name: string): string {
  return name.includes(".") ? name : `microsoft.graph.${name}`;
}

const propertyCache = new WeakMap<GraphSchema, Map<string, Map<string, PropertyDef>>>();

/** Every property of a type including inherited ones (base types first); cached per schema. */
export function allProperties(schema: GraphSchema, typeName: string): Map<string, PropertyDef> {
  let byType = propertyCache.get(schema);
  if (!byType) propertyCache.set(schema, byType = new Map());
  const name = qualifiedName(typeName);
  let out = byType.get(name);
  if (!out) {
    const chain: StructuredType[] = [];
    for (let t = schema.types.get(name); t; t = t.baseType ? schema.types.get(t.baseType) : undefined) {
      chain.unshift(t);
    }
    if (chain.length === 0) throw new Error(`unknown CSDL type ${typeName}`);
    out = new Map();
    for (const t of chain) for (const [k, v] of t.properties) out.set(k, v);
    byType.set(name, out);
  }
  return out;
}

/** Whether `derived` is `base` or inherits from it. */
export function isDerivedFrom(schema: GraphSchema, derived: string, base: string): boolean {
  for (let t = schema.types.get(derived); t; t = t.baseType ? schema.types.get(t.baseType) : undefined) {
    if (t.name === base) return true;
  }
  return false;
}

/** Whether any type in the chain is open (accepts dynamic properties). */
export function isOpen(schema: GraphSchema, typeName: string): boolean {
  for (let t = schema.types.get(typeName); t; t = t.baseType ? schema.types.get(t.baseType) : undefined) {
    if (t.open) return true;
  }
  return false;
}

let cached: GraphSchema | undefined;

/** The v1.0 schema shipped with the emulator, parsed once per process. */
export function graphSchema(): GraphSchema {
  cached ??= parseCsdl(Deno.readTextFileSync(new URL("./v1.0-Prod.csdl", import.meta.url)));
  return cached;
}
