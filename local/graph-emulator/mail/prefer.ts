// The `Prefer` request header: IdType="ImmutableId", outlook.body-content-type, outlook.allow-unsafe-html,
// odata.maxpagesize. Several preferences may share one header or come in several.

export interface Preferences {
  immutableIds: boolean;
  bodyType: "html" | "text" | null;
  unsafeHtml: boolean;
  maxPageSize: number | null;
}

export function preferences(headers: Headers): Preferences {
  const out: Preferences = { immutableIds: false, bodyType: null, unsafeHtml: false, maxPageSize: null };
  const raw = headers.get("Prefer") ?? "";
  for (const part of raw.match(/[^,"]+(?:"[^"]*"[^,"]*)*/g) ?? []) {
    const [name, ...rest] = part.split("=");
    const key = name.trim().toLowerCase();
    const value = rest.join("=").trim().replace(/^"(.*)"$/, "$1");
    if (key === "idtype") out.immutableIds = value.toLowerCase() === "immutableid";
    else if (key === "outlook.body-content-type") {
      const v = value.toLowerCase();
      if (v === "text" || v === "html") out.bodyType = v;
    } else if (key === "outlook.allow-unsafe-html") out.unsafeHtml = true;
    else if (key === "odata.maxpagesize" && /^\d+$/.test(value)) out.maxPageSize = Number(value);
  }
  return out;
}
