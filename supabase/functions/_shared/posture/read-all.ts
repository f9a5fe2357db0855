// cache-read-all: every organization-wide dataset in one answer (compliance, MFA, licences, Secure
// Score, users), each found or not with its own freshness. Nothing is fetched while the caller
// waits: missing data queues a full refresh, stale data a refresh of its dataset.
import type { UserClaims } from "../auth.ts";
import { asUser } from "../db.ts";
import type { DatasetName } from "./dataset.ts";
import { DATASETS } from "./datasets.ts";
import { type Freshness, freshness, replyCached, syncOf } from "./freshness.ts";
import { requestRefresh, visibleOrganization } from "./read.ts";
import { postureSettings } from "./settings.ts";
import { syncStatusOf } from "./sync-status.ts";

/** The seeds' keys, the datasets behind them and their read functions. */
const PARTS: [string, DatasetName, string][] = [
  ["compliance", "compliance", "cache-read-compliance"],
  ["mfa", "mfa", "cache-read-mfa"],
  ["licenses", "licenses", "cache-read-licenses"],
  ["secure_score", "secure-score", "cache-read-secure-score"],
  ["users_list", "users", "cache-read-users-list"],
];

export async function readAll(claims: UserClaims, clientId: string) {
  const org = await visibleOrganization(claims, clientId);
  const ttl = postureSettings().POSTURE_TTL_HOURS;
  const loaded = await asUser(claims, async (tx) => {
    const out = [];
    for (const [key, name, endpoint] of PARTS) {
      const status = await syncStatusOf(tx, org.id, name);
      const facts = status?.fetched_at ? await DATASETS[name].load(tx, org.id, {}) : null;
      out.push({ key, name, endpoint, status, facts });
    }
    return out;
  });
  const results: Record<string, unknown> = {};
  const found: Required<Freshness>[] = [];
  for (const part of loaded) {
    const fresh = part.facts !== null && part.status?.fetched_at
      ? freshness(part.status.fetched_at, ttl)
      : null;
    const data = fresh ? DATASETS[part.name].view(part.facts, {}) : null;
    if (fresh) found.push(fresh);
    if (fresh?.stale) await requestRefresh(org, part.name);
    results[part.key] = {
      status: fresh ? "found" : "not_found",
      data,
      endpoint: part.endpoint,
      fetched_at: fresh?.fetched_at ?? null,
      expires_at: fresh?.expires_at ?? null,
      stale: fresh?.stale ?? false,
      sync: syncOf(part.status),
      ...(part.key === "users_list"
        ? { count: (data as { users?: unknown[] } | null)?.users?.length ?? 0 }
        : {}),
    };
  }
  if (found.length < PARTS.length) await requestRefresh(org, "all");
  const oldest = found.map((f) => f.fetched_at).sort()[0] ?? null;
  const soonest = found.map((f) => f.expires_at).sort()[0] ?? null;
  return replyCached(
    {
      org_id: Number(org.id),
      timestamp: new Date().toISOString(),
      cache_results: results,
      summary: { total_endpoints: PARTS.length, found: found.length, not_found: PARTS.length - found.length },
    },
    { fetched_at: oldest, expires_at: soonest, stale: found.some((f) => f.stale) },
  );
}
