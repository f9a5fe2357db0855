// cache-read-*: a dataset as the dashboard wants it, read as the caller (RLS: an organization of
// another account is a 404, exactly like one that does not exist). Data never fetched is fetched
// first, for a bounded time; expired data is served, marked stale, while a de-duplicated refresh
// job is queued.
import { z } from "zod";
import type { UserClaims } from "../auth.ts";
import { asUser, sql } from "../db.ts";
import { NotFound, RetryLater } from "../errors.ts";
import { parse, serve } from "../http.ts";
import { OrganizationId } from "../ids.ts";
import { log } from "../log.ts";
import type { DatasetName, Organization, ReadParams } from "./dataset.ts";
import { DATASETS } from "./datasets.ts";
import { freshness, replyCached, syncOf } from "./freshness.ts";
import { errorFor, refresh } from "./refresh.ts";
import { postureSettings } from "./settings.ts";
import { syncStatusOf } from "./sync-status.ts";
import { postureOrganization } from "./worker.ts";

export const ClientQuery = z.object({ clientId: OrganizationId });
const UserQuery = z.object({ clientId: OrganizationId, userId: z.uuid() });

/** The organization if the caller may see it (RLS), else 404. */
export async function visibleOrganization(claims: UserClaims, clientId: string): Promise<Organization> {
  const [org] = await asUser(
    claims,
    (tx) => tx<Organization[]>`select id, account_id from public.organizations where id = ${clientId}`,
  );
  if (!org) throw new NotFound("no such organization");
  return org;
}

/** The organization (404 unless the caller may see it), its cached facts and their sync status, in
 * one transaction as the caller: three queries sent together (RLS guards each). */
async function cached(claims: UserClaims, name: DatasetName, clientId: string, params: ReadParams) {
  const [orgs, facts, status] = await asUser(claims, (tx) =>
    Promise.all([
      tx<Organization[]>`select id, account_id from public.organizations where id = ${clientId}`,
      DATASETS[name].load(tx, clientId, params),
      syncStatusOf(tx, clientId, name),
    ]));
  if (!orgs[0]) throw new NotFound("no such organization");
  return { org: orgs[0], facts, status };
}

/** Queue a refresh of stale data (one job per organization and dataset), unless backed off. */
export async function requestRefresh(org: Organization, name: DatasetName | "all") {
  try {
    const [{ job }] = await sql()`select case when private.posture_backed_off(${org.id}) then null
      else private.enqueue_posture_refresh(${org.id}, ${name}) end as job`;
    if (job) await sql()`select private.wake_worker(${`cache-write-${name}`})`;
  } catch (error) {
    // Whatever was queued waits for the minutely wake-up; the reader still gets its data.
    log("warn", "could not queue or wake a posture refresh", {
      organization: org.id,
      dataset: name,
      error: String(error),
    });
  }
}

async function waitForFetch(org: Organization, name: DatasetName, deadline: number) {
  while (Date.now() < deadline) {
    const [row] = await sql()`select fetched_at from public.m365_sync_status
      where organization_id = ${org.id} and dataset = ${name} and fetched_at is not null`;
    if (row) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new RetryLater("the first fetch of this data is still running; try again shortly", 5);
}

/** A first fetch, within the read's wait: done here, or by whoever is already doing it. */
async function fetchFirst(org: Organization, name: DatasetName) {
  if (!await postureOrganization(org.id)) {
    throw new NotFound("no posture data: this organization has no Microsoft 365 credentials");
  }
  const deadline = Date.now() + postureSettings().POSTURE_READ_WAIT_SECONDS * 1000;
  const [outcome] = (await refresh(org, [name], deadline)).outcomes;
  if (outcome.status === "busy") return await waitForFetch(org, name, deadline);
  const error = errorFor(outcome);
  if (error) throw error;
}

export async function readCached(
  claims: UserClaims,
  name: DatasetName,
  clientId: string,
  params: ReadParams,
) {
  let found = await cached(claims, name, clientId, params);
  const { org } = found;
  if (!found.status?.fetched_at) {
    await fetchFirst(org, name);
    found = await cached(claims, name, clientId, params);
  }
  const data = found.facts === null ? null : DATASETS[name].view(found.facts, params);
  if (data === null || !found.status?.fetched_at) {
    throw new NotFound(name === "user-details" ? "no such user in this organization" : "no cached data");
  }
  const fresh = freshness(found.status.fetched_at, postureSettings().POSTURE_TTL_HOURS);
  if (fresh.stale) await requestRefresh(org, name);
  return replyCached(data, fresh, syncOf(found.status));
}

/** cache-read-<dataset>: GET ?clientId= (user-details also &userId=, or /cache-read-user-details/<userId>). */
export function serveCacheRead(name: DatasetName) {
  serve({ auth: "user", methods: ["GET"] }, ({ user, url, route }) => {
    const given = { ...Object.fromEntries(url.searchParams), ...(route ? { userId: route } : {}) };
    if (name !== "user-details") {
      return readCached(user(), name, parse(ClientQuery, given, "query").clientId, {});
    }
    const { clientId, userId } = parse(UserQuery, given, "query");
    return readCached(user(), name, clientId, { userId });
  });
}
