// One delta round: follow @odata.nextLinks as given until the page that carries the deltaLink.
import assert from "node:assert/strict";
import type { Harness } from "./harness.ts";
import { getJson } from "./mail-harness.ts";

interface DeltaBody {
  value: Record<string, unknown>[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

export async function deltaRound(h: Harness, first: string, token: string, headers: HeadersInit = {}) {
  const items: Record<string, unknown>[] = [];
  const links: string[] = [];
  let url = first;
  for (;;) {
    const r = await getJson<DeltaBody>(h, url, token, headers);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    items.push(...r.body.value);
    const next = r.body["@odata.nextLink"];
    if (!next) return { items, links, deltaLink: r.body["@odata.deltaLink"]! };
    links.push(next);
    url = next;
  }
}
