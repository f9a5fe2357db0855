// Cache answers carry their age beside the data: the envelope {status_code, data, error,
// error_code} plus fetched_at, expires_at, stale and how the last refresh ended (sync).
import { CORS_HEADERS } from "../http.ts";
import type { SyncRow } from "./sync-status.ts";

export interface Freshness {
  fetched_at: string | null;
  expires_at: string | null;
  stale: boolean;
}

export function freshness(fetchedAt: Date, ttlHours: number, now = new Date()): Required<Freshness> {
  const expires = new Date(fetchedAt.getTime() + ttlHours * 3_600_000);
  return { fetched_at: fetchedAt.toISOString(), expires_at: expires.toISOString(), stale: now >= expires };
}

/** How the last refresh of a dataset ended: what a dashboard shows beside old data. */
export function syncOf(row: SyncRow | null) {
  return {
    status: row?.status ?? null,
    error: row?.error ?? null,
    warnings: row?.warnings ?? [],
    attempted_at: row?.attempted_at?.toISOString() ?? null,
  };
}

export function replyCached(data: unknown, fresh: Freshness, sync?: ReturnType<typeof syncOf>): Response {
  return Response.json(
    { status_code: 200, data, error: null, error_code: null, ...fresh, ...(sync ? { sync } : {}) },
    { headers: CORS_HEADERS },
  );
}
