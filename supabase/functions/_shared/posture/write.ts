// cache-write-*: with the secret key it is the worker that drains its queue (pg_cron, wake-ups),
// or refreshes the organization named by clientId now; an account admin refreshes one of their
// organizations now. `all` answers per dataset, as the seeds do: results, total_success,
// total_failed (a failed dataset keeps its previous snapshot).
import { z } from "zod";
import type { UserClaims } from "../auth.ts";
import { asUser } from "../db.ts";
import { env } from "../env.ts";
import { BadRequest, NotFound } from "../errors.ts";
import { serve } from "../http.ts";
import { OrganizationId } from "../ids.ts";
import { requireRole } from "../membership.ts";
import type { Organization } from "./dataset.ts";
import { errorFor, refresh, type RefreshReport } from "./refresh.ts";
import { datasetsOf, drainPosture, postureOrganization, type WriteTarget } from "./worker.ts";

const WriteInput = z.object({ clientId: OrganizationId.optional() });

async function organizationFor(caller: UserClaims | null, clientId: string): Promise<Organization> {
  if (caller) {
    await asUser(caller, async (tx) => {
      const [org] = await tx<{ account_id: string }[]>`
        select account_id from public.organizations where id = ${clientId}`;
      if (!org) throw new NotFound("no such organization");
      await requireRole(tx, org.account_id, "admin", "refresh posture data");
    });
  }
  const org = await postureOrganization(clientId);
  if (!org) throw new NotFound("this organization has no Microsoft 365 credentials (or does not exist)");
  return org;
}

function answer(target: WriteTarget, report: RefreshReport) {
  if (target !== "all") {
    const [o] = report.outcomes;
    const error = errorFor(o);
    if (error) throw error;
    return {
      org_id: Number(report.organization_id),
      dataset: o.dataset,
      status: o.status,
      rows: o.rows,
      note: o.error,
    };
  }
  const ok = (status: string) => status === "ok" || status === "unlicensed";
  const key = (dataset: string) => dataset.replace("-", "_");
  return {
    org_id: Number(report.organization_id),
    results: Object.fromEntries(report.outcomes.map((o) => [key(o.dataset), ok(o.status)])),
    total_success: report.outcomes.filter((o) => ok(o.status)).length,
    total_failed: report.outcomes.filter((o) => !ok(o.status)).length,
    statuses: Object.fromEntries(
      report.outcomes.map((o) => [key(o.dataset), { status: o.status, error: o.error, rows: o.rows }]),
    ),
  };
}

/** cache-write-<target>: POST {clientId} (or ?clientId=). */
export function serveCacheWrite(target: WriteTarget) {
  serve({ auth: "publishable", methods: ["POST"] }, async ({ caller, query, body, user }) => {
    const budgetMs = env().WORKER_BUDGET_SECONDS * 1000;
    const claims = caller.kind === "secret" ? null : user();
    const clientId = (await body(WriteInput)).clientId ?? query(WriteInput).clientId;
    if (!claims && !clientId) return await drainPosture(target, budgetMs);
    if (!clientId) {
      throw new BadRequest("invalid query: clientId: which organization to refresh", "invalid_input");
    }
    const org = await organizationFor(claims, clientId);
    return answer(target, await refresh(org, datasetsOf(target), Date.now() + budgetMs));
  });
}
