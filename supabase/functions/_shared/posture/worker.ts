// The cache-write-* workers: drain queued refreshes (the nightly cache-write-all fan-out, stale
// reads, retries) a few organizations at a time. A refresh Microsoft throttled or failed for a
// while is queued again for later: one dataset as itself, `all` as per-dataset retries, so the
// datasets that did refresh are not read twice. Refused credentials end the job: the organization
// is backed off (sync status) instead of retried.
import { sql } from "../db.ts";
import { drain } from "../jobs.ts";
import { RetryLater } from "../errors.ts";
import { DATASET_NAMES, type DatasetName, type Organization } from "./dataset.ts";
import { type DatasetOutcome, refresh, type RefreshReport } from "./refresh.ts";

export type WriteTarget = DatasetName | "all";

/** Organizations posture can be read for: they exist and have app-only credentials. */
export async function postureOrganization(organizationId: string | number): Promise<Organization | null> {
  const [org] = await sql()<Organization[]>`
    select o.id, o.account_id from public.organizations o
    join public.m365_credentials c on c.organization_id = o.id where o.id = ${String(organizationId)}`;
  return org ?? null;
}

export const datasetsOf = (target: WriteTarget): readonly DatasetName[] =>
  target === "all" ? DATASET_NAMES : [target];

const transient = (o: DatasetOutcome) => o.status === "throttled" || (o.status === "error" && !o.credentials);

/** What a job keeps as its result: per dataset how it ended, and the Graph requests it took. */
function summary(report: RefreshReport) {
  return {
    organization_id: report.organization_id,
    outcomes: Object.fromEntries(
      report.outcomes.map((o) => [o.dataset, o.error ? `${o.status}: ${o.error}` : o.status]),
    ),
    requests: report.requests,
  };
}

export async function drainPosture(target: WriteTarget, budgetMs: number, kind = `cache-write-${target}`) {
  return await drain<{ organization_id: number }>(
    sql(),
    { kind, budgetMs, batch: 4, concurrency: 4 },
    async (job, ctx) => {
      const org = await postureOrganization(job.payload.organization_id);
      if (!org) return { done: { skipped: "the organization or its credentials are gone" } };
      const report = await refresh(org, datasetsOf(target), ctx.deadline);
      const retry = report.outcomes.filter(transient);
      if (retry.length && target !== "all") {
        throw new RetryLater(retry[0].error ?? "Microsoft failed", retry[0].retryAfterSeconds ?? 60);
      }
      for (const o of retry) {
        await sql()`select private.enqueue_posture_refresh(${org.id}, ${o.dataset},
          now() + make_interval(secs => ${o.retryAfterSeconds ?? 60}))`;
      }
      return { done: summary(report) };
    },
  );
}
