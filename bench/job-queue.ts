// Job queue throughput: workers draining N trivial jobs through claim_jobs (FOR UPDATE SKIP LOCKED,
// batched) versus the naive baseline measured in the same run: each worker takes the oldest queued
// job with a plain FOR UPDATE, one per transaction, so workers queue up behind each other's locks.
import postgres from "postgres";
import { drain } from "../supabase/functions/_shared/jobs.ts";
import { graphRequestTotal, median, round, summaryLine } from "./support.ts";

const JOBS = 1000;
const WORKERS = 4;
const RUNS = 3;

const sql = postgres(Deno.env.get("SUPABASE_DB_URL")!, { max: WORKERS + 2, onnotice: () => {} });

async function seed(kind: string) {
  await sql`select private.enqueue_job(${kind}) from generate_series(1, ${JOBS})`;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return JOBS / ((performance.now() - started) / 1000);
}

async function skipLocked(kind: string) {
  await Promise.all(
    Array.from(
      { length: WORKERS },
      () => drain(sql, { kind, budgetMs: 120_000, batch: 10 }, () => ({ done: null })),
    ),
  );
}

async function naive(kind: string) {
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    while (true) {
      const claimed = await sql.begin(async (tx) => {
        const [job] = await tx`select id from private.jobs where kind = ${kind} and status = 'queued'
          order by run_after, id limit 1 for update`;
        // A plain FOR UPDATE that waited on a row another worker just finished can come back empty
        // although jobs remain; only stop when none are left.
        if (!job) {
          return (await tx`select exists (select from private.jobs where kind = ${kind} and status = 'queued') as left`)[
            0
          ].left;
        }
        await tx`update private.jobs set status = 'done', finished_at = now() where id = ${job.id}`;
        return true;
      });
      if (!claimed) return;
    }
  }));
}

const graphBefore = await graphRequestTotal();
const ours: number[] = [];
const baseline: number[] = [];
for (let run = 0; run < RUNS; run++) {
  for (const [label, fn, into] of [["claim_jobs", skipLocked, ours], ["naive", naive, baseline]] as const) {
    const kind = `bench-${label.replace("_", "-")}-${run}`;
    await seed(kind);
    into.push(await timed(() => fn(kind)));
    const [{ undone }] = await sql`select count(*)::int as undone from private.jobs
      where kind = ${kind} and status <> 'done'`;
    if (undone !== 0) throw new Error(`${label} left ${undone} jobs undone`);
    await sql`delete from private.jobs where kind = ${kind}`;
  }
}
const graphRequests = (await graphRequestTotal()) - graphBefore;
await sql.end();

console.log(`jobs=${JOBS} workers=${WORKERS} runs=${RUNS}`);
console.log(`claim_jobs (skip locked, batch 10): ${ours.map((v) => round(v)).join(", ")} jobs/s`);
console.log(`baseline (plain FOR UPDATE, one per tx): ${baseline.map((v) => round(v)).join(", ")} jobs/s`);
console.log(summaryLine("job-queue", {
  jobs: JOBS,
  workers: WORKERS,
  jobs_per_s_median: round(median(ours)),
  baseline_jobs_per_s_median: round(median(baseline)),
  ratio: round(median(ours) / median(baseline), 2),
  graph_requests: graphRequests,
}));
