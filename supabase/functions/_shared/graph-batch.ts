// JSON batching ($batch): up to 20 requests in one round trip. Graph answers 200 even when items
// fail, and SDKs do not retry items, so throttled items (429, or 503/504) are retried here on
// their own after the longest Retry-After, while the caller's budget allows.
import { BatchRequestContent, BatchResponseContent, type Client } from "@microsoft/microsoft-graph-client";
import { retryAfterSeconds } from "./graph.ts";

export const BATCH_LIMIT = 20;

export interface BatchItem {
  id: string;
  /** Relative to the version root, e.g. `/me/mailFolders/inbox?$select=id`. */
  url: string;
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BatchResult {
  status: number;
  body: unknown;
  headers: Headers;
}

const RETRYABLE = new Set([429, 503, 504]);

async function sendOnce(client: Client, items: BatchItem[], base: string): Promise<Map<string, BatchResult>> {
  const content = new BatchRequestContent(items.map((item) => ({
    id: item.id,
    request: new Request(`${base}${item.url.startsWith("/") ? item.url : `/${item.url}`}`, {
      method: item.method ?? "GET",
      headers: { ...(item.body ? { "Content-Type": "application/json" } : {}), ...item.headers },
      body: item.body ? JSON.stringify(item.body) : undefined,
    }),
  })));
  const raw = await client.api("/$batch").post(await content.getContent());
  const responses = new BatchResponseContent(raw).getResponses();
  const results = new Map<string, BatchResult>();
  for (const [id, response] of responses) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch { /* not JSON */ }
    results.set(id, { status: response.status, body, headers: response.headers });
  }
  return results;
}

/** Run up to 20 requests as one batch; retry throttled items within the deadline. */
export async function batch(
  client: Client,
  items: BatchItem[],
  options: { deadline: number; maxRounds?: number },
): Promise<Map<string, BatchResult>> {
  if (items.length > BATCH_LIMIT) throw new Error(`a batch holds at most ${BATCH_LIMIT} requests`);
  // Deno's Request needs an absolute URL; the SDK sends only its path and query, which must be
  // relative to the version root (`/me`, not `/v1.0/me`).
  const base = "https://graph.invalid";
  const results = new Map<string, BatchResult>();
  let pending = items;
  for (let round = 0; pending.length && round < (options.maxRounds ?? 3); round++) {
    const answered = await sendOnce(client, pending, base);
    for (const [id, result] of answered) results.set(id, result);
    const throttled = pending.filter((item) => RETRYABLE.has(answered.get(item.id)?.status ?? 0));
    if (!throttled.length) break;
    // Without a Retry-After (some throttles send none), a growing, jittered wait (at most 12 s):
    // callers throttled together must not all come back in the same second.
    const fallback = Math.min(8, 2 ** round) * (0.5 + Math.random());
    const wait = Math.max(
      ...throttled.map((i) => retryAfterSeconds(answered.get(i.id)!.headers.get("retry-after")) ?? fallback),
    );
    if (Date.now() + wait * 1000 >= options.deadline) break; // the caller decides what to do with them
    await new Promise((r) => setTimeout(r, wait * 1000));
    pending = throttled;
  }
  return results;
}
