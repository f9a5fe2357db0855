// Posting a JSON batch and reading its items by id (notes §6).
import { graph, type Harness } from "./harness.ts";

export interface ItemResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: { error?: { code: string; message: string }; value?: unknown[]; [k: string]: unknown } | string;
}

export interface BatchResult {
  status: number;
  byId: Map<string, ItemResponse>;
  raw: unknown;
}

export async function batch(h: Harness, token: string, requests: unknown[]): Promise<BatchResult> {
  const r = await graph(h, "/$batch", token, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ requests }),
  });
  const raw = await r.json();
  const byId = new Map<string, ItemResponse>((raw.responses ?? []).map((x: ItemResponse) => [x.id, x]));
  return { status: r.status, byId, raw };
}

/** A GET item. */
export const get = (id: string, url: string, extra: Record<string, unknown> = {}) => ({
  id,
  method: "GET",
  url,
  ...extra,
});

/** The same items, each depending on the one before: one serial chain. */
export const chained = <T extends { id: string }>(items: T[]) =>
  items.map((item, i) => i === 0 ? item : { ...item, dependsOn: [items[i - 1].id] });

export const statuses = (r: BatchResult): number[] => [...r.byId.values()].map((x) => x.status).sort();
